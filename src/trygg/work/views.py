"""The action pages (/atgarder/): list, the organisation's to-do list, detail, create,
edit and evaluation.

Rows are read through ``visible_to`` (details) or ``summaries_for`` (a viewer's CLEAR and
GREEN summaries: the template shows summary fields only). An action the reader may not
see answers 404; one the reader sees but may not change answers 403 on its edit page.
Reading an action's details is audited, as is every write (in the services).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from trygg.audit.services import record
from trygg.core.forms import add_service_errors
from trygg.core.models import DETAIL_ROLES
from trygg.situation import charts

from . import evaluate, forms, selectors, services
from .models import Action, ActionStatus, ActionType, Presence


def _detail_role(request):
    return request.membership is not None and request.membership.role in DETAIL_ROLES


def _visible_action(request, pk):
    action = (
        Action.objects.visible_to(request.user, request.partnership)
        .select_related("organisation", "contact", "priority", "goal", "created_by")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404("no such action")
    return action


def action_list(request):
    """Every action the reader may see, filtered; viewers get CLEAR/GREEN summaries."""
    today = timezone.localdate()
    summary_only = not _detail_role(request)
    form = forms.ActionFilterForm(request.GET or None, partnership=request.partnership)
    actions = Action.objects.summaries_for(request.user, request.partnership)
    filtered = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        status = data.get("status")
        if status == "open":
            actions = actions.open()
        elif status == "overdue":
            actions = actions.overdue(today)
        elif status:
            actions = actions.filter(status=status)
        if data.get("organisation"):
            actions = actions.filter(organisation_id=data["organisation"])
        if data.get("area"):
            actions = actions.filter(areas__id=data["area"]).distinct()
        if data.get("priority"):
            actions = actions.filter(priority_id=data["priority"])
        filtered = any(data.values())
    actions = selectors.overdue_first(
        actions.select_related("organisation", "priority").prefetch_related("areas"), today
    )
    rows = list(actions[:500])
    for action in rows:
        action.overdue = action.is_overdue(today)
    context = {
        "form": form,
        "actions": rows,
        "truncated": len(rows) == 500,
        "filtered": filtered,
        "summary_only": summary_only,
        "today": today,
        "overdue_count": sum(1 for a in rows if a.is_overdue(today)),
        "may_create": services.may_write(request.membership),
    }
    return render(request, "work/list.html", context)


def todo(request):
    today = timezone.localdate()
    actions = list(selectors.todo_for(request.user, request.partnership, today))
    for action in actions:
        action.overdue = action.is_overdue(today)
    return render(
        request,
        "work/todo.html",
        {
            "actions": actions,
            "today": today,
            "organisation": request.user.organisation,
            "overdue_count": sum(1 for a in actions if a.is_overdue(today)),
            "may_create": services.may_write(request.membership),
        },
    )


def _meeting_url(meeting):
    try:
        return reverse("meetings:detail", kwargs={"pk": meeting.pk})
    except NoReverseMatch:
        return None


def action_detail(request, pk):
    action = _visible_action(request, pk)
    from trygg.meetings.models import Meeting

    visible_meetings = Meeting.objects.visible_to(request.user, request.partnership)
    decisions = [
        {"decision": d, "url": _meeting_url(d.meeting)}
        for d in action.decisions.filter(meeting__in=visible_meetings)
        .select_related("meeting")
        .order_by("meeting__starts_at", "id")
    ]
    presences = list(
        Presence.objects.visible_to(request.user, request.partnership)
        .filter(action=action)
        .select_related("organisation", "area")
        .order_by("starts_at")
    )
    evaluations = list(
        action.evaluations.select_related("evaluated_by").prefetch_related(
            "categories", "comparison_areas"
        )
    )
    revisions = list(action.revisions.select_related("changed_by"))
    record(
        "work.action_read",
        actor=request.user,
        partnership=request.partnership,
        obj=action,
        request=request,
        data={"label": action.label},
    )
    return render(
        request,
        "work/detail.html",
        {
            "action": action,
            "areas": list(action.areas.all()),
            "decisions": decisions,
            "presences": presences,
            "presence_hours": sum(p.hours for p in presences if p.status == "performed"),
            "evaluations": evaluations,
            "revisions": [_revision_rows(r) for r in revisions],
            "may_change": services.may_change_action(request.user, request.membership, action),
            "may_evaluate": services.may_evaluate(request.membership),
            "is_overdue": action.is_overdue(),
        },
    )


FIELD_LABELS = {
    "title": _lazy("Rubrik"),
    "description": _lazy("Beskrivning"),
    "label": _lazy("Delning"),
    "type": _lazy("Typ"),
    "priority": _lazy("Prioriterat område"),
    "goal": _lazy("Mål"),
    "areas": _lazy("Områden"),
    "organisation": _lazy("Ansvarig organisation"),
    "contact": _lazy("Kontaktperson"),
    "start": _lazy("Start"),
    "end": _lazy("Klar senast"),
    "status": _lazy("Status"),
    "outcome": _lazy("Resultat"),
}


CHOICES = {"status": ActionStatus, "type": ActionType}


def _show(value, field=""):
    if field in CHOICES and value in CHOICES[field].values:
        return str(CHOICES[field](value).label)
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, dict):
        return value.get("name", "")
    if isinstance(value, list):
        from trygg.geo.models import Area

        names = dict(Area.objects.filter(pk__in=value).values_list("pk", "name"))
        return ", ".join(names.get(v, str(v)) for v in value)
    return str(value)


def _revision_rows(revision):
    changes = []
    for field, change in revision.changes.items():
        if change.get("old") is None and change.get("new") in (None, "", []):
            continue
        changes.append(
            {
                "field": str(FIELD_LABELS.get(field, field)),
                "old": _show(change.get("old"), field),
                "new": _show(change.get("new"), field),
            }
        )
    return {"revision": revision, "changes": changes}


def action_create(request):
    form = forms.ActionForm(
        request.POST or None,
        partnership=request.partnership,
        initial={
            "organisation": request.user.organisation_id,
            "contact": request.user.pk,
            "situation_key": request.GET.get("lagesbild", ""),
            "status": ActionStatus.PLANNED,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.create_action(
                actor=request.user,
                partnership=request.partnership,
                request=request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Åtgärden är sparad."))
            return redirect("work:detail", pk=action.pk)
    return render(request, "work/form.html", {"form": form, "action": None})


def action_edit(request, pk):
    action = _visible_action(request, pk)
    if not services.may_change_action(request.user, request.membership, action):
        raise PermissionDenied("not the action's organisation")
    form = forms.ActionForm(
        request.POST or None,
        partnership=request.partnership,
        editing=True,
        initial=forms.ActionForm.initial_from(action),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(
                actor=request.user,
                partnership=request.partnership,
                action=action,
                note=form.cleaned_data.get("note", ""),
                request=request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ändringen är sparad."))
            return redirect("work:detail", pk=action.pk)
    return render(request, "work/form.html", {"form": form, "action": action})


def _evaluation_rows(result):
    return [
        {
            "name": _("Åtgärdens områden"),
            "before": result.treated_before,
            "after": result.treated_after,
        },
        {
            "name": _("Jämförelseområden"),
            "before": result.comparison_before,
            "after": result.comparison_after,
        },
    ]


def _evaluation_chart(evaluation):
    labels = [
        _("Åtgärdens områden, före"),
        _("Åtgärdens områden, efter"),
        _("Jämförelseområden, före"),
        _("Jämförelseområden, efter"),
    ]
    values = [
        evaluation.treated_before,
        evaluation.treated_after,
        evaluation.comparison_before,
        evaluation.comparison_after,
    ]
    return charts.bar_chart(
        labels,
        values,
        title=_("Antal händelser före och efter"),
        description=_("Antal händelser i åtgärdens områden och i jämförelseområdena."),
        id_prefix=f"evaluation-{evaluation.pk}",
    )


def action_evaluate(request, pk):
    action = _visible_action(request, pk)
    windows = evaluate.default_windows(action)
    categories = list(evaluate.default_categories(request.partnership))
    initial = {"categories": [c.pk for c in categories]}
    if windows is not None:
        suggested = evaluate.suggest_comparison_areas(
            request.partnership, action, categories, windows.before
        )
        initial.update(
            comparison_areas=[a.pk for a in suggested],
            before_start=windows.before[0],
            before_end=windows.before[1],
            after_start=windows.after[0],
            after_end=windows.after[1],
        )
    form = forms.EvaluationForm(
        request.POST or None, partnership=request.partnership, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluate_action(
                actor=request.user,
                partnership=request.partnership,
                action=action,
                request=request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Utvärderingen är sparad."))
            return redirect(
                f"{reverse('work:evaluate', kwargs={'pk': action.pk})}#e{evaluation.pk}"
            )
    evaluations = [
        {"evaluation": e, "chart": _evaluation_chart(e)}
        for e in action.evaluations.select_related("evaluated_by").prefetch_related(
            "categories", "comparison_areas"
        )
    ]
    return render(
        request,
        "work/evaluate.html",
        {
            "action": action,
            "form": form,
            "evaluations": evaluations,
            "has_areas": action.areas.exists(),
            "windows": windows,
        },
    )
