"""The reporting form in a real browser on a phone: tap the map, pick a category, preview,
save, receipt; axe-core WCAG checks and the strict CSP (Playwright on the system Chromium)."""

import pytest
from django.urls import reverse

from trygg.core.tests.browser import (
    SERIOUS,
    ConsoleLog,
    axe_violations,
    missing_browser_reason,
)

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from trygg.incidents.models import Category, Incident  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.testing import PASSWORD, build_world  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def report_world(transactional_db):
    # A transactional test starts from a flushed database: install the taxonomy again.
    install_default_taxonomy(Category)
    return build_world()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport=PHONE, has_touch=True
    )
    page = context.new_page()
    page.console_log = ConsoleLog(page)
    yield page
    context.close()


def log_in(page, email):
    page.goto("/konto/login/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def check_page(page, what):
    violations, report = axe_violations(page, impacts=SERIOUS)
    assert not violations, f"{what}: serious/critical axe violations:\n{report}"
    log = page.console_log
    assert not log.csp_violations(), f"{what}: CSP violations: {log.csp_violations()}"
    assert not log.errors, f"{what}: JavaScript errors: {log.errors}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], what


def open_form(page):
    response = page.goto(reverse("incidents:report"))
    assert response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    page.wait_for_selector("#report-map[data-map-ready]")


def test_a_reporter_reports_from_a_phone(report_world, phone_page):
    page = phone_page
    log_in(page, "reporter@a.example")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rapportera").click()
    page.wait_for_selector("#report-map[data-map-ready]")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera en händelse")
    check_page(page, "report form")

    # Tap the map: a marker, the hidden coordinates, and the area the point is in.
    page.locator("#report-map").tap()
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    assert page.locator("#id_lat").input_value() != ""
    assert page.locator("#id_lon").input_value() != ""
    expect(page.locator("[data-place-status]")).to_contain_text("Platsen ligger i Sigtuna kommun")

    # Search the categories: one match is selected at once.
    page.get_by_label("Sök händelsetyp").fill("klotter")
    klotter = Category.objects.get(code="SKADA.KLOTTER", partnership=None)
    expect(page.get_by_label("Händelsetyp", exact=True)).to_have_value(str(klotter.pk))
    expect(page.locator("[data-category-filter-status]")).to_have_text("Antal träffar: 1.")

    page.get_by_label("Beskriv kort vad som hände").fill("Nytt klotter på busskuren.")
    # Children: the reminder about orosanmälan shows at once.
    reminder = page.locator("[data-child-reminder]")
    expect(reminder).to_be_hidden()
    page.get_by_label("barn", exact=True).check()
    expect(reminder).to_be_visible()
    check_page(page, "report form, filled in")

    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska rapporten")
    expect(page.locator(".summary-list")).to_contain_text("Klotter")
    expect(page.locator(".summary-list")).to_contain_text("Sigtuna kommun")
    expect(page.locator("[data-child-reminder]")).to_be_visible()
    check_page(page, "preview")

    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapporten är sparad")
    expect(page.locator(".summary-list")).to_contain_text("Nytt klotter på busskuren.")
    expect(page.get_by_role("link", name="Rapportera en till")).to_be_visible()
    check_page(page, "receipt")

    incident = Incident.objects.get()
    assert incident.category == klotter
    assert incident.area == report_world.area_p
    assert incident.lat is not None and incident.lon is not None
    assert incident.age_group == "children"


def test_answers_show_and_hide_the_parts_that_depend_on_them(report_world, phone_page):
    page = phone_page
    log_in(page, "reporter@a.example")
    open_form(page)

    recipients = page.locator("[data-recipients]")
    expect(recipients).to_be_hidden()
    page.get_by_label("TLP:RED").check()
    expect(recipients).to_be_visible()
    expect(recipients).to_contain_text("coordinator@a.example")
    expect(recipients).not_to_contain_text("viewer@a.example")
    page.get_by_label("TLP:GREEN").check()
    expect(recipients).to_be_hidden()

    bucket = page.locator("[data-time-bucket]")
    time = page.get_by_label("Klockslag")
    expect(bucket).to_be_hidden()
    expect(time).to_be_visible()
    page.get_by_label("Jag vet inte exakt när").check()
    expect(bucket).to_be_visible()
    expect(time).to_be_hidden()

    # Errors: the summary at the top, focused, linking to the field.
    page.get_by_role("button", name="Granska").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Välj en händelsetyp.")
    expect(summary).to_contain_text("Välj ungefär när på dygnet")
    summary.get_by_role("link", name="Välj en händelsetyp.").click()
    expect(page.get_by_label("Händelsetyp", exact=True)).to_be_focused()
    # The unknown time stays chosen, so the time-of-day buttons stay visible.
    expect(page.locator("[data-time-bucket]")).to_be_visible()
    check_page(page, "report form with errors")


def test_the_form_works_without_javascript(report_world, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport=PHONE, java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, "reporter@a.example")
        page.goto(reverse("incidents:report"))
        expect(page.locator("[data-map-block]")).to_be_hidden()
        page.get_by_label("Händelsetyp", exact=True).select_option(label="Hot/hotfullt beteende")
        page.get_by_label("Område").select_option(
            label="Vet inte var i kommunen (hela Sigtuna kommun)"
        )
        page.get_by_role("button", name="Granska").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Granska rapporten")
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Rapporten är sparad")
        incident = Incident.objects.get()
        assert incident.area == report_world.area_p and incident.lat is None
    finally:
        context.close()
