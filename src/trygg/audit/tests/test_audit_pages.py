"""The auditor's audit log page and its CSV export: the current partnership's chain only,
filters, pagination pinned to the chain as it was opened, and every read audited."""

import csv
import datetime
import io
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from trygg.audit import views
from trygg.audit.models import SYSTEM_CHAIN, AuditEntry, partnership_chain
from trygg.audit.services import record, verify_chain
from trygg.core import services as core
from trygg.core.models import Role
from trygg.testing import PASSWORD

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOG = reverse("audit:log")
EXPORT = reverse("audit:export_csv")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def p_entries(world):
    return AuditEntry.objects.filter(chain=partnership_chain(world.p.pk))


def last_p_entry(world):
    return p_entries(world).order_by("-seq").first()


def at(moment):
    """Record entries as if written at ``moment`` (an aware datetime)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def body(response):
    return response.content.decode()


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def auditor_q(world):
    user = core.create_user(
        actor=None,
        email="auditor@q.example",
        organisation=world.org_q,
        password=PASSWORD,
        partnership=world.q,
    )
    core.set_membership(actor=None, user=user, partnership=world.q, role=Role.AUDITOR)
    return user


@pytest.fixture
def marked(world):
    """Entries in P's chain with a marker, one in Q's and one in the system chain."""
    coordinator = world.users["coordinator"]
    record(
        "incident.view",
        actor=coordinator,
        partnership=world.p,
        object_type="incidents.incident",
        object_id="4711",
        data={"page": "MARKÖR-P-LOGG"},
    )
    record(
        "incident.export",
        actor=world.users["other_org_reporter"],
        partnership=world.p,
        data={"format": "csv", "rows": 3},
    )
    record(
        "feeds.import",
        actor=world.users["other_partnership_coordinator"],
        partnership=world.q,
        data={"note": "MARKÖR-Q-LOGG"},
    )
    record("test.system", data={"note": "MARKÖR-SYSTEM-LOGG"})
    return world


# --- who sees what ------------------------------------------------------------------------


def test_the_auditor_sees_the_partnerships_log_newest_first(marked):
    response = client_for(marked.users["auditor"]).get(LOG)
    assert response.status_code == 200
    html = body(response)
    assert "MARKÖR-P-LOGG" in html
    assert "Läste en händelse" in html and "incident.view" in html
    assert "Exporterade händelser" in html
    # newest first: the export (written after the view) comes first
    assert html.index("Exporterade händelser") < html.index("Läste en händelse")
    assert "reporter@b.example" in html and "Organisation B" in html


def test_other_chains_are_never_shown(marked):
    client = client_for(marked.users["auditor"])
    html = body(client.get(LOG))
    csv_text = client.get(EXPORT).content.decode()
    for text in (html, csv_text):
        assert "MARKÖR-Q-LOGG" not in text
        assert "MARKÖR-SYSTEM-LOGG" not in text
        assert "test.system" not in text
        assert "coordinator@q.example" not in text


def test_another_partnerships_auditor_sees_none_of_ps_entries(marked, auditor_q):
    client = client_for(auditor_q)
    response = client.get(LOG)
    assert response.status_code == 200
    html = body(response)
    assert "MARKÖR-Q-LOGG" in html  # Q's own log is there
    assert "MARKÖR-P-LOGG" not in html
    assert "Organisation A" not in html and "Organisation B" not in html  # not even choices
    assert "Samverkan P" not in html
    export = client.get(EXPORT)
    assert export.status_code == 200
    assert "MARKÖR-P-LOGG" not in export.content.decode()
    assert "MARKÖR-Q-LOGG" in export.content.decode()
    # P's entries cannot be asked for by number or organisation either
    html = body(client.get(LOG, {"objekt": "4711"}))
    assert "MARKÖR-P-LOGG" not in html
    response = client.get(LOG, {"organisation": str(marked.org_a.pk)})
    assert response.status_code == 400
    assert "MARKÖR-P-LOGG" not in body(response)


@pytest.mark.parametrize(
    "subject",
    ["coordinator", "analyst", "partnership_admin", "org_admin", "viewer", "reporter"],
)
def test_other_roles_are_refused(marked, subject):
    client = client_for(marked.users[subject])
    assert client.get(LOG).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_objects_are_text_never_links_to_incidents(marked):
    html = body(client_for(marked.users["auditor"]).get(LOG))
    assert "4711" in html
    assert "händelse 4711" in html  # the model's name and the id, as text
    assert "/handelser/4711" not in html
    assert not re.search(r'href="/handelser/\d', html)


def test_only_the_auditor_has_the_menu_link(marked):
    html = body(client_for(marked.users["auditor"]).get(reverse("core:home")))
    assert f'href="{LOG}"' in html and "Granskningslogg" in html
    for subject in ("coordinator", "partnership_admin", "viewer"):
        html = body(client_for(marked.users[subject]).get(reverse("core:home")))
        assert f'href="{LOG}"' not in html


# --- reading the log is audited -----------------------------------------------------------


def test_viewing_the_log_is_audited_after_the_entries_it_shows(marked):
    client = client_for(marked.users["auditor"])
    before = last_p_entry(marked)
    response = client.get(LOG, {"handelse": "incident.view"})
    assert response.status_code == 200
    entry = last_p_entry(marked)
    assert entry.seq == before.seq + 1
    assert entry.action == "audit.view"
    assert entry.actor_label == "auditor@a.example"
    assert entry.data == {
        "filter": {"handelse": "incident.view"},
        "page": 1,
        "upto": before.seq,
        "rows": 1,
    }
    # The page shows the chain up to the entry before its own read ...
    assert f"post nr {before.seq}" in body(response)
    assert "<td>Läste granskningsloggen" not in body(response)
    # ... and the read shows the next time the log is opened.
    html = body(client.get(LOG))
    assert "<td>Läste granskningsloggen" in html
    assert verify_chain(partnership_chain(marked.p.pk)).ok


def test_a_filter_with_errors_shows_nothing_and_records_nothing(marked):
    client = client_for(marked.users["auditor"])
    before = last_p_entry(marked).seq
    response = client.get(LOG, {"fran": "2026-13-45"})
    assert response.status_code == 400
    html = body(response)
    assert "Ange datumet som ÅÅÅÅ-MM-DD." in html
    assert 'class="error-summary"' in html
    assert "<title>Fel: Granskningslogg" in html
    assert "MARKÖR-P-LOGG" not in html
    assert last_p_entry(marked).seq == before


@pytest.mark.parametrize(
    "params, message",
    [
        ({"till": "igår"}, "Ange datumet som ÅÅÅÅ-MM-DD."),
        ({"fran": "2026-03-05", "till": "2026-03-01"}, "Slutdatumet måste vara samma dag"),
        ({"fran": "0001-01-01"}, "Ange ett datum mellan 2000-01-01 och 2099-12-31."),
        ({"till": "9999-12-31"}, "Ange ett datum mellan 2000-01-01 och 2099-12-31."),
        ({"handelse": "no.such.action"}, "Välj ett alternativ i listan."),
        ({"objekttyp": "x"}, "Välj ett alternativ i listan."),
        ({"organisation": "abc"}, "Välj ett alternativ i listan."),
        ({"objekt": "9" * 61}, "Skriv högst 60 tecken."),
    ],
)
def test_bad_filters_are_a_clear_400(marked, params, message):
    client = client_for(marked.users["auditor"])
    for url in (LOG, EXPORT):
        response = client.get(url, params)
        assert response.status_code == 400, url
        assert message in body(response)
    assert not p_entries(marked).filter(action__in=["audit.view", "audit.export"]).exists()


# --- filters --------------------------------------------------------------------------------


def test_filter_by_user_organisation_action_and_object(marked):
    client = client_for(marked.users["auditor"])

    def shown(**params):
        html = body(client.get(LOG, params))
        return {
            "view": "MARKÖR-P-LOGG" in html,
            "export": "<td>reporter@b.example</td>" in html,
        }

    assert shown(anvandare="COORDINATOR@A") == {"view": True, "export": False}
    assert shown(anvandare="b.example") == {"view": False, "export": True}
    assert shown(organisation=str(marked.org_b.pk)) == {"view": False, "export": True}
    assert shown(organisation=str(marked.org_a.pk)) == {"view": True, "export": False}
    assert shown(handelse="incident.export") == {"view": False, "export": True}
    assert shown(objekttyp="incidents.incident") == {"view": True, "export": False}
    assert shown(objekttyp="incidents.incident", objekt="4711") == {
        "view": True,
        "export": False,
    }
    assert shown(objekt="4712") == {"view": False, "export": False}


def test_the_choices_are_what_the_chain_holds(marked):
    html = body(client_for(marked.users["auditor"]).get(LOG))
    assert '<option value="incident.view">Läste en händelse (incident.view)</option>' in html
    assert '<option value="feeds.import"' not in html  # Q's action only
    assert f'<option value="{marked.org_b.pk}">Organisation B</option>' in html
    assert f'<option value="{marked.org_q.pk}"' not in html
    assert '<option value="incidents.incident">händelse (incidents.incident)</option>' in html


def test_the_period_is_in_local_days(world):
    auditor = world.users["auditor"]
    # 22:30 UTC on 1 March is 23:30 in Stockholm (CET): still 1 March locally.
    with at(datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.UTC)):
        record("incident.view", partnership=world.p, object_id="DAG-1")
    # 23:30 UTC on 1 March is 00:30 on 2 March in Stockholm.
    with at(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)):
        record("incident.view", partnership=world.p, object_id="DAG-2")
    # Summer time: 22:30 UTC on 30 June is 00:30 on 1 July in Stockholm (CEST).
    with at(datetime.datetime(2026, 6, 30, 22, 30, tzinfo=datetime.UTC)):
        record("incident.view", partnership=world.p, object_id="DAG-3")
    client = client_for(auditor)

    def ids(**params):
        html = body(client.get(LOG, params))
        return {i for i in ("DAG-1", "DAG-2", "DAG-3") if i in html}

    assert ids(fran="2026-03-01", till="2026-03-01") == {"DAG-1"}
    assert ids(fran="2026-03-02", till="2026-03-02") == {"DAG-2"}
    assert ids(fran="2026-03-02") == {"DAG-2", "DAG-3"}
    assert ids(till="2026-06-30") == {"DAG-1", "DAG-2"}
    assert ids(fran="2026-07-01", till="2026-07-01") == {"DAG-3"}
    assert ids(fran="1/7/2026", till="1.7.2026") == {"DAG-3"}  # Swedish input formats
    html = body(client.get(LOG, {"objekt": "DAG-2"}))
    assert "2026-03-02 00:30:00" in html  # shown in local time


def test_empty_states(world, auditor_q):
    client = client_for(world.users["auditor"])
    response = client.get(LOG, {"anvandare": "ingen-sadan-anvandare"})
    assert response.status_code == 200
    assert "Inga poster i urvalet" in body(response)
    assert "Ladda ner urvalet som CSV" not in body(response)
    # A chain with nothing to show yet (entries after the pinned end do not count).
    response = client_for(auditor_q).get(LOG, {"senast": "0"})
    assert response.status_code == 200
    assert "Loggen är tom" in body(response)


# --- pagination pinned to the chain as it was opened ------------------------------------------


def test_pages_stay_put_while_reads_are_recorded(world):
    for i in range(230):
        record("incident.view", partnership=world.p, object_id=f"N{i:03d}")
    client = client_for(world.users["auditor"])
    upto = last_p_entry(world).seq
    first = client.get(LOG)
    html = body(first)
    assert f"senast={upto}&amp;sida=2" in html
    assert html.count("<tr>") == views.PAGE_SIZE + 1  # header row + 100 entries
    assert "N229" in html and "N130" in html and "N129" not in html
    # Reads of the log were recorded meanwhile; page 2 of the pinned view still starts
    # where page 1 ended.
    client.get(LOG)
    second = body(client.get(LOG, {"senast": upto, "sida": 2}))
    assert "N129" in second and "N030" in second
    assert "N130" not in second and "N029" not in second
    assert "<td>Läste granskningsloggen" not in second
    # A number beyond the chain's end is the chain's end.
    assert "post nr" in body(client.get(LOG, {"senast": "99999999"}))
    assert "sida 1 av" in body(client.get(LOG, {"senast": "x"}))


# --- the export -----------------------------------------------------------------------------


def test_the_export_is_the_filtered_selection_and_is_audited(marked):
    client = client_for(marked.users["auditor"])
    before = last_p_entry(marked).seq
    response = client.get(EXPORT, {"handelse": "incident.view"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="granskningslogg-p-')
    assert response["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert rows[0][:3] == ["Nr", "Tidpunkt", "Användare"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Händelsekod"] == "incident.view"
    assert row["Händelse"] == "Läste en händelse"
    assert row["Objekttyp"] == "incidents.incident" and row["Objekt-id"] == "4711"
    assert row["Användare"] == "coordinator@a.example"
    assert "MARKÖR-P-LOGG" in row["Uppgifter"]
    assert len(row["HMAC"]) == 64
    entry = last_p_entry(marked)
    assert entry.seq == before + 1
    assert entry.action == "audit.export"
    assert entry.data == {
        "format": "csv",
        "filter": {"handelse": "incident.view"},
        "upto": before,
        "rows": 1,
    }


def test_the_export_leaves_out_its_own_entry_and_later_ones(marked):
    client = client_for(marked.users["auditor"])
    upto = last_p_entry(marked).seq
    record("incident.view", partnership=marked.p, object_id="SENARE")
    rows = csv_rows(client.get(EXPORT, {"senast": upto}))
    numbers = [int(r[0]) for r in rows[1:]]
    assert max(numbers) == upto and numbers == sorted(numbers, reverse=True)
    assert not any("SENARE" in cell for r in rows for cell in r)
    assert not any("audit.export" in r for r in rows)


def test_the_export_cannot_be_read_as_formulas(world):
    record(
        "incident.view",
        partnership=world.p,
        object_id="=HYPERLINK(1)",
        data={"x": 1},
    )
    rows = csv_rows(client_for(world.users["auditor"]).get(EXPORT, {"objekt": "=HYPERLINK(1)"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Objekt-id"] == "'=HYPERLINK(1)"


def test_too_large_an_export_is_refused(marked, monkeypatch):
    monkeypatch.setattr(views, "MAX_EXPORT_ROWS", 1)
    client = client_for(marked.users["auditor"])
    response = client.get(EXPORT, {"anvandare": "a"})
    assert response.status_code == 302
    assert response.url == f"{LOG}?anvandare=a"
    assert "högst 1" in body(client.get(response.url))
    assert not p_entries(marked).filter(action="audit.export").exists()


def test_the_page_works_in_english(marked):
    client = client_for(marked.users["auditor"])
    client.post(reverse("set_language"), {"language": "en", "next": LOG})
    response = client.get(LOG)
    assert response.status_code == 200
    assert "MARKÖR-P-LOGG" in body(response)


def test_system_chain_entries_of_the_auditor_stay_out(marked):
    """Logging in writes to the system chain; that never shows in a partnership's log."""
    client = Client()
    assert client.login(email="auditor@a.example", password=PASSWORD)
    assert AuditEntry.objects.filter(chain=SYSTEM_CHAIN, action="login").exists()
    html = body(client.get(LOG))
    assert "MARKÖR-P-LOGG" in html
    assert ">login<" not in html and "(login)" not in html
