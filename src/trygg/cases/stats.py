"""The only thing of the person track that leaves it: anonymous monthly counts.

Per month and programme: new cases (opened that month), active cases (open at any time
during the month) and completed cases (closed that month), from the live cases and the
tallies of purged ones. ``monthly_counts`` and ``period_counts`` return exact counts and
must only be shown through the suppression: ``indicator_table`` holds every count that
the statistics page (``suppressed_table``) and the agreement indicators
(``trygg.agreement.indicators``: new, active or completed cases per month, tertial or
year, of one programme or both) can show, suppressed together with the project's one
suppression (``trygg.situation.suppression``: "<5" and secondary "–"), so that no
small count follows from pages or indicators side by side.
"""

import datetime as dt

from trygg.situation.suppression import Constraint, Status, display_text, suppress

from .models import Case, CaseTally, Programme

MEASURES = ("new", "active", "completed")
TOTAL = "all"


def month_starts(first, last):
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _next_month(day):
    return (day + dt.timedelta(days=32)).replace(day=1)


def _spans(partnership, end):
    """(programme, month opened, month closed or None) of every case, live or purged,
    opened before ``end``."""
    spans = [
        (p, o.replace(day=1), c.replace(day=1) if c else None)
        for p, o, c in Case.objects.filter(partnership=partnership, opened_on__lt=end)
        .values_list("programme", "opened_on", "closed_on")
        .iterator()
    ]
    spans += list(
        CaseTally.objects.filter(partnership=partnership, opened_month__lt=end).values_list(
            "programme", "opened_month", "closed_month"
        )
    )
    return spans


def monthly_counts(partnership, first, last):
    """{(month start, programme, measure): count} for every month from ``first`` to
    ``last`` (dates; whole months), both programmes, the three measures. Exact counts."""
    months = month_starts(first, last)
    counts = {(m, p, k): 0 for m in months for p in Programme.values for k in MEASURES}
    if not months:
        return counts
    spans = _spans(partnership, _next_month(months[-1]))
    for programme, opened, closed in spans:
        for m in months:
            if opened == m:
                counts[(m, programme, "new")] += 1
            if closed == m:
                counts[(m, programme, "completed")] += 1
            if opened <= m and (closed is None or closed >= m):
                counts[(m, programme, "active")] += 1
    return counts


def period_counts(partnership, spans_of_periods, measure):
    """{(period index, programme): count} of one measure over periods of whole months.

    ``spans_of_periods``: (first day, last day) per period, each starting on the first of
    a month (months, tertials, years). New and completed count the cases opened or closed
    in the period; active counts the cases open at any time during it (so an active count
    per tertial is not the sum of the months). Exact counts: only to be shown through
    the suppression of the caller (``trygg.agreement.indicators``)."""
    if measure not in MEASURES:
        raise ValueError(measure)
    counts = {(i, p): 0 for i in range(len(spans_of_periods)) for p in Programme.values}
    if not spans_of_periods:
        return counts
    end = max(last for _first, last in spans_of_periods) + dt.timedelta(days=1)
    for programme, opened, closed in _spans(partnership, end):
        for i, (first, last) in enumerate(spans_of_periods):
            first_month, last_month = first.replace(day=1), last.replace(day=1)
            if measure == "new":
                hit = first_month <= opened <= last_month
            elif measure == "completed":
                hit = closed is not None and first_month <= closed <= last_month
            else:
                hit = opened <= last_month and (closed is None or closed >= first_month)
            if hit:
                counts[(i, programme)] += 1
    return counts


def suppressed_table(partnership, first, last):
    """Rows for the page: one per month, each with the texts of every (programme or
    total, measure) cell after small-count suppression. The statuses are those of
    ``indicator_table`` (up to ``last``), so that this page and the agreement
    indicators hide the same cells and cannot be played against each other."""
    table = indicator_table(partnership, last)
    columns = [*Programme.values, TOTAL]
    rows = []
    for m in month_starts(first, last):
        cells = []
        for k in MEASURES:
            for c in columns:
                # Not in the table: before the first case, nothing to count.
                value, status = table.get(("month", m, c, k), (0, Status.SHOWN))
                cells.append(display_text(value, status))
        rows.append({"month": m, "cells": cells})
    return rows


# --- every count an agreement indicator can show, suppressed together ---------------------


def _tertial_of(month):
    return (month.month - 1) // 4 + 1


def indicator_table(partnership, today):
    """{cell: (count, status)} of every count the agreement indicators can show, from the
    first month with a case to ``today``'s month, suppressed together.

    Cells: ``(kind, key, programme, measure)`` with kind "month" (key: the month's first
    day), "tertial" (key: (year, n)) or "year" (key: the year), programme "sspf", "exit"
    or ``TOTAL``. A reader can put several indicators side by side (months beside
    tertials, new beside active, one programme beside both), so the constraints are what
    such a reader knows: a total over the programmes; new and completed over a tertial or
    year are the sums of its months; a case active in a tertial or year was active in its
    first month or opened later in it; and month by month, active(m) + completed(m - 1)
    = active(m - 1) + new(m) (through an unpublished "flow" cell). ``status`` is a
    ``suppression.Status``: a small count is "<5", a count that would give one away "–".
    """
    values, constraints, flows = indicator_cells(partnership, today)
    if not values:
        return {}
    statuses = suppress(values, constraints, unpublished=flows)
    return {cell: (values[cell], status) for cell, status in statuses.items()}


def indicator_cells(partnership, today):
    """(values, constraints, unpublished flow cells) of ``indicator_table``."""
    first = (
        Case.objects.filter(partnership=partnership)
        .order_by("opened_on")
        .values_list("opened_on", flat=True)
        .first()
    )
    tallied = (
        CaseTally.objects.filter(partnership=partnership)
        .order_by("opened_month")
        .values_list("opened_month", flat=True)
        .first()
    )
    starts = [d for d in (first, tallied) if d is not None]
    if not starts:
        return {}, [], []
    months = month_starts(min(starts), today)
    exact = monthly_counts(partnership, months[0], months[-1])
    programmes = list(Programme.values)
    values, constraints = {}, []

    def add_totals(kind, key):
        for k in MEASURES:
            values[(kind, key, TOTAL, k)] = sum(values[(kind, key, p, k)] for p in programmes)
            constraints.append(
                Constraint((kind, key, TOTAL, k), tuple((kind, key, p, k) for p in programmes))
            )

    for m in months:
        for p in programmes:
            for k in MEASURES:
                values[("month", m, p, k)] = exact[(m, p, k)]
        add_totals("month", m)
    columns = [*programmes, TOTAL]
    flows = []
    for previous, m in zip(months, months[1:], strict=False):
        for c in columns:
            flow = ("flow", m, c)
            flows.append(flow)
            values[flow] = values[("month", previous, c, "active")] + values[("month", m, c, "new")]
            constraints.append(
                Constraint(flow, (("month", previous, c, "active"), ("month", m, c, "new")))
            )
            constraints.append(
                Constraint(flow, (("month", m, c, "active"), ("month", previous, c, "completed")))
            )
    for m in months:
        for c in columns:
            constraints.append(
                Constraint(("month", m, c, "active"), (("month", m, c, "new"),), exact=False)
            )
    groups = {}
    for m in months:
        groups.setdefault(("tertial", (m.year, _tertial_of(m))), []).append(m)
        groups.setdefault(("year", m.year), []).append(m)
    spans = []
    for (kind, key), in_group in groups.items():
        if kind == "tertial":
            start = dt.date(key[0], (key[1] - 1) * 4 + 1, 1)
            end = _next_month(start.replace(month=start.month + 3)) - dt.timedelta(days=1)
        else:
            start, end = dt.date(key, 1, 1), dt.date(key, 12, 31)
        spans.append((kind, key, in_group, start, end))
    active = period_counts(partnership, [(s, e) for _k, _key, _g, s, e in spans], "active")
    for index, (kind, key, in_group, _start, _end) in enumerate(spans):
        for p in programmes:
            for k in ("new", "completed"):
                values[(kind, key, p, k)] = sum(values[("month", m, p, k)] for m in in_group)
            values[(kind, key, p, "active")] = active[(index, p)]
        add_totals(kind, key)
        for c in columns:
            for k in ("new", "completed"):
                constraints.append(
                    Constraint((kind, key, c, k), tuple(("month", m, c, k) for m in in_group))
                )
            constraints.append(
                Constraint(
                    (kind, key, c, "active"),
                    (
                        ("month", in_group[0], c, "active"),
                        *(("month", m, c, "new") for m in in_group[1:]),
                    ),
                )
            )
    return values, constraints, flows
