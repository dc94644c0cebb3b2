"""Django glue for ``trygg.work.evaluation``: windows, counts from the rollup, the
suggested comparison areas and the one-sentence conclusion.

Counts come from the rollup (``IncidentCount``) only, summed over the leaf areas at or
below the chosen areas and the leaf categories at or below the chosen categories, every
place class and source.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.geo.models import Area
from trygg.incidents.models import Category, IncidentCount

from . import evaluation
from .selectors import _children, leaf_area_ids

ONE_DAY = dt.timedelta(days=1)
MINIMUM_COMPARISON_COUNT = 10
SUGGESTED_AREAS = 3


@dataclass(frozen=True)
class Windows:
    before: tuple
    after: tuple

    @property
    def valid(self):
        return all(s <= e for s, e in (self.before, self.after))


def default_windows(action, today=None):
    """After: from the action's start to its end or yesterday, whichever is earlier;
    before: as long as after, immediately before the start. None without a start or
    when the action has not started yet."""
    today = today or timezone.localdate()
    if action.start is None:
        return None
    after_end = min(action.end or today, today - ONE_DAY)
    if after_end < action.start:
        return None
    length = after_end - action.start
    before_end = action.start - ONE_DAY
    return Windows(before=(before_end - length, before_end), after=(action.start, after_end))


def leaf_category_ids(categories):
    """The categories themselves and every category below them."""
    ids = set()
    frontier = [c.pk for c in categories]
    while frontier:
        ids.update(frontier)
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
    return ids


def default_categories(partnership):
    return Category.objects.filter(
        Q(partnership__isnull=True) | Q(partnership=partnership), public_place=True, is_active=True
    )


def count(partnership, leaf_ids, category_ids, start, end):
    """Incidents in the rollup for these leaves and categories over [start, end]."""
    total = IncidentCount.objects.filter(
        partnership=partnership,
        area_id__in=leaf_ids,
        category_id__in=category_ids,
        date__gte=start,
        date__lte=end,
    ).aggregate(n=Sum("count"))["n"]
    return int(total or 0)


def candidate_areas(partnership):
    """Areas that may serve as comparison: the RegSO leaves (not the municipality's
    "place unknown")."""
    return Area.objects.filter(partnership=partnership, kind=Area.Kind.REGSO).order_by("name")


def suggest_comparison_areas(partnership, action, categories, before):
    """Up to three RegSO areas not in the action whose before-window count is closest to
    the action's areas' level per area; areas with fewer than 10 counts are skipped."""
    children = _children(partnership)
    treated = leaf_area_ids(partnership, action.areas.all(), children)
    if not treated:
        return []
    category_ids = leaf_category_ids(categories)
    rows = (
        IncidentCount.objects.filter(
            partnership=partnership,
            category_id__in=category_ids,
            date__gte=before[0],
            date__lte=before[1],
        )
        .values("area_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    by_area = {row["area_id"]: row["n"] for row in rows}
    regsos = list(candidate_areas(partnership))
    candidates = [area for area in regsos if area.pk not in treated]
    baseline = {area.pk: by_area.get(area.pk, 0) for area in candidates}
    treated_regsos = sum(1 for area in regsos if area.pk in treated)
    level = sum(by_area.get(pk, 0) for pk in treated) / max(treated_regsos, 1)
    ids = evaluation.suggest_comparison(
        baseline,
        level,
        exclude=treated,
        minimum=MINIMUM_COMPARISON_COUNT,
        size=SUGGESTED_AREAS,
    )
    by_id = {area.pk: area for area in candidates}
    return [by_id[pk] for pk in ids]


def compute(partnership, action, categories, comparison_areas, windows):
    """(the four counts as a DidResult, the treated leaves, the comparison leaves)."""
    children = _children(partnership)
    treated = leaf_area_ids(partnership, action.areas.all(), children)
    comparison = leaf_area_ids(partnership, comparison_areas, children) - treated
    category_ids = leaf_category_ids(categories)
    tb = count(partnership, treated, category_ids, *windows.before)
    ta = count(partnership, treated, category_ids, *windows.after)
    cb = count(partnership, comparison, category_ids, *windows.before)
    ca = count(partnership, comparison, category_ids, *windows.after)
    return evaluation.difference_in_differences(tb, ta, cb, ca), treated, comparison


def _number(value, digits=2):
    from django.utils.formats import number_format

    return number_format(round(value, digits), digits)


def conclusion(result):
    """One honest Swedish sentence with the counts behind it."""
    counts = {
        "tb": result.treated_before,
        "ta": result.treated_after,
        "cb": result.comparison_before,
        "ca": result.comparison_after,
    }
    if result.verdict == evaluation.INSUFFICIENT:
        return (
            _(
                "Går inte att bedöma: för få händelser (åtgärdens områden %(tb)s före och "
                "%(ta)s efter, jämförelseområdena %(cb)s före och %(ca)s efter)."
            )
            % counts
        )
    values = {
        **counts,
        "ratio": _number(result.ratio),
        "low": _number(result.low),
        "high": _number(result.high),
    }
    if result.verdict == evaluation.DECREASE:
        text = _(
            "Minskning jämfört med jämförelseområdena: %(tb)s händelser före och %(ta)s "
            "efter i åtgärdens områden, %(cb)s före och %(ca)s efter i jämförelseområdena "
            "(kvot %(ratio)s, 95 %% konfidensintervall %(low)s–%(high)s)."
        )
    elif result.verdict == evaluation.INCREASE:
        text = _(
            "Ökning jämfört med jämförelseområdena: %(tb)s händelser före och %(ta)s "
            "efter i åtgärdens områden, %(cb)s före och %(ca)s efter i jämförelseområdena "
            "(kvot %(ratio)s, 95 %% konfidensintervall %(low)s–%(high)s)."
        )
    else:
        text = _(
            "Ingen påvisbar förändring: %(tb)s händelser före och %(ta)s efter i åtgärdens "
            "områden, %(cb)s före och %(ca)s efter i jämförelseområdena (kvot %(ratio)s, "
            "95 %% konfidensintervall %(low)s–%(high)s, som innehåller 1)."
        )
    text = text % values
    if result.corrected:
        text += " " + _(
            "Någon av siffrorna är 0, därför har 0,5 lagts till i alla fyra innan kvoten räknades."
        )
    return text


def conclusion_without_counts(ratio, low, high):
    """The conclusion for readers without a detail role: the verdict alone. The counts,
    and the ratio with its interval (from which the counts can be worked out), are
    incident counts that may be small, so they stay with the detail roles."""
    if ratio is None or low is None or high is None:
        text = _("Går inte att bedöma: för få händelser.")
    elif high < 1:
        text = _("Minskning jämfört med jämförelseområdena.")
    elif low > 1:
        text = _("Ökning jämfört med jämförelseområdena.")
    else:
        text = _("Ingen påvisbar förändring jämfört med jämförelseområdena.")
    return text + " " + _("Antalen visas bara för roller som ser detaljer.")
