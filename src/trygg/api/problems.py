"""Errors as RFC 9457 problem details (``application/problem+json``), in Swedish."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:trygghetscenter:problem:"

# status -> (type slug, title)
PROBLEMS = {
    400: ("bad-request", gettext_lazy("Felaktig begäran")),
    401: ("unauthorized", gettext_lazy("Giltig API-nyckel saknas")),
    403: ("forbidden", gettext_lazy("Inte tillåtet")),
    404: ("not-found", gettext_lazy("Finns inte")),
    409: ("conflict", gettext_lazy("Konflikt")),
    422: ("validation", gettext_lazy("Ogiltiga uppgifter")),
    429: ("rate-limited", gettext_lazy("För många anrop")),
}


class ApiProblem(Exception):
    """Raised by the API's views and auth; turned into a problem+json response."""

    def __init__(self, status, detail, *, errors=None, headers=None):
        super().__init__(status, detail)
        self.status = status
        self.detail = str(detail)
        self.errors = errors
        self.headers = headers or {}


def problem_body(status, detail, errors=None):
    slug, title = PROBLEMS[status]
    body = {"type": TYPE_BASE + slug, "title": str(title), "status": status, "detail": str(detail)}
    if errors is not None:
        body["errors"] = [{"field": e["field"], "message": str(e["message"])} for e in errors]
    return body


def problem_response(status, detail, *, errors=None, headers=None):
    response = HttpResponse(
        json.dumps(problem_body(status, detail, errors), ensure_ascii=False),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_django_validation_error(exc):
    """A service's ValidationError (keyed by field, or not) as a list of field errors."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in exc.messages]


# pydantic error type -> Swedish message (the rest fall back to a general one)
_PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("Fältet saknas."),
    "extra_forbidden": gettext_lazy("Okänt fält."),
    "string_type": gettext_lazy("Ska vara en text."),
    "int_type": gettext_lazy("Ska vara ett heltal."),
    "int_parsing": gettext_lazy("Ska vara ett heltal."),
    "float_type": gettext_lazy("Ska vara ett tal."),
    "float_parsing": gettext_lazy("Ska vara ett tal."),
    "bool_type": gettext_lazy("Ska vara true eller false."),
    "bool_parsing": gettext_lazy("Ska vara true eller false."),
    "literal_error": gettext_lazy("Ska vara ett av de tillåtna värdena."),
    "enum": gettext_lazy("Ska vara ett av de tillåtna värdena."),
    "string_too_short": gettext_lazy("Får inte vara tom."),
    "string_too_long": gettext_lazy("Texten är för lång."),
    "string_pattern_mismatch": gettext_lazy("Har fel format."),
    "greater_than_equal": gettext_lazy("Värdet är för litet."),
    "greater_than": gettext_lazy("Värdet är för litet."),
    "less_than_equal": gettext_lazy("Värdet är för stort."),
    "less_than": gettext_lazy("Värdet är för stort."),
    "model_type": gettext_lazy("Ska vara ett JSON-objekt."),
    "model_attributes_type": gettext_lazy("Ska vara ett JSON-objekt."),
    "dict_type": gettext_lazy("Ska vara ett JSON-objekt."),
    "date_from_datetime_parsing": gettext_lazy("Ska vara ett datum, till exempel 2026-11-23."),
    "date_parsing": gettext_lazy("Ska vara ett datum, till exempel 2026-11-23."),
    "date_type": gettext_lazy("Ska vara ett datum, till exempel 2026-11-23."),
    "datetime_parsing": gettext_lazy(
        "Ska vara en tidpunkt i ISO 8601, till exempel 2026-11-23T21:30:00+01:00."
    ),
    "datetime_type": gettext_lazy(
        "Ska vara en tidpunkt i ISO 8601, till exempel 2026-11-23T21:30:00+01:00."
    ),
}
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form"}


def from_pydantic_errors(errors):
    """ninja's ValidationError.errors (pydantic errors with ``loc``) as field errors."""
    result = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in _LOCATIONS:
            loc = loc[1:]
            # body parameters are nested under the view's parameter name ("payload")
            if loc and loc[0] in ("payload", "filters"):
                loc = loc[1:]
        # union members add the type name to the location ("float", "function-before[...]")
        loc = [
            part
            for part in loc
            if not (
                part[:1].islower()
                and (
                    "[" in part
                    or part
                    in {"float", "int", "str", "bool", "none", "date", "datetime", "literal"}
                )
            )
        ]
        kind = error.get("type", "")
        if kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error.get("msg", "")))
        else:
            message = _PYDANTIC_MESSAGES.get(kind) or _("Ogiltigt värde.")
        result.append({"field": ".".join(loc) or None, "message": message})
    # one message per field and text is enough
    unique = []
    for item in result:
        if item not in unique:
            unique.append(item)
    return unique
