"""Actions and presence in a real browser: a coordinator creates an action, opens it,
edits it, registers presence and looks at the presence views; axe-core checks every page
and the console stays free of CSP violations and errors."""

import datetime as dt

import pytest

from trygg.core.tests.browser import missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from trygg.core.tests.test_pages_browser import (  # noqa: E402, F401
    DESKTOP,
    assert_console_clean,
    assert_no_serious_axe_violations,
    log_in,
    new_page,
    visit,
)
from trygg.geo.services import setup_sigtuna_demo_geography  # noqa: E402
from trygg.incidents.models import Category  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.testing import build_world  # noqa: E402
from trygg.work import services  # noqa: E402
from trygg.work.models import Action  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def work_world(transactional_db):
    install_default_taxonomy(Category)
    world = build_world()
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    today = timezone.localdate()
    valsta = world.p.areas.get(name="Centrala Valsta")
    services.create_action(
        actor=world.users["coordinator"],
        partnership=world.p,
        title="Försenad röjning",
        type="environment",
        organisation=world.org_a,
        areas=[valsta],
        start=today - dt.timedelta(days=30),
        end=today - dt.timedelta(days=2),
        status="ongoing",
    )
    day = today - dt.timedelta(days=today.weekday() + 3)
    services.plan_presence(
        actor=world.users["coordinator"],
        partnership=world.p,
        organisation=world.org_a,
        kind="field_workers",
        area=valsta,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(18))),
        ends_at=timezone.make_aware(dt.datetime.combine(day, dt.time(22))),
        status="performed",
    )
    return world


def test_coordinator_works_with_actions_and_presence(work_world, new_page):  # noqa: F811
    page = new_page(DESKTOP)
    log_in(page, "coordinator@a.example")

    visit(page, "/atgarder/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtgärder")
    expect(page.locator(".tag--overdue")).to_have_text("Försenad")
    assert_no_serious_axe_violations(page, "action list")

    page.get_by_role("link", name="Ny åtgärd", exact=True).click()
    assert_no_serious_axe_violations(page, "action form")
    page.get_by_role("button", name="Spara åtgärden").click()
    expect(page.locator(".error-summary")).to_contain_text("Skriv en rubrik för åtgärden.")
    assert_no_serious_axe_violations(page, "action form with errors")
    page.get_by_label("Rubrik").fill("Trygghetsvandring i Valsta")
    page.get_by_label("Typ av åtgärd").select_option("event")
    page.get_by_label("Områden").select_option(label="Centrala Valsta (RegSO-område)")
    page.get_by_role("button", name="Spara åtgärden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trygghetsvandring i Valsta")
    assert_no_serious_axe_violations(page, "action detail")
    assert Action.objects.filter(title="Trygghetsvandring i Valsta").exists()

    page.get_by_role("link", name="Ändra åtgärden").click()
    page.get_by_label("Status").select_option("ongoing")
    page.get_by_label("Kommentar till ändringen").fill("Startad")
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.locator("main")).to_contain_text("Startad")
    assert_console_clean(page, "actions")

    visit(page, "/atgarder/min-organisation/")
    assert_no_serious_axe_violations(page, "to-do list")

    visit(page, "/narvaro/")
    assert_no_serious_axe_violations(page, "presence week")
    page.get_by_role("link", name="Registrera närvaro").click()
    assert_no_serious_axe_violations(page, "presence form")

    visit(page, "/narvaro/brannpunkter/")
    expect(page.locator("[data-map-status]")).to_contain_text("Kartan har laddats")
    assert_no_serious_axe_violations(page, "presence and hotspots")
    visit(page, "/narvaro/over-tid/")
    assert_no_serious_axe_violations(page, "presence over time")
    assert_console_clean(page, "presence")
