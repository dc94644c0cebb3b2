"""The org admin's pages for API tokens: list, create (plaintext shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import services
from .forms import TokenForm
from .models import ApiToken


def _tokens(request):
    organisations = services.manageable_organisations(request.user, request.partnership)
    return (
        ApiToken.objects.filter(partnership=request.partnership, organisation__in=organisations)
        .select_related("organisation__parent", "created_by")
        .order_by("revoked_at", "-created_at", "-id")
    )


def token_list(request):
    return render(request, "api/token_list.html", {"tokens": _tokens(request)})


@never_cache
def token_create(request):
    organisations = list(
        services.manageable_organisations(request.user, request.partnership).select_related(
            "parent"
        )
    )
    if request.method == "POST":
        form = TokenForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                token, plaintext = services.create_token(
                    actor=request.user,
                    partnership=request.partnership,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                response = render(
                    request, "api/token_created.html", {"token": token, "plaintext": plaintext}
                )
                return response
    elif request.method == "GET":
        form = TokenForm(organisations=organisations)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "api/token_create.html", {"form": form})


def token_revoke(request, pk):
    token = _tokens(request).filter(pk=pk).first()
    if token is None:
        raise Http404
    if request.method == "GET":
        return render(request, "api/token_revoke.html", {"token": token})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        services.revoke_token(actor=request.user, token=token, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("API-nyckeln %(name)s är återkallad.") % {"name": token.name})
    return redirect("api_tokens:list")
