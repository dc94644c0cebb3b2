"""A failure part-way through the demo load leaves the database as it was."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trygg.audit.models import AuditEntry, ChainHead
from trygg.core.models import Organisation, Partnership
from trygg.demo import generator, services
from trygg.geo.models import Area
from trygg.incidents.models import Incident

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


def snapshot():
    return {
        "partnerships": Partnership.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": get_user_model().objects.count(),
        "areas": Area.objects.count(),
        "incidents": Incident.objects.count(),
        "audit": AuditEntry.objects.count(),
        "heads": sorted(ChainHead.objects.values_list("chain", "seq")),
    }


def test_generator_failure_after_the_areas_leaves_nothing(monkeypatch):
    before = snapshot()
    seen = {}

    def broken(**kwargs):
        seen["areas"] = Area.objects.count()
        raise RuntimeError("generator failed")

    monkeypatch.setattr(generator, "generate", broken)
    with pytest.raises(RuntimeError):
        services.load_demo(seed=1, scale=0.05, years=1, today=TODAY, weekly_work=False)
    assert seen["areas"] > 0  # the failure came after the areas were written
    assert snapshot() == before


def test_failure_in_a_later_batch_rolls_back_the_earlier_batches(monkeypatch):
    before = snapshot()
    monkeypatch.setattr(services, "BATCH_SIZE", 50)
    real_record = services.record
    batches = []

    def failing_record(action, **kwargs):
        if action == "incident.bulk_create":
            batches.append(kwargs["data"]["count"])
            if len(batches) == 2:
                raise RuntimeError("database went away")
        return real_record(action, **kwargs)

    monkeypatch.setattr(services, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.load_demo(seed=1, scale=0.05, years=1, today=TODAY, weekly_work=False)
    assert len(batches) == 2
    assert snapshot() == before


def test_failure_during_reset_keeps_the_old_demo(monkeypatch):
    services.load_demo(seed=1, scale=0.05, years=1, today=TODAY, weekly_work=False)
    before = snapshot()
    monkeypatch.setattr(generator, "generate", lambda **kw: (_ for _ in ()).throw(ValueError()))
    with pytest.raises(ValueError):
        services.load_demo(seed=2, scale=0.05, years=1, today=TODAY, reset=True, weekly_work=False)
    assert snapshot() == before
