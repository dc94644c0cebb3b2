"""Periods of a lägesbild: keys, navigation and comparison windows (ISO weeks, 53-week
years, weeks across new year, leap years, malformed keys)."""

import dataclasses
import datetime as dt

import pytest

from trygg.situation.periods import (
    BASELINE_LENGTH,
    Kind,
    Period,
    Window,
    iso_weeks_in_year,
)

pytestmark = pytest.mark.nodb

D = dt.date
ALL_KINDS = list(Kind)


def every_day(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


FIRST_DAY, LAST_DAY = D(2014, 12, 1), D(2030, 2, 1)


def distinct_periods(kind):
    seen = {}
    for day in every_day(FIRST_DAY, LAST_DAY):
        period = Period.containing(kind, day)
        seen[period.key] = period
    return list(seen.values())


# -- keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "kind", "start", "end"),
    [
        ("2026-W47", Kind.WEEK, D(2026, 11, 16), D(2026, 11, 22)),
        ("2026-W01", Kind.WEEK, D(2025, 12, 29), D(2026, 1, 4)),
        ("2025-W01", Kind.WEEK, D(2024, 12, 30), D(2025, 1, 5)),
        ("2020-W53", Kind.WEEK, D(2020, 12, 28), D(2021, 1, 3)),
        ("2026-W53", Kind.WEEK, D(2026, 12, 28), D(2027, 1, 3)),
        ("4w-2026-W47", Kind.FOUR_WEEKS, D(2026, 10, 26), D(2026, 11, 22)),
        ("4w-2026-W03", Kind.FOUR_WEEKS, D(2025, 12, 22), D(2026, 1, 18)),
        ("4w-2026-W53", Kind.FOUR_WEEKS, D(2026, 12, 7), D(2027, 1, 3)),
        ("2026-11", Kind.MONTH, D(2026, 11, 1), D(2026, 11, 30)),
        ("2024-02", Kind.MONTH, D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-02", Kind.MONTH, D(2023, 2, 1), D(2023, 2, 28)),
        ("2000-02", Kind.MONTH, D(2000, 2, 1), D(2000, 2, 29)),
        ("2100-02", Kind.MONTH, D(2100, 2, 1), D(2100, 2, 28)),
        ("2026-T1", Kind.TERTIAL, D(2026, 1, 1), D(2026, 4, 30)),
        ("2026-T2", Kind.TERTIAL, D(2026, 5, 1), D(2026, 8, 31)),
        ("2026-T3", Kind.TERTIAL, D(2026, 9, 1), D(2026, 12, 31)),
        ("2026", Kind.YEAR, D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_key_parses_to_the_right_dates_and_back(key, kind, start, end):
    period = Period.from_key(key)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.key == key == str(period)
    assert period == Period(kind, start, end)
    assert period.days == (end - start).days + 1


@pytest.mark.parametrize(
    "key",
    [
        "",
        "2026-W54",
        "2027-W53",  # 2027 has 52 ISO weeks
        "2021-W53",
        "2026-W00",
        "2026-W7",
        "2026-W047",
        "2026-w47",
        "26-W47",
        "2026W47",
        "2026-13",
        "2026-00",
        "2026-1",
        "2026-T0",
        "2026-T4",
        "2026-t1",
        "4w-2027-W53",
        "4W-2026-W47",
        "4w-2026-47",
        "2026-W47-4w",
        " 2026-W47",
        "2026-W47 ",
        "2026-W47\n",
        "0000",
        "0000-W01",
        "0000-01",
        "20261",
        "202",
        "٢٠٢٦",  # Arabic-Indic digits: \d would accept them
        "2026-W4７",  # a full-width digit
        "2026-11-01",
        None,
        2026,
    ],
)
def test_malformed_keys_are_rejected(key):
    with pytest.raises(ValueError):
        Period.from_key(key)


def test_the_constructor_rejects_what_is_not_a_period():
    with pytest.raises(ValueError):
        Period(Kind.WEEK, D(2026, 11, 17), D(2026, 11, 23))  # a Tuesday
    with pytest.raises(ValueError):
        Period(Kind.MONTH, D(2026, 11, 1), D(2026, 11, 29))
    with pytest.raises(ValueError):
        Period(Kind.TERTIAL, D(2026, 2, 1), D(2026, 5, 31))
    with pytest.raises(ValueError):
        Period("fortnight", D(2026, 11, 16), D(2026, 11, 29))
    with pytest.raises(ValueError):
        Period(Kind.WEEK, dt.datetime(2026, 11, 16), dt.datetime(2026, 11, 22))
    with pytest.raises(ValueError):
        Period.containing(Kind.WEEK, dt.datetime(2026, 11, 16, 12))
    with pytest.raises(ValueError):
        Period.containing("decade", D(2026, 11, 16))
    with pytest.raises(ValueError):
        Period.of_week(2027, 53)
    with pytest.raises(ValueError):
        Period.of_month(2026, 13)
    assert Period("week", D(2026, 11, 16), D(2026, 11, 22)) == Period.of_week(2026, 47)


def test_periods_are_immutable_and_hashable():
    period = Period.from_key("2026-W47")
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.start = D(2026, 11, 9)
    assert {period: 1}[Period.of_week(2026, 47)] == 1
    assert Period.from_key("2026-W47") != Period.from_key("4w-2026-W47")


# -- containing, navigation -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_day_lies_in_exactly_one_period_of_each_kind(kind):
    previous = None
    for day in every_day(D(2014, 12, 1), D(2030, 2, 1)):
        period = Period.containing(kind, day)
        assert day in period
        assert Period.from_key(period.key) == period
        if kind is Kind.FOUR_WEEKS:
            # 4-week periods slide: the one "containing" a day ends with that day's week.
            assert period.last_week() == Period.containing(Kind.WEEK, day)
        elif previous is not None and period != previous:
            # Non-overlapping kinds tile the calendar without gaps.
            assert period.start == day == previous.end + dt.timedelta(days=1)
            assert period.previous() == previous and previous.next() == period
        previous = period


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_navigation_and_baseline_are_consistent(kind):
    for period in distinct_periods(kind):
        assert period.next().previous() == period
        assert period.next().start == period.end + dt.timedelta(days=1)
        assert period.shift(-3) == period.previous().previous().previous()
        baseline = period.baseline()
        length = BASELINE_LENGTH[kind]
        before = [period.shift(-i) for i in range(1, length + 1)]
        assert baseline.end == period.start - dt.timedelta(days=1)
        assert baseline.start == before[-1].start
        assert baseline.days == sum(p.days for p in before)
        assert (baseline.length, baseline.unit) == (length, kind)
        assert period.start not in baseline and baseline.end in baseline


def test_weeks_across_new_year_and_53_week_years():
    assert [y for y in range(2000, 2033) if iso_weeks_in_year(y) == 53] == [
        2004,
        2009,
        2015,
        2020,
        2026,
        2032,
    ]
    assert Period.containing(Kind.WEEK, D(2021, 1, 1)).key == "2020-W53"
    assert Period.containing(Kind.WEEK, D(2027, 1, 3)).key == "2026-W53"
    assert Period.containing(Kind.WEEK, D(2024, 12, 30)).key == "2025-W01"
    assert Period.containing(Kind.WEEK, D(2027, 1, 4)).key == "2027-W01"
    assert Period.from_key("2020-W53").next().key == "2021-W01"
    assert Period.from_key("2021-W01").previous().key == "2020-W53"
    assert Period.from_key("2026-W52").next().key == "2026-W53"
    assert Period.from_key("2025-W52").next().key == "2026-W01"
    # 4-week periods step by 4 weeks across a 53-week year.
    assert Period.from_key("4w-2026-W03").previous().key == "4w-2025-W51"
    assert Period.from_key("4w-2027-W02").previous().key == "4w-2026-W51"
    assert [w.key for w in Period.from_key("4w-2027-W02").weeks()] == [
        "2026-W52",
        "2026-W53",
        "2027-W01",
        "2027-W02",
    ]


def test_month_and_tertial_navigation_across_years():
    assert Period.from_key("2026-01").previous().key == "2025-12"
    assert Period.from_key("2025-12").next().key == "2026-01"
    assert Period.from_key("2026-T1").previous().key == "2025-T3"
    assert Period.from_key("2025-T3").next().key == "2026-T1"
    assert Period.from_key("2026-T2").shift(-6).key == "2024-T2"
    assert Period.from_key("2026-03").shift(-14).key == "2025-01"
    assert [Period.from_key(f"2024-T{n}").days for n in (1, 2, 3)] == [121, 123, 122]
    assert [Period.from_key(f"2026-T{n}").days for n in (1, 2, 3)] == [120, 123, 122]
    assert Period.from_key("2024").days == 366
    assert Period.from_key("2026").days == 365


# -- comparison windows ---------------------------------------------------------------------


def test_week_baseline_is_the_52_weeks_before():
    baseline = Period.from_key("2026-W47").baseline()
    assert baseline == Window(D(2025, 11, 17), D(2026, 11, 15), 52, Kind.WEEK)
    assert baseline.days == 364
    # Right after a 53-week year the baseline is weeks 2..53 of that year.
    baseline = Period.from_key("2021-W01").baseline()
    assert Period.containing(Kind.WEEK, baseline.start).key == "2020-W02"
    assert Period.containing(Kind.WEEK, baseline.end).key == "2020-W53"


def test_four_week_baseline_is_the_52_weeks_before_its_first_week():
    period = Period.from_key("4w-2026-W03")
    assert period.start == D(2025, 12, 22)
    baseline = period.baseline()
    assert baseline == Window(D(2024, 12, 23), D(2025, 12, 21), 13, Kind.FOUR_WEEKS)
    assert baseline.days == 364
    assert period.days / baseline.days == pytest.approx(4 / 52)


def test_month_tertial_and_year_baselines():
    march = Period.from_key("2024-03").baseline()
    assert (march.start, march.end, march.length, march.days) == (
        D(2023, 3, 1),
        D(2024, 2, 29),
        12,
        366,
    )
    assert Period.from_key("2024-02").baseline().days == 365
    tertial = Period.from_key("2026-T1").baseline()
    assert (tertial.start, tertial.end, tertial.length) == (D(2024, 1, 1), D(2025, 12, 31), 6)
    assert tertial.days == 731
    year = Period.from_key("2026").baseline()
    assert (year.start, year.end, year.length, year.days) == (
        D(2023, 1, 1),
        D(2025, 12, 31),
        3,
        1096,
    )


def test_year_to_date_for_weeks_uses_iso_weeks_and_week_53_meets_week_52():
    ytd = Period.from_key("2021-W10").year_to_date()
    assert ytd.current == Window(D(2021, 1, 4), D(2021, 3, 14), 10, Kind.WEEK)
    assert ytd.previous == Window(D(2019, 12, 30), D(2020, 3, 8), 10, Kind.WEEK)

    ytd = Period.from_key("2026-W53").year_to_date()
    assert ytd.current == Window(D(2025, 12, 29), D(2027, 1, 3), 53, Kind.WEEK)
    assert ytd.previous == Window(D(2024, 12, 30), D(2025, 12, 28), 52, Kind.WEEK)
    assert (ytd.current.days, ytd.previous.days) == (371, 364)

    ytd = Period.from_key("2021-W52").year_to_date()  # the year before had 53 weeks
    assert (ytd.current.length, ytd.previous.length) == (52, 52)
    assert ytd.previous.end == D(2020, 12, 27)

    # A 4-week period counts to the end of its last week.
    assert Period.from_key("4w-2026-W53").year_to_date() == ytd_of("2026-W53")
    assert Period.from_key("2026-W53").same_period_last_year().key == "2025-W52"
    assert Period.from_key("4w-2026-W53").same_period_last_year().key == "4w-2025-W52"


def ytd_of(key):
    return Period.from_key(key).year_to_date()


@pytest.mark.parametrize("kind", [Kind.WEEK, Kind.FOUR_WEEKS])
def test_year_to_date_invariants_for_weeks(kind):
    for period in distinct_periods(kind):
        ytd = period.year_to_date()
        number, year = period.number, period.year
        assert ytd.current.length == number
        assert ytd.previous.length == min(number, iso_weeks_in_year(year - 1))
        assert ytd.current.start == D.fromisocalendar(year, 1, 1)
        assert ytd.previous.start == D.fromisocalendar(year - 1, 1, 1)
        assert ytd.current.end == period.end
        assert ytd.current.days == 7 * ytd.current.length
        assert ytd.previous.days == 7 * ytd.previous.length
        assert ytd.previous.end < ytd.current.start


def test_year_to_date_for_months_tertials_and_years():
    ytd = Period.from_key("2024-02").year_to_date()
    assert (ytd.current.start, ytd.current.end, ytd.current.days) == (
        D(2024, 1, 1),
        D(2024, 2, 29),
        60,
    )
    assert (ytd.previous.start, ytd.previous.end, ytd.previous.days) == (
        D(2023, 1, 1),
        D(2023, 2, 28),
        59,
    )
    assert ytd.current.length == ytd.previous.length == 2
    assert Period.from_key("2025-02").year_to_date().previous.end == D(2024, 2, 29)
    ytd = Period.from_key("2026-T2").year_to_date()
    assert ytd.current == Window(D(2026, 1, 1), D(2026, 8, 31), 2, Kind.TERTIAL)
    assert ytd.previous == Window(D(2025, 1, 1), D(2025, 8, 31), 2, Kind.TERTIAL)
    ytd = Period.from_key("2026").year_to_date()
    assert ytd.current == Window(D(2026, 1, 1), D(2026, 12, 31), 1, Kind.YEAR)
    assert ytd.previous == Window(D(2025, 1, 1), D(2025, 12, 31), 1, Kind.YEAR)
    assert ytd.to_dict()["previous"] == {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "length": 1,
        "unit": "year",
        "days": 365,
    }


def test_last_four_weeks_and_the_52_week_series():
    week = Period.from_key("2026-W02")
    four = week.last_four_weeks()
    assert four == Period.from_key("4w-2026-W02")
    assert (four.start, four.end) == (D(2025, 12, 15), D(2026, 1, 11))
    assert four.last_four_weeks() == four

    series = Period.from_key("2021-W10").weekly_series()
    assert len(series) == 52
    assert series[-1].key == "2021-W10" and series[0].key == "2020-W12"  # 2020 has 53 weeks
    assert [p.key for p in series].count("2020-W53") == 1
    assert all(
        b.start == a.end + dt.timedelta(days=1)
        for a, b in zip(series[:-1], series[1:], strict=True)
    )
    assert Period.from_key("2026-W47").weekly_series(3)[0].key == "2026-W45"
    with pytest.raises(ValueError):
        week.weekly_series(0)


def test_last_week_of_longer_periods_is_the_last_complete_week():
    assert Period.from_key("2026-11").last_week().key == "2026-W48"  # Nov 30 is a Monday
    assert Period.from_key("2026-05").last_week().key == "2026-W22"  # May 31 is a Sunday
    assert Period.from_key("2026").last_week().key == "2026-W52"  # 2026-W53 ends in 2027
    assert Period.from_key("2026-T3").last_four_weeks().key == "4w-2026-W52"
    with pytest.raises(ValueError):
        Period.from_key("2026-11").weeks()


def test_to_dict():
    assert Period.from_key("2026-W47").to_dict() == {
        "key": "2026-W47",
        "kind": "week",
        "start": "2026-11-16",
        "end": "2026-11-22",
        "days": 7,
    }
