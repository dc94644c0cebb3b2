"""Reads for other apps: the done actions of a period (the annual report)."""

import datetime as dt

import pytest

from trygg.work import selectors, services


def make(world, title, end, label="GREEN", status="done"):
    action = services.create_action(
        actor=world.users["coordinator"],
        partnership=world.p,
        title=title,
        type="event",
        organisation=world.org_a,
        label=label,
        start=end - dt.timedelta(days=10) if end else None,
        end=end,
    )
    return services.update_action(
        actor=world.users["coordinator"], partnership=world.p, action=action, status=status
    )


@pytest.mark.django_db
def test_actions_done_in_the_window_through_summaries(world):
    make(world, "Klar 2025", dt.date(2025, 6, 1))
    make(world, "Klar 2024", dt.date(2024, 6, 1))
    make(world, "Avbruten 2025", dt.date(2025, 6, 1), status="cancelled")
    make(world, "Gul klar 2025", dt.date(2025, 7, 1), label="AMBER")
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    titles = [
        a.title for a in selectors.actions_done_in(world.p, world.users["analyst"], start, end)
    ]
    assert titles == ["Klar 2025", "Gul klar 2025"]
    viewer = [
        a.title for a in selectors.actions_done_in(world.p, world.users["viewer"], start, end)
    ]
    assert viewer == ["Klar 2025"]
    other = world.users["other_partnership_coordinator"]
    assert not selectors.actions_done_in(world.p, other, start, end).exists()
