"""Loading a municipality's RegSO areas into a partnership."""

import dataclasses

import pytest
import shapely
from django.core.exceptions import ValidationError

from trygg.audit.models import AuditEntry
from trygg.core.services import create_partnership
from trygg.geo import services
from trygg.geo.geometry import read_gpkg_layer
from trygg.geo.models import Area

from .conftest import TESTKOMMUN_GPKG


def _load(partnership, features, actor=None):
    return services.load_regso_areas(
        actor=actor, partnership=partnership, features=features, source="SCB RegSO 2025 (test)"
    )


def test_loads_the_municipality_and_its_24_regso_areas(sigtuna, sigtuna_features):
    result = _load(sigtuna, sigtuna_features)
    assert len(result.created) == 24 and result.changed
    root = Area.objects.get(partnership=sigtuna, kind=Area.Kind.MUNICIPALITY)
    assert (root.code, root.name, root.parent) == ("0191", "Sigtuna kommun", None)
    regso = Area.objects.filter(partnership=sigtuna, kind=Area.Kind.REGSO)
    assert regso.count() == 24
    assert set(regso.values_list("parent", flat=True)) == {root.pk}
    valsta = regso.get(code="0191R005")
    assert valsta.name == "Centrala Valsta"
    assert valsta.source == "SCB RegSO 2025 (test)"

    root_shape = shapely.geometry.shape(root.geometry)
    assert root_shape.is_valid and root_shape.geom_type == "Polygon"
    lon_min, lat_min, lon_max, lat_max = root_shape.bounds
    assert 17.5 < lon_min < lon_max < 18.2 and 59.5 < lat_min < lat_max < 59.8
    regso_union = shapely.union_all([shapely.geometry.shape(a.geometry) for a in regso])
    assert root_shape.symmetric_difference(regso_union).area < 0.01 * regso_union.area
    assert all(shapely.geometry.shape(a.geometry).is_valid for a in regso)


def test_writes_one_audit_entry_with_the_counts(sigtuna, sigtuna_features):
    _load(sigtuna, sigtuna_features)
    entry = AuditEntry.objects.get(action="geo.regso_load")
    assert entry.partnership_id == sigtuna.pk
    assert entry.data["created"] == 24 and entry.data["unchanged"] == 0
    assert entry.data["municipality_code"] == "0191"


def test_loading_again_changes_nothing_and_says_so(sigtuna, sigtuna_features):
    _load(sigtuna, sigtuna_features)
    before = list(Area.objects.order_by("pk").values())
    result = _load(sigtuna, sigtuna_features)
    assert not result.changed
    assert (result.created, result.updated, len(result.unchanged)) == ([], [], 24)
    assert list(Area.objects.order_by("pk").values()) == before
    entries = AuditEntry.objects.filter(action="geo.regso_load").order_by("seq")
    assert [e.data["created"] for e in entries] == [24, 0]
    assert entries.last().data["municipality_changed"] is False


def test_a_changed_area_is_updated(sigtuna, sigtuna_features):
    _load(sigtuna, sigtuna_features)
    renamed = [dataclasses.replace(sigtuna_features[0], name="Arenberga")] + sigtuna_features[1:]
    result = _load(sigtuna, renamed)
    assert result.updated == ["0191R001"] and len(result.unchanged) == 23
    assert Area.objects.get(partnership=sigtuna, code="0191R001").name == "Arenberga"


def test_areas_missing_from_a_later_file_are_kept_and_reported(sigtuna, sigtuna_features):
    _load(sigtuna, sigtuna_features)
    result = _load(sigtuna, sigtuna_features[1:])
    assert result.not_in_file == ["0191R001"]
    assert Area.objects.filter(partnership=sigtuna, code="0191R001").exists()


def test_takes_over_an_existing_municipality_area(world, sigtuna_features):
    # The test world's partnership P already has a placeholder "Sigtuna kommun" (0191).
    result = _load(world.p, sigtuna_features)
    assert result.municipality.pk == world.area_p.pk
    world.area_p.refresh_from_db()
    assert world.area_p.geometry["type"] == "Polygon"
    assert Area.objects.filter(partnership=world.q).count() == 1


def _counts():
    return Area.objects.count(), AuditEntry.objects.count()


def test_another_municipalitys_areas_are_refused(sigtuna):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        _load(sigtuna, read_gpkg_layer(TESTKOMMUN_GPKG, "2417"))
    assert "kommunkoden 2417" in error.value.messages[0]
    assert "0191" in error.value.messages[0]
    assert _counts() == before


@pytest.mark.parametrize(
    "broken",
    [
        lambda f: {"type": "Point", "coordinates": [17.8, 59.6]},
        lambda f: {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        lambda f: {"type": "Polygon", "coordinates": "x"},
    ],
)
def test_bad_geometry_is_refused_before_anything_is_written(sigtuna, sigtuna_features, broken):
    features = sigtuna_features[:-1] + [
        dataclasses.replace(sigtuna_features[-1], geometry=broken(sigtuna_features[-1]))
    ]
    before = _counts()
    with pytest.raises(ValidationError) as error:
        _load(sigtuna, features)
    assert "0191R024" in error.value.messages[0]
    assert _counts() == before


def test_no_features_and_duplicates_are_refused(sigtuna, sigtuna_features):
    with pytest.raises(ValidationError):
        _load(sigtuna, [])
    with pytest.raises(ValidationError, match="flera gånger"):
        _load(sigtuna, sigtuna_features + sigtuna_features[:1])
    assert Area.objects.filter(partnership=sigtuna).count() == 0


def test_onboards_any_municipality(db):
    norsjo = create_partnership(
        actor=None,
        name="Trygghetscenter Norsjö",
        slug="norsjo",
        municipality_code="2417",
        municipality_name="Norsjö",
    )
    result = _load(norsjo, services.read_regso_file(TESTKOMMUN_GPKG, "2417"))
    assert result.municipality.name == "Norsjö kommun"
    assert sorted(Area.objects.filter(partnership=norsjo).values_list("code", "name")) == [
        ("2417", "Norsjö kommun"),
        ("2417R001", "Norsjö omland"),
        ("2417R002", "Norsjö tätort"),
    ]


def test_file_problems_are_one_swedish_sentence(tmp_path):
    path = tmp_path / "areas.gpkg"
    path.write_text("inte en geopackage", encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        services.read_regso_file(path, "0191")
    assert error.value.messages == [f"Filen {path} är ingen GeoPackage-fil (ingen SQLite-databas)."]
