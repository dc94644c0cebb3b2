"""What one reader sees of a picture: texts, suppressed breakdowns, the point filter."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from trygg.situation import render

pytestmark = pytest.mark.nodb


def test_a_breakdown_beside_its_total_never_gives_a_small_count_away():
    rows = [{"organisation": "A", "count": 7}, {"organisation": "B", "count": 1}]
    shown, total = render._suppressed_breakdown(rows, 8)
    assert shown[1]["count"] == "<5"
    # with the total and A both shown, B would be 8 - 7 = 1: one of them must be hidden
    assert shown[0]["count"] == "–" or total != "8"


def test_a_breakdown_follows_the_tables_decision_about_the_total():
    rows = [{"organisation": "A", "count": 6}, {"organisation": "B", "count": 6}]
    shown, total = render._suppressed_breakdown(rows, 12, "–")
    assert total == "–"
    # a hidden total with every part shown would be recovered by adding: hide one part
    assert sorted(r["count"] for r in shown) == ["6", "–"]


def test_p_values_read_well_in_both_languages():
    with translation.override("sv"):
        assert render.p_text(0.0000213) == "p ≈ 0,00002"
        assert render.p_text(1e-9) == "p < 0,000001"
    with translation.override("en"):
        assert render.p_text(0.0213) == "p ≈ 0.02"


def test_period_labels():
    with translation.override("sv"):
        assert render.period_label(
            {"kind": "week", "start": "2026-11-16", "end": "2026-11-22"}
        ).startswith("vecka 47 2026")
        assert render.period_label(
            {"kind": "tertial", "start": "2026-09-01", "end": "2026-12-31"}
        ) == ("tertial 3 2026")


def test_a_decrease_explains_itself():
    flag = {
        "count": 0,
        "baseline_per_period": 5.26,
        "p_value": 0.0004,
        "family_size": 306,
        "direction": "down",
    }
    with translation.override("sv"):
        sentence = render.flag_sentence(flag, "4w")
    assert sentence.startswith("0 händelser de här fyra veckorna mot 5,3 per fyraveckorsperiod")
    assert "minskning" in sentence and "306 jämförelser" in sentence


def _picture(points):
    return {"partnership": {"id": 1}, "points": points}


def _point(**kwargs):
    base = {
        "organisation_id": 10,
        "label": "GREEN",
        "reported_by": 100,
        "recipients": [],
    }
    return {**base, **kwargs}


@pytest.mark.parametrize(
    "role,org,user,expected",
    [
        ("coordinator", 11, 200, {"green", "amber"}),
        ("reporter", 11, 200, {"green"}),
        ("reporter", 10, 200, {"green", "amber", "strict"}),
        ("reporter", 11, 300, {"green", "red"}),
        ("viewer", 10, 100, set()),
    ],
)
def test_snapshot_points_follow_the_visibility_decision(role, org, user, expected):
    points = [
        _point(id="green"),
        _point(id="amber", label="AMBER"),
        _point(id="strict", label="AMBER+STRICT"),
        _point(id="red", label="RED", recipients=[300]),
    ]
    reader = SimpleNamespace(pk=user, organisation_id=org)
    membership = SimpleNamespace(
        role=role, partnership_id=1, sees_details=role in ("coordinator", "reporter")
    )
    seen = render.visible_points(_picture(points), reader, membership)
    assert {p["id"] for p in seen} == expected


def test_points_of_another_partnership_are_never_shown():
    reader = SimpleNamespace(pk=1, organisation_id=10)
    membership = SimpleNamespace(role="coordinator", partnership_id=2, sees_details=True)
    assert render.visible_points(_picture([_point(id="x")]), reader, membership) == []
