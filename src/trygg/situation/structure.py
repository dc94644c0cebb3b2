"""The shape of a lägesbild's tables: its area rows and its category columns.

Rows: focus areas first (by priority), then districts, then RegSO areas (each after its
district), then the whole municipality. Every row is a set of leaf areas (the areas
incidents are assigned to: RegSO areas and the municipality's "place unknown" leaf), so
a row's count is a sum over leaves and the suppression constraints follow from the sets.
Columns: the category groups of the taxonomy, each the sum of its categories.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from trygg.geo.models import Area, FocusArea
from trygg.incidents.models import Category

LEAF_KINDS = (Area.Kind.REGSO, Area.Kind.MUNICIPALITY)


@dataclass
class Row:
    id: str  # "fa:<pk>", "di:<pk>", "rs:<pk>", "all"
    kind: str  # focus, district, regso, total
    name: str
    leaves: tuple
    parent: str = ""  # the row this one is nested in (a RegSO area's district)

    def as_dict(self):
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "leaves": list(self.leaves),
            "parent": self.parent,
        }


@dataclass
class Group:
    code: str
    label: str
    categories: list = field(default_factory=list)  # [(id, code, label)]

    def as_dict(self):
        return {
            "code": self.code,
            "label": self.label,
            "categories": [{"id": i, "code": c, "label": label} for i, c, label in self.categories],
        }


def leaf_ids_under(area, children):
    """The leaf area ids at or below ``area`` (``children``: parent id -> [areas])."""
    if area.kind in LEAF_KINDS and not children.get(area.pk):
        return [area.pk]
    found = [area.pk] if area.kind in LEAF_KINDS else []
    for child in children.get(area.pk, []):
        found.extend(leaf_ids_under(child, children))
    return found


def area_rows(partnership):
    areas = list(Area.objects.filter(partnership=partnership).order_by("name"))
    children = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    by_id = {a.pk: a for a in areas}
    all_leaves = sorted(a.pk for a in areas if a.kind in LEAF_KINDS)
    rows = []
    focus_areas = FocusArea.objects.filter(partnership=partnership).prefetch_related("areas")
    for focus_area in focus_areas:
        leaves = set()
        for area in focus_area.areas.all():
            leaves.update(leaf_ids_under(area, children))
        rows.append(Row(f"fa:{focus_area.pk}", "focus", focus_area.name, tuple(sorted(leaves))))
    districts = [a for a in areas if a.kind == Area.Kind.DISTRICT]
    for district in districts:
        rows.append(
            Row(
                f"di:{district.pk}",
                "district",
                district.name,
                tuple(sorted(leaf_ids_under(district, children))),
            )
        )
    regsos = sorted(
        (a for a in areas if a.kind == Area.Kind.REGSO),
        key=lambda a: (by_id[a.parent_id].name if a.parent_id in by_id else "", a.code),
    )
    for regso in regsos:
        parent = by_id.get(regso.parent_id)
        parent_row = f"di:{parent.pk}" if parent and parent.kind == Area.Kind.DISTRICT else ""
        rows.append(Row(f"rs:{regso.pk}", "regso", regso.name, (regso.pk,), parent_row))
    rows.append(Row("all", "total", _("Hela kommunen"), tuple(all_leaves)))
    return rows, all_leaves


def category_groups(partnership):
    """The taxonomy's groups with their active categories, in the taxonomy's order."""
    categories = list(
        Category.objects.filter(Q(partnership__isnull=True) | Q(partnership=partnership))
        .select_related("parent")
        .order_by("sort_order", "code")
    )
    groups = {}
    order = []
    for category in categories:
        if category.parent_id is None:
            groups[category.pk] = Group(category.code, category.label)
            order.append(category.pk)
    for category in categories:
        if category.parent_id is not None and category.parent_id in groups:
            groups[category.parent_id].categories.append(
                (category.pk, category.code, category.label)
            )
    return [groups[pk] for pk in order]
