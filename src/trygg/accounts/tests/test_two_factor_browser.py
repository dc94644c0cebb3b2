"""Two-step verification in a real browser: a first login activates TOTP, the next one asks
for the code; the MFA pages pass axe and the strict CSP (issue 7 §1)."""

import pytest

from trygg.core.tests.browser import SERIOUS, ConsoleLog, axe_violations, missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from trygg.accounts.tests.helpers import totp_code  # noqa: E402
from trygg.testing import PASSWORD, build_world  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, transactional_db, settings):
    settings.TRYGG_MFA_ENFORCED = True
    build_world()
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
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


def assert_accessible(page, what):
    violations, report = axe_violations(page, impacts=SERIOUS)
    assert not violations, f"{what}:\n{report}"
    log = page.console_log
    assert not log.csp_violations(), f"{what}: {log.csp_violations()}"
    assert not log.errors, f"{what}: {log.errors}"


def test_first_login_activates_totp_and_the_next_asks_for_the_code(page, live_server):
    log_in(page, "reporter@a.example")
    assert page.url == f"{live_server.url}/konto/2fa/totp/activate/"
    expect(page.locator("main")).to_contain_text("Tvåstegsverifiering krävs för alla konton")
    assert_accessible(page, "activate TOTP")

    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/konto/2fa/recovery-codes/"
    assert len(page.locator("#recovery_codes").input_value().split()) == 10
    assert_accessible(page, "recovery codes")

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()

    log_in(page, "reporter@a.example")
    assert page.url == f"{live_server.url}/konto/2fa/authenticate/"
    assert_accessible(page, "the code at login")
    page.locator("input[name=code]").fill(totp_code(secret, step=1))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Start")
