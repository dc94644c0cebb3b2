"""The audit log in a real browser: the auditor filters the log; axe, CSP and console."""

import re

import pytest

from trygg.core.tests.browser import missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from trygg.audit.services import record  # noqa: E402
from trygg.core.tests.test_pages_browser import (  # noqa: E402, F401
    DESKTOP,
    PHONE,
    assert_console_clean,
    assert_no_serious_axe_violations,
    log_in,
    new_page,
    visit,
)
from trygg.testing import build_world  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_auditor_filters_the_log(transactional_db, new_page, viewport):  # noqa: F811
    world = build_world()
    record(
        "incident.view",
        actor=world.users["coordinator"],
        partnership=world.p,
        object_type="incidents.incident",
        object_id="4711",
        data={"page": "detail"},
    )
    record(
        "incident.export",
        actor=world.users["other_org_reporter"],
        partnership=world.p,
        data={"format": "csv", "rows": 3},
    )
    page = new_page(viewport)
    log_in(page, "auditor@a.example")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    if viewport is DESKTOP:
        nav.get_by_role("link", name="Granskningslogg").click()
        page.wait_for_load_state()
    else:
        visit(page, "/granskningslogg/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Granskningslogg")
    expect(nav.get_by_role("link", name="Granskningslogg")).to_have_attribute(
        "aria-current", "page"
    )
    table = page.get_by_role("table")
    expect(table).to_contain_text("coordinator@a.example")
    expect(table).to_contain_text("reporter@b.example")
    assert page.locator("table a").count() == 0  # objects as text, no links
    assert_no_serious_axe_violations(page, "audit log")

    page.get_by_label(re.compile(r"^Händelse")).select_option("incident.view")
    page.get_by_label("Användare").fill("coordinator")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    expect(table).to_contain_text("händelse 4711")
    expect(table).not_to_contain_text("reporter@b.example")
    expect(page.get_by_role("link", name="Ladda ner urvalet som CSV")).to_be_visible()
    assert_no_serious_axe_violations(page, "audit log, filtered")

    page.get_by_label("Från och med").fill("2026-03-05")
    page.get_by_label("Till och med").fill("2026-03-01")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Slutdatumet måste vara samma dag som eller efter")
    expect(page).to_have_title("Fel: Granskningslogg – Trygghetscenter")
    assert page.get_by_role("table").count() == 0
    assert_no_serious_axe_violations(page, "audit log, filter with errors")

    page.get_by_label("Användare").fill("ingen-sadan")
    page.get_by_label("Från och med").fill("")
    page.get_by_label("Till och med").fill("")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Inga poster i urvalet")).to_be_visible()
    assert_no_serious_axe_violations(page, "audit log, empty selection")
    assert_console_clean(page, "audit log")
