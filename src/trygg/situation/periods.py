"""The periods a lägesbild covers, and the comparison windows around them.

Pure Python (``datetime`` only, no Django). Dates are local Europe/Stockholm dates already
(DESIGN.md §6); weeks are ISO weeks (Monday-Sunday).

Kinds and their stable keys:

==============  ==================  ================================================
kind            key                 covers
==============  ==================  ================================================
``week``        ``2026-W47``        one ISO week
``4w``          ``4w-2026-W47``     the 4 ISO weeks ending with ISO week 2026-W47
``month``       ``2026-11``         a calendar month
``tertial``     ``2026-T3``         Jan-Apr (T1), May-Aug (T2), Sep-Dec (T3)
``year``        ``2026``            a calendar year
==============  ==================  ================================================

A period is identified by (kind, start, end); ``Period.from_key(p.key) == p`` always.

Exposure: the statistics compare a period's count with a baseline window's count, and need
the ratio of their exposures. Use days (``Period.days`` and ``Window.days``): for weeks and
4-week periods it equals the ratio of weeks (7 : 364 = 1 : 52); for months, tertials and
years it accounts for their unequal lengths (February against the 365 or 366 days before it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "BASELINE_LENGTH",
    "Kind",
    "Period",
    "Window",
    "YearToDate",
    "iso_weeks_in_year",
]

ONE_DAY = dt.timedelta(days=1)


class Kind(StrEnum):
    WEEK = "week"
    FOUR_WEEKS = "4w"
    MONTH = "month"
    TERTIAL = "tertial"
    YEAR = "year"


# Length of the baseline window, in periods of the same kind, immediately before the period:
# 52 weeks; 52 weeks before a 4-week period's first week (13 four-week periods); 12 months;
# 6 tertials (2 years); 3 years.
BASELINE_LENGTH = {
    Kind.WEEK: 52,
    Kind.FOUR_WEEKS: 13,
    Kind.MONTH: 12,
    Kind.TERTIAL: 6,
    Kind.YEAR: 3,
}

_KEY_PATTERNS = (
    (Kind.FOUR_WEEKS, re.compile(r"4w-([0-9]{4})-W([0-9]{2})")),
    (Kind.WEEK, re.compile(r"([0-9]{4})-W([0-9]{2})")),
    (Kind.TERTIAL, re.compile(r"([0-9]{4})-T([1-3])")),
    (Kind.MONTH, re.compile(r"([0-9]{4})-([0-9]{2})")),
    (Kind.YEAR, re.compile(r"([0-9]{4})")),
)


def iso_weeks_in_year(iso_year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its ISO year."""
    return dt.date(iso_year, 12, 28).isocalendar().week


def _monday(iso_year: int, week: int) -> dt.date:
    if not 1 <= week <= iso_weeks_in_year(iso_year):
        raise ValueError(f"ISO year {iso_year} has no week {week}")
    return dt.date.fromisocalendar(iso_year, week, 1)


def _month_start(year: int, month: int) -> dt.date:
    """First day of a month given by a possibly out-of-range month number (13 = next January)."""
    year, month0 = divmod(year * 12 + month - 1, 12)
    return dt.date(year, month0 + 1, 1)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, slots=True)
class Window:
    """A range of dates (both ends inclusive) used for comparison.

    ``length`` counts the window in units of ``unit`` (e.g. 52 weeks, 13 four-week periods,
    12 months); ``days`` is the exposure to use in the statistics.
    """

    start: dt.date
    end: dt.date
    length: int
    unit: Kind

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def to_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "length": self.length,
            "unit": str(self.unit),
            "days": self.days,
        }


@dataclass(frozen=True, slots=True)
class YearToDate:
    """Year to date against the same stretch of the year before.

    For weeks: ISO weeks 1..N of this ISO year against weeks 1..N of the previous ISO year,
    where week 53 compares with week 52 (so ``current`` may be one week longer than
    ``previous``: compare rates by ``days``). For months, tertials and years: 1 January to
    the period's end, against the same calendar range a year earlier.
    """

    current: Window
    previous: Window

    def to_dict(self) -> dict:
        return {"current": self.current.to_dict(), "previous": self.previous.to_dict()}


@dataclass(frozen=True, slots=True)
class Period:
    """One period of a lägesbild: ``kind``, ``start`` and ``end`` (inclusive).

    Build one with the ``of_*`` constructors, ``from_key`` or ``containing``; the direct
    constructor validates that (kind, start, end) is a real period.
    """

    kind: Kind
    start: dt.date
    end: dt.date

    def __post_init__(self):
        try:
            kind = Kind(self.kind)
        except ValueError:
            raise ValueError(f"unknown period kind {self.kind!r}") from None
        object.__setattr__(self, "kind", kind)
        if type(self.start) is not dt.date or type(self.end) is not dt.date:
            raise ValueError("a period's start and end must be dates (not datetimes)")
        expected = Period.containing(kind, self.end if kind is Kind.FOUR_WEEKS else self.start)
        if (expected.start, expected.end) != (self.start, self.end):
            raise ValueError(f"{self.start}..{self.end} is not a {kind} period")

    # -- constructors ---------------------------------------------------------------------

    @classmethod
    def _make(cls, kind: Kind, start: dt.date, end: dt.date) -> Period:
        """Build without re-validating (the callers computed start and end themselves)."""
        period = object.__new__(cls)
        object.__setattr__(period, "kind", kind)
        object.__setattr__(period, "start", start)
        object.__setattr__(period, "end", end)
        return period

    @classmethod
    def of_week(cls, iso_year: int, week: int) -> Period:
        monday = _monday(iso_year, week)
        return cls._make(Kind.WEEK, monday, monday + dt.timedelta(days=6))

    @classmethod
    def of_four_weeks(cls, iso_year: int, last_week: int) -> Period:
        """The 4 ISO weeks ending with ``last_week`` of ``iso_year``."""
        monday = _monday(iso_year, last_week)
        return cls._make(
            Kind.FOUR_WEEKS, monday - dt.timedelta(weeks=3), monday + dt.timedelta(days=6)
        )

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise ValueError(f"no month {month}")
        return cls._make(Kind.MONTH, dt.date(year, month, 1), _month_end(year, month))

    @classmethod
    def of_tertial(cls, year: int, tertial: int) -> Period:
        if not 1 <= tertial <= 3:
            raise ValueError(f"no tertial {tertial}")
        first = 4 * (tertial - 1) + 1
        return cls._make(Kind.TERTIAL, dt.date(year, first, 1), _month_end(year, first + 3))

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls._make(Kind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def containing(cls, kind: Kind | str, day: dt.date) -> Period:
        """The period of ``kind`` that contains ``day``; for ``4w``, the 4 weeks ending with
        the ISO week of ``day``."""
        try:
            kind = Kind(kind)
        except ValueError:
            raise ValueError(f"unknown period kind {kind!r}") from None
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            raise ValueError("containing() needs a date (not a datetime)")
        if kind is Kind.WEEK or kind is Kind.FOUR_WEEKS:
            iso = day.isocalendar()
            maker = cls.of_week if kind is Kind.WEEK else cls.of_four_weeks
            return maker(iso.year, iso.week)
        if kind is Kind.MONTH:
            return cls.of_month(day.year, day.month)
        if kind is Kind.TERTIAL:
            return cls.of_tertial(day.year, (day.month - 1) // 4 + 1)
        return cls.of_year(day.year)

    @classmethod
    def from_key(cls, key: str) -> Period:
        """Parse a key such as ``2026-W47``, ``4w-2026-W47``, ``2026-11``, ``2026-T3`` or
        ``2026``; anything else raises ``ValueError``."""
        if not isinstance(key, str):
            raise ValueError(f"malformed period key {key!r}")
        for kind, pattern in _KEY_PATTERNS:
            match = pattern.fullmatch(key)
            if match is None:
                continue
            year, *rest = (int(g) for g in match.groups())
            if year < 1:
                break
            try:
                if kind is Kind.WEEK:
                    return cls.of_week(year, rest[0])
                if kind is Kind.FOUR_WEEKS:
                    return cls.of_four_weeks(year, rest[0])
                if kind is Kind.MONTH:
                    return cls.of_month(year, rest[0])
                if kind is Kind.TERTIAL:
                    return cls.of_tertial(year, rest[0])
                return cls.of_year(year)
            except (ValueError, OverflowError) as exc:
                raise ValueError(f"malformed period key {key!r}: {exc}") from None
        raise ValueError(f"malformed period key {key!r}")

    # -- identity ---------------------------------------------------------------------------

    @property
    def year(self) -> int:
        """The ISO year of the (last) week for ``week``/``4w``, else the calendar year."""
        if self.kind is Kind.WEEK or self.kind is Kind.FOUR_WEEKS:
            return self.end.isocalendar().year
        return self.start.year

    @property
    def number(self) -> int | None:
        """ISO week of the (last) week, month 1-12, tertial 1-3, or None for a year."""
        if self.kind is Kind.WEEK or self.kind is Kind.FOUR_WEEKS:
            return self.end.isocalendar().week
        if self.kind is Kind.MONTH:
            return self.start.month
        if self.kind is Kind.TERTIAL:
            return (self.start.month - 1) // 4 + 1
        return None

    @property
    def key(self) -> str:
        if self.kind is Kind.WEEK:
            return f"{self.year:04d}-W{self.number:02d}"
        if self.kind is Kind.FOUR_WEEKS:
            return f"4w-{self.year:04d}-W{self.number:02d}"
        if self.kind is Kind.MONTH:
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind is Kind.TERTIAL:
            return f"{self.year:04d}-T{self.number}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.key

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def as_window(self) -> Window:
        return Window(self.start, self.end, 1, self.kind)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "kind": str(self.kind),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
        }

    # -- navigation -------------------------------------------------------------------------

    def shift(self, n: int) -> Period:
        """The period ``n`` periods of the same kind later (earlier for negative ``n``).
        4-week periods move in steps of 4 weeks."""
        if self.kind is Kind.WEEK or self.kind is Kind.FOUR_WEEKS:
            step = dt.timedelta(weeks=n if self.kind is Kind.WEEK else 4 * n)
            return Period._make(self.kind, self.start + step, self.end + step)
        if self.kind is Kind.MONTH:
            start = _month_start(self.start.year, self.start.month + n)
            return Period.of_month(start.year, start.month)
        if self.kind is Kind.TERTIAL:
            start = _month_start(self.start.year, self.start.month + 4 * n)
            return Period.of_tertial(start.year, (start.month - 1) // 4 + 1)
        return Period.of_year(self.start.year + n)

    def previous(self) -> Period:
        return self.shift(-1)

    def next(self) -> Period:
        return self.shift(1)

    def last_week(self) -> Period:
        """The last ISO week that lies wholly inside the period: the week itself, the 4th
        week of a 4-week period, or the last complete week of a month, tertial or year."""
        if self.kind is Kind.WEEK:
            return self
        sunday = self.end - dt.timedelta(days=(self.end.weekday() + 1) % 7)
        return Period.containing(Kind.WEEK, sunday)

    def weeks(self) -> list[Period]:
        """The ISO weeks of a week or 4-week period, oldest first."""
        if self.kind is not Kind.WEEK and self.kind is not Kind.FOUR_WEEKS:
            raise ValueError(f"a {self.kind} period is not made of whole ISO weeks")
        return self.last_week().weekly_series(self.days // 7)

    # -- comparison windows -----------------------------------------------------------------

    def baseline(self) -> Window:
        """The baseline window immediately before the period (see ``BASELINE_LENGTH``)."""
        length = BASELINE_LENGTH[self.kind]
        return Window(self.shift(-length).start, self.start - ONE_DAY, length, self.kind)

    def same_period_last_year(self) -> Period:
        """The same ISO week (week 53 -> week 52), 4 weeks ending with that week, month,
        tertial or year, one year earlier."""
        if self.kind is Kind.WEEK or self.kind is Kind.FOUR_WEEKS:
            year = self.year - 1
            week = min(self.number, iso_weeks_in_year(year))
            maker = Period.of_week if self.kind is Kind.WEEK else Period.of_four_weeks
            return maker(year, week)
        return self.shift({Kind.MONTH: -12, Kind.TERTIAL: -3, Kind.YEAR: -1}[self.kind])

    def year_to_date(self) -> YearToDate:
        """Year to date (to the period's end) against the same stretch of the year before."""
        if self.kind is Kind.WEEK or self.kind is Kind.FOUR_WEEKS:
            year, week = self.year, self.number
            last = self.same_period_last_year().last_week()
            return YearToDate(
                Window(_monday(year, 1), self.end, week, Kind.WEEK),
                Window(_monday(year - 1, 1), last.end, last.number, Kind.WEEK),
            )
        year = self.start.year
        length = self.number or 1
        before = self.same_period_last_year()
        return YearToDate(
            Window(dt.date(year, 1, 1), self.end, length, self.kind),
            Window(dt.date(year - 1, 1, 1), before.end, length, self.kind),
        )

    def last_four_weeks(self) -> Period:
        """The 4-week period ending with ``last_week()``."""
        return Period._make(
            Kind.FOUR_WEEKS, self.last_week().start - dt.timedelta(weeks=3), self.last_week().end
        )

    def weekly_series(self, n: int = 52) -> list[Period]:
        """The ``n`` ISO weeks ending with ``last_week()``, oldest first (a trend chart)."""
        if n < 1:
            raise ValueError("a weekly series needs at least one week")
        last = self.last_week()
        return [last.shift(i) for i in range(1 - n, 1)]
