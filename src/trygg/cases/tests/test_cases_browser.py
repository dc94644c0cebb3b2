"""A case worker runs a case from intake to closing in a real browser; axe-core checks
every page (no serious or critical violations) and the console stays clean."""

import pytest

from trygg.core.tests.browser import missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from trygg.cases.models import Case, Stage  # noqa: E402
from trygg.core.tests.test_pages_browser import (  # noqa: E402, F401
    DESKTOP,
    assert_console_clean,
    assert_no_serious_axe_violations,
    log_in,
    new_page,
    visit,
)
from trygg.incidents.models import Category  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.testing import build_world  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cases_browser_world(transactional_db):
    install_default_taxonomy(Category)
    return build_world()


def check(page, what):
    assert_no_serious_axe_violations(page, what)
    assert_console_clean(page, what)


def test_case_worker_runs_a_case_from_intake_to_closing(cases_browser_world, new_page):  # noqa: F811
    today = timezone.localdate().isoformat()
    page = new_page(DESKTOP)
    log_in(page, "case_worker@a.example")

    visit(page, "/arenden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personärenden")
    check(page, "case list")

    page.get_by_role("link", name="Nytt ärende", exact=True).click()
    page.get_by_label("Verksamhet").select_option("sspf")
    page.get_by_label("Personens namn").fill("Browser Testsson")
    page.get_by_label("Personnummer eller samordningsnummer").fill("20100101-2383")
    page.get_by_role("button", name="Lägg upp ärendet", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("kontrollsiffran")
    check(page, "new case with errors")
    page.get_by_label("Personnummer eller samordningsnummer").fill("20100101-2382")
    page.get_by_role("button", name="Lägg upp ärendet", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ärende SSPF-")
    expect(page.get_by_text("Browser Testsson")).to_be_visible()
    check(page, "case page")

    page.get_by_role("link", name="Registrera samtycke", exact=True).click()
    page.get_by_label("Vem har lämnat samtycket?").select_option("guardians")
    page.get_by_label("Datum för samtycket").fill(today)
    page.get_by_label("Samtycket gäller till och med").fill("2099-12-31")
    page.get_by_label("Organisationer som får dela och ta emot uppgifter").select_option(
        label="Organisation B"
    )
    page.get_by_label("Vad får delas?").select_option(["plan", "meetings"])
    check(page, "consent form")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("cell", name="giltigt", exact=True)).to_be_visible()

    page.get_by_label("Byt skede").select_option("assessment")
    page.get_by_role("button", name="Spara skedet", exact=True).click()
    page.get_by_role("link", name="Gör en bedömning", exact=True).click()
    page.get_by_label("Datum", exact=True).fill(today)
    page.get_by_label("Risk: skola och utbildning").select_option("high")
    check(page, "assessment form")
    page.get_by_role("button", name="Spara", exact=True).click()

    page.get_by_role("link", name="Lägg till åtagande", exact=True).click()
    page.get_by_label("Område").select_option("school")
    page.get_by_label("Ansvarig organisation").select_option(label="Organisation B")
    page.get_by_label("Åtagande").fill("Mentor varje vecka")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_text("Mentor varje vecka")).to_be_visible()

    page.get_by_role("link", name="Anteckna möte", exact=True).click()
    page.get_by_label("Datum", exact=True).fill(today)
    page.get_by_label("Anteckningar").fill("Första planeringsmötet")
    check(page, "meeting form")
    page.get_by_role("button", name="Spara", exact=True).click()

    page.get_by_role("link", name="Planera uppföljning", exact=True).click()
    page.get_by_label("Datum för uppföljning").fill(today)
    page.get_by_label("Vad ska följas upp?").fill("Närvaron i skolan")
    page.get_by_role("button", name="Spara", exact=True).click()
    check(page, "case page with plan")

    page.get_by_role("link", name="Avsluta ärendet", exact=True).click()
    page.get_by_label("Utfall").select_option("goals_met")
    check(page, "close form")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("term").filter(has_text="Avslutat")).to_be_visible()
    check(page, "closed case")

    case = Case.objects.get()
    assert case.stage == Stage.CLOSED
    assert case.commitments.count() == 1 and case.meetings.count() == 1
