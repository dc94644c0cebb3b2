from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from .selectors import area_table, areas_feature_collection


def area_map(request):
    groups = area_table(request.partnership)
    return render(
        request,
        "geo/map.html",
        {
            "area_groups": groups,
            "regso_count": sum(len(areas) for _, areas in groups),
            "district_count": sum(1 for district, _ in groups if district is not None),
            # Tiles only when the operator configured a tile server (it is also allowed
            # by the CSP in settings); otherwise the map shows the areas on a plain
            # background and works offline.
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


def areas_geojson(request):
    return JsonResponse(areas_feature_collection(request.partnership))
