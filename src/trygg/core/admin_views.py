"""The admins' pages: users (organisation and partnership admins) and organisations
(partnership admins). Who administers whom: ``admin_services``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import admin_services, services
from .admin_forms import InviteForm, JoinForm, OrganisationForm, RoleForm, UnitForm


def _membership_or_404(request, pk):
    membership = (
        admin_services.administered_memberships(request.user, request.partnership)
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def _add_errors(form, exc):
    """A service's ValidationError onto the form: next to the field it names if the form
    has it, otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def user_list(request):
    memberships = admin_services.administered_memberships(request.user, request.partnership)
    return render(
        request,
        "core/admin/user_list.html",
        {"memberships": memberships, "me": request.user.pk},
    )


def _send_invitation(request, user, partnership):
    link = admin_services.invitation_link(request, user)
    context = {"user": user, "partnership": partnership, "link": link, "inviter": request.user}
    subject = _("Du är inbjuden till Trygghetscenter")
    body = render_to_string("core/admin/invitation_email.txt", context, request=request)
    send_mail(subject, body, None, [user.email])


def _send_role_notice(request, user, partnership):
    context = {"user": user, "partnership": partnership, "inviter": request.user}
    context["login_url"] = request.build_absolute_uri(reverse("account_login"))
    subject = _("Du har fått en roll i %(partnership)s") % {"partnership": partnership.name}
    body = render_to_string("core/admin/role_added_email.txt", context, request=request)
    send_mail(subject, body, None, [user.email])


@never_cache
def user_invite(request):
    organisations = admin_services.administered_organisations(
        request.user, request.partnership
    ).select_related("parent")
    roles = admin_services.grantable_roles(request.user, request.partnership)
    if request.method == "POST":
        form = InviteForm(request.POST, organisations=organisations, roles=roles)
        if form.is_valid():
            try:
                membership = admin_services.invite_user(
                    actor=request.user, partnership=request.partnership, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                user, partnership = membership.user, request.partnership
                if user.has_usable_password():
                    transaction.on_commit(lambda: _send_role_notice(request, user, partnership))
                    notice = _(
                        "%(email)s har redan ett konto och har nu en roll i %(partnership)s. "
                        "Ett meddelande om det har skickats."
                    )
                else:
                    transaction.on_commit(lambda: _send_invitation(request, user, partnership))
                    notice = _(
                        "%(email)s är inbjuden. En länk för att välja lösenord har skickats."
                    )
                messages.success(
                    request, notice % {"email": user.email, "partnership": partnership.name}
                )
                return redirect("user_admin:users")
    elif request.method == "GET":
        form = InviteForm(organisations=organisations, roles=roles)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "core/admin/user_invite.html", {"form": form})


@never_cache
def user_role(request, pk):
    membership = _membership_or_404(request, pk)
    roles = admin_services.grantable_roles(request.user, request.partnership)
    if request.method == "POST":
        form = RoleForm(request.POST, roles=roles)
        if form.is_valid():
            try:
                changed = admin_services.change_role(
                    actor=request.user, membership=membership, role=form.cleaned_data["role"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(email)s har nu rollen %(role)s.")
                    % {"email": membership.user.email, "role": changed.get_role_display()},
                )
                return redirect("user_admin:users")
    elif request.method == "GET":
        form = RoleForm(initial={"role": membership.role}, roles=roles)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "core/admin/user_role.html", {"form": form, "membership": membership})


def _confirm(request, pk, template, action, done_message):
    membership = _membership_or_404(request, pk)
    if request.method == "GET" and template:
        return render(request, template, {"membership": membership})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"] if template else ["POST"])
    try:
        action(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_message % {"email": membership.user.email})
    return redirect("user_admin:users")


@never_cache
def user_deactivate(request, pk):
    return _confirm(
        request,
        pk,
        "core/admin/user_deactivate.html",
        admin_services.deactivate,
        _("%(email)s är inaktiverad i den här samverkan."),
    )


def user_reactivate(request, pk):
    return _confirm(
        request,
        pk,
        None,
        admin_services.reactivate,
        _("%(email)s är aktiv igen i den här samverkan."),
    )


# Organisations (partnership admins)


def organisation_list(request):
    return render(
        request,
        "core/admin/organisation_list.html",
        {"organisations": admin_services.participating_organisations(request.partnership)},
    )


def _form_page(request, form_class, template, save, form_kwargs=None):
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                message = save(form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("user_admin:organisations")
    elif request.method == "GET":
        form = form_class(**form_kwargs)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, template, {"form": form})


@never_cache
def organisation_create(request):
    def save(data):
        organisation = services.create_organisation(
            actor=request.user, partnership=request.partnership, **data
        )
        return _("%(name)s deltar nu i samverkan.") % {"name": organisation.name}

    return _form_page(request, OrganisationForm, "core/admin/organisation_create.html", save)


@never_cache
def organisation_join(request):
    def save(data):
        services.add_organisation_to_partnership(
            actor=request.user, partnership=request.partnership, organisation=data["organisation"]
        )
        return _("%(name)s deltar nu i samverkan.") % {"name": data["organisation"].name}

    organisations = admin_services.joinable_organisations(request.partnership)
    return _form_page(
        request,
        JoinForm,
        "core/admin/organisation_join.html",
        save,
        {"organisations": organisations},
    )


@never_cache
def unit_create(request):
    def save(data):
        unit = admin_services.create_unit(
            actor=request.user, partnership=request.partnership, **data
        )
        return _("Enheten %(name)s är tillagd.") % {"name": str(unit)}

    parents = admin_services.participating_organisations(request.partnership).filter(
        parent__isnull=True
    )
    return _form_page(request, UnitForm, "core/admin/unit_create.html", save, {"parents": parents})
