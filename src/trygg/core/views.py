import datetime
from urllib.parse import urlsplit

from django.contrib import messages
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .access import MEMBER, rule_for
from .middleware import SESSION_KEY
from .selectors import home_summary


def home(request):
    context = home_summary(request.user, request.partnership)
    exact = request.membership is not None and request.membership.sees_details
    shown = {
        "this_week": context["count_this_week"],
        "previous_week": context["count_previous_week"],
    }
    if not exact:
        # As every count a viewer sees beside the agreement's indicators (DESIGN.md §5).
        from trygg.agreement import disclosure

        table = disclosure.viewer_table(request.partnership, timezone.localdate())
        shown = {
            which: disclosure.viewer_text(table, disclosure.home_key(which), count)
            for which, count in shown.items()
        }
    context["shown_this_week"] = shown["this_week"]
    context["shown_previous_week"] = shown["previous_week"]
    previous = (context["week_start"] - datetime.timedelta(days=7)).isocalendar()
    context["previous_iso_year"], context["previous_iso_week"] = previous.year, previous.week
    return render(request, "core/home.html", context)


def choose_partnership(request):
    if request.method == "GET":
        return render(request, "core/choose_partnership.html", {})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    membership = (
        request.user.memberships.filter(
            is_active=True, partnership_id=request.POST.get("partnership") or 0
        )
        .select_related("partnership")
        .first()
        if (str(request.POST.get("partnership", "")).isdigit())
        else None
    )
    if membership is None:
        if not request.POST.get("partnership"):
            messages.error(request, _("Välj den samverkan du vill arbeta i."))
        else:
            messages.error(request, _("Du har ingen roll i den valda samverkan."))
        return redirect("core:choose_partnership")
    request.session[SESSION_KEY] = membership.partnership_id
    messages.success(
        request, _("Du arbetar nu i %(name)s.") % {"name": membership.partnership.name}
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "core:home"
    elif not _role_may_open(membership.role, target):
        # Staying on the same page after switching would end in a 403 for this role.
        target = "core:home"
    return redirect(target)


def _role_may_open(role, path):
    """Whether ``role`` may open the member page at ``path`` (by the access table)."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    rule = rule_for(match.view_name)
    if rule is None:
        return False
    return rule.level != MEMBER or role in rule.roles


def accessibility(request):
    return render(request, "core/accessibility.html", {})


def privacy(request):
    return render(request, "core/privacy.html", {})


@never_cache
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
