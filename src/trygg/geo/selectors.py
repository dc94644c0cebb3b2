from .models import Area


def areas_feature_collection(partnership):
    """The partnership's municipality, districts and RegSO areas as one GeoJSON collection."""
    features = []
    for area in (
        Area.objects.filter(partnership=partnership)
        .exclude(geometry__isnull=True)
        .select_related("parent")
    ):
        features.append(
            {
                "type": "Feature",
                "id": area.code,
                "geometry": area.geometry,
                "properties": {
                    "code": area.code,
                    "name": area.name,
                    "kind": area.kind,
                    "parent": area.parent.code if area.parent_id else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def area_table(partnership):
    """The table equivalent of the area map: each district with its RegSO areas, then the
    RegSO areas that belong to no district (as ``(district or None, [areas])`` pairs)."""
    districts = list(
        Area.objects.filter(partnership=partnership, kind=Area.Kind.DISTRICT).order_by("name")
    )
    by_district = {d.pk: [] for d in districts}
    without_district = []
    regsos = Area.objects.filter(partnership=partnership, kind=Area.Kind.REGSO).order_by(
        "code", "name"
    )
    for area in regsos:
        by_district.get(area.parent_id, without_district).append(area)
    groups = [(d, by_district[d.pk]) for d in districts]
    if without_district:
        groups.append((None, without_district))
    return groups
