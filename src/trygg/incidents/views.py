from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Incident


def incident_list(request):
    incidents = (
        Incident.objects.visible_to(request.user, request.partnership)
        .select_related("category", "area", "organisation")
        .order_by("-occurred_date", "-occurred_from", "-id")
    )
    page = Paginator(incidents, 50).get_page(request.GET.get("sida"))
    return render(request, "incidents/list.html", {"page": page})
