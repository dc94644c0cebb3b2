"""The Sigtuna demo geography in one call."""

import pytest
from django.core.exceptions import ValidationError

from trygg.audit.models import AuditEntry
from trygg.geo import services
from trygg.geo.models import Area, FocusArea


def test_sets_up_areas_districts_and_focus_areas(sigtuna):
    result = services.setup_sigtuna_demo_geography(actor=None, partnership=sigtuna)
    assert len(result.regso.created) == 24
    assert len(result.districts.created) == 6
    assert result.focus_areas.created == ["Valsta", "Märsta norra"]
    kinds = Area.objects.filter(partnership=sigtuna).values_list("kind", flat=True)
    assert sorted(kinds) == sorted(["municipality"] + ["district"] * 6 + ["regso"] * 24)
    assert FocusArea.objects.filter(partnership=sigtuna).count() == 2
    actions = list(
        AuditEntry.objects.filter(partnership_id=sigtuna.pk, action__startswith="geo.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["geo.regso_load", "geo.districts_configure", "geo.focus_areas_configure"]


def test_running_it_again_changes_nothing(sigtuna):
    services.setup_sigtuna_demo_geography(actor=None, partnership=sigtuna)
    before = list(Area.objects.order_by("pk").values())
    result = services.setup_sigtuna_demo_geography(actor=None, partnership=sigtuna)
    assert not (result.regso.changed or result.districts.changed or result.focus_areas.changed)
    assert list(Area.objects.order_by("pk").values()) == before


def test_records_the_acting_user(world):
    # P is a Sigtuna partnership (0191) whose municipality area is a placeholder square.
    admin = world.users["partnership_admin"]
    services.setup_sigtuna_demo_geography(actor=admin, partnership=world.p)
    entry = AuditEntry.objects.get(action="geo.regso_load")
    assert (entry.actor_id, entry.partnership_id) == (admin.pk, world.p.pk)


def test_refuses_a_partnership_of_another_municipality(world):
    before = Area.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.setup_sigtuna_demo_geography(actor=None, partnership=world.q)
    assert (Area.objects.count(), AuditEntry.objects.count()) == before
