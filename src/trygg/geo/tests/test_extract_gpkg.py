"""Extracting one municipality from a national GeoPackage (no database)."""

import sqlite3

import pytest

from trygg.geo.extract_gpkg import extract_municipality, main
from trygg.geo.geometry import GeoDataError, read_gpkg_layer
from trygg.geo.services import SIGTUNA_GPKG

GEOPACKAGE_APPLICATION_ID = 0x47504B47  # "GPKG"


def _tables(path):
    with sqlite3.connect(path) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}


def test_extract_is_a_valid_geopackage_with_only_the_municipality(tmp_path):
    target = tmp_path / "0191.gpkg"
    assert extract_municipality(SIGTUNA_GPKG, target, "0191") == 24
    with sqlite3.connect(target) as connection:
        assert (
            connection.execute("PRAGMA application_id").fetchone()[0] == GEOPACKAGE_APPLICATION_ID
        )
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT DISTINCT kommunkod FROM RegSO_2025").fetchall() == [
            ("0191",)
        ]
        extensions = [
            r[0] for r in connection.execute("SELECT extension_name FROM gpkg_extensions")
        ]
        assert "gpkg_rtree_index" not in extensions
        assert connection.execute("SELECT srs_id FROM gpkg_geometry_columns").fetchall() == [
            (3006,)
        ]
        min_x, max_x = connection.execute("SELECT min_x, max_x FROM gpkg_contents").fetchone()
        assert 640_000 < min_x < max_x < 680_000
    tables = _tables(target)
    assert {"gpkg_spatial_ref_sys", "gpkg_contents", "gpkg_geometry_columns"} <= tables
    assert not any(name.startswith("rtree_") for name in tables)
    assert len(read_gpkg_layer(target, "0191")) == 24


def test_unknown_municipality_writes_no_file(tmp_path):
    target = tmp_path / "9999.gpkg"
    with pytest.raises(GeoDataError) as error:
        extract_municipality(SIGTUNA_GPKG, target, "9999")
    assert error.value.problem == "unknown_municipality"
    assert not target.exists()


def test_command_line(tmp_path, capsys):
    target = tmp_path / "x.gpkg"
    assert main([str(SIGTUNA_GPKG), str(target), "0191"]) == 0
    assert "24" in capsys.readouterr().out
    assert main([str(tmp_path / "missing.gpkg"), str(target), "0191"]) == 1
    assert "does not exist" in capsys.readouterr().err
