"""Counts for a lägesbild, read from the rollup (``IncidentCount``) only.

One query sums every comparison window at once (conditional aggregation over the date
range they span), grouped by leaf area and category; numpy then folds leaves into rows
and categories into groups with two 0/1 matrices.
"""

import datetime

import numpy as np
from django.db.models import Max, Q, Sum

from trygg.incidents.models import IncidentCount, Source


class Layout:
    """Index maps between database ids and matrix positions, and the two fold matrices."""

    def __init__(self, rows, leaves, groups):
        self.rows = rows
        self.groups = groups
        self.leaf_index = {leaf: i for i, leaf in enumerate(leaves)}
        self.category_ids = []
        self.group_of_category = []
        for g, group in enumerate(groups):
            for category_id, _code, _label in group.categories:
                self.category_ids.append(category_id)
                self.group_of_category.append(g)
        self.category_index = {c: i for i, c in enumerate(self.category_ids)}
        self.row_matrix = np.zeros((len(rows), len(leaves)), dtype=np.int64)
        for r, row in enumerate(rows):
            for leaf in row.leaves:
                if leaf in self.leaf_index:
                    self.row_matrix[r, self.leaf_index[leaf]] = 1
        self.group_matrix = np.zeros((len(self.category_ids), len(groups)), dtype=np.int64)
        for c, g in enumerate(self.group_of_category):
            self.group_matrix[c, g] = 1

    def empty(self):
        return np.zeros((len(self.leaf_index), len(self.category_ids)), dtype=np.int64)

    def by_row_and_category(self, leaf_matrix):
        return self.row_matrix @ leaf_matrix

    def by_row_and_group(self, leaf_matrix):
        return self.row_matrix @ leaf_matrix @ self.group_matrix


def window_matrices(partnership, layout, windows):
    """{window name: leaf × category count matrix} for ``windows`` ({name: (start, end)})."""
    start = min(s for s, _e in windows.values())
    end = max(e for _s, e in windows.values())
    aggregates = {
        name: Sum("count", filter=Q(date__gte=s, date__lte=e)) for name, (s, e) in windows.items()
    }
    matrices = {name: layout.empty() for name in windows}
    rows = (
        IncidentCount.objects.filter(partnership=partnership, date__gte=start, date__lte=end)
        .values("area_id", "category_id")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        leaf = layout.leaf_index.get(row["area_id"])
        category = layout.category_index.get(row["category_id"])
        if leaf is None or category is None:
            continue
        for name in windows:
            matrices[name][leaf, category] += row[name] or 0
    return matrices


def counts_by(partnership, start, end, field, **filters):
    """{value of ``field``: count} in the window (e.g. by source or organisation)."""
    rows = (
        IncidentCount.objects.filter(
            partnership=partnership, date__gte=start, date__lte=end, **filters
        )
        .values(field)
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {row[field]: row["n"] for row in rows if row["n"]}


def weekly_series(partnership, layout, row_indexes, first_monday, weeks):
    """Counts per week for the given rows: an array rows × weeks, from ``first_monday``."""
    end = first_monday + datetime.timedelta(weeks=weeks) - datetime.timedelta(days=1)
    leaf_by_week = np.zeros((len(layout.leaf_index), weeks), dtype=np.int64)
    rows = (
        IncidentCount.objects.filter(partnership=partnership, date__gte=first_monday, date__lte=end)
        .values("area_id", "date")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        leaf = layout.leaf_index.get(row["area_id"])
        if leaf is None:
            continue
        leaf_by_week[leaf, (row["date"] - first_monday).days // 7] += row["n"]
    return layout.row_matrix[row_indexes] @ leaf_by_week


def last_report_dates(partnership, since, until):
    """{organisation id: the last date with a partner report (not the police feed)}."""
    rows = (
        IncidentCount.objects.filter(partnership=partnership, date__gte=since, date__lte=until)
        .exclude(source=Source.POLICE_FEED)
        .values("organisation_id")
        .annotate(last=Max("date"))
        .order_by()
    )
    return {row["organisation_id"]: row["last"] for row in rows}
