"""Reading the police's public events feed (``https://polisen.se/api/events``). No Django.

The feed is a JSON list of events (a file may also hold one JSON object a line). One event:

    {"id": 621868, "datetime": "2026-01-17 8:49:59 +01:00",
     "name": "17 januari 08.35, Rattfylleri, Sigtuna", "summary": "...",
     "url": "/aktuellt/handelser/2026/januari/17/...", "type": "Rattfylleri",
     "location": {"name": "Sigtuna", "gps": "59.619146,17.723419"}}

``datetime`` is when the police published it (the hour not zero-padded); the incident's own
time is the ``hh.mm`` (or ``hh:mm``) in ``name``, on the day and month named there, in the
year that puts it on or before the publishing date. ``gps`` is always the centroid of the
municipality or county and is never used as a position. Archived copies add the optional
keys ``html_body``, ``html_published_datetime`` and ``html_author``.

:func:`read_feed` refuses a body that is not a feed at all (:class:`FeedError`, one Swedish
sentence); :func:`read_event` refuses one malformed event (:class:`EventError`) so the
caller can skip it and report it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REQUIRED_KEYS = ("id", "datetime", "name", "summary", "url", "type", "location")
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}
_PUBLISHED = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2}):(\d{2}) ?([+-])(\d{2}):(\d{2})$"
)
_NAME_TIME = re.compile(r"^\s*(\d{1,2}) ([a-zåäö]+)(?: (\d{1,2})[.:](\d{2}))?\s*,", re.IGNORECASE)
_GPS = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
MAX_TEXT = 20_000


class FeedError(Exception):
    """The body is not an events feed (HTML, truncated JSON, not a list)."""


class EventError(Exception):
    """One event is malformed; the message says which part and why, in Swedish."""


@dataclass(frozen=True)
class Event:
    police_id: int
    published_at: dt.datetime
    occurred_at: dt.datetime | None  # local time from ``name``; None when it names no time
    occurred_date: dt.date
    name: str
    type: str
    summary: str
    body: str
    url: str
    location_name: str
    gps: tuple[float, float]

    @property
    def place_part(self) -> str:
        """The last comma-separated part of ``name`` (the municipality since 2026)."""
        return self.name.rsplit(",", 1)[-1].strip()


def read_feed(data: bytes) -> list:
    """The feed's raw events (a list of whatever the feed holds), or FeedError."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FeedError("Svaret är inte text i UTF-8.") from None
    else:
        text = data
    stripped = text.lstrip()
    if not stripped:
        raise FeedError("Svaret är tomt.")
    if stripped[:1] == "<":
        raise FeedError(
            "Svaret är en HTML-sida, inte händelser i JSON (fel adress eller ett felmeddelande)."
        )
    if stripped[:1] == "{":
        return _read_json_lines(stripped)
    try:
        events = json.loads(stripped)
    except json.JSONDecodeError as error:
        raise FeedError(
            f"Svaret är inte giltig JSON (rad {error.lineno}, tecken {error.colno}); det kan vara avbrutet."
        ) from None
    if not isinstance(events, list):
        raise FeedError("Svaret är JSON men inte en lista med händelser.")
    return events


def _read_json_lines(text):
    events = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            raise FeedError(f"Rad {number} är inte giltig JSON; filen kan vara avbruten.") from None
    return events


def parse_published(value) -> dt.datetime:
    match = _PUBLISHED.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise EventError(
            f"Publiceringstiden {value!r} har inte formatet ÅÅÅÅ-MM-DD h:mm:ss +hh:mm."
        )
    y, mo, d, h, mi, s, sign, oh, om = match.groups()
    offset = dt.timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
    try:
        return dt.datetime(
            int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=dt.timezone(offset)
        )
    except ValueError:
        raise EventError(f"Publiceringstiden {value!r} är inget giltigt datum.") from None


def parse_occurred(name: str, published: dt.datetime) -> tuple[dt.date, dt.datetime | None]:
    """The incident's local date and time named in ``name`` ("17 januari 08.35, ...").

    The year is the publishing year, or the year before when that date would lie after the
    publishing date (an event of 31 December published on 1 January)."""
    match = _NAME_TIME.match(name)
    if not match:
        raise EventError(
            f'Namnet {name!r} börjar inte med dag och månad (t.ex. "17 januari 08.35,").'
        )
    day, month_name, hour, minute = match.groups()
    month = MONTHS.get(month_name.lower())
    if month is None:
        raise EventError(f"Namnet {name!r} har en okänd månad {month_name!r}.")
    published_local = published.astimezone(STOCKHOLM).date()
    date = None
    for year in (published_local.year, published_local.year - 1, published_local.year + 1):
        try:
            candidate = dt.date(year, month, int(day))
        except ValueError:
            continue
        if candidate <= published_local + dt.timedelta(days=1):
            date = candidate
            break
    if date is None:
        raise EventError(f"Namnet {name!r} har inget giltigt datum.")
    if hour is None:
        return date, None
    if int(hour) > 23 or int(minute) > 59:
        raise EventError(f"Namnet {name!r} har ett ogiltigt klockslag.")
    local = dt.datetime(date.year, date.month, date.day, int(hour), int(minute), tzinfo=STOCKHOLM)
    return date, local


def parse_gps(value) -> tuple[float, float]:
    match = _GPS.match(value) if isinstance(value, str) else None
    if not match:
        raise EventError(f'Koordinaten {value!r} har inte formatet "lat,lon".')
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise EventError(f"Koordinaten {value!r} ligger utanför jorden.")
    return lat, lon


def _text(raw, key, *, required=True, limit=MAX_TEXT):
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise EventError(f"Fältet {key!r} saknas eller är inte text.")
    if "\x00" in value:
        raise EventError(f"Fältet {key!r} innehåller ett NUL-tecken.")
    return value.strip()[:limit]


def read_event(raw) -> Event:
    """One validated event, or EventError naming what is wrong."""
    if not isinstance(raw, dict):
        raise EventError("Händelsen är inte ett JSON-objekt.")
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise EventError("Händelsen saknar " + ", ".join(repr(k) for k in missing) + ".")
    police_id = raw["id"]
    if isinstance(police_id, str) and police_id.isdigit():
        police_id = int(police_id)
    if isinstance(police_id, bool) or not isinstance(police_id, int) or police_id <= 0:
        raise EventError(f"Id {raw['id']!r} är inte ett positivt heltal.")
    location = raw["location"]
    if not isinstance(location, dict) or "name" not in location or "gps" not in location:
        raise EventError("Platsen ('location') saknar 'name' eller 'gps'.")
    name = _text(raw, "name", limit=500)
    published = parse_published(raw["datetime"])
    occurred_date, occurred_at = parse_occurred(name, published)
    location_name = location["name"]
    if not isinstance(location_name, str) or not location_name.strip() or "\x00" in location_name:
        raise EventError("Platsens namn saknas eller är inte text.")
    return Event(
        police_id=police_id,
        published_at=published,
        occurred_at=occurred_at,
        occurred_date=occurred_date,
        name=name,
        type=_text(raw, "type", limit=100),
        summary=_text(raw, "summary", required=False),
        body=_text(raw, "html_body", required=False),
        url=_text(raw, "url", required=False, limit=500),
        location_name=location_name.strip(),
        gps=parse_gps(location["gps"]),
    )


def belongs_to(event: Event, municipality: str, counties: frozenset[str]) -> bool:
    """Whether the event belongs to ``municipality`` (case-insensitive): the feed names the
    municipality as the location, or names a county there and the municipality as the last
    part of ``name`` (every event since about January 2026)."""
    wanted = municipality.casefold()
    location = event.location_name.casefold()
    if location == wanted:
        return True
    return location in counties and event.place_part.casefold() == wanted


def event_url(url: str) -> str:
    """The event's page on polisen.se (the feed gives a path)."""
    if url.startswith(("https://", "http://")):
        return url
    return "https://polisen.se" + (url if url.startswith("/") else "/" + url) if url else ""
