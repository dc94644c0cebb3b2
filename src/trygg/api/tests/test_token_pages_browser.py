"""The token pages in a real browser: create, see the key once, revoke; axe and CSP."""

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
from trygg.testing import build_world  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_create_and_revoke_a_token(transactional_db, new_page, viewport):  # noqa: F811
    build_world()
    page = new_page(viewport)
    log_in(page, "org_admin@a.example")
    visit(page, "/api-nycklar/")
    assert_no_serious_axe_violations(page, "token list (empty)")
    page.get_by_role("link", name="Skapa API-nyckel").click()
    page.get_by_role("button", name="Skapa nyckel").click()  # no name: the error summary
    expect(page.locator(".error-summary")).to_contain_text("Ge nyckeln ett namn")
    assert_no_serious_axe_violations(page, "token form with errors")
    page.get_by_label("Namn").fill("Felanmälan")
    page.get_by_label("Behörighet").select_option("read_write")
    page.get_by_role("button", name="Skapa nyckel").click()
    key = page.get_by_label("API-nyckel").input_value()
    assert key.startswith("tc_") and len(key) > 40
    expect(page.get_by_role("alert")).to_contain_text("visas bara den här gången")
    assert_no_serious_axe_violations(page, "token created")
    visit(page, "/api-nycklar/")
    expect(page.locator("table")).to_contain_text(key[:8])
    assert key not in page.content()
    assert_no_serious_axe_violations(page, "token list")
    page.get_by_role("link", name="Återkalla Felanmälan").click()
    assert_no_serious_axe_violations(page, "revoke confirmation")
    page.get_by_role("button", name="Återkalla nyckeln").click()
    expect(page.locator(".messages")).to_contain_text("är återkallad")
    expect(page.locator("table")).to_contain_text("återkallad")
    assert_console_clean(page, "token pages")
