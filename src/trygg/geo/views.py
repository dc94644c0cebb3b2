from django.http import JsonResponse
from django.shortcuts import render

from .selectors import areas_feature_collection


def area_map(request):
    return render(request, "geo/map.html", {})


def areas_geojson(request):
    return JsonResponse(areas_feature_collection(request.partnership))
