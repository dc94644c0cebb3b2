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
