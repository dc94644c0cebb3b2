"""The police's published events: the coordinator's page (fetch status, unmapped types,
type mappings, place names, latest events) and linking an event to a partner's report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.core.forms import add_service_errors
from trygg.geo.models import Area
from trygg.imports.services import leaf_categories
from trygg.incidents.models import Incident, Source

from . import services
from .forms import LinkForm, MappingForm, PlaceNameForm
from .models import FeedFetch, PlaceName, PoliceEvent, TypeMapping

EVENTS_SHOWN = 50


def may_edit(membership):
    return membership is not None and membership.role in services.MAPPING_ROLES


def may_link(membership):
    return membership is not None and membership.role in services.LINK_ROLES


def _not_post(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def overview(request, *, mapping_form=None, place_form=None, status=200):
    partnership = request.partnership
    events = PoliceEvent.objects.filter(partnership=partnership)
    mapped = dict(
        TypeMapping.objects.filter(partnership=partnership).values_list("police_type", "pk")
    )
    type_counts = dict(events.values_list("police_type").annotate(n=Count("id")).order_by())
    editable = may_edit(request.membership)
    categories = leaf_categories(partnership) if editable else []
    unmapped = [
        {
            "type": police_type,
            "count": n,
            "form": _mapping_form(categories, police_type, mapping_form),
        }
        for police_type, n in sorted(type_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if police_type not in mapped
    ]
    mappings = [
        {
            "mapping": m,
            "count": type_counts.get(m.police_type, 0),
            "form": _mapping_form(categories, m.police_type, mapping_form, m),
        }
        for m in TypeMapping.objects.filter(partnership=partnership).select_related(
            "category__parent"
        )
    ]
    chosen = events.select_related("area", "district_hint", "incident")
    police_type = request.GET.get("typ", "")
    if police_type:
        chosen = chosen.filter(police_type=police_type)
    if request.GET.get("plats") == "okand":
        chosen = chosen.filter(area__kind=Area.Kind.MUNICIPALITY)
    total = events.count()
    located = events.filter(area__kind=Area.Kind.REGSO).count()
    fetches = FeedFetch.objects.filter(partnership=partnership)
    return render(
        request,
        "feeds/overview.html",
        {
            "feed": services.settings_for(partnership),
            "last_ok": fetches.filter(outcome=FeedFetch.Outcome.OK).first(),
            "failures": list(fetches.filter(outcome=FeedFetch.Outcome.FAILED)[:5]),
            "last_fetch": fetches.first(),
            "total": total,
            "located": located,
            "unknown": total - located,
            "unmapped": unmapped,
            "mappings": mappings,
            "places": PlaceName.objects.filter(partnership=partnership).select_related("area"),
            "place_form": place_form or PlaceNameForm(partnership=partnership),
            "events": list(chosen[:EVENTS_SHOWN]),
            "events_total": chosen.count(),
            "filter_type": police_type,
            "filter_unknown": request.GET.get("plats") == "okand",
            "may_edit": editable,
        },
        status=status,
    )


def _mapping_form(categories, police_type, bound, mapping=None):
    if bound is not None and bound.data.get("police_type") == police_type:
        return bound
    initial = {"police_type": police_type}
    if mapping is not None:
        initial["target"] = "ignore" if mapping.ignored else str(mapping.category_id)
    return MappingForm(
        categories=categories, initial=initial, auto_id=f"map-{abs(hash(police_type))}-%s"
    )


def mapping(request):
    refused = _not_post(request)
    if refused:
        return refused
    partnership = request.partnership
    form = MappingForm(
        request.POST,
        categories=leaf_categories(partnership),
        auto_id=f"map-{abs(hash(request.POST.get('police_type', '')))}-%s",
    )
    if form.is_valid():
        category, ignored = form.chosen()
        police_type = form.cleaned_data["police_type"]
        try:
            services.set_type_mapping(
                actor=request.user,
                partnership=partnership,
                police_type=police_type,
                category=category,
                ignored=ignored,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            n = PoliceEvent.objects.filter(partnership=partnership, police_type=police_type).count()
            messages.success(
                request,
                ngettext(
                    "Kopplingen för %(type)s är sparad (%(n)s händelse).",
                    "Kopplingen för %(type)s är sparad (%(n)s händelser).",
                    n,
                )
                % {"type": police_type, "n": n},
            )
            return redirect(reverse("feeds:overview") + "#kopplingar")
    return overview(request, mapping_form=form, status=400)


def place_add(request):
    refused = _not_post(request)
    if refused:
        return refused
    partnership = request.partnership
    form = PlaceNameForm(request.POST, partnership=partnership)
    if form.is_valid():
        try:
            _place, moved = services.add_place_name(
                actor=request.user,
                partnership=partnership,
                name=form.cleaned_data["name"],
                area=form.cleaned_data["area"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Ortnamnet är sparat; %(n)s händelse fick ett nytt område.",
                    "Ortnamnet är sparat; %(n)s händelser fick ett nytt område.",
                    moved,
                )
                % {"n": moved},
            )
            return redirect(reverse("feeds:overview") + "#ortnamn")
    return overview(request, place_form=form, status=400)


def place_remove(request, pk):
    refused = _not_post(request)
    if refused:
        return refused
    place = get_object_or_404(PlaceName, pk=pk, partnership=request.partnership)
    try:
        moved = services.remove_place_name(
            actor=request.user, partnership=request.partnership, place=place, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Ortnamnet är borttaget; %(n)s händelse fick ett nytt område.",
                "Ortnamnet är borttaget; %(n)s händelser fick ett nytt område.",
                moved,
            )
            % {"n": moved},
        )
    return redirect(reverse("feeds:overview") + "#ortnamn")


def _police_incident(request, pk):
    return get_object_or_404(
        Incident.objects.visible_to(request.user, request.partnership).filter(
            source=Source.POLICE_FEED
        ),
        pk=pk,
    )


def link(request, pk):
    police = _police_incident(request, pk)
    refused = _not_post(request)
    if refused:
        return refused
    form = LinkForm(request.POST)
    if form.is_valid():
        report = (
            Incident.objects.visible_to(request.user, request.partnership)
            .filter(pk=form.cleaned_data["report"])
            .first()
        )
        try:
            services.link_to_report(
                actor=request.user, police_incident=police, report=report, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Polisens händelse är kopplad till rapport %(n)s och räknas inte längre "
                    "för sig i lägesbilden."
                )
                % {"n": report.pk},
            )
            return redirect("incidents:detail", pk=police.pk)
    from trygg.incidents.views import incident_detail_with

    return incident_detail_with(request, police, link_form=form, status=400)


def unlink(request, pk):
    police = _police_incident(request, pk)
    refused = _not_post(request)
    if refused:
        return refused
    try:
        services.unlink(actor=request.user, police_incident=police, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Kopplingen är borttagen; polisens händelse räknas igen."))
    return redirect("incidents:detail", pk=police.pk)


def detail_context(request, incident, link_form=None):
    """What the incident page shows about the police feed: for a police event its
    published text, the place words and the link to a partner's report; for a partner's
    report the police events linked to it."""
    membership = request.membership
    context = {"may_link_police": may_link(membership)}
    if incident.source == Source.POLICE_FEED:
        context["police_event"] = (
            PoliceEvent.objects.filter(incident=incident).select_related("district_hint").first()
        )
        context["police_link_form"] = link_form or LinkForm(auto_id="link-%s")
        if incident.duplicate_of_id:
            context["police_linked_report"] = (
                Incident.objects.visible_to(request.user, request.partnership)
                .filter(pk=incident.duplicate_of_id)
                .select_related("category")
                .first()
            )
    else:
        context["police_duplicates"] = list(
            Incident.objects.visible_to(request.user, request.partnership)
            .filter(Q(duplicate_of=incident), source=Source.POLICE_FEED)
            .select_related("category")
        )
    return context
