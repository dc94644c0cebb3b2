"""The annual follow-up (årsuppföljning, lag 2023:196): one year's numbers and texts as a
plain dict, the same for the page, the PDF and the snapshot frozen at approval.

The numbers come from the rollup and the indicators; actions are the done actions the
builder may see, CLEAR and GREEN only (the document is shared as TLP:GREEN). For readers
without a detail role the counts are suppressed when shown (``view``), never stored so.
"""

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from trygg.core.models import DETAIL_ROLES
from trygg.incidents.models import IncidentCount, Label
from trygg.situation import suppression
from trygg.situation.models import SituationVersion
from trygg.situation.structure import category_groups

from . import disclosure
from .indicators import year_summary
from .models import Agreement, Indicator

SHARED_LABELS = (Label.CLEAR, Label.GREEN)


def year_window(year, today=None):
    today = today or timezone.localdate()
    end = min(dt.date(year, 12, 31), today)
    return dt.date(year, 1, 1), end


def _group_counts(partnership, start, end):
    groups = category_groups(partnership)
    group_of = {}
    for group in groups:
        for category_id, _code, _label in group.categories:
            group_of[category_id] = group.code
    totals = {g.code: 0 for g in groups}
    rows = (
        IncidentCount.objects.filter(partnership=partnership, date__gte=start, date__lte=end)
        .values("category_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        code = group_of.get(row["category_id"])
        if code is not None:
            totals[code] += row["n"] or 0
    return groups, totals


def lagesbild_summary(partnership, year, today=None):
    start, end = year_window(year, today)
    last_start = dt.date(year - 1, 1, 1)
    try:
        last_end = end.replace(year=year - 1)
    except ValueError:  # 29 February
        last_end = dt.date(year - 1, 2, 28)
    groups, this_year = _group_counts(partnership, start, end)
    _groups, last_year = _group_counts(partnership, last_start, last_end)
    approved_weeks = (
        SituationVersion.objects.filter(
            report__partnership=partnership,
            report__period_kind="week",
            report__start__year=year,
        )
        .values("report_id")
        .distinct()
        .count()
    )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "last_start": last_start.isoformat(),
        "last_end": last_end.isoformat(),
        "rows": [
            {
                "code": g.code,
                "label": g.label,
                "count": this_year[g.code],
                "last": last_year[g.code],
            }
            for g in groups
        ],
        "total": sum(this_year.values()),
        "last_total": sum(last_year.values()),
        "approved_weeks": approved_weeks,
    }


def agreements_in(partnership, year):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return list(
        Agreement.objects.filter(partnership=partnership, start__lte=end, end__gte=start)
        .prefetch_related("priorities__goals__indicators")
        .order_by("start", "id")
    )


def _priorities(partnership, year, user, today):
    result = []
    for agreement in agreements_in(partnership, year):
        priorities = []
        for priority in agreement.priorities.all():
            goals = []
            for goal in priority.goals.all():
                goals.append(
                    {
                        "title": goal.title,
                        "indicators": [
                            _indicator_entry(i, year, user, today) for i in goal.indicators.all()
                        ],
                    }
                )
            priorities.append(
                {
                    "number": priority.number,
                    "title": priority.title,
                    "description": priority.description,
                    "goals": goals,
                }
            )
        result.append(
            {
                "title": agreement.title,
                "start": agreement.start.isoformat(),
                "end": agreement.end.isoformat(),
                "priorities": priorities,
            }
        )
    return result


def _number(value):
    return None if value is None else float(value)


def _indicator_entry(indicator, year, user, today):
    summary = year_summary(indicator, year, user=user, today=today)
    return {
        "id": indicator.pk,
        "name": summary["name"],
        "unit": summary["unit"],
        "kind": indicator.kind,
        "metric": indicator.metric,
        "resolution": summary["resolution"],
        "periods": summary["periods"],
        "periods_with_value": summary["periods_with_value"],
        "value": _number(summary["value"]),
        "baseline": _number(summary["baseline"]),
        "target": _number(summary["target"]),
        "direction": summary["direction"],
        "direction_label": str(summary["direction_label"]),
        "met": summary["met"],
    }


def _actions(partnership, year, user, today):
    from trygg.work.selectors import actions_done_in

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    result = []
    for action in actions_done_in(partnership, user, start, end):
        if action.label not in SHARED_LABELS:
            continue
        evaluations = [
            {
                "conclusion": e.conclusion,
                "ratio": e.ratio,
                "ratio_low": e.ratio_low,
                "ratio_high": e.ratio_high,
                "before": [e.before_start.isoformat(), e.before_end.isoformat()],
                "after": [e.after_start.isoformat(), e.after_end.isoformat()],
            }
            for e in action.evaluations.all()
        ]
        result.append(
            {
                "id": action.pk,
                "title": action.title,
                "type": action.get_type_display(),
                "organisation": str(action.organisation),
                "priority": str(action.priority) if action.priority_id else "",
                "start": action.start.isoformat() if action.start else None,
                "end": action.end.isoformat() if action.end else None,
                "outcome": action.outcome,
                "evaluations": evaluations,
            }
        )
    return result


def build(partnership, year, *, user, report=None, today=None):
    """The report's content for ``year`` as ``user`` may build it (a JSON-ready dict)."""
    today = today or timezone.localdate()
    return {
        "year": year,
        "partnership": partnership.name,
        "municipality": partnership.municipality_name,
        "built_at": timezone.now().isoformat(),
        "complete": dt.date(year, 12, 31) < today,
        "lagesbild": lagesbild_summary(partnership, year, today),
        "agreements": _priorities(partnership, year, user, today),
        "actions": _actions(partnership, year, user, today),
        "texts": {
            "summary": report.summary if report else "",
            "assessment": report.assessment if report else "",
        },
    }


# --- what one reader sees ---------------------------------------------------------------


def view(snapshot, membership, *, partnership=None):
    """The snapshot as ``membership`` reads it: exact for detail roles. Otherwise counts
    of 1-4 are "<5" and counts that would give them away "–", decided together with
    every other count of the agreement side (``disclosure``) for ``partnership``; an
    indicator's year value and baseline are withheld when a period in them is hidden
    from the reader. Without ``partnership`` such a reader gets no count above 4."""
    exact = membership is not None and membership.role in DETAIL_ROLES
    lagesbild = dict(snapshot["lagesbild"])
    rows = [dict(r) for r in lagesbild["rows"]]
    table = None
    if not exact and partnership is not None:
        table = disclosure.viewer_table(partnership, timezone.localdate())
    if exact:
        for row in rows:
            row["count_text"], row["last_text"] = row["count"], row["last"]
        lagesbild["total_text"] = lagesbild["total"]
        lagesbild["last_total_text"] = lagesbild["last_total"]
    else:
        year = snapshot["year"]
        for key, which, total in (("count", "this", "total"), ("last", "last", "last_total")):
            texts = _hidden_texts(rows, key, lagesbild[total], table, year, which)
            for row, text in zip(rows, texts[:-1], strict=True):
                row[f"{key}_text"] = text
            lagesbild[f"{total}_text"] = texts[-1]
    lagesbild["rows"] = rows
    live = {}
    if not exact:
        live = _viewer_summaries(snapshot, partnership, table)
    agreements = []
    for agreement in snapshot["agreements"]:
        priorities = []
        for priority in agreement["priorities"]:
            goals = []
            for goal in priority["goals"]:
                indicators = []
                for entry in goal["indicators"]:
                    entry = dict(entry)
                    entry["value_text"] = _value_text(entry, "value", exact)
                    entry["baseline_text"] = _value_text(entry, "baseline", exact)
                    entry["verdict"] = verdict(entry)
                    if not exact and entry["kind"] == "computed":
                        _withhold_hidden(entry, live.get(entry["id"]))
                    indicators.append(entry)
                goals.append({**goal, "indicators": indicators})
            priorities.append({**priority, "goals": goals})
        agreements.append({**agreement, "priorities": priorities})
    actions = snapshot["actions"] if exact else [_without_counts(a) for a in snapshot["actions"]]
    return {
        **snapshot,
        "lagesbild": lagesbild,
        "agreements": agreements,
        "actions": actions,
        "exact": exact,
    }


def _without_counts(action):
    """An action with its evaluations' conclusions as readers without a detail role read
    them: the verdict, not the (possibly small) incident counts behind it."""
    from trygg.work.evaluate import conclusion_without_counts

    evaluations = [
        {
            "conclusion": conclusion_without_counts(e["ratio"], e["ratio_low"], e["ratio_high"]),
            "before": e["before"],
            "after": e["after"],
        }
        for e in action["evaluations"]
    ]
    return {**action, "evaluations": evaluations}


def _hidden_texts(rows, key, total, table, year, which):
    """The texts of one window's rows and total for a reader without a detail role:
    the joint table's statuses when its counts are the frozen ones; otherwise (the
    rollup changed since approval, or no table) every count above 0 hidden."""
    values = [row[key] for row in rows] + [total]
    keys = [disclosure.annual_key(year, which, row["code"]) for row in rows]
    keys.append(disclosure.annual_key(year, which, "total"))
    table = table or {}
    if not all(k in table and table[k][0] == v for k, v in zip(keys, values, strict=True)):
        table = {}
    return [str(disclosure.viewer_text(table, k, v)) for k, v in zip(keys, values, strict=True)]


def _viewer_summaries(snapshot, partnership, table):
    """{indicator id: its year summary as a reader without a detail role sees it now}."""
    if partnership is None:
        return {}
    ids = [
        entry["id"]
        for agreement in snapshot["agreements"]
        for priority in agreement["priorities"]
        for goal in priority["goals"]
        for entry in goal["indicators"]
        if entry["kind"] == "computed"
    ]
    indicators = Indicator.objects.filter(
        pk__in=ids, goal__priority__agreement__partnership=partnership
    ).select_related("goal__priority__agreement")
    today = timezone.localdate()
    return {
        indicator.pk: year_summary(
            indicator, snapshot["year"], today=today, exact=False, statuses=table or {}
        )
        for indicator in indicators
    }


def _withhold_hidden(entry, summary):
    """A computed indicator's frozen year value and baseline, for a reader without a
    detail role: withheld when a period they stand for is hidden from that reader (the
    mean and the periods shown beside it would give it away)."""
    from django.utils.translation import gettext as _

    if summary is None or summary["any_hidden"]:
        if entry["value"] is not None:
            entry["value_text"] = suppression.HIDDEN_TEXT
            entry["met"] = None
            entry["verdict"] = _(
                "Årets värde visas inte eftersom en period har ett litet antal som är dolt."
            )
    if entry["baseline"] is not None and (summary is None or summary["baseline"] is None):
        entry["baseline_text"] = suppression.HIDDEN_TEXT


def _value_text(entry, key, exact):
    from trygg.situation.charts import format_number

    value = entry.get(key)
    if value is None:
        return "–"
    small = 0 < value < suppression.DEFAULT_THRESHOLD
    if small and entry["kind"] == "cases":
        # Person track counts: "<5" for every reader, the coordinator too.
        return suppression.SMALL_TEXT
    if not exact and entry["kind"] == "computed" and entry["metric"] == "count" and small:
        return suppression.SMALL_TEXT
    return format_number(value)


def verdict(entry):
    """One honest sentence on the indicator against its target."""
    from django.utils.translation import gettext as _

    if entry["target"] is None:
        return _("Inget målvärde är satt.")
    if entry["value"] is None:
        return _("Inget värde för året ännu, så måluppfyllelsen kan inte bedömas.")
    if entry["met"]:
        return _("Målet är nått för året (%(direction)s till målvärdet).") % {
            "direction": entry["direction_label"]
        }
    return _("Målet är inte nått för året.")
