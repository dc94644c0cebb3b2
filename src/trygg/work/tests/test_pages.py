"""The action and presence pages as their users see them."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.work import services
from trygg.work.models import Action, ActionEvaluation, Presence

from .conftest import add_incidents, refresh_rollup


def client_for(world, subject):
    client = Client()
    client.force_login(world.users[subject])
    return client


def action(world, actor="reporter", **kwargs):
    args = {
        "title": "Klotterplanering",
        "type": "environment",
        "organisation": world.org_a,
        "description": "HEMLIG BESKRIVNING",
        "areas": [world.area_p],
    }
    args.update(kwargs)
    return services.create_action(actor=world.users[actor], partnership=world.p, **args)


def aware(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.mark.django_db
def test_list_marks_overdue_in_text_and_lists_them_first(world):
    today = timezone.localdate()
    action(world, title="I tid", end=today + dt.timedelta(days=5))
    action(
        world,
        title="Sen åtgärd",
        start=today - dt.timedelta(days=20),
        end=today - dt.timedelta(days=2),
    )
    body = client_for(world, "coordinator").get(reverse("work:list")).content.decode()
    assert "Försenad" in body
    assert body.index("Sen åtgärd") < body.index("I tid")
    assert "varav 1 försenad" in body


@pytest.mark.django_db
def test_list_filters_by_status_and_organisation(world):
    action(world, title="Klar sak", status="done")
    action(world, title="Öppen sak")
    action(world, actor="other_org_reporter", title="B:s sak", organisation=world.org_b)
    client = client_for(world, "coordinator")
    body = client.get(reverse("work:list"), {"status": "done"}).content.decode()
    assert "Klar sak" in body and "Öppen sak" not in body
    body = client.get(reverse("work:list"), {"organisation": world.org_b.pk}).content.decode()
    assert "B:s sak" in body and "Öppen sak" not in body


@pytest.mark.django_db
def test_viewer_sees_green_summaries_only(world):
    green = action(world, title="Grön åtgärd")
    services.update_action(
        actor=world.users["reporter"], partnership=world.p, action=green, outcome="HEMLIGT RESULTAT"
    )
    action(world, title="Gul åtgärd", label="AMBER")
    client = client_for(world, "viewer")
    body = client.get(reverse("work:list")).content.decode()
    assert "Grön åtgärd" in body
    assert "Gul åtgärd" not in body
    assert "HEMLIG BESKRIVNING" not in body and "HEMLIGT RESULTAT" not in body
    assert reverse("work:detail", args=[Action.objects.get(title="Grön åtgärd").pk]) not in body
    pk = Action.objects.get(title="Grön åtgärd").pk
    assert client.get(reverse("work:detail", args=[pk])).status_code == 403


@pytest.mark.django_db
def test_strict_action_is_invisible_to_another_organisation(world):
    strict = action(world, title="Strikt", label="AMBER+STRICT")
    client = client_for(world, "other_org_reporter")
    assert "Strikt" not in client.get(reverse("work:list")).content.decode()
    assert client.get(reverse("work:detail", args=[strict.pk])).status_code == 404
    assert client.get(reverse("work:edit", args=[strict.pk])).status_code == 404


@pytest.mark.django_db
def test_detail_shows_everything_and_is_audited(world):
    a = action(world, situation_key="2026-W40")
    services.update_action(
        actor=world.users["coordinator"], partnership=world.p, action=a, status="ongoing"
    )
    body = client_for(world, "analyst").get(reverse("work:detail", args=[a.pk])).content.decode()
    assert "HEMLIG BESKRIVNING" in body
    assert reverse("situation:page", args=["2026-W40"]) in body
    assert "Planerad → Pågår" in body or "planerad → pågår" in body
    assert AuditEntry.objects.filter(action="work.action_read", object_id=str(a.pk)).count() == 1


@pytest.mark.django_db
def test_create_form_posts_and_shows_errors(world):
    client = client_for(world, "reporter")
    response = client.get(reverse("work:create"))
    assert "AMBER eller strängare" in response.content.decode()
    response = client.post(reverse("work:create"), {"title": "", "type": "environment"})
    body = response.content.decode()
    assert "Det finns ett problem" in body and "Skriv en rubrik för åtgärden." in body
    assert Action.objects.count() == 0
    response = client.post(
        reverse("work:create"),
        {
            "title": "Ny belysning",
            "type": "environment",
            "organisation": world.org_a.pk,
            "areas": [world.area_p.pk],
            "status": "planned",
            "label": "GREEN",
            "start": "2026-03-01",
            "end": "2026-02-01",
        },
    )
    assert "Slutdatumet ligger före startdatumet" in response.content.decode()
    assert Action.objects.count() == 0
    response = client.post(
        reverse("work:create"),
        {
            "title": "Ny belysning",
            "type": "environment",
            "organisation": world.org_a.pk,
            "areas": [world.area_p.pk],
            "status": "planned",
            "label": "GREEN",
        },
    )
    created = Action.objects.get()
    assert response.status_code == 302 and response.url == reverse("work:detail", args=[created.pk])
    # Another organisation is refused for a reporter, with the reason beside the field.
    response = client.post(
        reverse("work:create"),
        {
            "title": "B:s",
            "type": "environment",
            "organisation": world.org_b.pk,
            "status": "planned",
            "label": "GREEN",
        },
    )
    assert "egen organisation" in response.content.decode()


@pytest.mark.django_db
def test_edit_by_other_org_is_forbidden_and_own_edit_is_recorded(world):
    a = action(world)
    assert (
        client_for(world, "other_org_reporter").get(reverse("work:edit", args=[a.pk])).status_code
        == 403
    )
    client = client_for(world, "reporter")
    data = {
        "title": "Klotterplanering",
        "type": "environment",
        "organisation": world.org_a.pk,
        "status": "done",
        "label": "GREEN",
        "outcome": "Sanerat.",
        "note": "Klart",
        "areas": [world.area_p.pk],
        "description": "HEMLIG BESKRIVNING",
    }
    response = client.post(reverse("work:edit", args=[a.pk]), data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "done" and a.outcome == "Sanerat." and a.closed_at
    assert set(a.revisions.last().changes) == {"status", "outcome"}


@pytest.mark.django_db
def test_todo_lists_own_open_actions_overdue_first(world):
    today = timezone.localdate()
    action(world, title="Egen öppen", end=today + dt.timedelta(days=9))
    action(
        world,
        title="Egen sen",
        end=today - dt.timedelta(days=1),
        start=today - dt.timedelta(days=9),
    )
    action(world, title="Egen klar", status="done")
    action(world, actor="unit_reporter", title="Enhetens", organisation=world.unit_a1)
    action(world, actor="other_org_reporter", title="B:s", organisation=world.org_b)
    body = client_for(world, "org_admin").get(reverse("work:todo")).content.decode()
    assert "Egen öppen" in body and "Egen sen" in body and "Enhetens" in body
    assert "Egen klar" not in body and "B:s" not in body
    assert body.index("Egen sen") < body.index("Egen öppen")


@pytest.mark.django_db
def test_presence_week_rows_for_details_hours_for_viewers(world):
    day = timezone.localdate() - dt.timedelta(days=1)
    services.plan_presence(
        actor=world.users["reporter"],
        partnership=world.p,
        organisation=world.org_a,
        kind="police_patrol",
        area=world.area_p,
        starts_at=aware(day, 1),
        ends_at=aware(day, 4),
        status="performed",
        label="AMBER+STRICT",
        note="HEMLIG NOTERING",
    )
    week = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
    body = (
        client_for(world, "reporter")
        .get(reverse("presence:week"), {"vecka": week})
        .content.decode()
    )
    assert "HEMLIG NOTERING" in body and "Polisens fotpatrull" in body
    body = (
        client_for(world, "viewer").get(reverse("presence:week"), {"vecka": week}).content.decode()
    )
    assert "HEMLIG NOTERING" not in body and "fotpatrull" not in body
    assert "01:00" not in body
    assert "Sigtuna kommun" in body and "3,0" in body  # hours per area and week
    body = (
        client_for(world, "other_org_reporter")
        .get(reverse("presence:week"), {"vecka": week})
        .content.decode()
    )
    assert "HEMLIG NOTERING" not in body and "3,0" in body  # aggregate counts every record


@pytest.mark.django_db
def test_register_presence_and_mark_performed(world):
    client = client_for(world, "reporter")
    day = timezone.localdate() - dt.timedelta(days=1)
    data = {
        "organisation": world.org_a.pk,
        "kind": "field_workers",
        "area": world.area_p.pk,
        "day": day.isoformat(),
        "time_from": "22:00",
        "time_to": "02:00",
        "people": 2,
        "status": "planned",
        "label": "AMBER",
        "note": "",
    }
    response = client.post(reverse("presence:create"), data)
    assert response.status_code == 302
    presence = Presence.objects.get()
    assert presence.hours == 4  # over midnight
    response = client.post(
        reverse("presence:edit", args=[presence.pk]),
        {**data, "status": "performed", "time_to": "01:30"},
    )
    assert response.status_code == 302
    presence.refresh_from_db()
    assert presence.status == "performed" and presence.hours == 3.5
    response = client.post(reverse("presence:create"), {**data, "organisation": world.org_b.pk})
    assert "egen organisation" in response.content.decode()
    response = client.post(reverse("presence:create"), {**data, "time_from": ""})
    assert "Ange starttid." in response.content.decode()
    assert Presence.objects.count() == 1


@pytest.mark.django_db
def test_hotspot_and_trend_pages(sigtuna):
    world = sigtuna
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    services.plan_presence(
        actor=world.users["coordinator"],
        partnership=world.p,
        organisation=world.org_a,
        kind="police_patrol",
        area=world.regso["Centrala Valsta"],
        starts_at=aware(monday + dt.timedelta(days=4), 19),
        ends_at=aware(monday + dt.timedelta(days=4), 23),
        status="performed",
    )
    add_incidents(
        world, area=world.regso["Centrala Valsta"], day=monday + dt.timedelta(days=2), n=3
    )
    refresh_rollup(world)
    client = client_for(world, "analyst")
    body = client.get(reverse("presence:hotspots")).content.decode()
    assert "Centrala Valsta" in body and "4,0" in body
    assert 'id="presence-map"' in body
    body = client.get(reverse("presence:trend"), {"veckor": 8}).content.decode()
    assert "Valsta" in body and "<svg" in body
    assert "Totalt 4,0 timmar närvaro och 3 otrygghetsskapande händelser." in body


@pytest.mark.django_db
def test_evaluation_page_saves_a_result(sigtuna):
    world = sigtuna
    start = timezone.localdate() - dt.timedelta(weeks=4)
    for week in range(8):
        day = start - dt.timedelta(weeks=4) + dt.timedelta(weeks=week)
        add_incidents(world, area=world.regso["Centrala Valsta"], day=day, n=4)
        add_incidents(world, area=world.regso["Tingvalla"], day=day, n=4)
    refresh_rollup(world)
    a = action(world, actor="coordinator", areas=[world.regso["Centrala Valsta"]], start=start)
    client = client_for(world, "coordinator")
    body = client.get(reverse("work:evaluate", args=[a.pk])).content.decode()
    assert "Tingvalla" in body
    form = client.get(reverse("work:evaluate", args=[a.pk])).context["form"]
    data = {
        "categories": form.initial["categories"],
        "comparison_areas": form.initial["comparison_areas"],
        **{
            k: form.initial[k].isoformat()
            for k in ("before_start", "before_end", "after_start", "after_end")
        },
    }
    assert data["comparison_areas"] == [world.regso["Tingvalla"].pk]
    response = client.post(reverse("work:evaluate", args=[a.pk]), data)
    assert response.status_code == 302
    evaluation = ActionEvaluation.objects.get()
    assert (evaluation.treated_before, evaluation.treated_after) == (16, 16)
    body = client.get(reverse("work:evaluate", args=[a.pk])).content.decode()
    assert "Ingen påvisbar förändring: 16 händelser före och 16 efter" in body
    response = client.post(reverse("work:evaluate", args=[a.pk]), {**data, "categories": []})
    assert "Välj minst en händelsetyp." in response.content.decode()
    assert ActionEvaluation.objects.count() == 1
