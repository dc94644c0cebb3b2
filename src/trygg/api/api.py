"""The partner API (``/api/v1/``) for partners' own systems, built with django-ninja.

Thin views over the incident services: every write goes through ``report_incident``,
``correct_incident`` or ``withdraw_incident`` (which validate, redact, update the rollup
and audit), every read through ``Incident.objects.visible_to`` as the token's service
user. Errors are RFC 9457 problem details (``problems.py``).
"""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.responses import Status

from trygg.geo.models import Area
from trygg.incidents.models import Category, Incident, Source
from trygg.incidents.services import (
    REPORTER_CORRECTION_DAYS,
    correct_incident,
    may_change,
    report_incident,
    withdraw_incident,
)

from .auth import TokenAuth
from .problems import (
    CONTENT_TYPE,
    PROBLEMS,
    ApiProblem,
    from_django_validation_error,
    from_pydantic_errors,
    problem_response,
)
from .schemas import (
    AreaOut,
    CategoryOut,
    IncidentIn,
    IncidentOut,
    IncidentPage,
    IncidentPatch,
    ListFilters,
    Problem,
    WithdrawIn,
)

DESCRIPTION = """Partner-API för bostadsbolags och räddningstjänstens egna system.

Autentisering: `Authorization: Bearer tc_...` (en API-nyckel som organisationens
administratör skapar under API-nycklar). Nyckeln agerar som sin organisation i sin samverkan.
Fel returneras som `application/problem+json` (RFC 9457). Se docs/api.md.
"""

RESPONSE_DESCRIPTIONS = {
    200: "OK",
    201: "Skapad",
    400: "Begäran gick inte att tolka (till exempel felaktig JSON)",
    401: "API-nyckel saknas, är okänd eller återkallad",
    403: "API-nyckeln får inte göra detta",
    404: "Finns inte (eller syns inte för organisationen)",
    409: "Konflikt med rapportens tillstånd eller ett annat externt id",
    422: "Ogiltiga uppgifter; `errors` anger fält och meddelande",
    429: "För många anrop; se Retry-After",
}


class OwnDocs(DocsBase):
    """A plain, self-hosted page (no CDN: the CSP forbids one) listing the operations."""

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = [
            {"method": method.upper(), "path": path, **operation}
            for path, methods in schema["paths"].items()
            for method, operation in methods.items()
        ]
        return render(request, "api/docs.html", {"schema": schema, "operations": operations})


class TryggAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's document, with errors as application/problem+json and Swedish texts."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema["paths"].values():
            for operation in methods.values():
                for status, response in operation.get("responses", {}).items():
                    code = int(status)
                    response["description"] = RESPONSE_DESCRIPTIONS.get(
                        code, response.get("description", "")
                    )
                    if code >= 400 and "content" in response:
                        (media,) = response["content"].values()
                        response["content"] = {CONTENT_TYPE: media}
        return schema


api = TryggAPI(
    title="Trygghetscenter partner-API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs=OwnDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def errors(*statuses):
    return {status: Problem for status in statuses}


READ_ERRORS = errors(401, 422, 429)
DETAIL_ERRORS = errors(401, 404, 422, 429)
CREATE_ERRORS = errors(400, 401, 403, 409, 422, 429)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422, 429)


# ---------------------------------------------------------------- error handlers


@api.exception_handler(ApiProblem)
def _api_problem(request, exc):
    return problem_response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(
        401,
        _("Ange en giltig API-nyckel i huvudet Authorization: Bearer tc_…"),
        headers={"WWW-Authenticate": 'Bearer realm="trygghetscenter"'},
    )


@api.exception_handler(NinjaValidationError)
def _invalid_input(request, exc):
    return problem_response(
        422, _("Uppgifterna i anropet är ogiltiga."), errors=from_pydantic_errors(exc.errors)
    )


@api.exception_handler(DjangoValidationError)
def _invalid_by_service(request, exc):
    return problem_response(
        422, _("Uppgifterna i anropet är ogiltiga."), errors=from_django_validation_error(exc)
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    status = exc.status_code if exc.status_code in PROBLEMS else 400
    if status == 400:
        detail = _("Begäran gick inte att tolka. Skicka giltig JSON (UTF-8).")
    else:
        detail = str(exc)
    return problem_response(status, detail)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(404, _("Det finns ingen sådan resurs."))


# ---------------------------------------------------------------- helpers


def _utc(value):
    """A datetime in UTC, as the database gives it back (an instance just saved may hold
    the caller's time zone)."""
    return value.astimezone(dt.UTC) if value is not None else None


def _incident_out(incident, token):
    return {
        "id": incident.pk,
        "external_id": incident.external_id or None,
        "source": str(incident.source),
        "organisation": {"id": incident.organisation_id, "name": str(incident.organisation)},
        "own_organisation": incident.organisation_id == token.organisation_id,
        "category": incident.category.code,
        "category_label": incident.category.label_sv,
        "lat": incident.lat,
        "lon": incident.lon,
        "area": {"code": incident.area.code, "name": incident.area.name},
        "place_type": incident.place_type or None,
        "occurred_from": _utc(incident.occurred_from),
        "occurred_to": _utc(incident.occurred_to),
        "occurred_date": incident.occurred_date,
        "time_bucket": incident.time_bucket or None,
        "description": incident.description,
        "people_count": incident.people_count,
        "age_group": str(incident.age_group),
        "police_notified": incident.police_notified,
        "police_reference": incident.police_reference,
        "needs_follow_up": incident.needs_follow_up,
        "label": str(incident.label),
        "status": str(incident.status),
        "reported_at": _utc(incident.reported_at),
        "updated_at": _utc(incident.updated_at),
        "withdrawn": incident.withdrawn_at is not None,
        "withdrawn_at": _utc(incident.withdrawn_at),
    }


def _visible(token):
    return Incident.objects.visible_to(token.service_user, token.partnership).select_related(
        "category", "area", "organisation__parent"
    )


def _get_visible(token, incident_id):
    incident = _visible(token).filter(pk=incident_id).first()
    if incident is None:
        raise ApiProblem(404, _("Det finns ingen händelse med id %(id)s.") % {"id": incident_id})
    return incident


def _require_write(token):
    if not token.can_write:
        raise ApiProblem(
            403,
            _(
                "API-nyckeln får bara läsa. Be organisationens administratör om en nyckel "
                "med behörigheten läsa och skriva."
            ),
        )


def _require_changeable(token, incident):
    if incident.organisation_id != token.organisation_id:
        raise ApiProblem(
            403, _("Bara den rapporterande organisationens egna rapporter kan ändras.")
        )
    if incident.withdrawn_at is not None:
        raise ApiProblem(409, _("Rapporten är återkallad och kan inte ändras."))
    if not may_change(token.service_user, incident):
        raise ApiProblem(
            403,
            _(
                "API-nyckeln kan ändra rapporter den själv har skickat, i %(days)s dagar; "
                "därefter kan samverkans trygghetssamordnare göra det."
            )
            % {"days": REPORTER_CORRECTION_DAYS},
        )


def _area(token, code):
    if code is None:
        return None
    # (partnership, code) is unique; the geometry (GeoJSON, up to tens of kilobytes) is
    # not needed
    try:
        area = Area.objects.defer("geometry").get(partnership=token.partnership, code=code)
    except Area.DoesNotExist:
        area = None
    if area is None:
        raise ApiProblem(
            422,
            _("Uppgifterna i anropet är ogiltiga."),
            errors=[{"field": "area", "message": _("Det finns inget område med den koden.")}],
        )
    return area


def _same_external_id(token, external_id):
    """The organisation's earlier create with this external_id (a repeat), if any."""
    # At most one (a unique constraint); .exclude(external_id="") repeats that
    # constraint's condition and no ORDER BY is asked for, so that its index can serve
    # the lookup however many incidents the organisation has.
    rows = (
        _visible(token)
        .filter(organisation=token.organisation, source=Source.API, external_id=external_id)
        .exclude(external_id="")
        .order_by()[:1]
    )
    return next(iter(rows), None)


# ---------------------------------------------------------------- incidents


@api.get(
    "/incidents",
    response={200: IncidentPage, **READ_ERRORS},
    url_name="incident_list",
    summary="Lista händelser som organisationen får se",
    tags=["händelser"],
)
def list_incidents(request, filters: Query[ListFilters]):
    token = request.auth
    incidents = _visible(token)
    if not filters.include_withdrawn:
        incidents = incidents.active()
    if filters.since:
        incidents = incidents.filter(occurred_date__gte=filters.since)
    if filters.until:
        incidents = incidents.filter(occurred_date__lte=filters.until)
    if filters.updated_since:
        incidents = incidents.filter(updated_at__gt=filters.updated_since)
    incidents = incidents.order_by("-occurred_date", "-id")
    count = incidents.count()
    start = (filters.page - 1) * filters.page_size
    rows = list(incidents[start : start + filters.page_size])
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "next_page": filters.page + 1 if start + filters.page_size < count else None,
        "results": [_incident_out(i, token) for i in rows],
    }


@api.post(
    "/incidents",
    response={201: IncidentOut, 200: IncidentOut, **CREATE_ERRORS},
    url_name="incident_create",
    summary="Rapportera en händelse (idempotent med external_id)",
    description=(
        "201 med den nya händelsen. Finns redan en händelse med samma external_id från "
        "organisationen svarar API:t 200 med den befintliga, oförändrad (ändra med PATCH)."
    ),
    tags=["händelser"],
)
def create_incident(request, payload: IncidentIn):
    token = request.auth
    _require_write(token)
    data = payload.model_dump()
    external_id = data.pop("external_id") or ""
    # The create is tried first and a repeat recognised when it fails, which saves the
    # common case (a new incident) a lookup: the unique external id makes a repeat's
    # insert fail (IntegrityError), and a repeat with an invalid body still answers 200
    # with the existing incident, as a lookup first would.
    try:
        incident = _create(request, token, data, external_id)
    except (IntegrityError, ApiProblem, DjangoValidationError):
        # A repeat, or the same external_id reported concurrently: answer with the
        # earlier incident, unchanged (ask for it through the visibility rules).
        existing = _same_external_id(token, external_id) if external_id else None
        if existing is None:
            raise
        return Status(200, _incident_out(existing, token))
    return Status(201, _incident_out(incident, token))


def _create(request, token, data, external_id):
    if data["occurred_from"] is not None and data["occurred_date"] is not None:
        raise ApiProblem(
            422,
            _("Uppgifterna i anropet är ogiltiga."),
            errors=[
                {
                    "field": "occurred_date",
                    "message": _("Ange antingen occurred_from eller occurred_date, inte båda."),
                }
            ],
        )
    data["area"] = _area(token, data["area"])
    for field in ("place_type", "time_bucket"):
        data[field] = data[field] or ""
    incident = report_incident(
        reporter=token.service_user,
        partnership=token.partnership,
        source=Source.API,
        external_id=external_id,
        request=request,
        **data,
    )
    # Answer from the saved instance (its reporter, the token's service user, may see it)
    # instead of reading it back: its category and area are the rows validation loaded.
    if incident.organisation_id == token.organisation_id:
        incident.organisation = token.organisation
    return incident


@api.get(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **DETAIL_ERRORS},
    url_name="incident_detail",
    summary="Hämta en händelse",
    tags=["händelser"],
)
def get_incident(request, incident_id: int):
    token = request.auth
    return _incident_out(_get_visible(token, incident_id), token)


@api.patch(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **WRITE_ERRORS},
    url_name="incident_update",
    summary="Rätta en händelse (bara fälten som skickas ändras)",
    tags=["händelser"],
)
def update_incident(request, incident_id: int, payload: IncidentPatch):
    token = request.auth
    _require_write(token)
    incident = _get_visible(token, incident_id)
    _require_changeable(token, incident)
    changes = {f: getattr(payload, f) for f in payload.model_fields_set if f != "reason"}
    if "area" in changes:
        changes["area"] = _area(token, changes["area"])
    for field in ("place_type", "time_bucket", "police_reference", "description"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    if changes:
        correct_incident(
            actor=token.service_user,
            incident=incident,
            changes=changes,
            reason=payload.reason,
            request=request,
        )
    return _incident_out(_get_visible(token, incident_id), token)


@api.post(
    "/incidents/{incident_id}/withdraw",
    response={200: IncidentOut, **WRITE_ERRORS},
    url_name="incident_withdraw",
    summary="Återkalla en händelse (den slutar räknas)",
    tags=["händelser"],
)
def withdraw(request, incident_id: int, payload: WithdrawIn):
    token = request.auth
    _require_write(token)
    incident = _get_visible(token, incident_id)
    _require_changeable(token, incident)
    withdraw_incident(
        actor=token.service_user, incident=incident, reason=payload.reason, request=request
    )
    return _incident_out(_get_visible(token, incident_id), token)


# ---------------------------------------------------------------- reference data


@api.get(
    "/categories",
    response={200: list[CategoryOut], **errors(401, 429)},
    url_name="category_list",
    summary="Händelsetyper (grupper och typer) i samverkan",
    tags=["referensdata"],
)
def list_categories(request):
    token = request.auth
    categories = (
        Category.objects.filter(Q(partnership__isnull=True) | Q(partnership=token.partnership))
        .filter(is_active=True)
        .select_related("parent")
        .order_by("sort_order", "code")
    )
    return [
        {
            "code": c.code,
            "label_sv": c.label_sv,
            "label_en": c.label_en,
            "group": c.parent.code if c.parent_id else None,
            "selectable": c.parent_id is not None,
            "public_place": c.public_place,
        }
        for c in categories
    ]


@api.get(
    "/areas",
    response={200: list[AreaOut], **errors(401, 429)},
    url_name="area_list",
    summary="Områden i samverkan (utan geometri)",
    tags=["referensdata"],
)
def list_areas(request):
    token = request.auth
    areas = Area.objects.filter(partnership=token.partnership).select_related("parent")
    return [
        {
            "code": a.code,
            "name": a.name,
            "kind": a.kind,
            "parent": a.parent.code if a.parent_id else None,
            "selectable": a.kind in (Area.Kind.REGSO, Area.Kind.MUNICIPALITY)
            or (a.kind == Area.Kind.PLACE and a.parent_id is not None),
        }
        for a in areas.order_by("kind", "code")
    ]
