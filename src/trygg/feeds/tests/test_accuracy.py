"""The place matcher against hand labels written from the texts before the matcher
(data/hand_labels.csv). Prints the figures docs/polisens-handelser.md quotes."""

import csv

import pytest

from trygg.feeds import services
from trygg.feeds.models import PoliceEvent
from trygg.geo.models import Area

from .conftest import LABELS_FILE, SIGTUNA_FILE

pytestmark = pytest.mark.django_db


def labels():
    with LABELS_FILE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def accuracy(partnership):
    """Figures of the matcher on the labelled events."""
    codes = dict(Area.objects.filter(partnership=partnership).values_list("pk", "code"))
    names = dict(Area.objects.filter(partnership=partnership).values_list("pk", "name"))
    events = {e.police_id: e for e in PoliceEvent.objects.filter(partnership=partnership)}
    f = dict.fromkeys(
        (
            "labelled",
            "rejects",
            "rejected",
            "regso",
            "regso_right",
            "unknown",
            "unknown_right",
            "wrong_regso",
            "district",
            "district_right",
            "exact",
        ),
        0,
    )
    wrong = []
    for label in labels():
        event = events.get(int(label["id"]))
        if label["expected"] == "reject":
            f["rejects"] += 1
            f["rejected"] += event is None
            continue
        f["labelled"] += 1
        assert event is not None, label["id"]
        got = codes[event.area_id] if codes[event.area_id] != "0191" else ""
        district = names.get(event.district_hint_id, "")
        if label["expected"] == "regso":
            f["regso"] += 1
            f["regso_right"] += got == label["regso"]
        else:
            f["unknown"] += 1
            f["unknown_right"] += got == ""
        if got and got != label["regso"]:
            f["wrong_regso"] += 1
            wrong.append((label["id"], got, label["regso"], event.matched_words))
        if label["district"]:
            f["district"] += 1
            f["district_right"] += district == label["district"]
        f["exact"] += got == label["regso"]
    return f, wrong


def test_area_assignment_against_the_hand_labels(feed_world):
    services.import_feed(partnership=feed_world.p, data=SIGTUNA_FILE.read_bytes(), source="file")
    f, wrong = accuracy(feed_world.p)
    print(f, wrong)
    assert f["labelled"] >= 40
    assert f["rejected"] == f["rejects"] == 13
    events = PoliceEvent.objects.filter(partnership=feed_world.p)
    with_regso = events.filter(area__kind=Area.Kind.REGSO).count()
    print(f"events with a RegSO area: {with_regso} of {events.count()}")
    # Measured 2026-11-26: 102 of 107 exactly right (the RegSO area, or "unknown" where the
    # text does not pin one), none placed in a wrong RegSO area, 72 of 83 district hints.
    assert f["wrong_regso"] <= 0.02 * f["labelled"], wrong
    assert f["exact"] >= 0.9 * f["labelled"]
    assert f["district_right"] >= 0.8 * f["district"]
