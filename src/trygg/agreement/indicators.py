"""Indicator values: computed from the rollup (``IncidentCount``), or entered by hand.

A computed indicator counts, per period of its resolution, the incidents over its
category set (a group means its categories) × area set (districts and focus areas
expand to their RegSO areas; the municipality, or no area at all, means every leaf
including the municipality itself, where incidents with an unknown place lie) × place
classes × age groups (empty means all). A rate divides the count by the population of
the period's year in the same areas and multiplies by 1,000.

The baseline is the mean per period over the full periods of the baseline window; the
target is a level (``target_value``) with a direction. The current period is marked as
incomplete. Readers without a detail role see counts of 1-4 as "<5" (DESIGN.md §5).

A person track indicator (kind ``cases``) counts new, active or completed cases of one
programme or both per month, tertial or year (``trygg.cases.stats``). Its counts of 1-4
are "<5" for every reader, coordinators too (the place-based side never gets
person-level detail), and counts that would give a small one away beside another person
track indicator are "–" (``stats.indicator_table`` suppresses every count any indicator
can show together). The baseline is withheld as for every hidden count.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.core.models import DETAIL_ROLES
from trygg.geo.models import Area
from trygg.incidents.models import Category, IncidentCount
from trygg.incidents.visibility import membership_for
from trygg.situation.periods import Period
from trygg.situation.suppression import HIDDEN_TEXT, SMALL_TEXT, Status

from .models import Indicator, Population

LEAF_KINDS = (Area.Kind.REGSO, Area.Kind.MUNICIPALITY)
MAX_PERIODS = 600


# --- definitions ------------------------------------------------------------------------


class AreaTree:
    """The partnership's areas as parent -> children, read once."""

    def __init__(self, partnership):
        rows = list(
            Area.objects.filter(partnership=partnership).values_list("pk", "parent_id", "kind")
        )
        self.kind = {pk: kind for pk, _parent, kind in rows}
        self.parent = {pk: parent for pk, parent, _kind in rows}
        self.children = {}
        for pk, parent, _kind in rows:
            if parent is not None:
                self.children.setdefault(parent, []).append(pk)

    def is_root(self, pk):
        return self.kind.get(pk) == Area.Kind.MUNICIPALITY and self.parent.get(pk) is None

    def all_leaves(self):
        return {pk for pk, kind in self.kind.items() if kind in LEAF_KINDS}

    def descendants(self, pk):
        found, stack = set(), [pk]
        while stack:
            current = stack.pop()
            for child in self.children.get(current, ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    def leaves_of(self, pk):
        """The leaf areas an area stands for in the counts."""
        if pk not in self.kind:
            return set()
        if self.is_root(pk):
            return self.all_leaves()
        if self.kind[pk] == Area.Kind.REGSO:
            return {pk}
        return {a for a in self.descendants(pk) if self.kind[a] == Area.Kind.REGSO}

    def ancestors(self, pk):
        result, current = set(), self.parent.get(pk)
        while current is not None and current not in result:
            result.add(current)
            current = self.parent.get(current)
        return result

    def outermost(self, pks):
        """The selected areas without those inside another selected area."""
        selected = set(pks)
        return sorted(pk for pk in selected if not (self.ancestors(pk) & selected))


def selected_area_ids(indicator, tree):
    ids = [a for a in indicator.areas.values_list("pk", flat=True)]
    if not ids:
        roots = [pk for pk in tree.kind if tree.is_root(pk)]
        return roots
    return ids


def leaf_ids(indicator, tree=None):
    tree = tree or AreaTree(indicator.goal.priority.agreement.partnership)
    ids = set(indicator.areas.values_list("pk", flat=True))
    if not ids:
        return tree.all_leaves()
    leaves = set()
    for pk in ids:
        leaves |= tree.leaves_of(pk)
    return leaves


def category_ids(indicator):
    """The categories counted: the chosen ones, and every category of a chosen group."""
    chosen = list(indicator.categories.values_list("pk", "parent_id"))
    ids = {pk for pk, _parent in chosen}
    groups = [pk for pk, parent in chosen if parent is None]
    if groups:
        ids |= set(Category.objects.filter(parent__in=groups).values_list("pk", flat=True))
    return ids


def population_of(partnership, tree, area_ids, year, figures=None):
    """Inhabitants of the areas in ``year``: an area's own figure, or the sum of its RegSO
    areas' figures; None when a figure is missing."""
    if figures is None:
        figures = dict(
            Population.objects.filter(partnership=partnership, year=year).values_list(
                "area_id", "population"
            )
        )
    total = 0
    for pk in tree.outermost(area_ids):
        if pk in figures:
            total += figures[pk]
            continue
        if tree.kind.get(pk) == Area.Kind.REGSO:
            return None
        parts = [a for a in tree.descendants(pk) if tree.kind[a] == Area.Kind.REGSO]
        if not parts or any(a not in figures for a in parts):
            return None
        total += sum(figures[a] for a in parts)
    return total


# --- periods ----------------------------------------------------------------------------


def periods_between(kind, start, end):
    """The periods of ``kind`` from the one containing ``start`` to the one containing
    ``end``, oldest first."""
    if end < start:
        return []
    periods = []
    period = Period.containing(kind, start)
    while period.start <= end and len(periods) < MAX_PERIODS:
        periods.append(period)
        period = period.next()
    return periods


def short_label(period):
    kind = str(period.kind)
    if kind == "week":
        return _("v %(week)s %(year)s") % {"week": period.number, "year": period.year}
    if kind == "month":
        return f"{period.start.year}-{period.start.month:02d}"
    if kind == "tertial":
        return _("T%(n)s %(year)s") % {"n": period.number, "year": period.year}
    return str(period.year)


def series_range(indicator, today):
    """(first day, last day) the series covers: from the baseline (or the agreement's
    start) to the agreement's end, but not after today."""
    agreement = indicator.goal.priority.agreement
    start = agreement.start
    if indicator.baseline_start:
        start = min(start, indicator.baseline_start)
    end = min(agreement.end, today)
    if indicator.baseline_end:
        end = max(end, min(indicator.baseline_end, today))
    return start, end


# --- computing --------------------------------------------------------------------------


def counts_per_date(indicator, start, end, *, leaves=None, categories=None):
    """{date: count} from the rollup for the indicator's definition."""
    partnership = indicator.goal.priority.agreement.partnership
    leaves = leaf_ids(indicator) if leaves is None else leaves
    categories = category_ids(indicator) if categories is None else categories
    if not leaves or not categories:
        return {}
    rows = IncidentCount.objects.filter(
        partnership=partnership,
        date__gte=start,
        date__lte=end,
        area_id__in=leaves,
        category_id__in=categories,
    )
    if indicator.place_classes:
        rows = rows.filter(place_class__in=indicator.place_classes)
    if indicator.age_groups:
        rows = rows.filter(age_group__in=indicator.age_groups)
    return {
        row["date"]: row["n"]
        for row in rows.values("date").annotate(n=Sum("count")).order_by()
        if row["n"]
    }


def period_counts(indicator, periods):
    """{period key: count} for the given periods (one query)."""
    if not periods:
        return {}
    by_date = counts_per_date(indicator, periods[0].start, periods[-1].end)
    result = {p.key: 0 for p in periods}
    kind = periods[0].kind
    for day, n in by_date.items():
        key = Period.containing(kind, day).key
        if key in result:
            result[key] += n
    return result


NO_DATA = object()  # a period before the partnership's first case


def case_period_counts(indicator, periods, today):
    """{period key: (count, display or None)} of a person track indicator. The counts
    come from ``trygg.cases.stats.indicator_table``: every count any indicator can show,
    suppressed together, so that no hidden count follows from indicators side by side
    (months beside tertials, new beside active, a programme beside both). ``display`` is
    "<5" (1-4) or "–" (hidden because it would give a small count away); None: shown;
    ``NO_DATA`` (count None) for a period before the partnership's first case."""
    from trygg.cases import stats

    if not periods:
        return {}
    partnership = indicator.goal.priority.agreement.partnership
    table = stats.indicator_table(partnership, today)
    programme = (
        stats.TOTAL
        if indicator.case_programme == Indicator.CaseProgramme.BOTH
        else indicator.case_programme
    )
    result = {}
    for period in periods:
        kind = str(period.kind)
        key = {
            "month": period.start,
            "tertial": (period.start.year, (period.start.month - 1) // 4 + 1),
            "year": period.start.year,
        }.get(kind)
        cell = (kind, key, programme, indicator.case_measure)
        if cell not in table:
            # Before the partnership's first case: nothing was counted, not a zero.
            result[period.key] = (None, NO_DATA)
            continue
        count, status = table[cell]
        if status == Status.PRIMARY:
            result[period.key] = (count, SMALL_TEXT)
        elif status == Status.SECONDARY:
            result[period.key] = (count, HIDDEN_TEXT)
        else:
            result[period.key] = (count, None)
    return result


def viewer_statuses(partnership, today):
    from .disclosure import viewer_table

    return viewer_table(partnership, today)


def _viewer_display(statuses, indicator, period, count):
    """What a reader without a detail role sees instead of ``count``: "<5", "–", or None
    (the count itself)."""
    from .disclosure import indicator_key, viewer_text

    text = viewer_text(statuses, indicator_key(indicator, period), count)
    return text if text in (SMALL_TEXT, HIDDEN_TEXT) else None


def _rate(count, population):
    if not population:
        return None
    return round(count / population * 1000, 2)


def _mean(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return round(sum(float(v) for v in values) / len(values), 2)


def is_full_baseline_period(indicator, period):
    return (
        indicator.baseline_start is not None
        and indicator.baseline_end is not None
        and period.start >= indicator.baseline_start
        and period.end <= indicator.baseline_end
    )


def sees_exact_counts(user, partnership):
    if user is None:
        return True
    membership = membership_for(user, partnership)
    return membership is not None and membership.role in DETAIL_ROLES


def indicator_series(
    indicator, *, user=None, today=None, start=None, end=None, exact=None, statuses=None
):
    """The indicator's values per period, its baseline and target (a plain dict).

    ``periods``: one dict per period, oldest first: key, label, start, end, complete
    (False for the current period), in_baseline, value (None when unknown or hidden),
    display (the value as the reader sees it), and for computed indicators count and
    (rates) population. ``values`` is the list of values. ``baseline``: None or
    {start, end, value, periods}. ``target``: None or {direction, value}. ``notes``:
    sentences about the data (missing population, suppressed counts, incomplete period).
    ``user``: the reader; without a detail role small counts are hidden ("<5"), and
    counts that would give a small one away beside the other counts of the agreement
    side ("–", ``trygg.agreement.disclosure``). ``exact``: overrides what ``user`` sees;
    ``statuses``: the joint table (``viewer_statuses``) when the caller reads it once for
    several indicators.
    """
    today = today or timezone.localdate()
    agreement = indicator.goal.priority.agreement
    partnership = agreement.partnership
    default_start, default_end = series_range(indicator, today)
    start = start or default_start
    end = end or default_end
    periods = periods_between(indicator.resolution, start, end)
    if exact is None:
        exact = sees_exact_counts(user, partnership)
    computed = indicator.kind == Indicator.Kind.COMPUTED
    rate = computed and indicator.metric == Indicator.Metric.RATE
    notes = []
    rows = []
    if computed:
        counts = period_counts(indicator, periods)
        tree = AreaTree(partnership)
        selected = selected_area_ids(indicator, tree)
        figures_by_year = {}
        if rate:
            for row in Population.objects.filter(
                partnership=partnership,
                year__in={p.year for p in periods},
            ).values_list("year", "area_id", "population"):
                figures_by_year.setdefault(row[0], {})[row[1]] = row[2]
        missing_years = set()
        hidden = secondary = False
        if not exact and statuses is None:
            statuses = viewer_statuses(partnership, today)
        first = first_counted_date(partnership)
        before_data = False
        for period in periods:
            count = counts.get(period.key, 0)
            row = _row(indicator, period, today)
            if first is None or period.end < first:
                # No reports reach back this far: "no data", not a count of zero.
                row.update(count=None, value=None, value_exact=None, display=_("inga uppgifter"))
                rows.append(row)
                before_data = True
                continue
            row["count"] = count
            value = count
            if rate:
                population = population_of(
                    partnership, tree, selected, period.year, figures_by_year.get(period.year, {})
                )
                row["population"] = population
                value = _rate(count, population)
                if population is None:
                    missing_years.add(period.year)
            row["value"] = row["value_exact"] = value
            display = None if exact else _viewer_display(statuses, indicator, period, count)
            if display is not None:
                row["value"] = None
                row["count"] = None
                row["display"] = display
                row["hidden"] = hidden = True
                secondary = secondary or display == HIDDEN_TEXT
            elif value is None:
                row["display"] = _("saknas")
            else:
                row["display"] = value
            rows.append(row)
        if missing_years:
            notes.append(
                _(
                    "Folkmängd saknas för %(years)s: talet per 1 000 invånare kan inte "
                    "räknas ut för de åren. Lägg in folkmängden under Folkmängd."
                )
                % {"years": ", ".join(str(y) for y in sorted(missing_years))}
            )
        if hidden:
            notes.append(
                _("Antal mellan 1 och 4 visas som ”<5” för att skydda enskilda händelser.")
            )
        if secondary:
            notes.append(
                _(
                    "”–” döljer ett antal som tillsammans med andra indikatorer eller "
                    "årsuppföljningen skulle avslöja ett litet antal."
                )
            )
        if before_data:
            notes.append(
                _(
                    "Trygghetscenter har inga rapporter före %(date)s: perioder som slutar "
                    "tidigare visas som ”inga uppgifter”."
                )
                % {"date": first.isoformat()}
                if first
                else _("Trygghetscenter har inga rapporter ännu.")
            )
    elif indicator.kind == Indicator.Kind.CASES:
        # Never exact, whoever reads: only anonymous counts leave the person track.
        exact = False
        counts = case_period_counts(indicator, periods, today)
        hidden = before_data = False
        for period in periods:
            row = _row(indicator, period, today)
            count, display = counts[period.key]
            if display is NO_DATA:
                row.update(count=None, value=None, value_exact=None, display=_("inga uppgifter"))
                before_data = True
            elif display is not None:
                row.update(count=None, value=None, value_exact=count, display=display)
                row["hidden"] = hidden = True
            else:
                row.update(count=count, value=count, value_exact=count, display=count)
            rows.append(row)
        if hidden:
            notes.append(
                _(
                    "Antal mellan 1 och 4 visas som ”<5” för alla, för att skydda enskilda "
                    "personer. ”–” döljer ett antal som tillsammans med andra indikatorer "
                    "över personärenden skulle avslöja ett litet antal."
                )
            )
        if before_data:
            notes.append(
                _("Perioder före samverkans första personärende visas som ”inga uppgifter”.")
            )
    else:
        entered = {
            v.period_key: v
            for v in indicator.values.filter(period_key__in=[p.key for p in periods])
        }
        for period in periods:
            row = _row(indicator, period, today)
            stored = entered.get(period.key)
            row["value"] = row["value_exact"] = stored.value if stored else None
            row["note"] = stored.note if stored else ""
            row["display"] = stored.value if stored else _("ej inlagt")
            rows.append(row)
    baseline = None
    if indicator.baseline_start and indicator.baseline_end:
        in_baseline = [r for r in rows if r["in_baseline"]]
        values = [r["value_exact"] for r in in_baseline]
        value = _mean(values)
        if any(r["hidden"] for r in in_baseline):
            # The mean and the periods shown beside it would give a hidden count away
            # (mean × periods − the shown ones), so the reader who sees "<5" does not get it.
            value = None
            notes.append(
                _(
                    "Jämförelsevärdet visas inte eftersom en period i jämförelseperioden "
                    "har ett litet antal som är dolt."
                )
            )
        baseline = {
            "start": indicator.baseline_start,
            "end": indicator.baseline_end,
            "value": value,
            "periods": len(in_baseline),
        }
        if not in_baseline:
            notes.append(
                _("Jämförelseperioden rymmer ingen hel %(period)s.")
                % {"period": indicator.get_resolution_display()}
            )
    for row in rows:
        row.pop("value_exact", None)
    if rows and not rows[-1]["complete"]:
        notes.append(_("Den senaste perioden pågår fortfarande och är inte jämförbar ännu."))
    target = None
    if indicator.target_value is not None:
        target = {
            "direction": indicator.target_direction,
            "direction_label": indicator.get_target_direction_display(),
            "value": indicator.target_value,
        }
    return {
        "indicator_id": indicator.pk,
        "name": indicator.name,
        "kind": indicator.kind,
        "metric": indicator.metric if computed else "",
        "resolution": indicator.resolution,
        "unit": unit_of(indicator),
        "periods": rows,
        "values": [r["value"] for r in rows],
        "baseline": baseline,
        "target": target,
        "notes": notes,
        "exact": exact,
    }


def first_counted_date(partnership):
    """The first date the rollup has a count for: periods before it have no data."""
    return IncidentCount.objects.filter(partnership=partnership).aggregate(first=Min("date"))[
        "first"
    ]


def _row(indicator, period, today):
    return {
        "key": period.key,
        "label": short_label(period),
        "start": period.start,
        "end": period.end,
        "year": period.year,
        "complete": period.end < today,
        "in_baseline": is_full_baseline_period(indicator, period),
        "hidden": False,
    }


def unit_of(indicator):
    if indicator.kind == Indicator.Kind.MANUAL:
        return indicator.unit
    if indicator.kind == Indicator.Kind.CASES:
        return _("antal ärenden")
    if indicator.metric == Indicator.Metric.RATE:
        return _("per 1 000 invånare")
    return _("antal")


# --- judging against the target ---------------------------------------------------------

KEEP_TOLERANCE = Decimal("0.10")


def target_met(direction, value, target):
    """True/False, or None when there is nothing to judge."""
    if value is None or target is None:
        return None
    value, target = Decimal(str(value)), Decimal(str(target))
    if direction == Indicator.Direction.DECREASE:
        return value <= target
    if direction == Indicator.Direction.INCREASE:
        return value >= target
    return abs(value - target) <= abs(target) * KEEP_TOLERANCE


def year_summary(indicator, year, *, user=None, today=None, exact=None, statuses=None):
    """This year's mean per complete period against baseline and target (annual report).
    ``exact`` and ``statuses`` as for ``indicator_series``."""
    today = today or timezone.localdate()
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    options = {"user": user, "today": today, "exact": exact, "statuses": statuses}
    series = indicator_series(indicator, start=start, end=end, **options)
    rows = [r for r in series["periods"] if r["year"] == year and r["complete"]]
    known = [r["value"] for r in rows if r["value"] is not None]
    value = _mean(known)
    hidden = any(r["hidden"] for r in rows)
    full = _full_series_baseline(indicator, **options)
    target = series["target"]
    met = target_met(indicator.target_direction, value, target["value"] if target else None)
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": series["unit"],
        "resolution": indicator.get_resolution_display(),
        "periods": len(rows),
        "periods_with_value": len(known),
        "value": value,
        "hidden": hidden and not known,
        "any_hidden": hidden,
        "baseline": full,
        "target": target["value"] if target else None,
        "direction": indicator.target_direction,
        "direction_label": indicator.get_target_direction_display(),
        "met": met,
    }


def _full_series_baseline(indicator, *, today, **options):
    if not (indicator.baseline_start and indicator.baseline_end):
        return None
    series = indicator_series(
        indicator,
        today=today,
        start=indicator.baseline_start,
        end=min(indicator.baseline_end, today),
        **options,
    )
    return series["baseline"]["value"] if series["baseline"] else None
