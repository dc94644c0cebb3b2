"""Configuring focus areas (fokusområden)."""

import pytest
from django.core.exceptions import ValidationError

from trygg.audit.models import AuditEntry
from trygg.geo import services
from trygg.geo.models import Area, FocusArea


@pytest.fixture
def configured(sigtuna, sigtuna_features):
    services.load_regso_areas(
        actor=None, partnership=sigtuna, features=sigtuna_features, source="test"
    )
    services.configure_districts(
        actor=None, partnership=sigtuna, districts=services.SIGTUNA_DISTRICTS
    )
    return sigtuna


def _configure(partnership, focus_areas):
    return services.configure_focus_areas(
        actor=None, partnership=partnership, focus_areas=focus_areas
    )


def test_sigtuna_focus_areas(configured):
    result = _configure(configured, services.SIGTUNA_FOCUS_AREAS)
    assert result.created == ["Valsta", "Märsta norra"]
    valsta, marsta_norra = FocusArea.objects.filter(partnership=configured).order_by("priority")
    assert (valsta.name, valsta.priority) == ("Valsta", 1)
    assert [(a.kind, a.name) for a in valsta.areas.all()] == [(Area.Kind.DISTRICT, "Valsta")]
    assert (marsta_norra.name, marsta_norra.priority) == ("Märsta norra", 2)
    assert sorted(a.name for a in marsta_norra.areas.all()) == [
        "Arenberga-Västra Norrbacka",
        "Sätuna",
        "Östra Norrbacka",
    ]
    assert "närvaro" in valsta.description


def test_configuring_again_changes_nothing(configured):
    _configure(configured, services.SIGTUNA_FOCUS_AREAS)
    result = _configure(configured, services.SIGTUNA_FOCUS_AREAS)
    assert not result.changed and result.unchanged == ["Valsta", "Märsta norra"]
    entries = AuditEntry.objects.filter(action="geo.focus_areas_configure").order_by("seq")
    assert [(e.data["created"], e.data["unchanged"]) for e in entries] == [(2, 0), (0, 2)]


def test_changes_priority_areas_and_description(configured):
    _configure(configured, services.SIGTUNA_FOCUS_AREAS)
    result = _configure(
        configured, [("Valsta", 2, ["0191R005"]), ("Rosersberg", 1, ["Rosersberg"], "Ny")]
    )
    assert result.updated == ["Valsta"] and result.created == ["Rosersberg"]
    valsta = FocusArea.objects.get(partnership=configured, name="Valsta")
    assert valsta.priority == 2 and valsta.description == ""
    assert [a.code for a in valsta.areas.all()] == ["0191R005"]
    # A name shared by a district and a RegSO area means the district.
    rosersberg = FocusArea.objects.get(partnership=configured, name="Rosersberg")
    assert [a.kind for a in rosersberg.areas.all()] == [Area.Kind.DISTRICT]
    # Focus areas not named are left as they are.
    assert FocusArea.objects.filter(partnership=configured, name="Märsta norra").exists()


def test_unknown_area_names_are_listed(configured):
    with pytest.raises(ValidationError) as error:
        _configure(configured, [("Norr", 1, ["Valsta", "Norrbacka", "Arlanda"], "")])
    assert error.value.messages == [
        "Det finns inga områden som heter Norrbacka, Arlanda i den här samverkan."
    ]
    assert not FocusArea.objects.exists()


@pytest.mark.parametrize(
    "focus_areas",
    [
        [("Valsta", 0, ["Valsta"], "")],
        [("Valsta", "1", ["Valsta"], "")],
        [("Valsta", 1, [], "")],
        [("Valsta", 1, "Valsta", "")],
        [("", 1, ["Valsta"], "")],
        [("Valsta", 1, ["Valsta"], ""), ("Valsta", 2, ["Broby"], "")],
        [("Valsta", 1)],
    ],
)
def test_malformed_configuration_is_refused(configured, focus_areas):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        _configure(configured, focus_areas)
    assert not FocusArea.objects.exists()
    assert AuditEntry.objects.count() == before


def test_areas_of_another_partnership_are_not_found(world, configured):
    with pytest.raises(ValidationError):
        _configure(world.q, [("Valsta", 1, ["Valsta"], "")])
