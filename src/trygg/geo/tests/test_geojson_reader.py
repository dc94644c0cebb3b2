"""Reading RegSO areas from GeoJSON, in WGS84 or SWEREF 99 TM (no database)."""

import json

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from trygg.geo.geometry import GeoDataError, read_geojson, read_regso_file

from .conftest import SIGTUNA_GEOJSON


def _shapes(features):
    return {f.code: shapely.geometry.shape(f.geometry) for f in features}


def test_reads_the_shipped_wgs84_file(sigtuna_features):
    features = read_geojson(SIGTUNA_GEOJSON, "0191")
    assert [(f.code, f.name) for f in features] == [(f.code, f.name) for f in sigtuna_features]
    from_gpkg = _shapes(sigtuna_features)
    for code, shape in _shapes(features).items():
        assert shape.is_valid
        assert shape.symmetric_difference(from_gpkg[code]).area < 1e-4 * shape.area


def _sweref_collection(features, crs_member=True):
    to_sweref = Transformer.from_crs(4326, 3006, always_xy=True)

    def project(xy):
        return np.column_stack(to_sweref.transform(xy[:, 0], xy[:, 1]))

    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"regsokod": f.code, "regsonamn": f.name, "kommunkod": "0191"},
                "geometry": shapely.geometry.mapping(
                    shapely.transform(shapely.geometry.shape(f.geometry), project)
                ),
            }
            for f in features
        ],
    }
    if crs_member:
        collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
    return collection


def _write(tmp_path, collection, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def test_reads_sweref_named_by_the_crs_member(tmp_path, sigtuna_features):
    path = _write(tmp_path, _sweref_collection(sigtuna_features[:3]))
    features = read_geojson(path, "0191")
    for feature, original in zip(features, sigtuna_features[:3], strict=True):
        assert feature.code == original.code
        a, b = shapely.geometry.shape(feature.geometry), shapely.geometry.shape(original.geometry)
        assert shapely.hausdorff_distance(a, b) < 2e-6


def test_reads_sweref_named_by_an_argument(tmp_path, sigtuna_features):
    path = _write(tmp_path, _sweref_collection(sigtuna_features[:2], crs_member=False))
    assert [f.code for f in read_geojson(path, "0191", crs="EPSG:3006")] == [
        "0191R001",
        "0191R002",
    ]
    assert [f.code for f in read_regso_file(path, "0191", crs=3006)] == ["0191R001", "0191R002"]


def test_sweref_coordinates_without_a_crs_are_caught(tmp_path, sigtuna_features):
    path = _write(tmp_path, _sweref_collection(sigtuna_features[:2], crs_member=False))
    with pytest.raises(GeoDataError) as error:
        read_geojson(path, "0191")
    assert error.value.problem == "outside_sweden"


def _problem(path, code="0191", **kwargs):
    with pytest.raises(GeoDataError) as error:
        read_regso_file(path, code, **kwargs)
    return error.value.problem


def test_unsupported_crs(tmp_path, sigtuna_features):
    collection = _sweref_collection(sigtuna_features[:1])
    collection["crs"]["properties"]["name"] = "urn:ogc:def:crs:EPSG::3857"
    assert _problem(_write(tmp_path, collection)) == "wrong_srs"
    collection["crs"]["properties"]["name"] = "something else"
    assert _problem(_write(tmp_path, collection)) == "wrong_srs"


def test_not_json(tmp_path):
    path = tmp_path / "areas.geojson"
    path.write_text("{ not json", encoding="utf-8")
    assert _problem(path) == "not_geojson"


def test_json_that_is_not_a_feature_collection(tmp_path):
    assert _problem(_write(tmp_path, {"type": "Polygon", "coordinates": []})) == "not_geojson"


def test_feature_without_the_needed_properties(tmp_path, sigtuna_features):
    collection = _sweref_collection(sigtuna_features[:1])
    del collection["features"][0]["properties"]["regsonamn"]
    assert _problem(_write(tmp_path, collection)) == "missing_columns"


def test_feature_with_a_broken_geometry(tmp_path, sigtuna_features):
    collection = _sweref_collection(sigtuna_features[:2])
    collection["features"][1]["geometry"] = {"type": "Polygon", "coordinates": "nonsense"}
    assert _problem(_write(tmp_path, collection)) == "bad_geometry"


def test_self_intersecting_polygon(tmp_path):
    bowtie = [
        [
            [660000, 6610000],
            [661000, 6611000],
            [661000, 6610000],
            [660000, 6611000],
            [660000, 6610000],
        ]
    ]
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:3006"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"regsokod": "0191R001", "regsonamn": "X", "kommunkod": "0191"},
                "geometry": {"type": "Polygon", "coordinates": bowtie},
            }
        ],
    }
    assert _problem(_write(tmp_path, collection)) == "invalid_geometry"


def test_duplicate_codes(tmp_path, sigtuna_features):
    collection = _sweref_collection(sigtuna_features[:2])
    collection["features"][1]["properties"]["regsokod"] = "0191R001"
    assert _problem(_write(tmp_path, collection)) == "duplicate_code"


def test_unknown_municipality_code():
    assert _problem(SIGTUNA_GEOJSON, "0186") == "unknown_municipality"


def test_unknown_file_type(tmp_path):
    path = tmp_path / "areas.shp"
    path.write_bytes(b"\x00\x00\x27\x0a")
    assert _problem(path) == "unsupported_format"
