"""The import wizard in a real browser: upload, map, check, import; axe on every step."""

import pytest

from trygg.core.tests.browser import missing_browser_reason

if reason := missing_browser_reason():
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from trygg.core.tests.test_pages_browser import (  # noqa: E402, F401
    PHONE,
    assert_console_clean,
    assert_no_serious_axe_violations,
    log_in,
    new_page,
    visit,
)
from trygg.incidents.models import Category, Incident  # noqa: E402
from trygg.incidents.taxonomy import install_default_taxonomy  # noqa: E402
from trygg.testing import build_world  # noqa: E402

from .test_wizard import FILE  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reporter_imports_a_file_on_a_phone(transactional_db, new_page, tmp_path):  # noqa: F811
    install_default_taxonomy(Category)
    build_world()
    upload = tmp_path / "sigtunahem.csv"
    upload.write_bytes(FILE)
    page = new_page(PHONE)
    log_in(page, "reporter@a.example")
    visit(page, "/importera/")
    assert_no_serious_axe_violations(page, "import start")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Ladda upp och fortsätt").click()
    expect(page.locator("main")).to_contain_text("Rubrikraden är rad 2")
    assert_no_serious_axe_violations(page, "column mapping")
    for field, column in {
        "external_id": "Ärendenr",
        "date": "Datum",
        "time": "Tid",
        "category": "Typ",
        "description": "Beskrivning",
        "x": "X",
        "y": "Y",
    }.items():
        page.select_option(f"select[name={field}]", column)
    page.get_by_role("button", name="Fortsätt").click()
    assert_no_serious_axe_violations(page, "category mapping")
    page.select_option("select[name=w0]", "SKADA.KLOTTER")
    page.select_option("select[name=w1]", "ORDNING.BRAK")
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.locator("main")).to_contain_text("Ingenting är sparat ännu")
    assert_no_serious_axe_violations(page, "dry run")
    assert Incident.objects.count() == 0
    page.get_by_role("button", name="Importera").click()
    expect(page.locator("main")).to_contain_text("Importen är klar")
    assert_no_serious_axe_violations(page, "import done")
    assert Incident.objects.count() == 3
    assert_console_clean(page, "import wizard")


def test_the_progress_of_a_background_import_updates_itself(transactional_db, new_page):  # noqa: F811
    """import.js fetches the progress every other second: the bar and its text follow the
    job (checking, then saving without a value) and the result shows when it is done."""
    from trygg.imports.models import ImportJob

    install_default_taxonomy(Category)
    world = build_world()
    job = ImportJob.objects.create(
        partnership=world.p,
        organisation=world.org_a,
        user=world.users["reporter"],
        file_name="stor.csv",
        row_count=100_000,
        status=ImportJob.Status.RUNNING,
        progress=12_000,
    )
    page = new_page(PHONE)
    log_in(page, "reporter@a.example")
    visit(page, f"/importera/{job.pk}/")
    text = page.locator("[data-progress-text]")
    bar = page.locator("progress")
    expect(text).to_have_text("12\xa0000 av 100\xa0000 rader kontrollerade")
    expect(text).to_have_attribute("aria-live", "polite")
    expect(bar).to_have_attribute("value", "12000")
    assert_no_serious_axe_violations(page, "import progress")
    ImportJob.objects.filter(pk=job.pk).update(progress=55_000)
    expect(text).to_have_text("55\xa0000 av 100\xa0000 rader kontrollerade", timeout=6000)
    expect(bar).to_have_attribute("value", "55000")
    ImportJob.objects.filter(pk=job.pk).update(progress=100_000)
    expect(page.locator("[data-progress-label]")).to_have_text("Sparar händelserna", timeout=6000)
    assert bar.get_attribute("value") is None  # indeterminate while saving
    assert_no_serious_axe_violations(page, "import saving")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, result={"created": 100_000}
    )
    expect(page.locator("main")).to_contain_text("Importen är klar", timeout=6000)
    assert_console_clean(page, "import progress")
