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
