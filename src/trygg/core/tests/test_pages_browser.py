"""The pages in a real browser: login through the form, the Leaflet map, axe-core WCAG
checks and the strict CSP (Playwright on the system Chromium, pytest-django's live_server).
"""

import re

import pytest

from trygg.core.tests.browser import (
    SERIOUS,
    ConsoleLog,
    axe_violations,
    missing_browser_reason,
)

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from trygg.core.tests.test_pages import add_areas, add_incident  # noqa: E402
from trygg.incidents.models import Category  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.testing import PASSWORD, build_world  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def browser_world(transactional_db):
    """``world`` for live-server tests (which need committed data), with a district, three
    RegSO areas and a few incidents in partnership P."""
    # A transactional test starts from a flushed database: the default taxonomy that a
    # migration installs is gone, so install it again.
    install_default_taxonomy(Category)
    world = build_world()
    district, areas = add_areas(world)
    for area in areas:
        add_incident(world, area=area, description=f"Händelse i {area.name}")
    return world


@pytest.fixture
def new_page(browser, live_server):
    """Open a page (Swedish browser, given viewport) that logs its console."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.console_log = ConsoleLog(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, email, password=PASSWORD):
    page.goto("/konto/login/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def visit(page, path):
    """Go to ``path``; check the CSP header came with it."""
    response = page.goto(path)
    assert response.status == 200, f"{path}: HTTP {response.status}"
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, f"{path}: CSP is {csp!r}"
    assert "unsafe-inline" not in csp
    return response


def assert_no_serious_axe_violations(page, what):
    violations, report = axe_violations(page, impacts=SERIOUS)
    if violations:
        print(report)
    assert not violations, f"{what}: serious/critical axe violations:\n{report}"


def assert_console_clean(page, what):
    log = page.console_log
    assert not log.csp_violations(), f"{what}: CSP violations: {log.csp_violations()}"
    assert not log.errors, f"{what}: JavaScript errors: {log.errors}"


def test_login_page_has_no_axe_violations(browser_world, new_page):
    page = new_page()
    visit(page, "/konto/login/")
    expect(page).to_have_title(re.compile("^Logga in"))
    violations, report = axe_violations(page)
    assert not violations, report
    assert_console_clean(page, "login")


def test_coordinator_logs_in_through_the_form_and_lands_on_the_start_page(
    browser_world, new_page, live_server
):
    page = new_page()
    log_in(page, "coordinator@a.example")
    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Start")
    expect(page.locator("header")).to_contain_text("Samverkan P")
    expect(page.locator("header")).to_contain_text("trygghetssamordnare")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link", name="Händelser", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Start")).to_have_attribute("aria-current", "page")


def test_wrong_password_shows_the_error_summary(browser_world, new_page):
    page = new_page()
    log_in(page, "coordinator@a.example", password="fel lösenord")
    expect(page).to_have_title(re.compile("^Fel: Logga in"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Det finns ett problem")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link")
    expect(link).to_have_attribute("href", "#id_login")
    link.click()
    expect(page.get_by_label("E-postadress")).to_be_focused()
    violations, report = axe_violations(page)
    assert not violations, report
    assert_console_clean(page, "login with errors")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_start_page_is_accessible(browser_world, new_page, viewport):
    page = new_page(viewport)
    log_in(page, "coordinator@a.example")
    visit(page, "/")
    expect(page.locator(".stat__value").first).to_have_text("3")
    assert_no_serious_axe_violations(page, "start page")
    assert_console_clean(page, "start page")
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_map_page_draws_the_areas_and_is_accessible(browser_world, new_page, viewport):
    page = new_page(viewport)
    log_in(page, "coordinator@a.example")
    visit(page, "/karta/")
    expect(page.locator("#area-map.leaflet-container")).to_be_visible()
    page.wait_for_selector("#area-map[data-map-ready]")
    # municipality, district and three RegSO areas: one SVG path each
    assert page.locator("#area-map path").count() >= 5
    expect(page.locator("[data-map-status]")).to_contain_text("3 RegSO-områden och 1 kommundelar")
    expect(page.locator(".leaflet-control-layers")).to_contain_text("Kommundelar")
    tables = page.locator("table.table--areas")
    expect(tables).to_have_count(2)
    expect(tables.first.locator("caption")).to_contain_text("Kommundel Märsta")
    expect(page.get_by_role("row", name="Märstadal 0191R009")).to_be_visible()
    assert_no_serious_axe_violations(page, "map page")
    assert_console_clean(page, "map page")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_map_can_be_skipped_and_its_areas_reached_by_keyboard(browser_world, new_page):
    page = new_page()
    log_in(page, "coordinator@a.example")
    visit(page, "/karta/")
    page.wait_for_selector("#area-map[data-map-ready]")
    skip = page.get_by_role("link", name="Hoppa förbi kartan till tabellerna")
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#areas-table-heading")).to_be_focused()
    # From the map, Tab goes to the areas one by one; each says its name and shows it.
    page.locator("#area-map").focus()
    page.keyboard.press("Tab")
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert name in {"Centrala Märsta (0191R004)", "Märstadal (0191R009)", "Rosersberg (0191R011)"}
    expect(page.locator(".leaflet-tooltip")).to_have_text(name)
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-tooltip")).to_have_count(0)


def test_incident_list_is_accessible(browser_world, new_page):
    page = new_page()
    log_in(page, "coordinator@a.example")
    visit(page, "/handelser/")
    rows = page.locator("table.table--incidents tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("table.table--incidents")).to_contain_text("Händelse i Märstadal")
    assert_no_serious_axe_violations(page, "incident list")
    assert_console_clean(page, "incident list")
    page.get_by_label("Vecka").select_option(index=1)  # the current week
    page.get_by_role("button", name="Visa").click()
    expect(rows).to_have_count(3)
    assert "vecka=" in page.url


def test_incident_list_on_a_phone_scrolls_inside_its_region(browser_world, new_page):
    page = new_page(PHONE)
    log_in(page, "coordinator@a.example")
    visit(page, "/handelser/")
    region = page.locator(".table-wrapper[data-scroll-region]")
    expect(region).to_have_attribute("tabindex", "0")  # keyboard users can scroll it
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_serious_axe_violations(page, "incident list on a phone")


def test_viewer_does_not_see_the_incidents_link(browser_world, new_page):
    page = new_page()
    log_in(page, "viewer@a.example")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link", name="Karta")).to_be_visible()
    expect(nav.get_by_role("link", name="Händelser", exact=True)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Alla händelser")


def test_public_pages_are_accessible(browser_world, new_page):
    page = new_page()
    for path in ["/tillganglighet/", "/personuppgifter/", "/konto/password/reset/"]:
        visit(page, path)
        assert_no_serious_axe_violations(page, path)
        assert_console_clean(page, path)


def test_language_switch_in_the_footer(browser_world, new_page):
    page = new_page()
    log_in(page, "coordinator@a.example")
    page.get_by_role("button", name="Change language to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2).first).to_have_text("Reported incidents")
    page.get_by_role("button", name="Byt språk till svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_skip_link_moves_focus_to_main(browser_world, new_page):
    page = new_page()
    log_in(page, "coordinator@a.example")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till huvudinnehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
