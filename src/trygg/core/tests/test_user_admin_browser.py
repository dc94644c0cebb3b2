"""The user administration in a real browser: list, invite (errors, then success),
deactivate; axe-core WCAG checks and the strict CSP on every page."""

import pytest

from trygg.core.tests.browser import missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from django.core import mail  # noqa: E402
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
def test_invite_and_deactivate_a_user(transactional_db, new_page, viewport):  # noqa: F811
    build_world()
    page = new_page(viewport)
    log_in(page, "org_admin@a.example")
    visit(page, "/administration/anvandare/")
    expect(page.locator("table")).to_contain_text("reporter@a1.example")
    assert_no_serious_axe_violations(page, "user list")

    page.get_by_role("link", name="Bjud in användare").click()
    assert_no_serious_axe_violations(page, "invite form")
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.locator(".error-summary")).to_contain_text("Skriv användarens e-postadress")
    expect(page.locator("#id_email_error")).to_contain_text("Skriv användarens e-postadress")
    assert_no_serious_axe_violations(page, "invite form with errors")

    page.get_by_label("E-postadress").fill("ny@a.example")
    page.get_by_label("Förnamn").fill("Nina")
    page.get_by_label("Efternamn").fill("Nyberg")
    page.get_by_label("Organisation", exact=True).select_option(label="Organisation A")
    page.get_by_label("Roll", exact=True).select_option("analyst")
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.locator(".messages")).to_contain_text("ny@a.example är inbjuden")
    expect(page.locator("table")).to_contain_text("Nina Nyberg")
    assert len(mail.outbox) == 1 and "/konto/password/reset/key/" in mail.outbox[0].body

    page.get_by_role("link", name="Inaktivera ny@a.example").click()
    assert_no_serious_axe_violations(page, "deactivate confirmation")
    page.get_by_role("button", name="Inaktivera användaren").click()
    expect(page.locator(".messages")).to_contain_text("är inaktiverad")
    assert_no_serious_axe_violations(page, "user list with an inactive user")
    page.get_by_role("button", name="Aktivera ny@a.example").click()
    expect(page.locator(".messages")).to_contain_text("är aktiv igen")
    assert_console_clean(page, "user administration")


def test_organisation_pages(transactional_db, new_page):  # noqa: F811
    build_world()
    page = new_page(DESKTOP)
    log_in(page, "partnership_admin@a.example")
    visit(page, "/administration/organisationer/")
    assert_no_serious_axe_violations(page, "organisation list")
    page.get_by_role("link", name="Ny enhet").click()
    page.get_by_role("button", name="Skapa enhet").click()
    expect(page.locator(".error-summary")).to_contain_text("Skriv enhetens namn")
    assert_no_serious_axe_violations(page, "unit form with errors")
    page.get_by_label("Ingår i").select_option(label="Organisation B")
    page.get_by_label("Namn").fill("Område Norr")
    page.get_by_label("Typ").select_option("bostadsbolag")
    page.get_by_role("button", name="Skapa enhet").click()
    expect(page.locator("table")).to_contain_text("Område Norr")
    assert_console_clean(page, "organisation pages")
