"""Small-count suppression (DESIGN.md §5): every hidden count of 1-4 stays uncertain for a
reader who combines everything published with linear programming (``disclosure_ranges``
is that attacker). Pure: no database."""

import datetime as dt
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trygg.situation.suppression import (
    HIDDEN_TEXT,
    SMALL_TEXT,
    TOTAL_COLUMN,
    Column,
    Constraint,
    Published,
    Status,
    SuppressionError,
    Table,
    Unpublished,
    area_category_table,
    combine_tables,
    disclosure_ranges,
    display_text,
    display_texts,
    is_protected,
    small_text,
    suppress,
    suppress_area_table,
    suppress_area_tables,
    window_relations,
)

pytestmark = pytest.mark.nodb

SHOWN, PRIMARY, SECONDARY = Status.SHOWN, Status.PRIMARY, Status.SECONDARY


def attack(values, constraints, statuses, *, unpublished=(), threshold=5):
    """What a reader can work out about each hidden small count, from the published
    numbers only: {cell: (low, high)}."""
    shown = {cell: values[cell] for cell, status in statuses.items() if status == SHOWN}
    small = [
        cell
        for cell, status in statuses.items()
        if status != SHOWN and 0 < values[cell] < threshold
    ]
    small += [cell for cell in unpublished if 0 < values[cell] < threshold]
    return disclosure_ranges(
        statuses, shown, constraints, threshold=threshold, unpublished=unpublished, cells=small
    )


def assert_safe(values, constraints, statuses, *, unpublished=(), threshold=5):
    """The rules: counts of 1..threshold-1 hidden and each still uncertain (at least two
    integers possible); zeros shown; nothing >= threshold shown as "<5"."""
    assert set(statuses) == set(values) - set(unpublished)
    for cell, status in statuses.items():
        value = values[cell]
        if value == 0:
            assert status == SHOWN, cell
        elif value < threshold:
            assert status != SHOWN, cell
        else:
            assert status != PRIMARY, cell
    for cell, (low, high) in attack(
        values, constraints, statuses, unpublished=unpublished, threshold=threshold
    ).items():
        assert low <= values[cell] + 1e-6 and values[cell] <= high + 1e-6, (cell, low, high)
        assert is_protected(low, high), f"{cell!r} = {values[cell]} is pinned to [{low}, {high}]"


# ---------------------------------------------------------------------------------------
# Small, hand-made tables


def test_classic_row_with_one_small_count_hides_a_second_cell():
    values = {"a": 2, "b": 7, "c": 12, "total": 21}
    constraints = [Constraint("total", ("a", "b", "c"))]
    statuses = suppress(values, constraints)
    assert statuses["a"] == PRIMARY
    hidden = [cell for cell, status in statuses.items() if status != SHOWN]
    assert len(hidden) == 2
    assert statuses["total"] == SHOWN  # the grand total is not the cell to hide
    assert statuses["b"] == SECONDARY  # the smallest count that protects "a"
    assert_safe(values, constraints, statuses)
    # Without the second cell the total gives "a" away.
    naive = {"a": PRIMARY, "b": SHOWN, "c": SHOWN, "total": SHOWN}
    low, high = attack(values, constraints, naive)["a"]
    assert low == high == 2


def test_the_attacker_knows_a_dash_is_at_least_one():
    # "–" is never 0 (zeros are always shown): with a shown total of 6, "<5" + "–" would
    # give "<5" = 1 away if "–" were known to be >= 5; it is not, so both are uncertain.
    values = {"a": 1, "b": 5, "total": 6}
    constraints = [("total", ("a", "b"))]
    statuses = suppress(values, constraints)
    assert statuses == {"a": PRIMARY, "b": SECONDARY, "total": SHOWN}
    assert_safe(values, constraints, statuses)
    assert attack(values, constraints, statuses)["a"] == pytest.approx((1.0, 4.0))


def test_two_small_counts_that_add_up_to_a_shown_difference_hide_a_third():
    # a + b = 2 (total minus c) would pin both to 1.
    values = {"a": 1, "b": 1, "c": 10, "total": 12}
    constraints = [("total", ("a", "b", "c"))]
    statuses = suppress(values, constraints)
    assert statuses["c"] == SECONDARY or statuses["total"] == SECONDARY
    assert_safe(values, constraints, statuses)


def test_a_small_total_of_four_small_parts_is_shown_as_a_dash():
    # "<5" = four parts each "<5" says all are 1 and the total is 4, whatever else is
    # hidden: the total loses its upper bound instead ("–").
    values = {"a": 1, "b": 1, "c": 1, "d": 1, "z": 0, "total": 4}
    constraints = [("total", ("a", "b", "c", "d", "z"))]
    statuses = suppress(values, constraints)
    assert statuses["total"] == SECONDARY
    assert statuses["z"] == SHOWN
    assert [statuses[c] for c in "abcd"] == [PRIMARY] * 4
    assert_safe(values, constraints, statuses)


def test_nested_areas_focus_area_inside_a_district():
    # District D = R1 + R2 + R3; focus area F = R1 + R2; municipality M = D + E (another
    # district of R4, R5). A small count in R1 must survive F, D and M together.
    values = {"R1": 2, "R2": 9, "R3": 5, "R4": 8, "R5": 11, "F": 11, "D": 16, "E": 19, "M": 35}
    constraints = [
        Constraint("F", ("R1", "R2")),
        Constraint("D", ("R1", "R2", "R3")),
        Constraint("E", ("R4", "R5")),
        Constraint("M", ("D", "E")),
        Constraint("M", ("R1", "R2", "R3", "R4", "R5")),
    ]
    statuses = suppress(values, constraints)
    assert statuses["R1"] == PRIMARY
    assert statuses["M"] == SHOWN
    assert_safe(values, constraints, statuses)
    # Hiding only the smallest partner in the district (R3) is not enough: F - R2 = R1.
    naive = {cell: SHOWN for cell in values} | {"R1": PRIMARY, "R3": SECONDARY}
    assert attack(values, constraints, naive)["R1"] == pytest.approx((2, 2))


def test_overlapping_focus_areas_and_the_lp_audit():
    # Two focus areas overlapping in R2; each single equation has two hidden cells, yet
    # their combination can pin a cell: the LP audit catches what the local rules miss.
    values = {"R1": 3, "R2": 20, "R3": 4, "F1": 23, "F2": 24, "M": 27}
    constraints = [
        ("F1", ("R1", "R2")),
        ("F2", ("R2", "R3")),
        ("M", ("R1", "R2", "R3")),
    ]
    statuses = suppress(values, constraints)
    assert_safe(values, constraints, statuses)


def test_two_dimensional_table_with_groups_and_categories():
    leaves = ["r1", "r2", "r3", "r4"]
    categories = ["c1", "c2", "c3", "c4", "c5"]
    counts = np.array(
        [
            [0, 3, 12, 7, 1],
            [5, 0, 9, 2, 14],
            [8, 6, 0, 11, 6],
            [1, 10, 4, 0, 9],
        ]
    )
    table = area_category_table(
        counts,
        leaves=leaves,
        categories=categories,
        rows={
            "all": leaves,
            "d1": ["r1", "r2"],
            "d2": ["r3", "r4"],
            "focus": ["r2", "r3"],
            **{leaf: [leaf] for leaf in leaves},
        },
        groups={"g1": ["c1", "c2"], "g2": ["c3", "c4", "c5"]},
    )
    assert table.values[("all", TOTAL_COLUMN)] == counts.sum()
    assert table.values[("focus", Column("group", "g2"))] == 9 + 2 + 14 + 0 + 11 + 6
    assert table.values[("r4", Column("category", "c3"))] == 4
    assert not table.unpublished
    statuses = table.suppress()
    assert_safe(table.values, table.constraints, statuses)
    assert statuses[("all", TOTAL_COLUMN)] == SHOWN


def test_group_columns_only():
    counts = {("r1", "c1"): 2, ("r1", "c2"): 8, ("r1", "c3"): 2, ("r2", "c1"): 9, ("r2", "c3"): 7}
    table = area_category_table(
        counts,
        leaves=["r1", "r2"],
        categories=["c1", "c2", "c3"],
        rows={"all": ["r1", "r2"], "r1": ["r1"], "r2": ["r2"]},
        groups={"g1": ["c1", "c2"], "g2": ["c3"]},
        show_categories=False,
    )
    assert {column for _row, column in table.values} == {
        TOTAL_COLUMN,
        Column("group", "g1"),
        Column("group", "g2"),
    }
    statuses = table.suppress()
    assert statuses[("r1", Column("group", "g2"))] == PRIMARY  # 2
    assert_safe(table.values, table.constraints, statuses)


def test_leaf_without_a_row_of_its_own_is_unpublished_and_protected():
    # The municipality total includes a "place unknown" leaf that has no row: it is a
    # count nobody sees, but the total minus the shown areas would give it away.
    counts = {("r1", "c1"): 7, ("r2", "c1"): 9, ("unknown", "c1"): 2}
    table = area_category_table(
        counts,
        leaves=["r1", "r2", "unknown"],
        categories=["c1"],
        rows={"r1": ["r1"], "r2": ["r2"], "all": ["r1", "r2", "unknown"]},
        groups={"g1": ["c1"]},
    )
    unknown = (Unpublished(("unknown",)), Column("category", "c1"))
    assert unknown in table.unpublished and table.values[unknown] == 2
    statuses = table.suppress()
    assert unknown not in statuses
    assert_safe(table.values, table.constraints, statuses, unpublished=table.unpublished)
    assert any(status != SHOWN for status in statuses.values())


# ---------------------------------------------------------------------------------------
# Time windows


def _window_table(rng, lam):
    leaves = [f"r{i}" for i in range(6)]
    categories = ["c1", "c2", "c3", "c4"]
    return area_category_table(
        rng.poisson(lam, size=(6, 4)),
        leaves=leaves,
        categories=categories,
        rows={"all": leaves, "d1": leaves[:3], "d2": leaves[3:], "f": leaves[2:4]}
        | {leaf: [leaf] for leaf in leaves},
        groups={"g1": ["c1", "c2"], "g2": ["c3", "c4"]},
    )


def test_several_time_windows_as_separate_tables_are_each_safe():
    rng = np.random.default_rng(7)
    for name, lam in (("this week", 0.4), ("4 weeks", 1.6), ("year to date", 8.0)):
        table = _window_table(rng, lam)
        statuses = table.suppress()
        assert_safe(table.values, table.constraints, statuses)
        assert any(s == PRIMARY for s in statuses.values()) or name == "year to date"


SPANS = {
    "current": (dt.date(2025, 5, 12), dt.date(2025, 5, 18)),
    "previous": (dt.date(2025, 5, 5), dt.date(2025, 5, 11)),
    "last4": (dt.date(2025, 4, 21), dt.date(2025, 5, 18)),
    "ytd": (dt.date(2024, 12, 30), dt.date(2025, 5, 18)),
    "ytd_prev": (dt.date(2024, 1, 1), dt.date(2024, 5, 19)),
}


def test_window_relations_from_dates():
    relations = window_relations(SPANS)
    assert ("last4", ["current", "previous"], False) in relations
    assert ("ytd", ["last4"], False) in relations
    assert ("ytd", ["current", "previous"], False) in relations
    assert not [r for r in relations if r[0] in ("current", "previous", "ytd_prev")]
    halves = {
        "month": (dt.date(2025, 5, 1), dt.date(2025, 5, 31)),
        "first": (dt.date(2025, 5, 1), dt.date(2025, 5, 15)),
        "second": (dt.date(2025, 5, 16), dt.date(2025, 5, 31)),
    }
    assert window_relations(halves) == [("month", ["first", "second"], True)]


def test_windows_side_by_side_leak_unless_suppressed_together():
    # This week: a = 4 ("<5"), b = 6 hidden to protect it, total 10 shown. Last 4 weeks:
    # b was 6 there too (nothing in the 3 weeks before), a 10, total 16, all shown.
    # Separately each table is safe, but b (this week) <= b (4 weeks) = 6 gives
    # a = 10 - b >= 4: a is pinned. Together, the containment is part of the arithmetic.
    week = {"a": 4, "b": 6, "total": 10}
    four = {"a": 10, "b": 6, "total": 16}
    constraints = [("total", ("a", "b"))]
    tables = {
        "current": Table(week, [Constraint(*c) for c in constraints]),
        "last4": Table(four, [Constraint(*c) for c in constraints]),
    }
    spans = {"current": SPANS["current"], "last4": SPANS["last4"]}
    combined = combine_tables(tables, window_relations(spans))

    separate = {}
    for name, table in tables.items():
        statuses = table.suppress()
        assert_safe(table.values, table.constraints, statuses)
        separate.update({(name, cell): status for cell, status in statuses.items()})
    low, high = attack(combined.values, combined.constraints, separate)[("current", "a")]
    assert not is_protected(low, high)

    together = combined.suppress()
    assert_safe(combined.values, combined.constraints, together)


def _picture_rows_and_groups():
    leaves = list(range(100, 112)) + [999]  # 12 RegSO areas and "place unknown"
    rows = [
        {"id": "fa:1", "kind": "focus", "leaves": [101, 102, 105]},
        {"id": "fa:2", "kind": "focus", "leaves": [105, 106]},
        {"id": "di:1", "kind": "district", "leaves": leaves[:6]},
        {"id": "di:2", "kind": "district", "leaves": leaves[6:12]},
    ]
    rows += [{"id": f"rs:{leaf}", "kind": "regso", "leaves": [leaf]} for leaf in leaves[:12]]
    rows.append({"id": "all", "kind": "total", "leaves": leaves})
    groups = [
        {"code": "A", "categories": [{"id": 1}, {"id": 2}]},
        {"code": "B", "categories": [{"id": 3}, {"id": 4}, {"id": 5}]},
    ]
    return leaves, rows, groups


def _picture_counts(rng, leaves, rows, groups, lam):
    leaf_counts = rng.poisson(lam, size=(len(leaves), 5))
    membership = np.array([[int(leaf in row["leaves"]) for leaf in leaves] for row in rows])
    fold = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 1]])
    by_category = membership @ leaf_counts
    return by_category @ fold, by_category


def test_suppress_area_table_as_the_picture_calls_it():
    rng = np.random.default_rng(3)
    leaves, rows, groups = _picture_rows_and_groups()
    group_counts, category_counts = _picture_counts(rng, leaves, rows, groups, 0.8)
    shown = suppress_area_table(
        rows=rows, groups=groups, group_counts=group_counts, category_counts=category_counts
    )
    assert shown["threshold"] == 5
    assert len(shown["groups"]) == len(rows) == len(shown["totals"]) == len(shown["categories"])
    assert all(len(r) == 2 for r in shown["groups"])
    assert all(len(r) == 5 for r in shown["categories"])
    cells = [c for r in shown["groups"] + shown["categories"] for c in r] + shown["totals"]
    assert set(type(c) for c in cells) <= {int, str}
    assert {c for c in cells if isinstance(c, str)} <= {SMALL_TEXT, HIDDEN_TEXT}
    for r in range(len(rows)):
        for g in range(2):
            cell = shown["groups"][r][g]
            value = int(group_counts[r, g])
            if isinstance(cell, int):
                assert cell == value and not 0 < value < 5
            elif cell == SMALL_TEXT:
                assert 0 < value < 5
        assert shown["totals"][r] in (int(category_counts[r].sum()), SMALL_TEXT, HIDDEN_TEXT)


def test_picture_windows_suppressed_together_are_safe():
    rng = np.random.default_rng(11)
    leaves, rows, groups = _picture_rows_and_groups()
    group_counts, category_counts = {}, {}
    for name, lam in (("current", 0.3), ("previous", 0.3), ("last4", 1.2), ("ytd", 6.0)):
        group_counts[name], category_counts[name] = _picture_counts(rng, leaves, rows, groups, lam)
    # Consistent windows: last 4 weeks >= this week + the previous one, etc.
    category_counts["last4"] = category_counts["last4"] + category_counts["current"]
    category_counts["last4"] += category_counts["previous"]
    category_counts["ytd"] = category_counts["ytd"] + category_counts["last4"]
    fold = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 1]])
    for name in ("last4", "ytd"):
        group_counts[name] = category_counts[name] @ fold
    spans = {name: SPANS[name] for name in group_counts}
    started = time.process_time()
    shown = suppress_area_tables(
        rows=rows,
        groups=groups,
        group_counts=group_counts,
        category_counts=category_counts,
        spans=spans,
    )
    print(f"4 windows of {len(rows)} rows together: {time.process_time() - started:.2f} s")
    assert set(shown) == set(group_counts)
    assert_windows_safe(shown, rows, groups, group_counts, category_counts, spans)


def assert_windows_safe(shown, rows, groups, group_counts, category_counts, spans):
    """The attacker sees every window's table as published and the windows' containment:
    no hidden small count may be pinned."""
    from trygg.situation import suppression

    tables = {
        name: suppression._area_table_from_dicts(
            rows, groups, group_counts[name], category_counts[name]
        )
        for name in group_counts
    }
    combined = combine_tables(tables, window_relations(spans))
    statuses = {}
    for name in tables:
        for r, row in enumerate(rows):
            for c, column in enumerate(
                [Column("category", k["id"]) for g in groups for k in g["categories"]]
            ):
                text = shown[name]["categories"][r][c]
                statuses[(name, (row["id"], column))] = _status_of(text)
            for g, group in enumerate(groups):
                text = shown[name]["groups"][r][g]
                statuses[(name, (row["id"], Column("group", group["code"])))] = _status_of(text)
            statuses[(name, (row["id"], TOTAL_COLUMN))] = _status_of(shown[name]["totals"][r])
    assert_safe(combined.values, combined.constraints, statuses, unpublished=combined.unpublished)


def _status_of(text):
    return {SMALL_TEXT: PRIMARY, HIDDEN_TEXT: SECONDARY}.get(text, SHOWN)


def _sparse_picture(seed, *, weeks=110, back=0, late=None):
    """The lägesbild's six windows over sparse weekly counts, as ``with_suppression``
    passes them: 3 districts of 5 RegSO areas, two overlapping focus areas, "place
    unknown" only in the total; 4 category groups of 2-4 categories; a partnership where
    most cells of a week are 0 or 1 and the last 4 weeks are little more than this week
    and the previous one (the case where the windows pin each other's small counts).
    ``back``: the picture of that many weeks earlier, from the same counts; ``late``:
    ``(week, leaf, category, n)`` reports added to the counts (a late report)."""
    rng = np.random.default_rng(seed)
    regso = list(range(200, 215))
    leaves = regso + [999]
    rows = [
        {"id": "fa:1", "kind": "focus", "leaves": [201, 202, 206]},
        {"id": "fa:2", "kind": "focus", "leaves": [206, 207, 211, 212]},
    ]
    rows += [
        {"id": f"di:{d}", "kind": "district", "leaves": regso[5 * d : 5 * d + 5]} for d in range(3)
    ]
    rows += [{"id": f"rs:{leaf}", "kind": "regso", "leaves": [leaf]} for leaf in regso]
    rows.append({"id": "all", "kind": "total", "leaves": leaves})
    sizes = [3, 3, 2, 4]
    groups, category = [], 1
    for g, size in enumerate(sizes):
        groups.append({"code": f"G{g}", "categories": [{"id": category + k} for k in range(size)]})
        category += size
    # weekly counts per leaf and category: a few busy places and categories, most quiet
    rate = rng.gamma(0.6, 0.12, size=(len(leaves), 1)) * rng.gamma(1.0, 1.0, size=(1, category - 1))
    weekly = rng.poisson(rate, size=(weeks, *rate.shape))
    for week, leaf, cat, n in late or ():
        weekly[week, leaf, cat] += n
    now = weeks - 1 - back
    year = weeks - 48  # the current year started 48 weeks before the last week
    window_weeks = {
        "current": (now, now),
        "previous": (now - 1, now - 1),
        "last4": (now - 3, now),
        "baseline": (now - 52, now - 1),
        "ytd": (year, now),
        "ytd_prev": (year - 52, now - 52),
    }
    monday = dt.date(2024, 1, 1)
    spans = {
        name: (monday + dt.timedelta(weeks=a), monday + dt.timedelta(weeks=b, days=6))
        for name, (a, b) in window_weeks.items()
    }
    membership = np.array([[int(leaf in row["leaves"]) for leaf in leaves] for row in rows])
    fold = np.zeros((category - 1, len(groups)), dtype=int)
    start = 0
    for g, size in enumerate(sizes):
        fold[start : start + size, g] = 1
        start += size
    group_counts, category_counts = {}, {}
    for name, (a, b) in window_weeks.items():
        category_counts[name] = membership @ weekly[a : b + 1].sum(axis=0)
        group_counts[name] = category_counts[name] @ fold
    return rows, groups, group_counts, category_counts, spans


@pytest.mark.parametrize("seed", [1, 2])
def test_sparse_six_windows_like_the_picture_are_safe(seed):
    rows, groups, group_counts, category_counts, spans = _sparse_picture(seed)
    started = time.perf_counter()
    shown = suppress_area_tables(
        rows=rows,
        groups=groups,
        group_counts=group_counts,
        category_counts=category_counts,
        spans=spans,
    )
    spent = time.perf_counter() - started
    cells = [c for w in shown.values() for r in w["groups"] + w["categories"] for c in r]
    cells += [c for w in shown.values() for c in w["totals"]]
    small, dashes = cells.count(SMALL_TEXT), cells.count(HIDDEN_TEXT)
    print(
        f"6 sparse windows, {len(cells)} cells ({small} '<5', {dashes} '–') "
        f"suppressed together in {spent:.2f} s"
    )
    assert small > 100  # sparse indeed
    assert shown == suppress_area_tables(  # deterministic
        rows=rows,
        groups=groups,
        group_counts=group_counts,
        category_counts=category_counts,
        spans=spans,
    )
    assert_windows_safe(shown, rows, groups, group_counts, category_counts, spans)


def _pinned_across(pictures):
    """The attacker with several published pictures: {name: (rows, groups, group_counts,
    category_counts, spans, shown)}. Every window of every picture, their spans'
    relations where the counts satisfy them (what a reader assuming nothing changed gets
    right): the hidden small counts it pins."""
    from trygg.situation import suppression

    tables, spans, statuses, shown_values = {}, {}, {}, {}
    for pname, (rows, groups, group_counts, category_counts, p_spans, shown) in pictures.items():
        for name in group_counts:
            key = (pname, name)
            tables[key] = suppression._area_table_from_dicts(
                rows, groups, group_counts[name], category_counts[name]
            )
            spans[key] = p_spans[name]
            for cell, status in suppression._statuses_from_json(
                rows, groups, tables[key], shown[name]
            ).items():
                statuses[(key, cell)] = status
                if status == SHOWN:
                    shown_values[(key, cell)] = tables[key].values[cell]
    combined = combine_tables(tables, window_relations(spans), where_true=True)
    small = [k for k, st_ in statuses.items() if st_ != SHOWN and 0 < combined.values[k] < 5]
    ranges = disclosure_ranges(
        statuses, shown_values, combined.constraints, unpublished=combined.unpublished, cells=small
    )
    return [k for k in small if not is_protected(*ranges[k])]


def test_next_week_read_with_last_week_gives_nothing_away():
    """This year to date minus last week's year to date is this week: suppressed on its
    own, this week's picture can give its small counts away to a reader who has last
    week's; suppressed with last week's as published, it cannot."""
    last_week = _sparse_picture(3, back=1)
    this_week = _sparse_picture(3)
    rows, groups, _g, _c, last_spans = last_week
    last_shown = suppress_area_tables(
        rows=rows, groups=groups, group_counts=_g, category_counts=_c, spans=last_spans
    )
    _rows, _groups, group_counts, category_counts, spans = this_week
    alone = suppress_area_tables(
        rows=rows,
        groups=groups,
        group_counts=group_counts,
        category_counts=category_counts,
        spans=spans,
    )
    assert _pinned_across({"last": (*last_week, last_shown), "this": (*this_week, alone)}), (
        "the data should show the attack"
    )
    published = {
        ("last", name): Published(last_spans[name], _g[name], _c[name], last_shown[name])
        for name in last_shown
    }
    started = time.perf_counter()
    together = suppress_area_tables(
        rows=rows,
        groups=groups,
        group_counts=group_counts,
        category_counts=category_counts,
        spans=spans,
        published=published,
    )
    print(f"12 windows, 6 of them published: {time.perf_counter() - started:.2f} s")
    assert _pinned_across({"last": (*last_week, last_shown), "this": (*this_week, together)}) == []
    # and this week's picture is safe on its own too
    assert_windows_safe(together, rows, groups, group_counts, category_counts, spans)


def test_a_late_report_breaks_the_relation_and_the_rest_still_holds():
    """Last week got a late report after its picture was published: its year to date no
    longer adds up with this week's for the cells the report is in. The suppression uses
    the relations where they hold, raises nothing, and the attacker, who takes last week's
    counts as still true, pins nothing either."""
    last_week = _sparse_picture(4, back=1)
    rows, groups, _g, _c, last_spans = last_week
    last_shown = suppress_area_tables(
        rows=rows, groups=groups, group_counts=_g, category_counts=_c, spans=last_spans
    )
    this_week = _sparse_picture(4, late=[(108, 3, 2, 1), (108, 7, 0, 2)])
    _rows, _groups, group_counts, category_counts, spans = this_week
    assert not np.array_equal(category_counts["previous"], _c["current"])
    published = {
        ("last", name): Published(last_spans[name], _g[name], _c[name], last_shown[name])
        for name in last_shown
    }
    together = suppress_area_tables(
        rows=rows,
        groups=groups,
        group_counts=group_counts,
        category_counts=category_counts,
        spans=spans,
        published=published,
    )
    assert _pinned_across({"last": (*last_week, last_shown), "this": (*this_week, together)}) == []


def test_published_windows_are_checked():
    rows, groups, group_counts, category_counts, spans = _sparse_picture(5)
    shown = suppress_area_tables(
        rows=rows,
        groups=groups,
        group_counts=group_counts,
        category_counts=category_counts,
        spans=spans,
    )
    wrong = {**shown["current"], "totals": [*shown["current"]["totals"]]}
    r = next(i for i, t in enumerate(wrong["totals"]) if isinstance(t, int) and t >= 5)
    wrong["totals"][r] += 1
    kwargs = dict(
        rows=rows, groups=groups, group_counts=group_counts, category_counts=category_counts
    )
    published = {
        "old": Published(
            spans["current"], group_counts["current"], category_counts["current"], wrong
        )
    }
    with pytest.raises(ValueError, match="shows"):
        suppress_area_tables(**kwargs, spans=spans, published=published)
    with pytest.raises(ValueError, match="spans"):
        suppress_area_tables(**kwargs, published=published)
    with pytest.raises(ValueError, match="in use"):
        suppress_area_tables(
            **kwargs,
            spans=spans,
            published={"current": published["old"]._replace(shown=shown["current"])},
        )


# ---------------------------------------------------------------------------------------
# Properties on random realistic tables


def realistic_table(rng, lam):
    """3 districts of 8 RegSO areas, 4 overlapping focus areas, 6 category groups of 2-4
    categories, Poisson counts, and a "place unknown" leaf only in the total."""
    leaves = [f"rs{i}" for i in range(24)] + ["unknown"]
    rows = {"all": leaves}
    rows |= {f"di{d}": leaves[d * 8 : (d + 1) * 8] for d in range(3)}
    for f in range(4):
        start = int(rng.integers(0, 20))
        rows[f"fa{f}"] = leaves[start : start + int(rng.integers(2, 6))]
    rows |= {leaf: [leaf] for leaf in leaves[:24]}
    groups, categories = {}, []
    for g in range(6):
        members = [f"g{g}c{j}" for j in range(int(rng.integers(2, 5)))]
        groups[f"g{g}"] = members
        categories += members
    counts = rng.poisson(
        lam * rng.gamma(2.0, 0.5, size=(len(leaves), 1)), (len(leaves), len(categories))
    )
    return area_category_table(
        counts, leaves=leaves, categories=categories, rows=rows, groups=groups
    )


@pytest.mark.parametrize("seed", range(8))
def test_random_realistic_tables_are_safe(seed):
    rng = np.random.default_rng(seed)
    lam = [0.05, 0.3, 0.7, 1.5, 4.0, 0.15, 1.0, 2.5][seed]
    table = realistic_table(rng, lam)
    started = time.process_time()
    statuses = table.suppress()
    spent = time.process_time() - started
    hidden = sum(1 for s in statuses.values() if s == SECONDARY)
    print(f"seed {seed} (mean {lam}): {len(table.values)} cells, {hidden} hidden, {spent:.2f} s")
    assert_safe(table.values, table.constraints, statuses, unpublished=table.unpublished)


def test_realistic_table_is_fast():
    rng = np.random.default_rng(2024)
    table = realistic_table(rng, 0.7)
    started = time.process_time()
    statuses = table.suppress()
    spent = time.process_time() - started
    print(f"{len(table.values)} cells, {len(table.constraints)} constraints: {spent:.3f} s CPU")
    assert spent < 1.0
    assert statuses == table.suppress()  # deterministic


@st.composite
def small_tables(draw):
    """A few leaves in two districts, one focus area, two groups of categories."""
    n_leaves = draw(st.integers(2, 5))
    n_categories = draw(st.integers(1, 4))
    counts = np.array(
        draw(
            st.lists(
                st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 9, 14]),
                min_size=n_leaves * n_categories,
                max_size=n_leaves * n_categories,
            )
        )
    ).reshape(n_leaves, n_categories)
    leaves = [f"r{i}" for i in range(n_leaves)]
    categories = [f"c{j}" for j in range(n_categories)]
    split = draw(st.integers(1, n_leaves))
    focus = draw(st.lists(st.sampled_from(leaves), min_size=1, unique=True))
    half = draw(st.integers(0, n_categories))
    groups = {"g1": categories[:half], "g2": categories[half:]}
    return area_category_table(
        counts,
        leaves=leaves,
        categories=categories,
        rows={"all": leaves, "d1": leaves[:split], "d2": leaves[split:], "focus": focus}
        | {leaf: [leaf] for leaf in leaves},
        groups=groups,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables())
def test_property_small_random_tables(table):
    statuses = table.suppress()
    assert_safe(table.values, table.constraints, statuses, unpublished=table.unpublished)


# ---------------------------------------------------------------------------------------
# Edge cases and input checks


def test_all_zeros_everything_shown():
    values = {"a": 0, "b": 0, "total": 0}
    assert suppress(values, [("total", ("a", "b"))]) == {c: SHOWN for c in values}


def test_everything_small():
    values = {"a": 1, "b": 2, "total": 3}
    constraints = [("total", ("a", "b"))]
    statuses = suppress(values, constraints)
    assert statuses == {c: PRIMARY for c in values}
    assert_safe(values, constraints, statuses)


def test_a_table_with_one_cell():
    assert suppress({"x": 3}) == {"x": PRIMARY}
    assert suppress({"x": 0}) == {"x": SHOWN}
    assert suppress({"x": 12}) == {"x": SHOWN}
    assert suppress({}) == {}


def test_threshold():
    values = {"a": 6, "b": 20, "total": 26}
    statuses = suppress(values, [("total", ("a", "b"))], threshold=10)
    assert statuses["a"] == PRIMARY and statuses["b"] == SECONDARY
    assert_safe(values, [("total", ("a", "b"))], statuses, threshold=10)
    assert suppress({"a": 1}, threshold=1) == {"a": SHOWN}
    with pytest.raises(ValueError, match="threshold"):
        suppress({"a": 1}, threshold=0)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"a": -1}, "must not be negative"),
        ({"a": 1.5}, "must be an integer"),
        ({"a": 2.0}, "must be an integer"),
        ({"a": "3"}, "must be an integer"),
        ({"a": True}, "must be an integer"),
    ],
)
def test_bad_counts(values, message):
    with pytest.raises(ValueError, match=message):
        suppress(values)


def test_numpy_integers_are_counts():
    assert suppress({"a": np.int64(2), "b": np.int32(0)}) == {"a": PRIMARY, "b": SHOWN}


def test_bad_constraints():
    values = {"a": 1, "b": 2, "total": 3}
    with pytest.raises(ValueError, match="unknown cell 'c'"):
        suppress(values, [("total", ("a", "c"))])
    with pytest.raises(ValueError, match="does not hold"):
        suppress(values, [("total", ("a",))])
    with pytest.raises(ValueError, match="twice"):
        suppress(values, [("total", ("a", "a"))])
    with pytest.raises(ValueError, match="no parts"):
        suppress(values, [("total", ())])
    with pytest.raises(ValueError, match="among its parts"):
        suppress(values, [("total", ("total", "a"))])
    with pytest.raises(ValueError, match="does not hold"):
        suppress(values, [Constraint("a", ("b",), exact=False)])
    with pytest.raises(ValueError, match="a Constraint"):
        suppress(values, ["total"])


def test_bad_table_inputs():
    with pytest.raises(ValueError, match="shape"):
        area_category_table(
            np.zeros((2, 2), dtype=int), leaves=["r1"], categories=["c"], rows={}, groups={}
        )
    with pytest.raises(ValueError, match="integers"):
        area_category_table(np.zeros((1, 1)), leaves=["r1"], categories=["c"], rows={}, groups={})
    with pytest.raises(ValueError, match="unknown leaves"):
        area_category_table(
            np.zeros((1, 1), dtype=int),
            leaves=["r1"],
            categories=["c"],
            rows={"x": ["r2"]},
            groups={},
        )
    with pytest.raises(ValueError, match="negative"):
        area_category_table({("r1", "c"): -2}, leaves=["r1"], categories=["c"], rows={}, groups={})


def test_fixed_statuses_are_kept():
    values = {"a": 2, "b": 7, "c": 12, "total": 21}
    constraints = [("total", ("a", "b", "c"))]
    statuses = suppress(values, constraints, fixed={"b": SHOWN})
    assert statuses["b"] == SHOWN
    assert_safe(values, constraints, statuses)
    with pytest.raises(ValueError, match="does not fit"):
        suppress(values, constraints, fixed={"a": SHOWN})
    with pytest.raises(SuppressionError):
        suppress(values, constraints, fixed={"b": SHOWN, "c": SHOWN, "total": SHOWN})


def test_fixed_dash_for_a_small_count_and_a_start():
    values = {"a": 2, "b": 7, "c": 12, "total": 21}
    constraints = [("total", ("a", "b", "c"))]
    statuses = suppress(values, constraints, fixed={"a": SECONDARY})
    assert statuses["a"] == SECONDARY
    assert_safe(values, constraints, statuses)
    statuses = suppress(values, constraints, start={"c": SECONDARY})
    assert statuses == {"a": PRIMARY, "b": SHOWN, "c": SECONDARY, "total": SHOWN}
    with pytest.raises(ValueError, match="count 0"):
        suppress(values | {"z": 0}, constraints, start={"z": SECONDARY})


def test_avoid():
    values = {"a": 2, "b": 7, "c": 12, "total": 21}
    constraints = [("total", ("a", "b", "c"))]
    statuses = suppress(values, constraints, avoid={"b"})
    assert statuses["b"] == SHOWN and statuses["c"] == SECONDARY
    assert_safe(values, constraints, statuses)


def test_display():
    assert SMALL_TEXT == small_text() == "<5"
    assert small_text(10) == "<10"
    assert HIDDEN_TEXT == "–"
    assert display_text(3, PRIMARY) == "<5"
    assert display_text(17, SECONDARY) == "–"
    assert display_text(0, SHOWN) == "0"
    assert display_text(1234, SHOWN) == "1234"
    values = {"a": 2, "b": 7, "c": 12, "total": 21}
    statuses = suppress(values, [("total", ("a", "b", "c"))])
    assert display_texts(values, statuses) == {"a": "<5", "b": "–", "c": "12", "total": "21"}


def test_disclosure_ranges_reads_only_what_is_published():
    values = {"a": 2, "b": 7, "c": 12, "total": 21}
    constraints = [("total", ("a", "b", "c"))]
    statuses = suppress(values, constraints)
    shown = {c: v for c, v in values.items() if statuses[c] == SHOWN}
    ranges = disclosure_ranges(statuses, shown, constraints)
    assert set(ranges) == {"a", "b"}
    assert ranges["a"] == pytest.approx((1, 4))
    assert ranges["b"] == pytest.approx((5, 8))
    with pytest.raises(ValueError, match="has no value"):
        disclosure_ranges(statuses, {"c": 12}, constraints)
