"""The feed's format as seen in the real data (no database)."""

import datetime as dt
import json
from pathlib import Path

import pytest

from trygg.feeds import parsing
from trygg.feeds.parsing import EventError, FeedError

DATA = Path(__file__).resolve().parent.parent / "data"
SIGTUNA_FILE = DATA / "polisen_events_sigtuna_2022-11_2026-08.json"
SWEDEN_FILE = Path(__file__).resolve().parent / "data" / "polisen_events_sweden_2024-03.jsonl"
COUNTIES = frozenset({"stockholms län", "uppsala län", "skåne län", "västra götalands län"})


def event(**changes):
    raw = {
        "id": 621868,
        "datetime": "2026-01-17 8:49:59 +01:00",
        "name": "17 januari 08.35, Rattfylleri, Sigtuna",
        "summary": "En bilist stoppades i Märsta.",
        "url": "/aktuellt/handelser/2026/januari/17/17-januari-0835-rattfylleri-sigtuna/",
        "type": "Rattfylleri",
        "location": {"name": "Stockholms län", "gps": "59.619146,17.723419"},
    }
    raw.update(changes)
    return raw


def test_an_event_reads_with_its_own_time_not_the_publishing_time():
    e = parsing.read_event(event())
    assert e.police_id == 621868
    assert e.published_at == dt.datetime(
        2026, 1, 17, 8, 49, 59, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert e.occurred_date == dt.date(2026, 1, 17)
    assert e.occurred_at.hour == 8 and e.occurred_at.minute == 35
    assert str(e.occurred_at.tzinfo) == "Europe/Stockholm"
    assert e.place_part == "Sigtuna"
    assert e.gps == (59.619146, 17.723419)


def test_a_colon_in_the_time_and_a_padded_hour_read_too():
    e = parsing.read_event(
        event(name="04 april 11:46, Luftfartslagen, Sigtuna", datetime="2023-04-04 13:00:09 +02:00")
    )
    assert (e.occurred_date, e.occurred_at.hour, e.occurred_at.minute) == (
        dt.date(2023, 4, 4),
        11,
        46,
    )


def test_an_event_of_new_years_eve_published_in_january_lies_in_the_year_before():
    e = parsing.read_event(
        event(name="31 december 23.50, Brand, Sigtuna", datetime="2026-01-01 0:41:10 +01:00")
    )
    assert e.occurred_date == dt.date(2025, 12, 31)
    assert e.occurred_at.year == 2025


def test_a_name_without_a_time_gives_the_date_only():
    e = parsing.read_event(event(name="17 januari, Sammanfattning natt, Stockholms län"))
    assert e.occurred_date == dt.date(2026, 1, 17) and e.occurred_at is None


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"id": "abc"}, "Id"),
        ({"id": -3}, "Id"),
        ({"datetime": "igår"}, "Publiceringstiden"),
        ({"name": "Rattfylleri, Sigtuna"}, "dag och månad"),
        ({"name": "17 smörgåsbord 08.35, Rattfylleri, Sigtuna"}, "okänd månad"),
        ({"name": "31 februari 08.35, Rattfylleri, Sigtuna"}, "giltigt datum"),
        ({"name": "17 januari 25.35, Rattfylleri, Sigtuna"}, "klockslag"),
        ({"location": {"name": "Sigtuna", "gps": "59,6;17,7"}}, "lat,lon"),
        ({"location": {"name": "Sigtuna", "gps": "159.6,17.7"}}, "utanför"),
        ({"location": {"name": "Sigtuna"}}, "'gps'"),
        ({"type": None}, "'type'"),
        ({"summary": "Bråk\x00 i Valsta"}, "NUL"),
        ({"location": {"name": "Sig\x00tuna", "gps": "59.6,17.7"}}, "Platsens namn"),
    ],
)
def test_a_malformed_event_is_refused_with_a_reason(changes, words):
    with pytest.raises(EventError, match=words):
        parsing.read_event(event(**changes))


def test_a_missing_key_is_named():
    raw = event()
    del raw["datetime"], raw["url"]
    with pytest.raises(EventError, match="'datetime', 'url'"):
        parsing.read_event(raw)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "tomt"),
        (b"<!DOCTYPE html><html><body>Serverfel</body></html>", "HTML"),
        (b'[{"id": 1, "name": "17 jan', "avbrutet"),
        (b'{"id": 1}\n{"id": 2', "Rad 2"),
        (b'{"events": []}', None),
        (b'"hej"', "inte en lista"),
        (b"\xff\xfe\x00", "UTF-8"),
    ],
)
def test_a_body_that_is_not_a_feed_is_refused(body, words):
    if words is None:  # a single JSON object reads as one event (JSON lines)
        assert parsing.read_feed(body) == [{"events": []}]
        return
    with pytest.raises(FeedError, match=words):
        parsing.read_feed(body)


def test_every_real_event_reads():
    events = parsing.read_feed(SIGTUNA_FILE.read_bytes())
    national = parsing.read_feed(SWEDEN_FILE.read_bytes())
    assert (len(events), len(national)) == (381, 1954)
    for raw in events + national:
        e = parsing.read_event(raw)
        # The incident happened before it was published, and not long before.
        published = e.published_at.astimezone(parsing.STOCKHOLM)
        assert e.occurred_date <= published.date()
        assert (published.date() - e.occurred_date).days < 40, raw["name"]


def test_the_municipality_filter_on_the_real_sigtuna_file():
    counties = frozenset(
        line.split(",")[3].strip().casefold()
        for line in (
            Path(parsing.__file__).parent.parent / "geo" / "data" / "swedish_admin_areas.csv"
        )
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    )
    events = [parsing.read_event(raw) for raw in json.loads(SIGTUNA_FILE.read_text())]
    kept = [e for e in events if parsing.belongs_to(e, "Sigtuna", counties)]
    assert len(kept) == 368
    by_location = sum(1 for e in kept if e.location_name == "Sigtuna")
    assert (by_location, len(kept) - by_location) == (316, 52)


def test_the_filter_compares_names_case_insensitively_and_needs_a_county():
    e = parsing.read_event(event(location={"name": "Upplands väsby", "gps": "59.5,17.9"}))
    assert parsing.belongs_to(e, "Upplands Väsby", COUNTIES)
    # A county location counts only with the municipality as the last part of the name.
    county = parsing.read_event(event(name="17 januari 08.35, Rattfylleri, Märsta, Sigtuna"))
    assert parsing.belongs_to(county, "Sigtuna", COUNTIES)
    not_county = parsing.read_event(event(location={"name": "Stockholm", "gps": "59.3,18.0"}))
    assert not parsing.belongs_to(not_county, "Sigtuna", COUNTIES)


def test_the_events_link_is_on_polisen_se():
    assert parsing.event_url("/aktuellt/x/") == "https://polisen.se/aktuellt/x/"
    assert parsing.event_url("https://polisen.se/y") == "https://polisen.se/y"
    assert parsing.event_url("") == ""
