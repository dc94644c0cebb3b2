from .models import Area


def areas_feature_collection(partnership):
    """The partnership's municipality, districts and RegSO areas as one GeoJSON collection."""
    features = []
    for area in Area.objects.filter(partnership=partnership).exclude(geometry=None).select_related("parent"):
        features.append({
            "type": "Feature",
            "id": area.code,
            "geometry": area.geometry,
            "properties": {
                "code": area.code,
                "name": area.name,
                "kind": area.kind,
                "parent": area.parent.code if area.parent_id else None,
            },
        })
    return {"type": "FeatureCollection", "features": features}
