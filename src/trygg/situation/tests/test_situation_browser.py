"""The weekly lägesbild in a real browser: the coordinator opens the week, writes the
assessment, approves and downloads the PDF; a viewer reads the approved week. axe-core
checks every page."""

import datetime
import io
import random

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
from trygg.geo.services import setup_sigtuna_demo_geography  # noqa: E402
from trygg.incidents.models import Category  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.situation.models import SituationVersion  # noqa: E402
from trygg.testing import build_world  # noqa: E402

from .conftest import WEEK, add_incidents, random_positions, refresh_rollup  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def situation_world(transactional_db):
    install_default_taxonomy(Category)
    world = build_world()
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    rng = random.Random(7)
    areas = list(world.p.areas.filter(kind="regso"))
    for area in areas[:8]:
        for lat, lon in random_positions(area, 3, rng):
            day = WEEK.start + datetime.timedelta(days=rng.randrange(0, 7))
            add_incidents(world, area=area, day=day, positions=[(lat, lon)], hour=rng.randrange(24))
    for week in range(1, 53):
        add_incidents(world, area=areas[0], day=WEEK.start - datetime.timedelta(weeks=week))
    refresh_rollup(world)
    return world


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_coordinator_assesses_approves_and_downloads_the_pdf(
    situation_world,
    new_page,  # noqa: F811
    viewport,
):
    page = new_page(viewport)
    log_in(page, "coordinator@a.example")
    visit(page, f"/lagesbild/{WEEK.key}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lägesbild vecka 40 2026")
    expect(page.locator(".tag--draft")).to_be_visible()
    expect(page.locator("#situation-map[data-map-ready=true]")).to_be_attached()
    assert_no_serious_axe_violations(page, "lägesbild draft")

    page.get_by_role("link", name="Skriv bedömning").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bedömning")
    assert_no_serious_axe_violations(page, "assessment form")
    page.get_by_label("Samlad bedömning").fill("Fler händelser kring centrum än vanligt.")
    page.get_by_label("Valsta", exact=True).check()
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.locator(".messages")).to_contain_text("Bedömningen är sparad")
    expect(page.locator("main")).to_contain_text("Fler händelser kring centrum än vanligt.")

    page.get_by_role("link", name="Fastställ", exact=True).click()
    assert_no_serious_axe_violations(page, "approve page")
    page.get_by_role("button", name="Fastställ", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("är fastställd (version 1)")
    expect(page.locator(".tag--approved")).to_be_visible()
    assert_no_serious_axe_violations(page, "approved lägesbild")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).first.click()
    data = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Tabeller per område" in text and "Hela kommunen" in text
    assert "TLP:GREEN" in text
    assert data == bytes(SituationVersion.objects.get().pdf_partnership)
    assert_console_clean(page, "lägesbild pages")


def test_a_viewer_reads_the_approved_week_without_points(situation_world, new_page):  # noqa: F811
    from trygg.situation import services

    services.approve(
        actor=situation_world.users["coordinator"], partnership=situation_world.p, period=WEEK
    )
    page = new_page(DESKTOP)
    log_in(page, "viewer@a.example")
    visit(page, f"/lagesbild/{WEEK.key}/")
    expect(page.locator(".tag--approved")).to_be_visible()
    expect(page.locator("main")).to_contain_text("<5")
    assert page.locator("#situation-points").count() == 0
    assert_no_serious_axe_violations(page, "approved lägesbild as viewer")
    visit(page, "/lagesbild/arkiv/")
    assert_no_serious_axe_violations(page, "archive")
    assert_console_clean(page, "viewer pages")
