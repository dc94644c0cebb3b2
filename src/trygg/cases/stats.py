"""The only thing of the person track that leaves it: anonymous monthly counts.

Per month and programme: new cases (opened that month), active cases (open at any time
during the month) and completed cases (closed that month), from the live cases and the
tallies of purged ones. ``suppressed_table`` hides small counts with the project's one
suppression (``trygg.situation.suppression``: "<5" and secondary "–"), with the totals
over both programmes as constraints. ``monthly_counts`` is also the source for agreement
indicators (e.g. "active SSPF cases per month"): it returns exact counts and must only be
shown through the suppression.
"""

import datetime as dt

from trygg.situation.suppression import Constraint, display_text, suppress

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
    total, measure) cell after small-count suppression."""
    exact = monthly_counts(partnership, first, last)
    months = sorted({m for m, _p, _k in exact})
    values = dict(exact)
    constraints = []
    for m in months:
        for k in MEASURES:
            total = (m, TOTAL, k)
            values[total] = sum(exact[(m, p, k)] for p in Programme.values)
            constraints.append(Constraint(total, tuple((m, p, k) for p in Programme.values)))
        for c in (*Programme.values, TOTAL):
            # Every case new in a month is active in it (a reader knows new <= active).
            constraints.append(Constraint((m, c, "active"), ((m, c, "new"),), exact=False))
    statuses = suppress(values, constraints) if values else {}
    columns = [*Programme.values, TOTAL]
    return [
        {
            "month": m,
            "cells": [
                display_text(values[(m, c, k)], statuses[(m, c, k)])
                for k in MEASURES
                for c in columns
            ],
        }
        for m in months
    ]
