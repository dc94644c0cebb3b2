import json
from pathlib import Path

import pytest

from trygg.feeds import services
from trygg.geo.services import setup_sigtuna_demo_geography

DATA = Path(__file__).resolve().parent.parent / "data"
SIGTUNA_FILE = DATA / "polisen_events_sigtuna_2022-11_2026-08.json"
SWEDEN_FILE = Path(__file__).resolve().parent / "data" / "polisen_events_sweden_2024-03.jsonl"
LABELS_FILE = Path(__file__).resolve().parent / "data" / "hand_labels.csv"


@pytest.fixture
def feed_world(world):
    """World's partnership P with Sigtuna's real areas and place names."""
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    services.load_place_names(actor=None, partnership=world.p, rows=services.sigtuna_place_names())
    return world


def sigtuna_events():
    return json.loads(SIGTUNA_FILE.read_text(encoding="utf-8"))


def as_bytes(events):
    return json.dumps(events, ensure_ascii=False).encode()


def partner_report(world, police, *, organisation=None, reporter="reporter", label=None):
    """A partner's report of the same occurrence as the police incident ``police`` (same
    category, day and area), counted in the rollup."""
    from trygg.incidents import rollup
    from trygg.incidents.models import Incident, Label, Source

    report = Incident.objects.create(
        partnership=police.partnership,
        organisation=organisation or world.org_a,
        reported_by=world.users[reporter],
        source=Source.MANUAL,
        category=police.category,
        occurred_date=police.occurred_date,
        reported_at=police.reported_at,
        area=police.area,
        label=label or Label.GREEN,
    )
    rollup.apply(rollup.change(None, rollup.key_of(report)))
    return report
