"""The meeting pages: the list, the series and its calendar feed, a meeting's page with
its agenda, the coordinator's pages for running it, and the minutes (page and PDF).

Detail roles read meetings through ``Meeting.objects.visible_to`` (404 otherwise) and see
action items only when ``may_see_record`` lets them see the action; viewers read the
CLEAR/GREEN meetings' approved summaries only (``summaries_for``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trygg.audit.services import record

from . import agenda, forms, ical, services
from .models import Meeting, MeetingSeries, MinutesVersion


def _sees_details(request):
    return request.membership is not None and request.membership.sees_details


def _meeting(request, pk):
    """The meeting for a detail role (visible_to), else 404."""
    return get_object_or_404(
        Meeting.objects.visible_to(request.user, request.partnership).select_related(
            "organisation", "series"
        ),
        pk=pk,
    )


def _summary_meeting(request, pk):
    """The meeting for a viewer (summaries_for: CLEAR/GREEN), else 404."""
    return get_object_or_404(
        Meeting.objects.summaries_for(request.user, request.partnership), pk=pk
    )


def _day_label(meeting):
    return date_format(timezone.localdate(meeting.starts_at), "l j F Y")


def meeting_list(request):
    meetings = list(
        Meeting.objects.summaries_for(request.user, request.partnership)
        .select_related("organisation")
        .order_by("-starts_at")
    )
    now = timezone.now()
    upcoming = sorted((m for m in meetings if m.ends_at >= now), key=lambda m: m.starts_at)
    past = [m for m in meetings if m.ends_at < now]
    return render(
        request,
        "meetings/list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "series": services.series_of(request.partnership),
            "may_run": services.may_run(request.membership),
            "may_edit_series": services.may_edit_series(request.membership),
            "sees_details": _sees_details(request),
            "create_form": forms.CreateMeetingForm(),
        },
    )


def _feed_url(request, series):
    return request.build_absolute_uri(reverse("meetings:feed", args=[series.feed_token]))


def series(request):
    series = services.series_of(request.partnership)
    return render(
        request,
        "meetings/series.html",
        {
            "series": series,
            "feed_url": _feed_url(request, series) if series else "",
            "weekday_label": dict(forms.WEEKDAYS).get(series.weekday) if series else "",
            "may_edit_series": services.may_edit_series(request.membership),
        },
    )


def series_edit(request):
    series = services.series_of(request.partnership)
    organisations = services.participating_organisations(request.partnership)
    if request.method == "POST":
        form = forms.SeriesForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                services.save_series(
                    actor=request.user,
                    partnership=request.partnership,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Mötesserien är sparad."))
                return redirect("meetings:series")
    elif request.method == "GET":
        initial = {"duration_minutes": 60, "weekday": 1}
        if series is not None:
            initial = {
                "title": series.title,
                "weekday": series.weekday,
                "start_time": series.start_time,
                "duration_minutes": series.duration_minutes,
                "location": series.location,
                "link_url": series.link_url,
                "organisation": series.organisation_id,
            }
        elif request.user.organisation_id:
            initial["organisation"] = request.user.organisation_id
        form = forms.SeriesForm(initial=initial, organisations=organisations)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "meetings/series_edit.html", {"form": form, "series": series})


def series_token(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.regenerate_feed_token(
            actor=request.user, partnership=request.partnership, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Kalendern har fått en ny adress. Den gamla adressen fungerar inte längre."),
        )
    return redirect("meetings:series")


def feed(request, token):
    series = MeetingSeries.objects.filter(feed_token=token).first()
    if series is None or not token:
        raise Http404("no such feed")
    response = HttpResponse(
        ical.feed(series, host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="avstamning.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def create(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.CreateMeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.create_meeting(
                actor=request.user,
                partnership=request.partnership,
                day=form.cleaned_data.get("day"),
                label=form.cleaned_data["label"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Avstämningen %(day)s är skapad med en dagordning från lägesbilden.")
                % {"day": _day_label(meeting)},
            )
            return redirect("meetings:detail", pk=meeting.pk)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("meetings:list")


def _agenda_context(request, meeting):
    items = list(
        meeting.items.select_related(
            "action__organisation", "added_by_organisation"
        ).prefetch_related("decisions")
    )
    shown, hidden = agenda.visible_items(items, request.user, request.membership)
    day = timezone.localdate(meeting.starts_at)
    for item in shown:
        item.overdue = item.action is not None and item.action.is_overdue(day)
    decisions = []
    for decision in meeting.decisions.select_related("action__organisation", "item"):
        decision.action_visible = decision.action is not None and services.may_see_record(
            request.user, request.membership, decision.action
        )
        decision.item_visible = decision.item is None or agenda.may_see_item(
            request.user, request.membership, decision.item
        )
        # A decision about an action is as restricted as the action: its text often
        # names what the action is (where the police will patrol).
        decision.text_visible = decision.action is None or decision.action_visible
        decisions.append(decision)
    for item in shown:
        item.visible_decisions = [d for d in decisions if d.item_id == item.pk]
    return {"items": shown, "hidden_items": hidden, "decisions": decisions}


def detail(request, pk):
    if not _sees_details(request):
        meeting = _summary_meeting(request, pk)
        return _viewer_summary(request, meeting)
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting,
        "day_label": _day_label(meeting),
        "may_run": services.may_run(request.membership),
        "may_add_item": services.may_add_item(request.membership, meeting),
        "attendance": list(meeting.attendance.select_related("organisation")),
        "versions": list(meeting.versions.only("number", "approved_at", "meeting_id")),
        "started": meeting.starts_at <= timezone.now(),
        **_agenda_context(request, meeting),
    }
    record(
        "meetings.read",
        actor=request.user,
        partnership=request.partnership,
        obj=meeting,
        request=request,
    )
    return render(request, "meetings/detail.html", context)


def _viewer_summary(request, meeting, number=None):
    """A viewer's page: the approved minutes' summary, attendance and decisions (those
    about a shared action or none), never the agenda or the notes."""
    versions = meeting.versions.order_by("number")
    version = versions.filter(number=number).first() if number is not None else versions.last()
    if number is not None and version is None:
        raise Http404("no such version")
    context = {"meeting": meeting, "day_label": _day_label(meeting), "version": version}
    if version is not None:
        snapshot = version.snapshot
        decisions = [
            d
            for d in snapshot["decisions"]
            if d["action"] is None or services.shared_action(d["action"])
        ]
        context.update(
            {
                "summary": snapshot.get("summary", ""),
                "attendance": [a for a in snapshot["attendance"] if a["present"]],
                "decisions": decisions,
                "hidden_decisions": len(snapshot["decisions"]) - len(decisions),
                "versions": list(versions.only("number", "approved_at", "meeting_id")),
            }
        )
        record(
            "meetings.summary_read",
            actor=request.user,
            partnership=request.partnership,
            obj=version,
            request=request,
        )
    return render(request, "meetings/summary.html", context)


def agenda_build(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    meeting = _meeting(request, pk)
    try:
        services.build_agenda(
            actor=request.user, partnership=request.partnership, meeting=meeting, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Dagordningen är uppdaterad från lägesbilden och åtgärderna."))
    return redirect("meetings:detail", pk=meeting.pk)


def _form_page(request, meeting, form, template, extra=None):
    context = {"meeting": meeting, "day_label": _day_label(meeting), "form": form}
    context.update(extra or {})
    return render(request, template, context)


def item_add(request, pk):
    meeting = _meeting(request, pk)
    if request.method == "POST":
        form = forms.ItemForm(request.POST)
        if form.is_valid():
            try:
                services.add_agenda_item(
                    actor=request.user,
                    partnership=request.partnership,
                    meeting=meeting,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    request=request,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Punkten är tillagd på dagordningen."))
                return redirect("meetings:detail", pk=meeting.pk)
    elif request.method == "GET":
        form = forms.ItemForm()
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return _form_page(
        request,
        meeting,
        form,
        "meetings/item_add.html",
        {"may_add_item": services.may_add_item(request.membership, meeting)},
    )


def attendance(request, pk):
    meeting = _meeting(request, pk)
    organisations = services.participating_organisations(request.partnership)
    current = {a.organisation_id: a.people if a.present else 0 for a in meeting.attendance.all()}
    if request.method == "POST":
        form = forms.AttendanceForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                services.record_attendance(
                    actor=request.user,
                    partnership=request.partnership,
                    meeting=meeting,
                    attendance=form.attendance(),
                    request=request,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Mötesnärvaron är sparad."))
                return redirect("meetings:detail", pk=meeting.pk)
    elif request.method == "GET":
        form = forms.AttendanceForm(organisations=organisations, current=current)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return _form_page(request, meeting, form, "meetings/attendance.html")


def notes(request, pk):
    meeting = _meeting(request, pk)
    items, _hidden = agenda.visible_items(
        list(meeting.items.select_related("action")), request.user, request.membership
    )
    if request.method == "POST":
        form = forms.NotesForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.save_notes(
                    actor=request.user,
                    partnership=request.partnership,
                    meeting=meeting,
                    notes=form.notes(),
                    summary=form.cleaned_data["summary"],
                    label=form.cleaned_data["label"],
                    request=request,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Anteckningarna är sparade."))
                return redirect("meetings:detail", pk=meeting.pk)
    elif request.method == "GET":
        form = forms.NotesForm(
            items=items, initial={"summary": meeting.summary, "label": meeting.label}
        )
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return _form_page(request, meeting, form, "meetings/notes.html")


def _priorities(partnership):
    try:
        from trygg.agreement.selectors import priorities_for
    except ImportError:
        return []
    return list(priorities_for(partnership))


def decision(request, pk):
    from trygg.geo.models import Area
    from trygg.work.models import Action

    meeting = _meeting(request, pk)
    items, _hidden = agenda.visible_items(
        list(meeting.items.select_related("action")), request.user, request.membership
    )
    actions = list(
        Action.objects.visible_to(request.user, request.partnership)
        .open()
        .select_related("organisation")
        .order_by("title")
    )
    kwargs = {
        "items": items,
        "organisations": services.participating_organisations(request.partnership),
        "areas": Area.objects.filter(partnership=request.partnership)
        .exclude(kind=Area.Kind.MUNICIPALITY)
        .order_by("kind", "name"),
        "actions": actions,
        "priorities": _priorities(request.partnership),
    }
    if request.method == "POST":
        form = forms.DecisionForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                result = services.record_decision(
                    actor=request.user,
                    partnership=request.partnership,
                    meeting=meeting,
                    request=request,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if result.action is not None:
                    messages.success(
                        request,
                        _("Beslutet är sparat och kopplat till åtgärden ”%(title)s”.")
                        % {"title": result.action.title},
                    )
                else:
                    messages.success(request, _("Beslutet är sparat."))
                return redirect("meetings:detail", pk=meeting.pk)
    elif request.method == "GET":
        initial = {}
        if request.GET.get("punkt", "").isdigit():
            initial["item"] = int(request.GET["punkt"])
        form = forms.DecisionForm(initial=initial, **kwargs)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return _form_page(request, meeting, form, "meetings/decision.html")


def focus(request, pk):
    meeting = _meeting(request, pk)
    report, focus_areas, areas = services.focus_areas_of(request.partnership, meeting)
    kwargs = {
        "organisations": services.participating_organisations(request.partnership),
        "areas": areas,
        "meeting": meeting,
    }
    if request.method == "POST":
        form = forms.FocusPresenceForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                created = services.plan_focus_presence(
                    actor=request.user,
                    partnership=request.partnership,
                    meeting=meeting,
                    request=request,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("%(n)s planerade närvaropass är sparade.") % {"n": len(created)},
                )
                return redirect("meetings:detail", pk=meeting.pk)
    elif request.method == "GET":
        form = forms.FocusPresenceForm(**kwargs)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return _form_page(
        request,
        meeting,
        form,
        "meetings/focus.html",
        {"report": report, "focus_areas": focus_areas, "areas": areas},
    )


def approve(request, pk):
    meeting = _meeting(request, pk)
    versions = list(meeting.versions.only("number", "approved_at", "meeting_id"))
    form = forms.ApproveForm(
        request.POST if request.method == "POST" else None, revision=bool(versions)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                version = services.approve_minutes(
                    actor=request.user,
                    partnership=request.partnership,
                    meeting=meeting,
                    change_note=form.cleaned_data.get("change_note", ""),
                    request=request,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Protokollet är justerat (version %(n)s).") % {"n": version.number},
                )
                return redirect("meetings:minutes", pk=meeting.pk)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _form_page(
        request,
        meeting,
        form,
        "meetings/approve.html",
        {"versions": versions, "started": meeting.starts_at <= timezone.now()},
    )


def _requested_number(request):
    raw = request.GET.get("version", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("bad version")
    return int(raw)


def minutes(request, pk):
    number = _requested_number(request)
    if not _sees_details(request):
        return _viewer_summary(request, _summary_meeting(request, pk), number)
    meeting = _meeting(request, pk)
    versions = list(meeting.versions.only("number", "approved_at", "meeting_id").order_by("number"))
    draft = request.GET.get("utkast") == "1" or not versions
    version = None
    if number is not None:
        version = meeting.versions.filter(number=number).defer("pdf").first()
        if version is None:
            raise Http404("no such version")
        snapshot = version.snapshot
    elif draft:
        snapshot = services.minutes_snapshot(meeting)
    else:
        version = meeting.versions.filter(number=versions[-1].number).defer("pdf").first()
        snapshot = version.snapshot
    items = [
        i
        for i in snapshot["items"]
        if i["kind"] != "action"
        or services.action_visible(request.user, request.membership, i.get("action"))
    ]
    decisions = []
    for d in snapshot["decisions"]:
        visible = services.action_visible(request.user, request.membership, d.get("action"))
        decisions.append(
            {**d, "action_visible": visible, "text_visible": d.get("action") is None or visible}
        )
    record(
        "meetings.minutes_read",
        actor=request.user,
        partnership=request.partnership,
        obj=version or meeting,
        request=request,
        data={"version": version.number if version else None},
    )
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "day_label": _day_label(meeting),
            "snapshot": snapshot,
            "items": items,
            "hidden_items": len(snapshot["items"]) - len(items),
            "decisions": decisions,
            "attendance": snapshot["attendance"],
            "version": version,
            "versions": versions,
            "latest_number": versions[-1].number if versions else 0,
            "is_draft": version is None,
            "may_run": services.may_run(request.membership),
        },
    )


def minutes_pdf(request, pk, number):
    meeting = _meeting(request, pk)
    version = MinutesVersion.objects.filter(meeting=meeting, number=number).first()
    if version is None:
        raise Http404("no such version")
    record(
        "meetings.minutes_pdf_download",
        actor=request.user,
        partnership=request.partnership,
        obj=version,
        request=request,
        data={"meeting": meeting.pk, "version": number},
    )
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    day = timezone.localdate(meeting.starts_at).isoformat()
    response["Content-Disposition"] = f'attachment; filename="protokoll-{day}-v{number}.pdf"'
    return response
