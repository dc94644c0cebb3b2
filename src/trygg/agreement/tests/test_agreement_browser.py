"""The agreement in a real browser: the coordinator reads the agreement and an indicator
and enters a survey value; a viewer reads the indicator. axe-core checks every page."""

import datetime as dt

import pytest

from trygg.core.tests.browser import missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from trygg.agreement import services  # noqa: E402
from trygg.core.tests.test_pages_browser import (  # noqa: E402, F401
    DESKTOP,
    PHONE,
    assert_console_clean,
    assert_no_serious_axe_violations,
    log_in,
    new_page,
    visit,
)
from trygg.incidents.models import Category  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.testing import build_world  # noqa: E402

from .conftest import make_areas, make_incidents  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_agreement(transactional_db):
    install_default_taxonomy(Category)
    world = build_world()
    world.district, world.r1, world.r2, world.r3 = make_areas(world)
    make_incidents(world, [world.r1, world.r2, world.r3, world.area_p], n=200, end=dt.date.today())
    coordinator = world.users["coordinator"]
    common = {"actor": coordinator, "partnership": world.p}
    agreement = services.save_agreement(
        **common,
        title="Samverkansöverenskommelse 2025–2026",
        start=dt.date(2025, 1, 1),
        end=dt.date(2026, 12, 31),
        parties=[world.org_a, world.org_b],
    )
    priority = services.save_priority(
        **common, agreement=agreement, number=1, title="Färre otrygga händelser"
    )
    goal = services.save_goal(**common, priority=priority, title="Minska våldet i Valsta")
    world.computed = services.save_indicator(
        **common,
        goal=goal,
        name="Våld i Valsta per månad",
        kind="computed",
        categories=Category.objects.filter(code__in=["VALD.HOT", "VALD.MISSHANDEL"]),
        areas=[world.district],
        resolution="month",
        baseline_start=dt.date(2024, 1, 1),
        baseline_end=dt.date(2024, 12, 31),
        target_value="2",
    )
    world.manual = services.save_indicator(
        **common,
        goal=goal,
        name="Andel som känner sig trygga",
        kind="manual",
        unit="procent",
        resolution="year",
        target_direction="increase",
        target_value="70",
    )
    services.save_promise(**common, agreement=agreement, title="Mer närvaro i Valsta")
    world.agreement = agreement
    return world


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_coordinator_reads_the_agreement_and_enters_a_value(
    browser_agreement,
    new_page,  # noqa: F811
    viewport,
):
    w = browser_agreement
    page = new_page(viewport)
    log_in(page, "coordinator@a.example")
    visit(page, f"/overenskommelse/{w.agreement.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Samverkansöverenskommelse 2025–2026"
    )
    expect(page.get_by_role("img", name="Våld i Valsta per månad")).to_be_visible()
    assert_no_serious_axe_violations(page, "agreement page")
    assert_console_clean(page, "agreement page")

    page.get_by_role("link", name="Våld i Valsta per månad", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Våld i Valsta per månad")
    expect(page.get_by_role("table", name="Värden för Våld i Valsta per månad")).to_be_visible()
    assert_no_serious_axe_violations(page, "computed indicator page")

    visit(page, f"/overenskommelse/indikator/{w.manual.pk}/")
    page.get_by_label("Värde", exact=True).fill("nio")
    page.get_by_role("button", name="Spara värdet", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("Skriv ett tal")
    assert_no_serious_axe_violations(page, "manual indicator with an error")
    page.get_by_label("Värde", exact=True).fill("68,5")
    page.get_by_role("button", name="Spara värdet", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Värdet är sparat")
    expect(
        page.get_by_role("table", name="Värden för Andel som känner sig trygga")
    ).to_contain_text("68,50")
    assert_no_serious_axe_violations(page, "manual indicator page")


def test_a_viewer_reads_an_indicator(browser_agreement, new_page):  # noqa: F811
    w = browser_agreement
    page = new_page(DESKTOP)
    log_in(page, "viewer@a.example")
    visit(page, f"/overenskommelse/indikator/{w.computed.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Våld i Valsta per månad")
    expect(page.get_by_role("button", name="Spara värdet")).to_have_count(0)
    assert_no_serious_axe_violations(page, "indicator page for a viewer")
    visit(page, "/overenskommelse/")
    assert_no_serious_axe_violations(page, "agreement overview")
