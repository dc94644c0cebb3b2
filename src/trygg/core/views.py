from django.contrib import messages
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .middleware import SESSION_KEY
from .selectors import home_summary


def home(request):
    return render(request, "core/home.html", home_summary(request.user, request.partnership))


def choose_partnership(request):
    if request.method == "GET":
        return render(request, "core/choose_partnership.html", {})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    membership = request.user.memberships.filter(
        is_active=True, partnership_id=request.POST.get("partnership") or 0
    ).select_related("partnership").first() if (
        str(request.POST.get("partnership", "")).isdigit()
    ) else None
    if membership is None:
        messages.error(request, _("Du har ingen roll i den valda samverkan."))
        return redirect("core:choose_partnership")
    request.session[SESSION_KEY] = membership.partnership_id
    messages.success(
        request, _("Du arbetar nu i %(name)s.") % {"name": membership.partnership.name}
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "core:home"
    return redirect(target)


def accessibility(request):
    return render(request, "core/accessibility.html", {})


def privacy(request):
    return render(request, "core/privacy.html", {})


@never_cache
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
