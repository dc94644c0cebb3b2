"""Triage, detail, correction and the map view in a real browser, checked with axe."""

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
    browser_world,
    log_in,
    new_page,
    visit,
)
from trygg.incidents.models import Incident, Status  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_coordinator_reviews_and_corrects_a_report(browser_world, new_page, viewport):  # noqa: F811
    incident = Incident.objects.filter(partnership=browser_world.p).first()
    page = new_page(viewport)
    log_in(page, "coordinator@a.example")
    visit(page, "/handelser/inkorg/")
    expect(page.locator("main")).to_contain_text(incident.description)
    assert_no_serious_axe_violations(page, "triage inbox")
    visit(page, f"/handelser/{incident.pk}/")
    assert_no_serious_axe_violations(page, "incident detail")
    visit(page, f"/handelser/{incident.pk}/andra/")
    assert_no_serious_axe_violations(page, "correction form")
    visit(page, "/handelser/karta/")
    expect(page.locator(".leaflet-container")).to_be_visible()
    assert_no_serious_axe_violations(page, "incident map")
    visit(page, "/handelser/inkorg/")
    page.get_by_role("button", name="Markera som granskad").first.click()
    expect(page.locator(".messages")).to_be_visible()
    assert Incident.objects.filter(status=Status.REVIEWED).count() == 1
    assert_console_clean(page, "triage pages")
