"""The correction form in a real browser on a phone: the report form's map moves the point
(a tap), the area follows; axe-core WCAG checks and the strict CSP."""

import pytest
from django.urls import reverse
from django.utils import timezone

from trygg.core.tests.browser import missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from trygg.geo.models import Area  # noqa: E402
from trygg.incidents import rollup, services  # noqa: E402
from trygg.incidents.models import IncidentRevision  # noqa: E402

from .test_edit_place_time import box  # noqa: E402
from .test_report_browser import check_page, log_in, phone_page, report_world  # noqa: E402, F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reporter_moves_the_point_on_the_map(report_world, phone_page):  # noqa: F811
    world, page = report_world, phone_page
    west, east = (
        Area.objects.create(
            partnership=world.p,
            kind=Area.Kind.REGSO,
            code=code,
            name=name,
            parent=world.area_p,
            geometry=box(*edges),
        )
        for code, name, edges in (("R1", "Väster", (17.80, 17.85)), ("R2", "Öster", (17.85, 17.90)))
    )
    incident = services.report_incident(
        reporter=world.users["reporter"],
        partnership=world.p,
        category="ORDNING.BRAK",
        lat=59.62,
        lon=17.848,
        occurred_date=timezone.localdate(),
        time_bucket="evening",
    )
    assert incident.area == west
    log_in(page, "reporter@a.example")
    page.goto(reverse("incidents:edit", args=[incident.pk]))
    page.wait_for_selector("#report-map[data-map-ready]")
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("[data-place-status]")).to_contain_text("Platsen ligger i Väster")
    check_page(page, "correction form")
    box_ = page.locator("#report-map").bounding_box()
    page.locator("#report-map").tap(
        position={"x": box_["width"] / 2 + 120, "y": box_["height"] / 2}
    )
    expect(page.locator("[data-place-status]")).to_contain_text("Platsen ligger i Öster")
    page.get_by_label("Varför ändras rapporten?").fill("Platsen var fel")
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.locator("main")).to_contain_text("Rapporten är ändrad")
    incident.refresh_from_db()
    assert incident.area == east and incident.lon > 17.85
    assert set(IncidentRevision.objects.get(incident=incident).changes) == {"lat", "lon", "area"}
    assert rollup.stored_counts() == rollup.direct_counts()
