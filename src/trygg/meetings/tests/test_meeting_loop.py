"""The meeting loop (issue 8): the agenda built from a lägesbild → a decision → an action
→ carried forward to next week's agenda → closed next week, then no longer carried."""

import datetime

import pytest

from trygg.meetings import services
from trygg.meetings.models import AgendaItemKind, Decision, MeetingStatus
from trygg.situation import services as situation_services
from trygg.work.models import ActionStatus

from .conftest import MEETING_DAY, WEEK

pytestmark = pytest.mark.django_db


def kinds(meeting):
    return [item.kind for item in meeting.items.order_by("order")]


def action_items(meeting):
    return list(meeting.items.filter(kind=AgendaItemKind.ACTION).select_related("action"))


def test_agenda_decision_action_carried_forward_then_closed(flagged, series):
    world = flagged
    coordinator = world.users["coordinator"]
    valsta = world.sigtuna.focus["Valsta"]
    situation_services.save_assessment(
        actor=coordinator,
        partnership=world.p,
        period=WEEK,
        proposed_focus="Kvällsnärvaro vid centrum.",
        proposed_areas=[valsta.pk],
        proposed_times="fredag och lördag kl. 20–24",
    )

    # Week 1: the agenda comes from the lägesbild of the week before the meeting.
    first = services.create_meeting(actor=coordinator, partnership=world.p, day=MEETING_DAY)
    assert first.situation_key == WEEK.key
    items = list(first.items.order_by("order"))
    flag_items = [i for i in items if i.kind == AgendaItemKind.FLAG]
    assert flag_items, "the surge is on the agenda"
    surge = next(i for i in flag_items if world.surge_area.name in i.title)
    assert "ökning" in surge.title
    assert "14 händelser" in surge.body
    focus = next(i for i in items if i.kind == AgendaItemKind.FOCUS)
    assert "Valsta" in focus.title
    assert "Kvällsnärvaro vid centrum." in focus.body
    assert "fredag och lördag" in focus.body
    assert not action_items(first)

    # The decision creates an action with owner and deadline.
    decision = services.record_decision(
        actor=coordinator,
        partnership=world.p,
        meeting=first,
        item=surge,
        text="Polisen och fältarna är på plats vid centrum i två veckor.",
        new_action={
            "title": "Närvaro vid centrum",
            "type": "presence",
            "organisation": world.org_a,
            "end": MEETING_DAY + datetime.timedelta(days=14),
            "areas": [world.surge_area],
            "label": "GREEN",
        },
    )
    action = decision.action
    assert action is not None and action.status == ActionStatus.PLANNED
    assert action.situation_key == WEEK.key
    assert action.organisation == world.org_a
    first.refresh_from_db()
    assert first.status == MeetingStatus.HELD

    # Week 2: the open action is carried forward automatically (not due yet: it ends
    # after the due window, so only the decision carries it).
    second = services.create_meeting(
        actor=coordinator, partnership=world.p, day=MEETING_DAY + datetime.timedelta(weeks=1)
    )
    carried = action_items(second)
    assert [i.action for i in carried] == [action]
    assert "Beslutad på avstämningen" in carried[0].body

    # The meeting closes it.
    services.record_decision(
        actor=coordinator,
        partnership=world.p,
        meeting=second,
        item=carried[0],
        text="Närvaron är genomförd; lugnare vid centrum.",
        action=action,
        action_changes={"status": "done", "outcome": "Färre samlingar på kvällarna."},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.closed_at is not None
    assert Decision.objects.filter(action=action).count() == 2

    # Week 3: closed, so no longer carried forward.
    third = services.create_meeting(
        actor=coordinator, partnership=world.p, day=MEETING_DAY + datetime.timedelta(weeks=2)
    )
    assert action_items(third) == []
    assert AgendaItemKind.OTHER in kinds(third)  # the lägesbild overview is still there


def test_due_and_overdue_actions_are_on_the_agenda_and_later_ones_are_not(world, series):
    from trygg.work import services as work_services

    coordinator = world.users["coordinator"]

    def action(title, end, status="planned"):
        return work_services.create_action(
            actor=coordinator,
            partnership=world.p,
            title=title,
            type="other",
            organisation=world.org_a,
            end=end,
            status=status,
        )

    overdue = action("Försenad", MEETING_DAY - datetime.timedelta(days=3))
    due = action("Klar i veckan", MEETING_DAY + datetime.timedelta(days=6))
    action("Klar om en månad", MEETING_DAY + datetime.timedelta(days=30))
    action("Redan klar", MEETING_DAY - datetime.timedelta(days=1), status="done")

    meeting = services.create_meeting(actor=coordinator, partnership=world.p, day=MEETING_DAY)

    items = action_items(meeting)
    assert [i.action for i in items] == [overdue, due]
    assert "Försenad." in items[0].body


def test_rebuilding_keeps_partner_items_and_notes(flagged, meeting):
    world = flagged
    coordinator = world.users["coordinator"]
    services.build_agenda(actor=coordinator, partnership=world.p, meeting=meeting)
    flag = meeting.items.filter(kind=AgendaItemKind.FLAG).first()
    partner = services.add_agenda_item(
        actor=world.users["other_org_reporter"],
        partnership=world.p,
        meeting=meeting,
        title="Trasig belysning vid gångtunneln",
        text="Vi behöver hjälp att prioritera.",
    )
    services.save_notes(
        actor=coordinator, partnership=world.p, meeting=meeting, notes={flag.pk: "Diskuterat."}
    )

    services.build_agenda(actor=coordinator, partnership=world.p, meeting=meeting)

    flag.refresh_from_db()
    assert flag.notes == "Diskuterat."
    partner.refresh_from_db()
    assert partner.added_by_organisation == world.org_b
    orders = list(meeting.items.order_by("order").values_list("pk", flat=True))
    assert orders[-1] == partner.pk
    assert len(orders) == len(set(orders))
    titles = list(meeting.items.values_list("title", flat=True))
    assert len(titles) == len(set(titles)), "rebuilding does not duplicate items"
