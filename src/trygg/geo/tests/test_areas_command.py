"""The `trygg areas` command."""

import shutil
import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from trygg.audit.models import AuditEntry
from trygg.core.models import Partnership
from trygg.core.services import create_partnership
from trygg.geo.models import Area
from trygg.geo.services import SIGTUNA_GPKG

from .conftest import SIGTUNA_GEOJSON, TESTKOMMUN_GPKG


def _areas(*args):
    out = StringIO()
    call_command("areas", *args, stdout=out)
    return out.getvalue()


def _load(*extra, kommun="0191", file=SIGTUNA_GPKG):
    return _areas("load", "--kommun", kommun, "--file", str(file), *extra)


def _counts():
    return Area.objects.count(), AuditEntry.objects.count(), Partnership.objects.count()


def test_loads_into_the_partnership_of_the_municipality(sigtuna):
    out = _load()
    assert "Läste in 24 RegSO-områden för Sigtuna kommun i samverkan Trygghetscenter Sigtuna" in out
    assert "24 nya, 0 ändrade, 0 oförändrade" in out
    assert Area.objects.filter(partnership=sigtuna, kind=Area.Kind.REGSO).count() == 24
    assert Area.objects.get(partnership=sigtuna, code="0191").source == (
        "SCB RegSO (regso_2025_0191.gpkg)"
    )


def test_loading_again_says_nothing_changed(sigtuna):
    _load()
    assert "Inga ändringar: alla 24 RegSO-områden för Sigtuna kommun fanns redan" in _load()


def test_loads_geojson_too(sigtuna):
    _load(file=SIGTUNA_GEOJSON)
    assert Area.objects.filter(partnership=sigtuna, kind=Area.Kind.REGSO).count() == 24


def test_creates_the_partnership_when_asked(db):
    out = _load("--create-partnership", kommun="2417", file=TESTKOMMUN_GPKG)
    partnership = Partnership.objects.get(municipality_code="2417")
    assert (partnership.name, partnership.slug, partnership.municipality_name) == (
        "Trygghetscenter Norsjö",
        "norsjo",
        "Norsjö",
    )
    assert "Norsjö kommun" in out
    assert Area.objects.filter(partnership=partnership).count() == 3


def test_without_a_partnership_it_says_how_to_make_one(db):
    with pytest.raises(CommandError) as error:
        _load()
    assert str(error.value) == (
        "Det finns ingen samverkan för Sigtuna kommun (0191); skapa den först eller lägg "
        "till --create-partnership."
    )
    assert _counts() == (0, 0, 0)


def test_partnership_by_slug(world):
    _load("--partnership", "p")
    assert Area.objects.filter(partnership=world.p, kind=Area.Kind.REGSO).count() == 24
    with pytest.raises(CommandError, match="ingen samverkan med kortnamnet nope"):
        _load("--partnership", "nope")


def test_two_partnerships_for_one_municipality_need_a_choice(world, sigtuna):
    before = _counts()
    with pytest.raises(CommandError, match="--partnership"):
        _load()
    assert _counts() == before


def test_a_partnership_of_another_municipality_is_refused(world):
    before = _counts()
    with pytest.raises(CommandError, match="kommunkoden 0191"):
        _load("--partnership", "q")
    assert _counts() == before


def _text_file(tmp_path):
    path = tmp_path / "areas.gpkg"
    path.write_text("det här är ingen geopackage\n", encoding="utf-8")
    return path


def _sqlite_without_layer(tmp_path):
    path = tmp_path / "empty.gpkg"
    shutil.copy(SIGTUNA_GPKG, path)
    with sqlite3.connect(path) as target:
        target.execute("DROP TABLE RegSO_2025")
    return path


def _corrupt_blob(tmp_path):
    path = tmp_path / "corrupt.gpkg"
    shutil.copy(SIGTUNA_GPKG, path)
    with sqlite3.connect(path) as target:
        target.execute(
            "UPDATE RegSO_2025 SET sp_geometry = X'4750000200000BBE00' WHERE regsokod = '0191R012'"
        )
    return path


@pytest.mark.parametrize(
    ("make_file", "kommun", "message"),
    [
        (_text_file, "0191", "är ingen GeoPackage-fil (ingen SQLite-databas)."),
        (_sqlite_without_layer, "0191", "har inget lager som heter RegSO_2025."),
        (_corrupt_blob, "0191", "Geometrin för område 0191R012 i filen"),
        (lambda tmp_path: tmp_path / "saknas.gpkg", "0191", "saknas.gpkg finns inte."),
        (lambda tmp_path: SIGTUNA_GPKG, "0186", "innehåller inga områden med kommunkoden 0186."),
        (lambda tmp_path: SIGTUNA_GPKG, "9999", "Kommunkoden 9999 finns inte i SCB:s lista"),
        (lambda tmp_path: SIGTUNA_GPKG, "19x", "Kommunkoden 19x finns inte i SCB:s lista"),
    ],
)
def test_bad_input_fails_with_one_sentence_and_writes_nothing(
    db, tmp_path, make_file, kommun, message
):
    create_partnership(
        actor=None,
        name="Trygghetscenter Sigtuna",
        slug="sigtuna",
        municipality_code="0191",
        municipality_name="Sigtuna",
    )
    create_partnership(
        actor=None,
        name="Trygghetscenter Lidingö",
        slug="lidingo",
        municipality_code="0186",
        municipality_name="Lidingö",
    )
    before = _counts()
    with pytest.raises(CommandError) as error:
        _load("--create-partnership", kommun=kommun, file=make_file(tmp_path))
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert _counts() == before


def test_a_failed_load_does_not_leave_a_created_partnership(db, tmp_path):
    with pytest.raises(CommandError):
        _load("--create-partnership", file=_corrupt_blob(tmp_path))
    assert _counts() == (0, 0, 0)


def test_list_shows_the_hierarchy_and_focus_areas(sigtuna):
    from trygg.geo.services import setup_sigtuna_demo_geography

    setup_sigtuna_demo_geography(actor=None, partnership=sigtuna)
    out = _areas("list", "--partnership", "sigtuna")
    assert out.splitlines()[0] == "Trygghetscenter Sigtuna (sigtuna, 0191)"
    assert "  0191  Sigtuna kommun (kommun)" in out
    assert "    0191-valsta  Valsta (kommundel)" in out
    assert "      0191R005  Centrala Valsta (RegSO-område)" in out
    assert "Fokusområde Valsta (prioritet 1): Valsta" in out


def test_list_without_areas_and_unknown_partnership(world):
    out = _areas("list")
    assert "Samverkan Q (q, 0181)" in out and "0181  Södertälje kommun" in out
    with pytest.raises(CommandError, match="ingen samverkan med kortnamnet x"):
        _areas("list", "--partnership", "x")
