"""Configuring districts (kommundelar) from RegSO areas."""

import dataclasses

import pytest
import shapely
from django.core.exceptions import ValidationError

from trygg.audit.models import AuditEntry
from trygg.geo import services
from trygg.geo.models import Area


@pytest.fixture
def loaded(sigtuna, sigtuna_features):
    services.load_regso_areas(
        actor=None, partnership=sigtuna, features=sigtuna_features, source="test"
    )
    return sigtuna


def _configure(partnership, districts):
    return services.configure_districts(actor=None, partnership=partnership, districts=districts)


def _district_of(partnership):
    return {
        a.name: a.parent.name
        for a in Area.objects.filter(partnership=partnership, kind=Area.Kind.REGSO).select_related(
            "parent"
        )
    }


def test_sigtuna_districts_cover_all_24_regso_areas_once(loaded):
    assert sum(len(m) for m in services.SIGTUNA_DISTRICTS.values()) == 24
    result = _configure(loaded, services.SIGTUNA_DISTRICTS)
    assert sorted(result.created) == sorted(services.SIGTUNA_DISTRICTS)
    district_of = _district_of(loaded)
    assert len(district_of) == 24
    for district, members in services.SIGTUNA_DISTRICTS.items():
        assert {name for name, parent in district_of.items() if parent == district} == set(members)

    municipality = Area.objects.get(partnership=loaded, kind=Area.Kind.MUNICIPALITY)
    districts = Area.objects.filter(partnership=loaded, kind=Area.Kind.DISTRICT)
    assert districts.count() == 6
    assert set(districts.values_list("parent", flat=True)) == {municipality.pk}
    assert districts.get(name="Märsta").code == "0191-marsta"


def test_district_geometry_is_the_union_of_its_areas(loaded):
    _configure(loaded, services.SIGTUNA_DISTRICTS)
    valsta = Area.objects.get(partnership=loaded, kind=Area.Kind.DISTRICT, name="Valsta")
    shape = shapely.geometry.shape(valsta.geometry)
    members = shapely.union_all([shapely.geometry.shape(a.geometry) for a in valsta.children.all()])
    assert shape.is_valid
    assert shape.symmetric_difference(members).area < 0.01 * members.area


def test_configuring_again_changes_nothing(loaded):
    _configure(loaded, services.SIGTUNA_DISTRICTS)
    before = list(Area.objects.order_by("pk").values())
    result = _configure(loaded, services.SIGTUNA_DISTRICTS)
    assert not result.changed and len(result.unchanged) == 6
    assert list(Area.objects.order_by("pk").values()) == before


def test_regso_areas_may_be_named_by_code_and_left_out(loaded):
    result = _configure(loaded, {"Valsta": ["0191R005", "västra valsta"]})
    assert result.created == ["Valsta"]
    district_of = _district_of(loaded)
    assert district_of["Centrala Valsta"] == district_of["Västra Valsta"] == "Valsta"
    assert district_of["Östra Valsta"] == "Sigtuna kommun"


def test_a_district_left_out_later_is_removed_and_its_areas_return(loaded):
    _configure(loaded, services.SIGTUNA_DISTRICTS)
    fewer = {k: v for k, v in services.SIGTUNA_DISTRICTS.items() if k != "Rosersberg"}
    result = _configure(loaded, fewer)
    assert result.deleted == ["Rosersberg"]
    assert not Area.objects.filter(
        partnership=loaded, kind=Area.Kind.DISTRICT, name="Rosersberg"
    ).exists()
    assert _district_of(loaded)["Rosersberg"] == "Sigtuna kommun"


def test_unknown_regso_names_are_listed(loaded):
    with pytest.raises(ValidationError) as error:
        _configure(loaded, {"Märsta": ["Centrala Märsta", "Märsta C", "Norrbacka"]})
    assert "Märsta C, Norrbacka" in error.value.messages[0]
    assert not Area.objects.filter(kind=Area.Kind.DISTRICT).exists()


def test_a_regso_area_in_two_districts_is_refused(loaded):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        _configure(loaded, {"Märsta": ["Sätuna", "Broby"], "Norra": ["0191R017"]})
    assert error.value.messages == [
        "RegSO-området Sätuna finns i två kommundelar: Märsta och Norra."
    ]
    assert not Area.objects.filter(kind=Area.Kind.DISTRICT).exists()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("districts", [{"Märsta": []}, {"Märsta": "Broby"}, {"  ": ["Broby"]}])
def test_malformed_configuration_is_refused(loaded, districts):
    with pytest.raises(ValidationError):
        _configure(loaded, districts)


def test_needs_regso_areas_loaded_first(sigtuna):
    with pytest.raises(ValidationError, match="läs in RegSO-områdena först"):
        _configure(sigtuna, services.SIGTUNA_DISTRICTS)


def test_a_district_in_a_focus_area_is_not_removed(loaded):
    _configure(loaded, services.SIGTUNA_DISTRICTS)
    services.configure_focus_areas(
        actor=None, partnership=loaded, focus_areas=[("Rosersberg", 3, ["0191-rosersberg"], "")]
    )
    fewer = {k: v for k, v in services.SIGTUNA_DISTRICTS.items() if k != "Rosersberg"}
    with pytest.raises(ValidationError, match="ingår i fokusområdet Rosersberg"):
        _configure(loaded, fewer)
    assert Area.objects.filter(partnership=loaded, code="0191-rosersberg").exists()


def test_writes_an_audit_entry(loaded):
    _configure(loaded, services.SIGTUNA_DISTRICTS)
    entry = AuditEntry.objects.get(action="geo.districts_configure")
    assert entry.partnership_id == loaded.pk
    assert entry.data["created"] == 6
    assert entry.data["districts"]["Rosersberg"] == ["0191R011"]


def test_reloading_changed_regso_geometry_refreshes_the_district(loaded, sigtuna_features):
    _configure(loaded, {"Rosersberg": ["Rosersberg"]})
    rosersberg = next(f for f in sigtuna_features if f.name == "Rosersberg")
    other = next(f for f in sigtuna_features if f.name == "Broby")
    changed = [
        dataclasses.replace(f, geometry=other.geometry) if f is rosersberg else f
        for f in sigtuna_features
    ]
    result = services.load_regso_areas(
        actor=None, partnership=loaded, features=changed, source="test"
    )
    assert result.districts_updated == ["0191-rosersberg"]
    district = Area.objects.get(partnership=loaded, code="0191-rosersberg")
    assert shapely.geometry.shape(district.geometry).intersects(
        shapely.geometry.shape(other.geometry).representative_point()
    )
