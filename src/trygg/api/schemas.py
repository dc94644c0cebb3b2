"""Input and output schemas of the partner API.

Inputs are strict (a string is not a number, ``false`` is not a coordinate; a JSON int is
accepted for a float) and forbid unknown fields. Times are ISO 8601 with an offset.
"""

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from trygg.incidents.models import AgeGroup, PlaceType, TimeBucket

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(9000, 1, 1)


def _parse_datetime(value):
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(
            _("Ange tidpunkten som text i ISO 8601, till exempel 2026-11-23T21:30:00+01:00.")
        )
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("Ange tidpunkten i ISO 8601, till exempel 2026-11-23T21:30:00+01:00.")
        ) from None
    if parsed.tzinfo is None:
        raise ValueError(_("Ange tidpunkten med tidszon, till exempel +01:00 eller Z."))
    try:
        # in UTC: the database need not know odd offsets (+20:33 is valid ISO 8601)
        parsed = parsed.astimezone(dt.UTC)
    except OverflowError:
        parsed = None
    if parsed is None or not EARLIEST <= parsed.date() < LATEST:
        raise ValueError(_("Tidpunkten måste ligga mellan år 1900 och 9000."))
    return parsed


def _parse_date(value):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(_("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-23."))
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-23.")) from None
    if not EARLIEST <= parsed < LATEST:
        raise ValueError(_("Datumet måste ligga mellan år 1900 och 9000."))
    return parsed


IsoDatetime = Annotated[dt.datetime, BeforeValidator(_parse_datetime)]
IsoDate = Annotated[dt.date, BeforeValidator(_parse_date)]
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS84 latitud, t.ex. 59.6177")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS84 longitud, t.ex. 17.7236")]
ExternalId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[!-~]+$",
        description="Ert eget id för händelsen (synliga ASCII-tecken, inga mellanslag).",
    ),
]
# Text may hold any character but NUL, which no database text column can store
# (PostgreSQL refuses it): refused here with a 422, before it reaches a query.
NO_NUL = r"^[^\x00]*$"


def text(max_length, min_length=0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL)]


Code = text(60, min_length=1)
AreaCode = text(40, min_length=1)
Description = text(2000)
PeopleCount = Annotated[int, Field(ge=0, le=1000)]
PoliceReference = text(50)
Reason = text(1000)

# TLP:RED needs named recipients (users of the service), which a partner system cannot
# name: the API offers the other four labels.
ApiLabel = Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT"]
TimeBucketValue = Literal[tuple(TimeBucket.values)]
PlaceTypeValue = Literal[tuple(PlaceType.values)]
AgeGroupValue = Literal[tuple(AgeGroup.values)]

STRICT = ConfigDict(strict=True, extra="forbid")


class IncidentIn(Schema):
    """A new incident. Give either ``occurred_from`` (exact time with offset) or
    ``occurred_date`` + ``time_bucket``; either ``lat`` + ``lon`` or ``area``."""

    model_config = STRICT

    external_id: ExternalId | None = None
    category: Code = Field(description="Händelsetypens kod, se GET /categories.")
    lat: Latitude | None = None
    lon: Longitude | None = None
    area: AreaCode | None = Field(None, description="Områdets kod, se GET /areas.")
    place_type: PlaceTypeValue | None = None
    occurred_from: IsoDatetime | None = None
    occurred_to: IsoDatetime | None = None
    occurred_date: IsoDate | None = None
    time_bucket: TimeBucketValue | None = None
    description: Description = ""
    people_count: PeopleCount | None = None
    age_group: AgeGroupValue = "unknown"
    police_notified: bool | None = None
    police_reference: PoliceReference = ""
    needs_follow_up: bool = False
    label: ApiLabel = "GREEN"


class IncidentPatch(Schema):
    """A correction: only the fields sent are changed."""

    model_config = STRICT

    category: Code | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    area: AreaCode | None = None
    place_type: PlaceTypeValue | None = None
    occurred_from: IsoDatetime | None = None
    occurred_to: IsoDatetime | None = None
    occurred_date: IsoDate | None = None
    time_bucket: TimeBucketValue | None = None
    description: Description | None = None
    people_count: PeopleCount | None = None
    age_group: AgeGroupValue | None = None
    police_notified: bool | None = None
    police_reference: PoliceReference | None = None
    needs_follow_up: bool | None = None
    label: ApiLabel | None = None
    reason: Reason = Field("", description="Varför rapporten rättas (sparas i ändringshistoriken).")


class WithdrawIn(Schema):
    model_config = STRICT

    reason: text(1000, min_length=1)


class ListFilters(Schema):
    since: IsoDate | None = Field(None, description="Inträffade detta datum eller senare.")
    until: IsoDate | None = Field(None, description="Inträffade detta datum eller tidigare.")
    updated_since: IsoDatetime | None = Field(
        None, description="Ändrade efter denna tidpunkt (ISO 8601 med tidszon; + som %2B)."
    )
    include_withdrawn: bool = Field(False, description="Ta med återkallade rapporter.")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


class OrganisationOut(Schema):
    id: int
    name: str


class AreaRef(Schema):
    code: str
    name: str


class IncidentOut(Schema):
    id: int
    external_id: str | None
    source: str
    organisation: OrganisationOut
    own_organisation: bool
    category: str
    category_label: str
    lat: float | None
    lon: float | None
    area: AreaRef
    place_type: str | None
    occurred_from: dt.datetime | None
    occurred_to: dt.datetime | None
    occurred_date: dt.date
    time_bucket: str | None
    description: str
    people_count: int | None
    age_group: str
    police_notified: bool | None
    police_reference: str
    needs_follow_up: bool
    label: str
    status: str
    reported_at: dt.datetime
    updated_at: dt.datetime
    withdrawn: bool
    withdrawn_at: dt.datetime | None


class IncidentPage(Schema):
    count: int
    page: int
    page_size: int
    next_page: int | None
    results: list[IncidentOut]


class CategoryOut(Schema):
    code: str
    label_sv: str
    label_en: str
    group: str | None = Field(description="Gruppens kod; null för en grupp.")
    selectable: bool = Field(description="Kan anges på en händelse (grupper kan inte det).")
    public_place: bool


class AreaOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    selectable: bool = Field(description="Kan anges som area på en händelse utan koordinater.")


class FieldError(Schema):
    field: str | None
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
