"""The police's events in a real browser: the coordinator maps an unmapped type, adds a
place name and links a police event to a partner's report; axe-core checks each page."""

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
from trygg.feeds import services  # noqa: E402
from trygg.feeds.models import TypeMapping  # noqa: E402
from trygg.geo.services import setup_sigtuna_demo_geography  # noqa: E402
from trygg.incidents.models import Category, Incident, Source  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.testing import build_world  # noqa: E402

from .conftest import SIGTUNA_FILE, partner_report  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def feed_world_tx(transactional_db):
    install_default_taxonomy(Category)
    world = build_world()
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    services.load_place_names(actor=None, partnership=world.p, rows=services.sigtuna_place_names())
    services.import_feed(partnership=world.p, data=SIGTUNA_FILE.read_bytes(), source="file")
    return world


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_coordinator_maps_a_type_and_adds_a_place_name(feed_world_tx, new_page, viewport):  # noqa: F811
    page = new_page(viewport)
    log_in(page, "coordinator@a.example")
    visit(page, "/polisen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Polisens publicerade händelser")
    assert_no_serious_axe_violations(page, "feeds overview")

    page.get_by_label("Trafikolycka räknas som", exact=True).select_option(label="Annat")
    page.get_by_role("button", name="Spara Trafikolycka", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Kopplingen för Trafikolycka är sparad")
    assert TypeMapping.objects.get(police_type="Trafikolycka").category.code == "OVRIGT.ANNAT"

    page.get_by_role("button", name="Lägg till").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_serious_axe_violations(page, "feeds overview with errors")
    page.get_by_role("textbox", name="Ortnamn", exact=True).fill("Holmboda")
    page.get_by_role("combobox", name="Område", exact=True).select_option(
        label="Rosersberg (RegSO-område)"
    )
    page.get_by_role("button", name="Lägg till").click()
    expect(page.locator(".messages")).to_contain_text("Ortnamnet är sparat; 1 händelse")
    assert_console_clean(page, "feeds overview")


def test_the_analyst_links_a_police_event_to_a_report(feed_world_tx, new_page):  # noqa: F811
    world = feed_world_tx
    police = Incident.objects.filter(partnership=world.p, source=Source.POLICE_FEED).first()
    report = partner_report(world, police)
    page = new_page(DESKTOP)
    log_in(page, "analyst@a.example")
    visit(page, f"/handelser/{police.pk}/")
    expect(page.get_by_role("heading", name="Polisens publicerade händelse")).to_be_visible()
    assert_no_serious_axe_violations(page, "police event page")
    page.get_by_label("Rapportens nummer").fill(str(report.pk))
    page.get_by_role("button", name="Koppla till rapporten").click()
    expect(page.locator(".messages")).to_contain_text(f"kopplad till rapport {report.pk}")
    page.get_by_role("button", name="Ta bort kopplingen").click()
    expect(page.locator(".messages")).to_contain_text("räknas igen")
    assert_console_clean(page, "police event page")
