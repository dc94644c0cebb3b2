"""Reading RegSO areas from a GeoPackage (no database)."""

import sqlite3
import struct

import pytest
import shapely

from trygg.geo import geometry
from trygg.geo.geometry import GeoDataError, parse_gpkg_geometry, read_gpkg_layer
from trygg.geo.services import SIGTUNA_GPKG

from .conftest import TESTKOMMUN_GPKG

SIGTUNA_NAMES = {
    "Arenberga-Västra Norrbacka",
    "Björkbacka-Tilsjö",
    "Broby",
    "Centrala Märsta",
    "Centrala Valsta",
    "Ekilla",
    "Malmen-Pilsbo",
    "Märsta Östra omland",
    "Märstadal",
    "Odensala-Arlanda omland",
    "Rosersberg",
    "Sigtuna centrala",
    "Sigtuna norra",
    "Sjudargården-Prästängarna",
    "Skånela-Steningevik omland",
    "Steningehöjden-Ölsta by",
    "Sätuna",
    "Södra Valsta",
    "Til-Munkholmen",
    "Tingvalla",
    "Västra Valsta",
    "Östra Norrbacka",
    "Östra Steninge",
    "Östra Valsta",
}


def test_reads_sigtunas_24_regso_areas(sigtuna_features):
    assert len(sigtuna_features) == 24
    assert {f.name for f in sigtuna_features} == SIGTUNA_NAMES
    assert [f.code for f in sigtuna_features] == [f"0191R{i:03d}" for i in range(1, 25)]
    assert {f.municipality_code for f in sigtuna_features} == {"0191"}
    names = {f.code: f.name for f in sigtuna_features}
    assert names["0191R005"] == "Centrala Valsta"


def test_geometries_are_valid_wgs84_polygons_in_sigtuna(sigtuna_features):
    for feature in sigtuna_features:
        assert feature.geometry["type"] == "Polygon"
        shape = shapely.geometry.shape(feature.geometry)
        assert shape.is_valid
        lon_min, lat_min, lon_max, lat_max = shape.bounds
        assert 17.5 < lon_min < lon_max < 18.2
        assert 59.5 < lat_min < lat_max < 59.8
        # RFC 7946: exterior rings counterclockwise, coordinates rounded to 6 decimals.
        assert shapely.is_ccw(shape.exterior)
        lon, lat = feature.geometry["coordinates"][0][0]
        assert round(lon, 6) == lon and round(lat, 6) == lat


def test_areas_do_not_overlap(sigtuna_features):
    shapes = [shapely.geometry.shape(f.geometry) for f in sigtuna_features]
    union = shapely.union_all(shapes)
    assert sum(s.area for s in shapes) == pytest.approx(union.area, rel=1e-6)


def test_matches_the_sweref_coordinates_in_the_file(sigtuna_features):
    with sqlite3.connect(SIGTUNA_GPKG) as connection:
        (blob,) = connection.execute(
            "SELECT sp_geometry FROM RegSO_2025 WHERE regsokod = '0191R005'"
        ).fetchone()
    srs_id, raw = parse_gpkg_geometry(blob)
    assert srs_id == 3006
    feature = next(f for f in sigtuna_features if f.code == "0191R005")
    lons, lats = zip(*feature.geometry["coordinates"][0], strict=True)
    x, y = geometry.to_sweref(lons, lats)
    original = shapely.get_coordinates(raw)
    # Same vertices, within the 6-decimal rounding (about 0.1 m); order may differ.
    projected = shapely.MultiPoint(list(zip(x, y, strict=True)))
    assert len(projected.geoms) == len(original)
    assert shapely.hausdorff_distance(projected, shapely.MultiPoint(original)) < 0.2


def test_reads_any_municipality():
    features = read_gpkg_layer(TESTKOMMUN_GPKG, "2417")
    assert [(f.code, f.name) for f in features] == [
        ("2417R001", "Norsjö omland"),
        ("2417R002", "Norsjö tätort"),
    ]


def _square_wkb(byte_order="<"):
    return shapely.to_wkb(shapely.box(0, 0, 1, 1), byte_order=1 if byte_order == "<" else 0)


def _blob(*, indicator=1, little_endian=True, srs_id=3006, magic=b"GP", version=0, extra_flags=0):
    order = "<" if little_endian else ">"
    flags = (indicator << 1) | int(little_endian) | extra_flags
    size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get(indicator, 0)
    envelope = struct.pack(order + "d" * (size // 8), *([0.0, 1.0] * (size // 16)))
    header = magic + bytes([version, flags]) + struct.pack(order + "i", srs_id)
    return header + envelope + _square_wkb(order)


@pytest.mark.parametrize("indicator", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("little_endian", [True, False])
def test_parses_every_envelope_size_and_byte_order(indicator, little_endian):
    srs_id, shape = parse_gpkg_geometry(_blob(indicator=indicator, little_endian=little_endian))
    assert srs_id == 3006
    assert shape.equals(shapely.box(0, 0, 1, 1))


@pytest.mark.parametrize(
    "blob",
    [
        _blob(magic=b"XX"),
        _blob(version=1),
        _blob(indicator=5),
        _blob(extra_flags=0b0010_0000),  # extended geometry type
        _blob()[:-7],  # truncated WKB
        b"GP",
        "not bytes",
    ],
)
def test_rejects_broken_geometry_blobs(blob):
    with pytest.raises(GeoDataError) as error:
        parse_gpkg_geometry(blob)
    assert error.value.problem == "bad_geometry"


def _problem(path, code="0191"):
    with pytest.raises(GeoDataError) as error:
        read_gpkg_layer(path, code)
    return error.value


def test_text_file_is_not_a_geopackage(tmp_path):
    path = tmp_path / "areas.gpkg"
    path.write_text("regsokod;regsonamn\n0191R001;Arenberga\n" * 50, encoding="utf-8")
    assert _problem(path).problem == "not_sqlite"


def test_sqlite_file_without_geopackage_tables(tmp_path):
    path = tmp_path / "plain.gpkg"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    assert _problem(path).problem == "not_gpkg"


def test_geopackage_without_the_layer(gpkg_copy):
    path, execute = gpkg_copy
    execute("ALTER TABLE RegSO_2025 RENAME TO DeSO_2025")
    error = _problem(path)
    assert error.problem == "no_layer"
    assert error.params["layer"] == "RegSO_2025"


def test_layer_missing_a_column(gpkg_copy):
    path, execute = gpkg_copy
    execute("ALTER TABLE RegSO_2025 RENAME COLUMN regsonamn TO namn")
    error = _problem(path)
    assert error.problem == "missing_columns"
    assert error.params["columns"] == "regsonamn"


def test_corrupt_geometry_blob(gpkg_copy):
    path, execute = gpkg_copy
    execute(
        "UPDATE RegSO_2025 SET sp_geometry = substr(sp_geometry, 1, 60) WHERE regsokod = '0191R007'"
    )
    error = _problem(path)
    assert error.problem == "bad_geometry"
    assert error.params["feature"] == "0191R007"


def test_geometry_that_is_not_a_polygon(gpkg_copy):
    path, execute = gpkg_copy
    point = b"GP\x00\x01" + struct.pack("<i", 3006) + shapely.to_wkb(shapely.Point(660000, 6610000))
    execute("UPDATE RegSO_2025 SET sp_geometry = ? WHERE regsokod = '0191R003'", (point,))
    assert _problem(path).problem == "not_polygon"


def test_unknown_municipality_code():
    error = _problem(SIGTUNA_GPKG, "0180")
    assert error.problem == "unknown_municipality"
    assert error.params["code"] == "0180"


@pytest.mark.parametrize("code", ["191", "01910", "abcd", "", None])
def test_malformed_municipality_code(code):
    assert _problem(SIGTUNA_GPKG, code).problem == "bad_municipality_code"


def test_missing_file(tmp_path):
    assert _problem(tmp_path / "saknas.gpkg").problem == "file_missing"


def test_unsupported_coordinate_system(gpkg_copy):
    path, execute = gpkg_copy
    execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES "
        "('WGS 84 / Pseudo-Mercator', 3857, 'EPSG', 3857, 'undefined', '')"
    )
    execute("UPDATE gpkg_geometry_columns SET srs_id = 3857")
    error = _problem(path)
    assert error.problem == "wrong_srs"
    assert error.params["srs"] == "EPSG:3857"


def test_geometry_srs_disagreeing_with_the_layer(gpkg_copy):
    path, execute = gpkg_copy
    execute("UPDATE gpkg_geometry_columns SET srs_id = 4326")
    assert _problem(path).problem == "wrong_srs"


def test_coordinates_in_the_wrong_system_are_caught(gpkg_copy):
    path, execute = gpkg_copy
    # Claims WGS84 but holds SWEREF 99 TM metres in every geometry header and the layer.
    execute("UPDATE gpkg_spatial_ref_sys SET organization_coordsys_id = 4326 WHERE srs_id = 3006")
    assert _problem(path).problem == "outside_sweden"
