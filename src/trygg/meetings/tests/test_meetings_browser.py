"""The weekly meeting in a real browser: a coordinator opens the meeting, sees the agenda
built from the lägesbild, records attendance and a decision that creates an action, and
approves the minutes; axe-core finds no serious or critical violations on the meeting
list, the meeting and the minutes pages."""

import datetime

import pytest

from trygg.core.tests.browser import missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from trygg.core.tests.test_pages_browser import (  # noqa: E402, F401
    DESKTOP,
    PHONE,
    assert_console_clean,
    assert_no_serious_axe_violations,
    log_in,
    new_page,
    visit,
)
from trygg.geo.models import FocusArea  # noqa: E402
from trygg.geo.services import setup_sigtuna_demo_geography  # noqa: E402
from trygg.incidents.models import Category  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.meetings import services  # noqa: E402
from trygg.meetings.models import Decision, MinutesVersion  # noqa: E402
from trygg.situation import services as situation_services  # noqa: E402
from trygg.situation.tests.conftest import WEEK, add_incidents, refresh_rollup  # noqa: E402
from trygg.testing import build_world  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEETING_DAY = WEEK.end + datetime.timedelta(days=1)


@pytest.fixture
def meeting_world(transactional_db):
    install_default_taxonomy(Category)
    world = build_world()
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    regso = world.p.areas.filter(kind="regso").order_by("name").first()
    for week in range(1, 53):
        add_incidents(world, area=regso, day=WEEK.start - datetime.timedelta(weeks=week))
    add_incidents(world, area=regso, day=WEEK.start, n=14)
    refresh_rollup(world)
    coordinator = world.users["coordinator"]
    valsta = FocusArea.objects.get(partnership=world.p, name="Valsta")
    situation_services.save_assessment(
        actor=coordinator,
        partnership=world.p,
        period=WEEK,
        proposed_focus="Kvällsnärvaro vid Valsta centrum.",
        proposed_areas=[valsta.pk],
    )
    services.save_series(
        actor=coordinator,
        partnership=world.p,
        weekday=1,
        start_time=datetime.time(13, 0),
        location="Kommunhuset",
        link_url="https://example.invalid/avstamning",
    )
    world.meeting = services.create_meeting(actor=coordinator, partnership=world.p, day=MEETING_DAY)
    world.surge_area = regso
    return world


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_coordinator_runs_the_meeting_from_the_agenda(
    meeting_world,
    new_page,  # noqa: F811
    viewport,
):
    world = meeting_world
    meeting = world.meeting
    page = new_page(viewport)
    log_in(page, "coordinator@a.example")

    visit(page, "/avstamning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Avstämningar")
    assert_no_serious_axe_violations(page, "meeting list")
    assert_console_clean(page, "meeting list")
    page.locator(f'a[href="/avstamning/{meeting.pk}/"]').click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Avstämning")
    agenda = page.locator("ol.agenda")
    expect(agenda).to_contain_text(f"Flagga: {world.surge_area.name}")
    expect(agenda).to_contain_text("Föreslaget fokus: Valsta")
    expect(agenda).to_contain_text("Kvällsnärvaro vid Valsta centrum.")
    assert_no_serious_axe_violations(page, "meeting page")
    assert_console_clean(page, "meeting page")

    page.get_by_role("link", name="Registrera mötesnärvaro", exact=True).click()
    assert_no_serious_axe_violations(page, "attendance page")
    page.get_by_label("Organisation A", exact=True).fill("3")
    page.get_by_label("Organisation B", exact=True).fill("1")
    page.get_by_role("button", name="Spara mötesnärvaron", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Mötesnärvaron är sparad")

    page.get_by_role("link", name="Nytt beslut", exact=True).click()
    assert_no_serious_axe_violations(page, "decision page")
    page.get_by_label("Beslut", exact=True).fill("Fältarna är på plats vid centrum i två veckor.")
    page.get_by_label("Skapa en ny åtgärd", exact=True).check()
    page.get_by_label("Åtgärdens rubrik", exact=True).fill("Kvällsnärvaro vid Valsta centrum")
    page.get_by_label("Typ av åtgärd", exact=True).select_option("presence")
    page.get_by_label("Ansvarig organisation", exact=True).select_option(label="Organisation A")
    page.get_by_label("Klar senast", exact=True).fill(
        (MEETING_DAY + datetime.timedelta(days=14)).isoformat()
    )
    page.get_by_role("button", name="Spara beslutet", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        "kopplat till åtgärden ”Kvällsnärvaro vid Valsta centrum”"
    )
    expect(page.locator(".decisions")).to_contain_text("Åtgärd: Kvällsnärvaro vid Valsta centrum")
    decision = Decision.objects.get(meeting=meeting)
    assert decision.action.title == "Kvällsnärvaro vid Valsta centrum"

    page.get_by_role("link", name="Justera protokollet", exact=True).click()
    page.get_by_role("button", name="Justera", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Protokoll")
    expect(page.locator("main")).to_contain_text("Fältarna är på plats vid centrum i två veckor.")
    assert_no_serious_axe_violations(page, "minutes page")
    assert_console_clean(page, "minutes page")
    assert MinutesVersion.objects.filter(meeting=meeting, number=1).exists()
