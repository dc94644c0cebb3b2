"""Approving a lägesbild: the frozen snapshot, its PDFs and hashes, revisions, late reports,
and what each role reads back."""

import datetime
import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.incidents import services as incident_services
from trygg.incidents.models import Label
from trygg.situation import services
from trygg.situation.models import SituationVersion

from .conftest import WEEK, add_incidents, refresh_rollup

pytestmark = pytest.mark.django_db


def pdf_text(data):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def week_with_data(sigtuna):
    regsos = list(sigtuna.sigtuna.regso.values())
    first, second = regsos[0], regsos[1]
    add_incidents(sigtuna, area=first, day=WEEK.start, n=7)
    add_incidents(sigtuna, area=second, day=WEEK.start + datetime.timedelta(days=2), n=2)
    add_incidents(
        sigtuna,
        area=second,
        day=WEEK.start,
        label=Label.AMBER_STRICT,
        organisation=sigtuna.org_b,
        reporter=sigtuna.users["other_org_reporter"],
    )
    for week in range(1, 53):
        add_incidents(sigtuna, area=first, day=WEEK.start - datetime.timedelta(weeks=week))
    refresh_rollup(sigtuna)
    sigtuna.first, sigtuna.second = first, second
    return sigtuna


def approve(world, note=""):
    return services.approve(
        actor=world.users["coordinator"], partnership=world.p, period=WEEK, change_note=note
    )


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def test_approval_freezes_the_numbers_texts_and_two_pdfs_with_their_hashes(week_with_data):
    world = week_with_data
    services.save_assessment(
        actor=world.users["coordinator"],
        partnership=world.p,
        period=WEEK,
        assessment="Lugnt utom i centrum. Ring 070-123 45 67.",
    )
    version = approve(world)

    assert version.number == 1
    assert version.snapshot["texts"]["assessment"].startswith("Lugnt utom i centrum.")
    assert "070-123 45 67" not in version.snapshot["texts"]["assessment"]
    assert bytes(version.pdf_partnership).startswith(b"%PDF")
    assert hashlib.sha256(bytes(version.pdf_partnership)).hexdigest() == (
        version.pdf_partnership_sha256
    )
    assert hashlib.sha256(bytes(version.pdf_viewer)).hexdigest() == version.pdf_viewer_sha256
    canonical = json.dumps(
        version.snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert hashlib.sha256(canonical).hexdigest() == version.snapshot_sha256
    entry = AuditEntry.objects.filter(action="situation.approve").get()
    assert entry.data["pdf_partnership_sha256"] == version.pdf_partnership_sha256

    text = pdf_text(bytes(version.pdf_partnership))
    assert "TLP:GREEN" in text
    assert "Tabeller per område" in text and world.first.name in text
    viewer_text = pdf_text(bytes(version.pdf_viewer))
    assert "TLP:GREEN" in viewer_text
    assert "<5" in viewer_text  # the 2 (and the 1) in the second area are suppressed


def test_corrections_after_approval_never_change_the_approved_version(week_with_data):
    world = week_with_data
    version = approve(world)
    stored = SituationVersion.objects.get(pk=version.pk)
    before = (bytes(stored.pdf_partnership), stored.snapshot)

    incident = world.first.incidents.filter(occurred_date=WEEK.start).first()
    incident_services.withdraw_incident(
        actor=world.users["coordinator"], incident=incident, reason="dubblett"
    )
    late = add_incidents(world, area=world.first, day=WEEK.end, n=3)
    refresh_rollup(world)

    stored = SituationVersion.objects.get(pk=version.pk)
    assert (bytes(stored.pdf_partnership), stored.snapshot) == before
    assert hashlib.sha256(bytes(stored.pdf_partnership)).hexdigest() == (
        stored.pdf_partnership_sha256
    )

    # The late reports show in the next week's draft ...
    from trygg.situation.picture import build_picture

    for incident in late:  # they arrived after the approval
        type(incident).objects.filter(pk=incident.pk).update(
            created_at=timezone.now() + datetime.timedelta(minutes=1)
        )
    next_week = build_picture(world.p, WEEK.next())
    assert {"period": WEEK.key, "count": 3} in next_week["overview"]["late"]
    # ... and in a revision, which needs a change note
    with pytest.raises(ValidationError):
        approve(world)
    revision = approve(world, note="Tre sena rapporter, en dubblett borttagen.")
    assert revision.number == 2
    g = [g["code"] for g in revision.snapshot["groups"]].index("VALD")
    r = [row["name"] for row in revision.snapshot["rows"]].index(world.first.name)
    assert revision.snapshot["table"]["current"]["groups"][r][g] == 7 - 1 + 3
    assert stored.snapshot["table"]["current"]["groups"][r][g] == 7
    assert AuditEntry.objects.filter(action="situation.revise").count() == 1


def test_a_period_that_is_not_over_cannot_be_approved(world):
    from trygg.situation.periods import Period

    this_week = Period.containing("week", timezone.localdate())
    with pytest.raises(ValidationError):
        services.approve(actor=world.users["coordinator"], partnership=world.p, period=this_week)
    assert not SituationVersion.objects.exists()


def test_only_coordinators_write_and_approve(world):
    for role in ("analyst", "viewer", "reporter", "partnership_admin"):
        with pytest.raises(ValidationError):
            services.approve(actor=world.users[role], partnership=world.p, period=WEEK)
        with pytest.raises(ValidationError):
            services.save_assessment(
                actor=world.users[role], partnership=world.p, period=WEEK, assessment="x"
            )
    assert not SituationVersion.objects.exists()


def test_rendering_an_approved_week_reads_only_the_snapshot(week_with_data):
    world = week_with_data
    approve(world)
    client = client_for(world, "coordinator")
    url = reverse("situation:page", args=[WEEK.key])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + "?version=1")
    assert response.status_code == 200
    touched = [q["sql"] for q in queries if "incidents_incident" in q["sql"]]
    assert touched == []
    assert world.first.name in response.content.decode()


def test_each_role_reads_the_approved_week_with_the_right_detail(week_with_data):
    world = week_with_data
    approve(world)
    url = reverse("situation:page", args=[WEEK.key])

    def points(role):
        response = client_for(world, role).get(url)
        assert response.status_code == 200
        body = response.content.decode()
        start = body.index('id="situation-points"') if 'id="situation-points"' in body else -1
        if start < 0:
            return None, body
        data = body[body.index(">", start) + 1 : body.index("</script>", start)]
        return json.loads(data), body

    coordinator_points, _body = points("coordinator")
    b_points, _body = points("other_org_reporter")
    # The AMBER+STRICT report of organisation B: only B's own members see it
    assert len(coordinator_points) == 9
    assert len(b_points) == 10
    viewer_points, viewer_body = points("viewer")
    assert not viewer_points
    assert "&lt;5" in viewer_body
    assert "AMBER" not in viewer_body


def test_viewers_get_suppressed_csv_and_the_viewer_pdf(week_with_data):
    world = week_with_data
    version = approve(world)
    viewer = client_for(world, "viewer")
    csv_body = viewer.get(reverse("situation:csv", args=[WEEK.key]) + "?version=1").content.decode(
        "utf-8-sig"
    )
    assert "<5" in csv_body
    for line in csv_body.splitlines()[1:]:
        cells = line.split(";")[4:]
        del cells[3]  # the weekly mean of the 52 weeks before: a mean, not a count
        assert not any(cell in {"1", "2", "3", "4"} for cell in cells), line
    pdf = viewer.get(reverse("situation:pdf", args=[WEEK.key, 1]))
    assert pdf.content == bytes(version.pdf_viewer)
    coordinator_pdf = client_for(world, "coordinator").get(
        reverse("situation:pdf", args=[WEEK.key, 1])
    )
    assert coordinator_pdf.content == bytes(version.pdf_partnership)
    detail_csv = client_for(world, "analyst").get(
        reverse("situation:csv", args=[WEEK.key]) + "?version=1"
    )
    line = next(
        line
        for line in detail_csv.content.decode("utf-8-sig").splitlines()
        if line.startswith(f"{world.second.name};RegSO-område;Våld och hot;;")
    )
    assert line.split(";")[4] == "3"  # exact for a detail role: 2 GREEN + 1 AMBER+STRICT
    assert AuditEntry.objects.filter(action="situation.pdf_download").count() == 2


def test_another_partnership_never_sees_the_version(week_with_data):
    world = week_with_data
    approve(world)
    client = client_for(world, "other_partnership_coordinator")
    assert client.get(reverse("situation:pdf", args=[WEEK.key, 1])).status_code == 404
    page = client.get(reverse("situation:page", args=[WEEK.key]) + "?version=1")
    assert page.status_code == 404
    draft = client.get(reverse("situation:page", args=[WEEK.key]))
    assert world.first.name not in draft.content.decode()


def test_a_viewer_sees_nothing_before_approval(week_with_data):
    response = client_for(week_with_data, "viewer").get(reverse("situation:page", args=[WEEK.key]))
    assert response.status_code == 200
    assert "inte fastställd" in response.content.decode()
    assert week_with_data.first.name not in response.content.decode()


def test_a_viewer_cannot_work_out_any_small_count_from_the_csv(sigtuna):
    """The attacker of the suppression module, fed only what the viewer's CSV shows, on the
    real picture's tables: every window, nested areas and year to date together."""
    import random

    from trygg.situation import suppression
    from trygg.situation.render import WINDOW_ORDER, window_labels
    from trygg.situation.suppression import Column, Status

    rng = random.Random(11)
    regsos = list(sigtuna.sigtuna.regso.values())
    codes = ["VALD.HOT", "VALD.MISSHANDEL", "NARK.BRUK", "SKADA.KLOTTER", "ORDNING.BRAK"]
    for _ in range(160):
        day = WEEK.end - datetime.timedelta(days=int(rng.expovariate(1 / 60)) % 400)
        add_incidents(sigtuna, area=rng.choice(regsos), day=day, category=rng.choice(codes))
    refresh_rollup(sigtuna)
    version = approve(sigtuna)
    picture = version.snapshot

    body = client_for(sigtuna, "viewer").get(
        reverse("situation:csv", args=[WEEK.key]) + "?version=1"
    )
    lines = [line.split(";") for line in body.content.decode("utf-8-sig").splitlines()]
    header, lines = lines[0], lines[1:]
    labels = window_labels("week")
    assert header[4:] == [labels[w] for w in WINDOW_ORDER]
    kinds = {"fokusområde": "focus", "kommundel": "district", "RegSO-område": "regso"}
    row_id = {(r["name"], r["kind"]): r["id"] for r in picture["rows"]}
    group_code = {g["label"]: g["code"] for g in picture["groups"]}
    category_id = {
        (g["label"], c["label"]): c["id"] for g in picture["groups"] for c in g["categories"]
    }
    tables = {}
    for name in WINDOW_ORDER:
        tables[name] = suppression._area_table_from_dicts(
            picture["rows"],
            picture["groups"],
            picture["table"][name]["groups"],
            picture["table"][name]["categories"],
        )
    statuses, shown = {}, {}
    for line in lines:
        rid = row_id[(line[0], kinds.get(line[1], "total"))]
        if line[2] == "Alla grupper":
            column = suppression.TOTAL_COLUMN
        elif line[3]:
            column = Column("category", category_id[(line[2], line[3])])
        else:
            column = Column("group", group_code[line[2]])
        for name, text in zip(WINDOW_ORDER, line[4:], strict=True):
            key = (name, (rid, column))
            true = tables[name].values[(rid, column)]
            if text == "<5":
                statuses[key] = Status.PRIMARY
            elif text == "–":
                statuses[key] = Status.SECONDARY
            else:
                statuses[key] = Status.SHOWN
                shown[key] = true  # the attacker knows it (the baseline even as a mean)
                if name != "baseline":
                    assert int(text) == true
    spans = {
        name: tuple(datetime.date.fromisoformat(d) for d in picture["windows"][name])
        for name in WINDOW_ORDER
    }
    combined = suppression.combine_tables(tables, suppression.window_relations(spans))
    small = [k for k, s in statuses.items() if s != Status.SHOWN and 0 < combined.values[k] < 5]
    assert small, "the data should have small counts to protect"
    ranges = suppression.disclosure_ranges(
        statuses, shown, combined.constraints, unpublished=combined.unpublished, cells=small
    )
    pinned = [k for k in small if not suppression.is_protected(*ranges[k])]
    assert pinned == []


def _viewer_cells(picture):
    """(tables, spans, statuses, shown values) of a published picture, as its viewers
    read it (the attacker's knowledge), keyed by window name."""
    from trygg.situation import suppression
    from trygg.situation.picture import WINDOWS

    tables, spans, statuses, shown = {}, {}, {}, {}
    for name in WINDOWS:
        table = suppression._area_table_from_dicts(
            picture["rows"],
            picture["groups"],
            picture["table"][name]["groups"],
            picture["table"][name]["categories"],
        )
        tables[name] = table
        spans[name] = tuple(datetime.date.fromisoformat(d) for d in picture["windows"][name])
        for cell, status in suppression._statuses_from_json(
            picture["rows"], picture["groups"], table, picture["suppression"][name]
        ).items():
            statuses[(name, cell)] = status
            if status == suppression.Status.SHOWN:
                shown[(name, cell)] = table.values[cell]
    return tables, spans, statuses, shown


def _pinned_by_reading_together(pictures):
    from trygg.situation import suppression

    tables, spans, statuses, shown = {}, {}, {}, {}
    for key, picture in pictures.items():
        t, sp, st, sh = _viewer_cells(picture)
        tables.update(((key, n), v) for n, v in t.items())
        spans.update(((key, n), v) for n, v in sp.items())
        statuses.update((((key, n), c), v) for (n, c), v in st.items())
        shown.update((((key, n), c), v) for (n, c), v in sh.items())
    combined = suppression.combine_tables(
        tables, suppression.window_relations(spans), where_true=True
    )
    small = [k for k, s in statuses.items() if s != "shown" and 0 < combined.values[k] < 5]
    assert small, "the data should have small counts to protect"
    ranges = suppression.disclosure_ranges(
        statuses, shown, combined.constraints, unpublished=combined.unpublished, cells=small
    )
    return [k for k in small if not suppression.is_protected(*ranges[k])]


def test_this_weeks_picture_read_with_last_weeks_gives_no_small_count_away(sigtuna):
    """A viewer with last week's approved lägesbild and this week's subtracts the year to
    date of one from the other's: this week is approved with last week's as published, so
    nothing small can be worked out from the two together either."""
    import random

    rng = random.Random(5)
    regsos = list(sigtuna.sigtuna.regso.values())
    codes = ["VALD.HOT", "VALD.MISSHANDEL", "NARK.BRUK", "SKADA.KLOTTER", "ORDNING.BRAK"]
    for _ in range(120):
        day = WEEK.end - datetime.timedelta(days=int(rng.expovariate(1 / 40)) % 300)
        add_incidents(sigtuna, area=rng.choice(regsos), day=day, category=rng.choice(codes))
    refresh_rollup(sigtuna)
    last_week = WEEK.previous()
    coordinator = sigtuna.users["coordinator"]
    earlier = services.approve(actor=coordinator, partnership=sigtuna.p, period=last_week)
    assert earlier.snapshot["suppressed_with"] == []
    version = approve(sigtuna)
    assert version.snapshot["suppressed_with"] == [{"period": last_week.key, "version": 1}]
    assert _pinned_by_reading_together({"last": earlier.snapshot, "this": version.snapshot}) == []

    # a late report for last week, then a revision of this week: read first with its
    # own first version; last week's too unless what the two earlier ones showed already
    # decides one of the new small counts (then it is left out, and says so)
    add_incidents(sigtuna, area=regsos[0], day=last_week.start, category="VALD.HOT")
    refresh_rollup(sigtuna)
    revised = approve(sigtuna, note="Sen rapport för förra veckan.")
    used = revised.snapshot["suppressed_with"]
    assert used[0] == {"period": WEEK.key, "version": 1}
    assert used[1:] in ([], [{"period": last_week.key, "version": 1}])
    together = {"this": version.snapshot, "revised": revised.snapshot}
    if len(used) == 2:
        together["last"] = earlier.snapshot
    assert _pinned_by_reading_together(together) == []


def test_neighbours_with_other_areas_are_left_out(week_with_data):
    """A picture approved before the areas changed shares no cells with the new one."""
    from trygg.situation.picture import build_picture, with_suppression

    world = week_with_data
    old = services.approve(
        actor=world.users["coordinator"], partnership=world.p, period=WEEK.previous()
    ).snapshot
    old["rows"] = old["rows"][1:]
    picture = with_suppression(build_picture(world.p, WEEK), earlier=[old])
    assert picture["suppressed_with"] == []
    assert picture["suppression"]["current"]["totals"]
