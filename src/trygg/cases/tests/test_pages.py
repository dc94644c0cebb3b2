"""The case pages end to end, their bad paths, and that nothing of a case reaches the
place-based pages, exports, the API, the audit log page or e-mail."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.cases import services
from trygg.cases.models import Case, CaseIdentity, Consent, Stage
from trygg.incidents.models import Category, Incident, Label, Source

from .conftest import NAME, PNR, PNR_10, give_consent, make_case

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def open_case(client, case, purpose="handlaggning"):
    response = client.post(reverse("cases:purpose", kwargs={"pk": case.pk}), {"purpose": purpose})
    assert response.status_code == 302
    return client.get(reverse("cases:detail", kwargs={"pk": case.pk}))


def test_a_case_worker_runs_a_case_from_intake_to_closing(cases_world):
    client = client_for(cases_world.users["case_worker"])
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("cases:create"),
        {"programme": "exit", "name": NAME, "personnummer": PNR_10, "background": "Vill lämna"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    page = client.get(response.url).content.decode()
    assert NAME in page and PNR in page  # the owner sees the identity
    steps = [
        ("cases:team", {"user": cases_world.users["case_worker_b"].pk, "role": "member"}),
        (
            "cases:consent",
            {
                "given_by": "person",
                "given_on": today,
                "expires_on": (timezone.localdate() + dt.timedelta(days=180)).isoformat(),
                "organisations": [cases_world.org_b.pk],
                "scope": ["plan", "meetings"],
            },
        ),
        ("cases:stage", {"stage": "assessment"}),
        (
            "cases:assessment",
            {"assessed_on": today, "risk_crime": "high", "risk_housing": "medium", "needs": "Bo"},
        ),
        ("cases:stage", {"stage": "plan"}),
        (
            "cases:commitment",
            {
                "sector": "housing",
                "organisation": cases_world.org_b.pk,
                "description": "Skyddat boende",
            },
        ),
        ("cases:reference", {"reference": "Dnr SOC-2026-17"}),
        ("cases:meeting", {"held_on": today, "notes": "Planmöte hölls", "label": "AMBER"}),
        ("cases:follow_up", {"due_on": today, "what": "Boendet"}),
        ("cases:stage", {"stage": "follow_up"}),
        ("cases:close", {"outcome": "goals_met", "outcome_note": "Klart"}),
    ]
    for name, data in steps:
        response = client.post(reverse(name, kwargs={"pk": case.pk}), data)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.outcome == "goals_met"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for text in ("Skyddat boende", "Dnr SOC-2026-17", "Planmöte hölls", "Boendet", "Klart"):
        assert text in page
    export = client.get(reverse("cases:export", args=[case.pk]))
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    document = json.loads(export.content)
    assert document["identity"] == {"name": NAME, "personnummer": PNR}
    assert document["plan"][0]["description"] == "Skyddat boende"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"cases.create", "cases.read", "cases.close", "cases.export"} <= actions


def test_every_read_is_audited_with_its_purpose_and_without_the_identity(cases_world):
    case = make_case(cases_world)
    client = client_for(cases_world.users["case_worker"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert NAME not in page  # the purpose comes first
    assert not AuditEntry.objects.filter(action="cases.read").exists()
    response = client.post(reverse("cases:purpose", args=[case.pk]), {"purpose": "annat"})
    assert response.status_code == 200 and "Beskriv varför" in response.content.decode()
    client.post(reverse("cases:purpose", args=[case.pk]), {"purpose": "annat", "other": "Tillsyn"})
    assert NAME in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    entry = AuditEntry.objects.get(action="cases.read")
    assert entry.data["purpose"] == "Annat (beskriv nedan): Tillsyn"
    assert NAME not in json.dumps(entry.data) and PNR not in json.dumps(entry.data)


def test_another_organisation_sees_the_shared_parts_without_the_identity(cases_world):
    case = make_case(cases_world)
    give_consent(cases_world, case, scope=["plan"])
    owner = cases_world.users["case_worker"]
    services.add_commitment(
        actor=owner,
        case=case,
        sector="school",
        organisation=cases_world.org_b,
        description="Läxhjälp",
    )
    services.add_meeting(actor=owner, case=case, held_on=cases_world.today, notes="Hemligt möte")
    page = open_case(client_for(cases_world.users["case_worker_b"]), case).content.decode()
    assert "Läxhjälp" in page
    for secret in (NAME, PNR, "Hemligt möte", "Oro från skolan"):
        assert secret not in page


@pytest.mark.parametrize(
    "data, field",
    [
        ({"personnummer": "201001012383"}, "kontrollsiffran"),
        ({"personnummer": ""}, "Skriv personnumret"),
        ({"name": ""}, "Skriv personens namn"),
        ({"programme": ""}, "Välj verksamhet"),
        ({"opened_on": "2999-01-01"}, "framtiden"),
    ],
)
def test_a_bad_new_case_is_refused_and_nothing_is_written(cases_world, data, field):
    client = client_for(cases_world.users["case_worker"])
    values = {"programme": "sspf", "name": NAME, "personnummer": PNR, **data}
    response = client.post(reverse("cases:create"), values)
    assert response.status_code == 200
    assert field in response.content.decode()
    assert Case.objects.count() == CaseIdentity.objects.count() == 0


def test_a_duplicate_personnummer_is_refused_in_the_form(cases_world):
    case = make_case(cases_world)
    client = client_for(cases_world.users["case_worker"])
    response = client.post(
        reverse("cases:create"), {"programme": "exit", "name": "X", "personnummer": PNR_10}
    )
    assert response.status_code == 200 and case.code in response.content.decode()
    assert Case.objects.count() == 1


def test_a_consent_expiring_before_it_was_given_is_refused(cases_world):
    case = make_case(cases_world)
    client = client_for(cases_world.users["case_worker"])
    response = client.post(
        reverse("cases:consent", args=[case.pk]),
        {
            "given_by": "guardians",
            "given_on": "2026-01-10",
            "expires_on": "2026-01-01",
            "organisations": [cases_world.org_b.pk],
            "scope": ["plan"],
        },
    )
    assert response.status_code == 200
    assert "upphöra före" in response.content.decode()
    response = client.post(reverse("cases:consent", args=[case.pk]), {"given_by": "person"})
    assert "Välj minst en organisation" in response.content.decode()
    assert Consent.objects.count() == 0


def _incident(world):
    Incident.objects.create(
        partnership=world.p,
        organisation=world.org_a,
        reported_by=world.users["reporter"],
        source=Source.MANUAL,
        category=Category.objects.get(code="VALD.HOT"),
        occurred_date=timezone.localdate(),
        reported_at=timezone.now(),
        area=world.area_p,
        description="Bråk vid torget",
        label=Label.GREEN,
    )


PLACE_PAGES = [
    ("core:home", {}),
    ("geo:areas_geojson", {}),
    ("situation:latest", {}),
    ("situation:archive", {}),
    ("incidents:list", {}),
    ("incidents:list", {"q": "Hemligsson"}),
    ("incidents:export_csv", {}),
    ("incidents:map_geojson", {}),
    ("work:list", {}),
    ("meetings:list", {}),
    ("agreement:overview", {}),
    ("audit:log", {}),
    ("audit:export_csv", {}),
    ("cases:statistics", {}),
]
SEEN_BY = (
    "reporter",
    "coordinator",
    "analyst",
    "org_admin",
    "partnership_admin",
    "viewer",
    "auditor",
    "case_worker",
)


def test_no_case_data_reaches_the_place_based_pages_api_exports_or_e_mail(cases_world):
    from trygg.api.services import create_token

    _incident(cases_world)
    case = make_case(cases_world)
    give_consent(cases_world, case)
    owner = cases_world.users["case_worker"]
    services.add_meeting(actor=owner, case=case, held_on=cases_world.today, notes="Mötesmarkör")
    services.add_follow_up(actor=owner, case=case, due_on=cases_world.today, what="Uppf-markör")
    open_case(client_for(owner), case)  # a read in the audit log
    services.send_follow_up_reminders()
    secrets = (NAME, "Hemligsson", PNR, PNR[2:], PNR_10, "Mötesmarkör", "Uppf-markör")
    failures = []
    for role in SEEN_BY:
        client = client_for(cases_world.users[role])
        for name, query in PLACE_PAGES:
            response = client.get(reverse(name), query, follow=True)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode(errors="replace")
            for echoed in query.values():  # the search box shows the query itself
                text = text.replace(echoed, "")
            failures += [f"{name} as {role}: {s}" for s in secrets if s in text]
    _token, plaintext = create_token(
        actor=cases_world.users["org_admin"],
        partnership=cases_world.p,
        organisation=cases_world.org_a,
        name="Test",
        scope="read",
    )
    api = Client().get("/api/v1/incidents", headers={"Authorization": f"Bearer {plaintext}"})
    assert api.status_code == 200
    failures += [f"api: {s}" for s in secrets if s in api.content.decode()]
    for message in mail.outbox:
        failures += [f"e-mail: {s}" for s in secrets if s in message.body + message.subject]
    assert mail.outbox, "the reminder was sent"
    assert not failures, "\n".join(failures)


def test_the_statistics_page_shows_small_counts_suppressed(cases_world):
    make_case(cases_world, with_b=False)
    client = client_for(cases_world.users["viewer"])
    page = client.get(reverse("cases:statistics")).content.decode()
    assert "&lt;5" in page
    assert NAME not in page
    month = timezone.localdate().strftime("%Y-%m")
    assert month in page
