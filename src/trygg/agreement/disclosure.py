"""The place-based counts the agreement side shows to readers without a detail role,
suppressed together (DESIGN.md §5, issue on security §4).

Each computed indicator hides its counts of 1-4 as "<5". That is not enough on its own:
a reader may put indicators side by side. "Skadegörelse i Märsta" and "Skadegörelse i
Märsta centrum" and "... i övriga Märsta" by month give a hidden month away by
subtraction, so does a year indicator beside the months of another one, or the annual
report's count per category group beside an indicator over the same group.

So every count a viewer can see on this side is one cell of a single table:

* every period of every computed indicator of every agreement of the partnership, from
  the first period with data to today (``indicator_key``);
* the per-group counts of every approved annual report, this year and last year to the
  same date, with their totals (``annual_key``);
* the start page's counts of this week and the week before (``home_key``).

Each cell is a sum over the rollup (category × leaf area × place class × age group ×
day). Its relations to the other cells follow from which rollup entries they share: the
rollup entries are grouped into *atoms*, one per set of cells they belong to, and every
cell is the sum of its atoms. The atoms are unpublished cells of the table (the reader
knows only that they are at least 0; an atom that the data leaves empty is still one, so
the reader's knowledge is modelled, not the data's). ``suppression.suppress`` then
chooses the further cells to hide ("–") so that no "<5" can be worked out from what is
shown, whichever cells the reader combines.

Rates (per 1,000 inhabitants) are the same cells: with the population beside them they
give the count away.

A cell covers only the days that can hold incidents as the reader knows it: from the
first report (the pages say when that was) to today. The days after today are empty, so
"this month" beside its weeks so far is their sum; modelled as unknown, that would be
missed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from django.db.models import Q, Sum

from trygg.incidents.models import AgeGroup, Category, IncidentCount, PlaceClass
from trygg.situation.suppression import (
    DEFAULT_THRESHOLD,
    HIDDEN_TEXT,
    SMALL_TEXT,
    Constraint,
    Status,
    SuppressionError,
    suppress,
)

from .indicators import (
    AreaTree,
    category_ids,
    first_counted_date,
    leaf_ids,
    periods_between,
    series_range,
)
from .models import AnnualReport, Indicator

logger = logging.getLogger(__name__)

ONE_DAY = dt.timedelta(days=1)

_CACHE_SIZE = 16
_cache: OrderedDict[str, dict] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Aggregate:
    """One count a viewer sees: the rollup entries in the selection, over [start, end].
    ``None`` in a dimension means every value."""

    key: tuple
    categories: frozenset | None
    leaves: frozenset | None
    place_classes: frozenset | None
    age_groups: frozenset | None
    start: dt.date
    end: dt.date

    def selection(self):
        return (self.categories, self.leaves, self.place_classes, self.age_groups)


def indicator_key(indicator, period):
    return ("indicator", indicator.pk, period.key)


def annual_key(year, which, code):
    """``which``: "this" or "last" (the year before, to the same date); ``code``: a
    category group's code or "total"."""
    return ("annual", year, which, code)


def full_range(indicator, today):
    """The days a viewer can ask an indicator about: its series, and every whole year of
    its agreement up to today (the annual report reads those)."""
    agreement = indicator.goal.priority.agreement
    start, end = series_range(indicator, today)
    start = min(start, dt.date(agreement.start.year, 1, 1))
    end = max(end, min(dt.date(agreement.end.year, 12, 31), today))
    return start, end


def _selection(values):
    return frozenset(values) if values else None


def indicator_aggregates(partnership, today, first):
    tree = AreaTree(partnership)
    indicators = (
        Indicator.objects.filter(
            goal__priority__agreement__partnership=partnership, kind=Indicator.Kind.COMPUTED
        )
        .select_related("goal__priority__agreement")
        .order_by("pk")
    )
    result = []
    for indicator in indicators:
        categories = frozenset(category_ids(indicator))
        leaves = frozenset(leaf_ids(indicator, tree))
        start, end = full_range(indicator, today)
        for period in periods_between(indicator.resolution, start, end):
            if period.end < first:
                continue  # "inga uppgifter": nothing is shown
            result.append(
                Aggregate(
                    indicator_key(indicator, period),
                    categories,
                    leaves,
                    _selection(indicator.place_classes),
                    _selection(indicator.age_groups),
                    period.start,
                    period.end,
                )
            )
    return result


def home_key(which):
    """``which``: "this_week" or "previous_week" (the start page's two counts)."""
    return ("home", which)


def home_aggregates(today):
    """The start page's counts: every incident of this ISO week and of the one before."""
    monday = today - dt.timedelta(days=today.weekday())
    week = dt.timedelta(days=7)
    return [
        Aggregate(home_key("this_week"), None, None, None, None, monday, monday + week - ONE_DAY),
        Aggregate(
            home_key("previous_week"), None, None, None, None, monday - week, monday - ONE_DAY
        ),
    ]


def annual_windows(snapshot):
    """{"this" | "last": (first day, last day)} of an annual report's frozen counts."""
    lagesbild = snapshot["lagesbild"]
    return {
        "this": (
            dt.date.fromisoformat(lagesbild["start"]),
            dt.date.fromisoformat(lagesbild["end"]),
        ),
        "last": (
            dt.date.fromisoformat(lagesbild["last_start"]),
            dt.date.fromisoformat(lagesbild["last_end"]),
        ),
    }


def annual_aggregates(partnership):
    """The per-group counts of the approved annual reports, over the windows frozen in
    their snapshots, as ``annual.lagesbild_summary`` counts them (every area, place and
    age)."""
    from trygg.situation.structure import category_groups

    groups = category_groups(partnership)
    reports = AnnualReport.objects.filter(
        partnership=partnership, approved_at__isnull=False, snapshot__isnull=False
    ).order_by("year")
    result = []
    for report in reports:
        try:
            windows = annual_windows(report.snapshot)
        except (KeyError, TypeError, ValueError):
            logger.warning("annual report %s has no readable windows", report.pk)
            continue
        for which, (first_day, last_day) in windows.items():
            every = set()
            for group in groups:
                ids = frozenset(c for c, _code, _label in group.categories)
                every |= ids
                result.append(
                    Aggregate(
                        annual_key(report.year, which, group.code),
                        ids,
                        None,
                        None,
                        None,
                        first_day,
                        last_day,
                    )
                )
            result.append(
                Aggregate(
                    annual_key(report.year, which, "total"),
                    frozenset(every),
                    None,
                    None,
                    None,
                    first_day,
                    last_day,
                )
            )
    return result


class _Atoms:
    """The rollup grouped by the set of aggregates each entry counts in.

    A rollup entry is a combination (category, leaf area, place class, age group) on a
    day. Which selections hold a combination is the intersection, per dimension, of the
    selections that hold its value there (bit masks over the selections). ``domains``:
    the values each dimension can take, as the reader knows them (the taxonomy, the
    leaf areas: incidents are always placed in one, the place classes, the age groups)."""

    def __init__(self, aggregates, domains):
        self.aggregates = aggregates
        grouped = {}
        for index, aggregate in enumerate(aggregates):
            grouped.setdefault(aggregate.selection(), []).append(index)
        self.selections = list(grouped.items())
        self.domains = [set(d) for d in domains]
        self._masks = [{} for _d in domains]
        self._timelines = {}

    def value_mask(self, dimension, value):
        masks = self._masks[dimension]
        mask = masks.get(value)
        if mask is None:
            mask = 0
            for bit, (selection, _indices) in enumerate(self.selections):
                if selection[dimension] is None or value in selection[dimension]:
                    mask |= 1 << bit
            masks[value] = mask
        return mask

    def universe(self):
        """Every distinct selection signature a combination can have."""
        found = {-1}
        for dimension, domain in enumerate(self.domains):
            masks = {self.value_mask(dimension, v) for v in domain}
            found = {m & v for m in found for v in masks}
        return found

    def mask_of(self, combo):
        mask = -1
        for dimension, value in enumerate(combo):
            mask &= self.value_mask(dimension, value)
        return mask

    def timeline(self, mask):
        """(boundaries, cell sets): the days where the set of aggregates (of the
        selections in ``mask``) covering a day changes, and the set from each on."""
        found = self._timelines.get(mask)
        if found is None:
            indices = [
                index
                for bit, (_selection, members) in enumerate(self.selections)
                if mask >> bit & 1
                for index in members
            ]
            starting, ending = {}, {}
            for index in indices:
                aggregate = self.aggregates[index]
                if aggregate.start <= aggregate.end:
                    starting.setdefault(aggregate.start, []).append(index)
                    ending.setdefault(aggregate.end + ONE_DAY, []).append(index)
            boundaries = sorted(starting.keys() | ending.keys())
            sets, active = [], set()
            for day in boundaries:
                active.difference_update(ending.get(day, ()))
                active.update(starting.get(day, ()))
                sets.append(tuple(sorted(active)))
            found = (boundaries, sets)
            self._timelines[mask] = found
        return found

    def of(self, combo, day):
        """The aggregates a rollup entry counts in."""
        mask = self.mask_of(combo)
        if not mask:
            return ()
        boundaries, sets = self.timeline(mask)
        position = bisect.bisect_right(boundaries, day) - 1
        return sets[position] if position >= 0 else ()


def build_table(partnership, today):
    """(values, constraints, unpublished atoms) of every count a viewer can see on the
    agreement side, or None before the partnership's first report."""
    first = first_counted_date(partnership)
    if first is None:
        return None
    aggregates = [
        # Only the days that can hold incidents, as the reader knows (module docstring).
        replace(aggregate, start=max(aggregate.start, first), end=min(aggregate.end, today))
        for aggregate in indicator_aggregates(partnership, today, first)
        + annual_aggregates(partnership)
        + home_aggregates(today)
    ]
    domains = (
        # Incidents have a category within a group, never a group itself.
        Category.objects.filter(Q(partnership=None) | Q(partnership=partnership))
        .filter(parent__isnull=False)
        .values_list("pk", flat=True),
        AreaTree(partnership).all_leaves(),
        PlaceClass.values,
        AgeGroup.values,
    )
    start = min(a.start for a in aggregates)
    end = max(a.end for a in aggregates)
    rows = (
        IncidentCount.objects.filter(partnership=partnership, date__gte=start, date__lte=end)
        .values_list("category_id", "area_id", "place_class", "age_group", "date")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return table_of(aggregates, domains, rows.iterator())


def table_of(aggregates, domains, rows):
    """(values, constraints, unpublished atoms) of ``aggregates`` over rollup ``rows``
    (category, leaf area, place class, age group, day, count). ``domains``: the values
    each of the four dimensions can take, as the reader knows them."""
    atoms = _Atoms(aggregates, domains)
    counts = {}
    for mask in atoms.universe():
        if mask:
            _boundaries, sets = atoms.timeline(mask)
            for cell_set in sets:
                if cell_set:
                    counts.setdefault(cell_set, 0)
    for category, area, place_class, age_group, day, n in rows:
        if not n:
            continue
        cell_set = atoms.of((category, area, place_class, age_group), day)
        if cell_set:
            counts[cell_set] = counts.get(cell_set, 0) + n
    values = {a.key: 0 for a in aggregates}
    parts = {a.key: [] for a in aggregates}
    unpublished = []
    for number, (cell_set, n) in enumerate(sorted(counts.items())):
        atom = ("atom", number)
        values[atom] = n
        unpublished.append(atom)
        for index in cell_set:
            key = aggregates[index].key
            values[key] += n
            parts[key].append(atom)
    constraints = [Constraint(key, tuple(p)) for key, p in parts.items() if p]
    return values, constraints, unpublished


def viewer_table(partnership, today):
    """{cell key: (count, status)} for every cell of ``build_table``, suppressed together.
    The result of one set of counts is kept in memory, so readers of the same numbers
    do not pay for the suppression again."""
    built = build_table(partnership, today)
    if built is None:
        return {}
    values, constraints, unpublished = built
    digest = hashlib.sha256(
        repr((partnership.pk, sorted(values.items()), constraints)).encode()
    ).hexdigest()
    with _cache_lock:
        statuses = _cache.get(digest)
        if statuses is not None:
            _cache.move_to_end(digest)
    if statuses is None:
        try:
            statuses = suppress(values, constraints, unpublished=unpublished)
        except SuppressionError:
            # Cannot happen without fixed cells; if it did, an empty table hides every
            # count above 0 (``viewer_text``).
            logger.warning("agreement disclosure control failed; hiding every count")
            statuses = {}
        with _cache_lock:
            _cache[digest] = statuses
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return {key: (values[key], status) for key, status in statuses.items()}


def viewer_text(table, key, count):
    """What a reader without a detail role sees of ``count`` (the cell ``key`` of
    ``viewer_table``): the count, "<5" or "–". A cell the table does not hold, or holds
    with another count (the rollup changed meanwhile), is hidden unless it is 0."""
    if count == 0:
        return count
    if 0 < count < DEFAULT_THRESHOLD:
        return SMALL_TEXT
    found = table.get(key)
    if found is None or found[0] != count or found[1] == Status.SECONDARY:
        return HIDDEN_TEXT
    return count
