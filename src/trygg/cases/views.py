"""The person track's pages (/arenden/): thin views over ``policy`` and ``services``.

A case the reader may not open answers 404 whether or not it exists; a page of a case the
reader opens but may not use (another organisation's team member on the owner's pages)
answers 403. The case page asks for the purpose of the read first and records it in the
audit log with the read (the purpose is remembered for ``PURPOSE_SECONDS`` per case).
"""

import datetime as dt
import json
import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.core.forms import add_service_errors
from trygg.core.models import Organisation

from . import forms, policy, services, stats
from .models import Case, CaseTeamMember, Commitment, Consent, FollowUp, Programme, ShareScope
from .policy import OWNER, SHARED

PURPOSE_SECONDS = 15 * 60
STAT_MONTHS = 12


def _case(request, pk, *levels):
    case = (
        Case.objects.filter(pk=pk, partnership=request.partnership)
        .select_related("owner_organisation", "partnership")
        .first()
    )
    level = policy.access_level(request.user, case) if case is not None else None
    if level is None:
        raise Http404("no such case")
    if levels and level not in levels:
        raise PermissionDenied("not the owning organisation")
    return case, level


def _purpose_key(case):
    return f"trygg_case_purpose_{case.pk}"


def _recent_purpose(request, case):
    stored = request.session.get(_purpose_key(case))
    if not stored or time.time() - stored.get("at", 0) > PURPOSE_SECONDS:
        return None
    return stored.get("purpose")


def case_list(request):
    today = timezone.localdate()
    cases = list(
        policy.visible_cases(request.user, request.partnership)
        .select_related("owner_organisation")
        .order_by("stage", "-opened_on")
    )
    due = {}
    for follow_up in FollowUp.objects.filter(
        case__in=[c.pk for c in cases], done_at__isnull=True
    ).order_by("due_on"):
        due.setdefault(follow_up.case_id, follow_up.due_on)
    rows = [
        {
            "case": c,
            "owner": c.owner_organisation_id == request.user.organisation_id,
            "next_follow_up": due.get(c.pk),
            "overdue": due.get(c.pk) is not None and due[c.pk] < today,
        }
        for c in cases
    ]
    return render(
        request,
        "cases/list.html",
        {
            "rows": rows,
            "open_rows": [r for r in rows if not r["case"].is_closed],
            "closed_rows": [r for r in rows if r["case"].is_closed],
            "may_create": services.may_create(request.user, request.partnership),
        },
    )


def case_create(request):
    if not services.may_create(request.user, request.partnership):
        raise PermissionDenied("no organisation")
    form = forms.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.create_case(
                actor=request.user,
                partnership=request.partnership,
                programme=data["programme"],
                name=data["name"],
                personnummer=data["personnummer"],
                opened_on=data["opened_on"],
                background=data["background"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[_purpose_key(case)] = {
                "purpose": str(dict(forms.PURPOSES)["handlaggning"]),
                "at": time.time(),
            }
            messages.success(request, _("Ärendet %(code)s är upplagt.") % {"code": case.code})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/create.html", {"form": form})


def case_purpose(request, pk):
    case, _level = _case(request, pk)
    if request.method != "POST":
        return redirect("cases:detail", pk=case.pk)
    form = forms.PurposeForm(request.POST)
    if form.is_valid():
        request.session[_purpose_key(case)] = {"purpose": form.purpose_text(), "at": time.time()}
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/purpose.html", {"case": case, "form": form})


def case_detail(request, pk):
    case, level = _case(request, pk)
    purpose = _recent_purpose(request, case)
    if purpose is None:
        return render(request, "cases/purpose.html", {"case": case, "form": forms.PurposeForm()})
    services.record_read(actor=request.user, case=case, purpose=purpose, request=request)
    today = timezone.localdate()
    scope = policy.shared_scope(request.user, case)
    owner = level == OWNER
    identity = services.identity_of(request.user, case) if owner else None
    consents = list(case.consents.prefetch_related("organisations"))
    for consent in consents:
        consent.state = consent.state_on(today)
    commitments = list(case.commitments.select_related("organisation"))
    for c in commitments:
        c.may_change = not case.is_closed and services.may_change_commitment(request.user, c, level)
    context = {
        "case": case,
        "level": level,
        "owner": owner,
        "purpose": purpose,
        "identity": identity,
        "scope": scope,
        "today": today,
        "team": list(case.team.select_related("user__organisation")),
        "consents": consents if owner else [c for c in consents if c.state == "valid"],
        "has_valid_consent": any(c.state == "valid" for c in consents),
        "references": list(case.references.select_related("organisation")),
        "commitments": commitments if ShareScope.PLAN in scope else None,
        "follow_ups": list(case.follow_ups.all()) if ShareScope.PLAN in scope else None,
        "meetings": (
            list(policy.meetings_for(request.user, case, level).select_related("organisation"))
            if ShareScope.MEETINGS in scope
            else None
        ),
        "assessments": list(case.assessments.all()) if ShareScope.ASSESSMENT in scope else None,
        "may_add_meeting": not case.is_closed and ShareScope.MEETINGS in scope,
        "stage_form": forms.StageForm(initial={"stage": case.stage}),
        "status_choices": forms.CommitmentStatusForm().fields["status"].choices,
    }
    return render(request, "cases/detail.html", context)


def _form_page(
    request, pk, *, form_class, title, save, levels=(OWNER,), form_kwargs=None, intro=""
):
    case, level = _case(request, pk, *levels)
    kwargs = form_kwargs(case) if form_kwargs else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(case, form.cleaned_data, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sparat."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/form.html", {"case": case, "form": form, "title": title, "intro": intro}
    )


def team(request, pk):
    def save(case, data, form):
        user = services.team_candidates(case).filter(pk=data["user"]).first()
        services.add_team_member(
            actor=request.user, case=case, user=user, role=data["role"], request=request
        )

    return _form_page(
        request,
        pk,
        form_class=forms.TeamForm,
        form_kwargs=lambda case: {"candidates": services.team_candidates(case)},
        title=_("Lägg till i ärendeteamet"),
        intro=_(
            "Handläggare från andra organisationer ser ärendet bara så länge ett giltigt "
            "samtycke omfattar deras organisation."
        ),
        save=save,
    )


@require_POST
def team_remove(request, pk, member_pk):
    case, _level = _case(request, pk, OWNER)
    member = CaseTeamMember.objects.filter(case=case, pk=member_pk).first()
    if member is None:
        raise Http404("no such member")
    try:
        services.remove_team_member(actor=request.user, case=case, member=member, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("cases:detail", pk=case.pk)


def consent(request, pk):
    def save(case, data, form):
        services.record_consent(
            actor=request.user,
            case=case,
            given_by=data["given_by"],
            given_on=data["given_on"],
            expires_on=data["expires_on"],
            organisations=list(Organisation.objects.filter(pk__in=data["organisations"])),
            scope=data["scope"],
            request=request,
        )

    return _form_page(
        request,
        pk,
        form_class=forms.ConsentForm,
        form_kwargs=lambda case: {"partnership": case.partnership},
        title=_("Registrera samtycke"),
        intro=_(
            "Utan giltigt samtycke delas inget med andra organisationer. Samtycket kan "
            "återkallas när som helst; då stängs ärendet för de andra organisationerna direkt."
        ),
        save=save,
    )


@require_POST
def consent_withdraw(request, pk, consent_pk):
    case, _level = _case(request, pk, OWNER)
    found = Consent.objects.filter(case=case, pk=consent_pk).first()
    if found is None:
        raise Http404("no such consent")
    try:
        services.withdraw_consent(actor=request.user, consent=found, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Samtycket är återkallat."))
    return redirect("cases:detail", pk=case.pk)


@require_POST
def stage(request, pk):
    case, _level = _case(request, pk, OWNER)
    form = forms.StageForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Välj ett skede ur listan."))
        services.set_stage(
            actor=request.user, case=case, stage=form.cleaned_data["stage"], request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Skedet är ändrat."))
    return redirect("cases:detail", pk=case.pk)


def reference(request, pk):
    def save(case, data, form):
        services.add_reference(
            actor=request.user, case=case, reference=data["reference"], request=request
        )

    return _form_page(
        request,
        pk,
        form_class=forms.ReferenceForm,
        title=_("Lägg till referens"),
        levels=(OWNER, SHARED),
        save=save,
    )


def commitment(request, pk):
    def save(case, data, form):
        services.add_commitment(
            actor=request.user,
            case=case,
            sector=data["sector"],
            organisation=Organisation.objects.filter(pk=data["organisation"]).first(),
            description=data["description"],
            due_on=data["due_on"],
            request=request,
        )

    return _form_page(
        request,
        pk,
        form_class=forms.CommitmentForm,
        form_kwargs=lambda case: {"case": case},
        title=_("Lägg till åtagande i planen"),
        save=save,
    )


@require_POST
def commitment_status(request, pk, commitment_pk):
    case, _level = _case(request, pk)
    found = Commitment.objects.filter(case=case, pk=commitment_pk).first()
    if found is None:
        raise Http404("no such commitment")
    form = forms.CommitmentStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Välj status ur listan."))
        services.set_commitment_status(
            actor=request.user,
            commitment=found,
            status=form.cleaned_data["status"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("cases:detail", pk=case.pk)


def meeting(request, pk):
    def save(case, data, form):
        services.add_meeting(
            actor=request.user,
            case=case,
            held_on=data["held_on"],
            participants=data["participants"],
            notes=data["notes"],
            label=data["label"],
            request=request,
        )

    return _form_page(
        request,
        pk,
        form_class=forms.MeetingForm,
        title=_("Anteckna möte"),
        levels=(OWNER, SHARED),
        intro=_("Anteckningar är TLP:RED om du inte väljer annat."),
        save=save,
    )


def assessment(request, pk):
    def save(case, data, form):
        services.add_assessment(
            actor=request.user,
            case=case,
            assessed_on=data["assessed_on"],
            ratings=form.ratings(),
            protective_factors=data["protective_factors"],
            needs=data["needs"],
            request=request,
        )

    return _form_page(
        request,
        pk,
        form_class=forms.AssessmentForm,
        title=_("Risk- och behovsbedömning"),
        save=save,
    )


def follow_up(request, pk):
    def save(case, data, form):
        services.add_follow_up(
            actor=request.user, case=case, due_on=data["due_on"], what=data["what"], request=request
        )

    return _form_page(
        request, pk, form_class=forms.FollowUpForm, title=_("Planera uppföljning"), save=save
    )


@require_POST
def follow_up_done(request, pk, follow_up_pk):
    case, _level = _case(request, pk, OWNER)
    found = FollowUp.objects.filter(case=case, pk=follow_up_pk).first()
    if found is None:
        raise Http404("no such follow-up")
    services.complete_follow_up(actor=request.user, follow_up=found, request=request)
    return redirect("cases:detail", pk=case.pk)


def close(request, pk):
    def save(case, data, form):
        services.close_case(
            actor=request.user,
            case=case,
            outcome=data["outcome"],
            outcome_note=data["outcome_note"],
            closed_on=data["closed_on"],
            request=request,
        )

    return _form_page(
        request,
        pk,
        form_class=forms.CloseForm,
        title=_("Avsluta ärendet"),
        intro=_(
            "Ett avslutat ärende kan inte ändras. Det gallras automatiskt när "
            "gallringstiden har gått."
        ),
        save=save,
    )


def export(request, pk):
    """The owning organisation's JSON export of one case (re-authentication first)."""
    case, _level = _case(request, pk, OWNER)
    document = services.export_case(actor=request.user, case=case, request=request)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{case.code}.json"'
    response["Cache-Control"] = "no-store"
    return response


def export_pdf(request, pk):
    """The owning organisation's PDF export of one case (re-authentication first)."""
    case, _level = _case(request, pk, OWNER)
    content = services.export_case_pdf(actor=request.user, case=case, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def statistics(request):
    """Anonymous monthly counts per programme, small counts suppressed for everyone."""
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=STAT_MONTHS * 31)).replace(day=1)
    first = stats.month_starts(first, today)[-STAT_MONTHS]
    rows = stats.suppressed_table(request.partnership, first, today)
    return render(
        request,
        "cases/statistics.html",
        {"rows": rows, "programmes": Programme.choices, "measures": stats.MEASURES},
    )
