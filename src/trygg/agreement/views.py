"""The agreement pages: overview, agreement, indicator, the write forms, population and
the annual report. Objects of another partnership answer 404; writes go through
``services`` (which check the role again) and are audited there."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.situation.periods import Period

from . import annual, charts, forms, pdf, selectors, services
from .indicators import indicator_series, viewer_statuses
from .models import (
    Agreement,
    Commitment,
    Goal,
    Indicator,
    Population,
    Priority,
    Promise,
)


def _writer(request):
    if not services.may_write(request.membership):
        raise PermissionDenied("not an agreement writer")


def _report_writer(request):
    if not services.may_write_report(request.membership):
        raise PermissionDenied("not the coordinator")


def _agreement(request, pk):
    return get_object_or_404(Agreement, pk=pk, partnership=request.partnership)


def _priority(request, pk):
    return get_object_or_404(
        Priority.objects.select_related("agreement"),
        pk=pk,
        agreement__partnership=request.partnership,
    )


def _goal(request, pk):
    return get_object_or_404(
        Goal.objects.select_related("priority__agreement"),
        pk=pk,
        priority__agreement__partnership=request.partnership,
    )


def _indicator(request, pk):
    return get_object_or_404(
        Indicator.objects.select_related("goal__priority__agreement__partnership"),
        pk=pk,
        goal__priority__agreement__partnership=request.partnership,
    )


def _form_page(request, form, *, title, back, submit, intro=""):
    return render(
        request,
        "agreement/form.html",
        {"form": form, "title": title, "back": back, "submit": submit, "intro": intro},
    )


def _run(form, call):
    """Call the service with the form's arguments; False (errors on the form) or the result."""
    if not form.is_valid():
        return False
    try:
        return call(**form.service_arguments())
    except ValidationError as error:
        form.add_service_errors(error)
        return False


# --- reading ----------------------------------------------------------------------------


def _series_chart(indicator, request, *, compact, markers=(), statuses=None):
    series = indicator_series(indicator, user=request.user, statuses=statuses)
    chart = charts.indicator_chart(
        series,
        id_prefix=f"indicator-{indicator.pk}{'-small' if compact else ''}",
        title=indicator.name,
        description=charts.describe(series),
        markers=markers,
        compact=compact,
    )
    return series, chart


def overview(request):
    agreements = list(selectors.agreements_of(request.partnership).prefetch_related("parties"))
    current = selectors.current_agreement(request.partnership)
    today = timezone.localdate()
    return render(
        request,
        "agreement/overview.html",
        {
            "agreements": agreements,
            "current": current,
            "today": today,
            "may_write": services.may_write(request.membership),
            "report_years": list(range(today.year, today.year - 4, -1)),
        },
    )


def detail(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.prefetch_related(
            "parties",
            "priorities__goals__indicators",
            "commitments__notes",
            "commitments__organisation__parent",
            "promises__notes",
        ),
        pk=pk,
        partnership=request.partnership,
    )
    # Readers without a detail role: the agreement side's joint suppression, read once.
    statuses = (
        None
        if request.membership.sees_details
        else viewer_statuses(request.partnership, timezone.localdate())
    )
    priorities = []
    for priority in agreement.priorities.all():
        goals = []
        for goal in priority.goals.all():
            indicators = []
            for indicator in goal.indicators.all():
                series, chart = _series_chart(indicator, request, compact=True, statuses=statuses)
                indicators.append(
                    {
                        "indicator": indicator,
                        "series": series,
                        "chart": chart,
                        "is_rate": series["metric"] == Indicator.Metric.RATE,
                    }
                )
            goals.append({"goal": goal, "indicators": indicators})
        priorities.append({"priority": priority, "goals": goals})
    by_party = {}
    for commitment in agreement.commitments.all():
        by_party.setdefault(str(commitment.organisation), []).append(commitment)
    return render(
        request,
        "agreement/detail.html",
        {
            "agreement": agreement,
            "priorities": priorities,
            "commitments": sorted(by_party.items()),
            "promises": list(agreement.promises.all()),
            "may_write": services.may_write(request.membership),
            "is_current": agreement.start <= timezone.localdate() <= agreement.end,
        },
    )


def _markers(request, indicator, series):
    """(period index, label) for the actions of the indicator's goal or priority that
    started in the series; the reader's summaries only (viewers: CLEAR/GREEN)."""
    from django.db.models import Q

    from trygg.work.models import Action

    rows = series["periods"]
    if not rows:
        return [], []
    goal = indicator.goal
    actions = (
        Action.objects.summaries_for(request.user, request.partnership)
        .filter(Q(goal=goal) | Q(priority=goal.priority_id))
        .filter(start__gte=rows[0]["start"], start__lte=rows[-1]["end"])
        .order_by("start", "id")
    )
    index = {row["key"]: i for i, row in enumerate(rows)}
    markers, listed = [], []
    for action in actions:
        key = Period.containing(indicator.resolution, action.start).key
        if key in index:
            markers.append((index[key], f"{action.start:%Y-%m-%d}: {action.title}"))
            listed.append(action)
    return markers, listed


def indicator(request, pk):
    indicator = _indicator(request, pk)
    may_write = services.may_write(request.membership)
    series = indicator_series(indicator, user=request.user)
    value_form = None
    if indicator.kind == Indicator.Kind.MANUAL and may_write:
        periods = [r for r in series["periods"]]
        if request.method == "POST":
            value_form = forms.IndicatorValueForm(request.POST, periods=periods)
            saved = _run(
                value_form,
                lambda **kw: services.record_indicator_value(
                    actor=request.user,
                    partnership=request.partnership,
                    indicator=indicator,
                    request=request,
                    **kw,
                ),
            )
            if saved:
                messages.success(request, _("Värdet är sparat."))
                return redirect("agreement:indicator", pk=indicator.pk)
        else:
            value_form = forms.IndicatorValueForm(periods=periods)
    elif request.method == "POST":
        raise PermissionDenied("no value to enter")
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    markers, actions = _markers(request, indicator, series)
    chart = charts.indicator_chart(
        series,
        id_prefix=f"indicator-{indicator.pk}",
        title=indicator.name,
        description=charts.describe(series),
        markers=markers,
    )
    return render(
        request,
        "agreement/indicator.html",
        {
            "indicator": indicator,
            "goal": indicator.goal,
            "agreement": indicator.goal.priority.agreement,
            "series": series,
            "chart": chart,
            "actions": actions,
            "categories": list(indicator.categories.all()),
            "areas": list(indicator.areas.all()),
            "place_classes": [
                str(dict(forms.PlaceClass.choices)[c]) for c in indicator.place_classes
            ],
            "age_groups": [str(dict(forms.AgeGroup.choices)[c]) for c in indicator.age_groups],
            "may_write": may_write,
            "value_form": value_form,
            "is_rate": indicator.kind == Indicator.Kind.COMPUTED
            and indicator.metric == Indicator.Metric.RATE,
        },
    )


# --- writing: agreement, priority, goal, indicator --------------------------------------


def agreement_form(request, pk=None):
    _writer(request)
    agreement = _agreement(request, pk) if pk else None
    initial = {}
    if agreement:
        initial = {
            "title": agreement.title,
            "description": agreement.description,
            "start": agreement.start,
            "end": agreement.end,
            "parties": list(agreement.parties.values_list("pk", flat=True)),
            "signatories": agreement.signatories,
            "signed_on": agreement.signed_on,
        }
    form = forms.AgreementForm(
        request.POST or None, initial=initial, partnership=request.partnership
    )
    if request.method == "POST":
        saved = _run(
            form,
            lambda **kw: services.save_agreement(
                actor=request.user,
                partnership=request.partnership,
                agreement=agreement,
                request=request,
                **kw,
            ),
        )
        if saved:
            messages.success(request, _("Överenskommelsen är sparad."))
            return redirect("agreement:detail", pk=saved.pk)
    return _form_page(
        request,
        form,
        title=_("Ändra överenskommelsen") if agreement else _("Ny samverkansöverenskommelse"),
        back=reverse("agreement:detail", args=[agreement.pk])
        if agreement
        else reverse("agreement:overview"),
        submit=_("Spara överenskommelsen"),
    )


def priority_form(request, pk=None, agreement_pk=None):
    _writer(request)
    priority = _priority(request, pk) if pk else None
    agreement = priority.agreement if priority else _agreement(request, agreement_pk)
    initial = (
        {"number": priority.number, "title": priority.title, "description": priority.description}
        if priority
        else {"number": agreement.priorities.count() + 1}
    )
    form = forms.PriorityForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _run(
            form,
            lambda **kw: services.save_priority(
                actor=request.user,
                partnership=request.partnership,
                agreement=agreement,
                priority=priority,
                request=request,
                **kw,
            ),
        )
        if saved:
            messages.success(request, _("Det prioriterade området är sparat."))
            return redirect("agreement:detail", pk=agreement.pk)
    return _form_page(
        request,
        form,
        title=_("Ändra prioriterat område") if priority else _("Nytt prioriterat område"),
        back=reverse("agreement:detail", args=[agreement.pk]),
        submit=_("Spara"),
        intro=agreement.title,
    )


def goal_form(request, pk=None, priority_pk=None):
    _writer(request)
    goal = _goal(request, pk) if pk else None
    priority = goal.priority if goal else _priority(request, priority_pk)
    initial = (
        {"number": goal.number, "title": goal.title, "description": goal.description}
        if goal
        else {"number": priority.goals.count() + 1}
    )
    form = forms.GoalForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _run(
            form,
            lambda **kw: services.save_goal(
                actor=request.user,
                partnership=request.partnership,
                priority=priority,
                goal=goal,
                request=request,
                **kw,
            ),
        )
        if saved:
            messages.success(request, _("Målet är sparat."))
            return redirect("agreement:detail", pk=priority.agreement_id)
    return _form_page(
        request,
        form,
        title=_("Ändra mål") if goal else _("Nytt mål"),
        back=reverse("agreement:detail", args=[priority.agreement_id]),
        submit=_("Spara"),
        intro=str(priority),
    )


def indicator_form(request, pk=None, goal_pk=None):
    _writer(request)
    indicator = _indicator(request, pk) if pk else None
    goal = indicator.goal if indicator else _goal(request, goal_pk)
    initial = {
        "kind": Indicator.Kind.COMPUTED,
        "metric": Indicator.Metric.COUNT,
        "case_measure": Indicator.CaseMeasure.ACTIVE,
        "case_programme": Indicator.CaseProgramme.BOTH,
    }
    if indicator:
        initial = {
            name: getattr(indicator, name)
            for name in (
                "name",
                "description",
                "kind",
                "resolution",
                "metric",
                "place_classes",
                "age_groups",
                "unit",
                "baseline_start",
                "baseline_end",
                "target_direction",
                "data_note",
                "case_measure",
                "case_programme",
            )
        }
        initial["categories"] = list(indicator.categories.values_list("pk", flat=True))
        initial["areas"] = list(indicator.areas.values_list("pk", flat=True))
        initial["target_value"] = (
            "" if indicator.target_value is None else str(indicator.target_value).replace(".", ",")
        )
    form = forms.IndicatorForm(
        request.POST or None, initial=initial, partnership=request.partnership
    )
    if request.method == "POST":
        saved = _run(
            form,
            lambda **kw: services.save_indicator(
                actor=request.user,
                partnership=request.partnership,
                goal=goal,
                indicator=indicator,
                request=request,
                **{
                    **kw,
                    "metric": kw.get("metric") or Indicator.Metric.COUNT,
                    "case_measure": kw.get("case_measure") or Indicator.CaseMeasure.ACTIVE,
                    "case_programme": kw.get("case_programme") or Indicator.CaseProgramme.BOTH,
                },
            ),
        )
        if saved:
            messages.success(request, _("Indikatorn är sparad."))
            return redirect("agreement:indicator", pk=saved.pk)
    return _form_page(
        request,
        form,
        title=_("Ändra indikator") if indicator else _("Ny indikator"),
        back=reverse("agreement:indicator", args=[indicator.pk])
        if indicator
        else reverse("agreement:detail", args=[goal.priority.agreement_id]),
        submit=_("Spara indikatorn"),
        intro=goal.title,
    )


# --- commitments, promises, notes -------------------------------------------------------


def commitment_form(request, pk=None, agreement_pk=None):
    _writer(request)
    commitment = (
        get_object_or_404(
            Commitment.objects.select_related("agreement"),
            pk=pk,
            agreement__partnership=request.partnership,
        )
        if pk
        else None
    )
    agreement = commitment.agreement if commitment else _agreement(request, agreement_pk)
    initial = {}
    if commitment:
        initial = {
            "organisation": commitment.organisation_id,
            "priority": commitment.priority_id,
            "title": commitment.title,
            "description": commitment.description,
            "status": commitment.status,
            "status_note": commitment.status_note,
        }
    form = forms.CommitmentForm(
        request.POST or None,
        initial=initial,
        partnership=request.partnership,
        agreement=agreement,
    )
    if request.method == "POST":
        saved = _run(
            form,
            lambda **kw: services.save_commitment(
                actor=request.user,
                partnership=request.partnership,
                agreement=agreement,
                commitment=commitment,
                request=request,
                **kw,
            ),
        )
        if saved:
            messages.success(request, _("Åtagandet är sparat."))
            return redirect(reverse("agreement:detail", args=[agreement.pk]) + "#ataganden")
    return _form_page(
        request,
        form,
        title=_("Ändra åtagande") if commitment else _("Nytt åtagande"),
        back=reverse("agreement:detail", args=[agreement.pk]),
        submit=_("Spara åtagandet"),
        intro=agreement.title,
    )


def promise_form(request, pk=None, agreement_pk=None):
    _writer(request)
    promise = (
        get_object_or_404(
            Promise.objects.select_related("agreement"),
            pk=pk,
            agreement__partnership=request.partnership,
        )
        if pk
        else None
    )
    agreement = promise.agreement if promise else _agreement(request, agreement_pk)
    initial = (
        {"title": promise.title, "description": promise.description, "status": promise.status}
        if promise
        else {}
    )
    form = forms.PromiseForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _run(
            form,
            lambda **kw: services.save_promise(
                actor=request.user,
                partnership=request.partnership,
                agreement=agreement,
                promise=promise,
                request=request,
                **kw,
            ),
        )
        if saved:
            messages.success(request, _("Medborgarlöftet är sparat."))
            return redirect(reverse("agreement:detail", args=[agreement.pk]) + "#medborgarloften")
    return _form_page(
        request,
        form,
        title=_("Ändra medborgarlöfte") if promise else _("Nytt medborgarlöfte"),
        back=reverse("agreement:detail", args=[agreement.pk]),
        submit=_("Spara medborgarlöftet"),
        intro=agreement.title,
    )


def _note_form(request, *, commitment=None, promise=None):
    _writer(request)
    parent = commitment or promise
    form = forms.ProgressNoteForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST":
        saved = _run(
            form,
            lambda **kw: services.add_progress_note(
                actor=request.user,
                partnership=request.partnership,
                commitment=commitment,
                promise=promise,
                request=request,
                **kw,
            ),
        )
        if saved:
            messages.success(request, _("Uppföljningen är sparad."))
            return redirect("agreement:detail", pk=parent.agreement_id)
    return _form_page(
        request,
        form,
        title=_("Ny uppföljning"),
        back=reverse("agreement:detail", args=[parent.agreement_id]),
        submit=_("Spara uppföljningen"),
        intro=parent.title,
    )


def commitment_note(request, pk):
    commitment = get_object_or_404(Commitment, pk=pk, agreement__partnership=request.partnership)
    return _note_form(request, commitment=commitment)


def promise_note(request, pk):
    promise = get_object_or_404(Promise, pk=pk, agreement__partnership=request.partnership)
    return _note_form(request, promise=promise)


# --- population -------------------------------------------------------------------------


def population(request):
    _writer(request)
    form = forms.PopulationForm(
        request.POST or None,
        partnership=request.partnership,
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST":
        saved = _run(
            form,
            lambda **kw: services.set_population(
                actor=request.user, partnership=request.partnership, request=request, **kw
            ),
        )
        if saved:
            messages.success(request, _("Folkmängden är sparad."))
            return redirect("agreement:population")
    return _population_page(request, form, forms.PopulationImportForm())


def _population_page(request, form, import_form, import_errors=()):
    rows = Population.objects.filter(partnership=request.partnership).select_related("area")
    years = sorted({r.year for r in rows}, reverse=True)[:6]
    table = {}
    for row in rows:
        if row.year in years:
            table.setdefault(row.area, {})[row.year] = row.population
    totals = {y: sum(v.get(y, 0) for a, v in table.items() if a.kind == "regso") for y in years}
    return render(
        request,
        "agreement/population.html",
        {
            "form": form,
            "import_form": import_form,
            "import_errors": import_errors,
            "years": years,
            "table": [
                {"area": area, "values": [values.get(y) for y in years]}
                for area, values in sorted(table.items(), key=lambda kv: (kv[0].kind, kv[0].code))
            ],
            "totals": [totals[y] for y in years],
        },
    )


def population_import(request):
    _writer(request)
    if request.method != "POST":
        return redirect("agreement:population")
    import_form = forms.PopulationImportForm(request.POST, request.FILES)
    errors = []
    if import_form.is_valid():
        upload = import_form.cleaned_data["file"]
        if upload.size > 2_000_000:
            errors = [_("Filen är för stor (högst 2 MB).")]
        else:
            try:
                result = services.import_population(
                    actor=request.user,
                    partnership=request.partnership,
                    content=upload.read(),
                    source=_("SCB, importerad fil %(name)s") % {"name": upload.name[:100]},
                    request=request,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("Folkmängden är inläst: %(created)s nya och %(updated)s ändrade uppgifter.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("agreement:population")
    for error in errors:
        import_form.add_error("file", error)
    form = forms.PopulationForm(partnership=request.partnership)
    return _population_page(request, form, import_form, errors)


# --- the annual report ------------------------------------------------------------------


def _year(year):
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404("no such year")
    return year


def _annual_content(request, year):
    """(report, content for the reader or None, approved?)."""
    report = services.report_for(request.partnership, year)
    if report.approved_at is not None:
        return (
            report,
            annual.view(report.snapshot, request.membership, partnership=request.partnership),
            True,
        )
    if not request.membership.sees_details:
        return report, None, False
    content = annual.build(request.partnership, year, user=request.user, report=report)
    return report, annual.view(content, request.membership, partnership=request.partnership), False


def annual_report(request, year):
    year = _year(year)
    report, content, approved = _annual_content(request, year)
    texts_form = None
    may_write = services.may_write_report(request.membership)
    if may_write and not approved:
        texts_form = forms.AnnualTextsForm(
            initial={"summary": report.summary, "assessment": report.assessment}
        )
    return render(
        request,
        "agreement/annual.html",
        {
            "year": year,
            "report": report,
            "content": content,
            "approved": approved,
            "may_write": may_write,
            "texts_form": texts_form,
            "reopen_form": forms.ReopenForm() if may_write and approved else None,
            "previous_year": year - 1,
            "next_year": year + 1 if year < timezone.localdate().year else None,
        },
    )


def annual_texts(request, year):
    _report_writer(request)
    year = _year(year)
    if request.method != "POST":
        return redirect("agreement:annual", year=year)
    form = forms.AnnualTextsForm(request.POST)
    saved = _run(
        form,
        lambda **kw: services.save_annual_texts(
            actor=request.user, partnership=request.partnership, year=year, request=request, **kw
        ),
    )
    if saved:
        messages.success(request, _("Texterna är sparade."))
    else:
        for error in form.non_field_errors():
            messages.error(request, error)
        for field in form:
            for error in field.errors:
                messages.error(request, error)
    return redirect("agreement:annual", year=year)


def annual_approve(request, year):
    _report_writer(request)
    year = _year(year)
    if request.method != "POST":
        return redirect("agreement:annual", year=year)
    try:
        services.approve_annual_report(
            actor=request.user, partnership=request.partnership, year=year, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Årsuppföljningen för %(year)s är fastställd.") % {"year": year}
        )
    return redirect("agreement:annual", year=year)


def annual_reopen(request, year):
    _report_writer(request)
    year = _year(year)
    if request.method != "POST":
        return redirect("agreement:annual", year=year)
    form = forms.ReopenForm(request.POST)
    saved = _run(
        form,
        lambda **kw: services.reopen_annual_report(
            actor=request.user, partnership=request.partnership, year=year, request=request, **kw
        ),
    )
    if saved:
        messages.success(request, _("Årsuppföljningen är öppnad för ändringar."))
    else:
        for field in form:
            for error in field.errors:
                messages.error(request, error)
        for error in form.non_field_errors():
            messages.error(request, error)
    return redirect("agreement:annual", year=year)


def annual_pdf(request, year):
    year = _year(year)
    report, _content, approved = _annual_content(request, year)
    audience = pdf.DETAIL if request.membership.sees_details else pdf.VIEWER
    if approved and audience == pdf.DETAIL:
        body = bytes(report.pdf)
    elif approved:
        body = pdf.render(report.snapshot, audience=audience, partnership=request.partnership)
    elif audience == pdf.DETAIL:
        content = annual.build(request.partnership, year, user=request.user, report=report)
        body = pdf.render(content, audience=audience, draft=True)
    else:
        raise Http404("not approved")
    record(
        "agreement.annual_pdf",
        actor=request.user,
        partnership=request.partnership,
        object_type="agreement.annualreport",
        object_id=str(report.pk or year),
        request=request,
        data={"year": year, "approved": approved, "audience": audience},
    )
    response = HttpResponse(body, content_type="application/pdf")
    suffix = "" if approved else "-utkast"
    response["Content-Disposition"] = f'attachment; filename="arsuppfoljning-{year}{suffix}.pdf"'
    return response
