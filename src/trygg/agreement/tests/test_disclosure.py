"""Disclosure control across the agreement side: a viewer who puts indicators side by side
(nested areas, months beside a year) or reads the annual report beside an indicator cannot
work out a count of 1-4. Each attack is shown to work on the counts with only "<5"
(so the test can fail), then to be gone in what the viewer is shown."""

import datetime as dt
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from trygg.agreement import annual, disclosure, services
from trygg.agreement.indicators import indicator_series, periods_between
from trygg.agreement.models import AnnualReport, Indicator
from trygg.incidents import rollup
from trygg.incidents.models import Category, Incident, Source
from trygg.situation.periods import Period
from trygg.situation.suppression import (
    HIDDEN_TEXT,
    SMALL_TEXT,
    Status,
    disclosure_ranges,
    display_texts,
    is_protected,
    suppress,
)
from trygg.work import services as work

pytestmark = pytest.mark.django_db


def add_incidents(world, counts):
    """``counts``: {(category code, area, date): n}; then the rollup rebuilt."""
    categories = {c.code: c for c in Category.objects.filter(partnership=None)}
    now = timezone.now()
    for (code, area, day), n in counts.items():
        for i in range(n):
            Incident.objects.create(
                partnership=world.p,
                organisation=world.org_a,
                reported_by=world.users["reporter"],
                source=Source.MANUAL,
                category=categories[code],
                occurred_date=day,
                reported_at=now,
                area=area,
                place_type="street",
                age_group="adults",
                description=f"händelse {code} {i}",
            )
    rollup.rebuild([world.p.pk])


def indicator(world, name, *, codes, areas=(), resolution="month"):
    return services.save_indicator(
        actor=world.coordinator,
        partnership=world.p,
        goal=world.goal,
        name=name,
        kind="computed",
        categories=Category.objects.filter(code__in=codes, partnership=None),
        areas=list(areas),
        resolution=resolution,
    )


def seen(world, user):
    """{cell key: what ``user`` sees}, over every period the viewer can ask for."""
    found = {}
    for ind in Indicator.objects.filter(kind="computed").order_by("pk"):
        start, end = disclosure.full_range(ind, timezone.localdate())
        series = indicator_series(ind, user=user, start=start, end=end)
        for row in series["periods"]:
            found[disclosure.indicator_key(ind, Period.from_key(row["key"]))] = row["display"]
    return found


def annual_seen(world, year, membership):
    report = AnnualReport.objects.get(partnership=world.p, year=year)
    content = annual.view(report.snapshot, membership, partnership=world.p)
    found = {}
    for row in content["lagesbild"]["rows"]:
        found[disclosure.annual_key(year, "this", row["code"])] = row["count_text"]
        found[disclosure.annual_key(year, "last", row["code"])] = row["last_text"]
    found[disclosure.annual_key(year, "this", "total")] = content["lagesbild"]["total_text"]
    found[disclosure.annual_key(year, "last", "total")] = content["lagesbild"]["last_total_text"]
    return found, content


def attacker(world, displayed):
    """The reader's best ranges for the hidden cells, from what was displayed and the
    relations between the cells (which rollup entries they share)."""
    values, constraints, atoms = disclosure.build_table(world.p, timezone.localdate())
    statuses, shown = {}, {}
    for key in values:
        if key in atoms:
            continue
        text = displayed.get(key)
        if text is None or text == "inga uppgifter":
            atoms.append(key)  # not shown anywhere: the reader knows only that it is >= 0
        elif text == SMALL_TEXT:
            statuses[key] = Status.PRIMARY
        elif text == HIDDEN_TEXT:
            statuses[key] = Status.SECONDARY
        else:
            statuses[key] = Status.SHOWN
            shown[key] = int(text)
    ranges = disclosure_ranges(statuses, shown, constraints, unpublished=atoms)
    return {key: ranges[key] for key, s in statuses.items() if s == Status.PRIMARY}


def only_small_hidden(world, displayed):
    """What the viewer would have seen with "<5" alone: every other count shown."""
    values, _constraints, _atoms = disclosure.build_table(world.p, timezone.localdate())
    return {
        key: (SMALL_TEXT if 0 < values[key] < 5 else str(values[key]))
        for key, text in displayed.items()
        if key in values and text != "inga uppgifter"
    }


def report_alone(world, year):
    """The annual report's rows as the report alone suppressed them: each window's rows
    and total as one table, beside nothing else."""
    lagesbild = AnnualReport.objects.get(partnership=world.p, year=year).snapshot["lagesbild"]
    texts = {}
    for which, count, total in (("this", "count", "total"), ("last", "last", "last_total")):
        values = {
            disclosure.annual_key(year, which, r["code"]): r[count] for r in lagesbild["rows"]
        }
        total_key = disclosure.annual_key(year, which, "total")
        statuses = suppress({**values, total_key: lagesbild[total]}, [(total_key, list(values))])
        texts.update(display_texts({**values, total_key: lagesbild[total]}, statuses))
    return texts


def assert_protected(world, displayed):
    ranges = attacker(world, displayed)
    assert ranges, "the scenario has small counts"
    pinned = {k: r for k, r in ranges.items() if not is_protected(*r)}
    assert not pinned, f"hidden counts recoverable: {pinned}"


def test_nested_area_indicators_do_not_give_a_small_month_away(agreement_world, client):
    w = agreement_world  # Valsta (district) = Centrala Valsta (r1) + Västra Valsta (r2)
    counts = {}
    for month in range(1, 11):
        day = dt.date(2026, month, 10)
        counts[("VALD.HOT", w.r1, day)] = 3 if month == 3 else 6 + month % 3
        counts[("VALD.HOT", w.r2, day)] = 7
    add_incidents(w, counts)
    whole = indicator(w, "Hot i Valsta", codes=["VALD.HOT"], areas=[w.district])
    part = indicator(w, "Hot i Centrala Valsta", codes=["VALD.HOT"], areas=[w.r1])
    other = indicator(w, "Hot i Västra Valsta", codes=["VALD.HOT"], areas=[w.r2])
    march = Period.of_month(2026, 3)

    viewer_sees = seen(w, w.users["viewer"])
    key = disclosure.indicator_key
    assert viewer_sees[key(part, march)] == SMALL_TEXT
    # The attack with "<5" alone: Valsta 10 − Västra Valsta 7 = 3.
    naive = only_small_hidden(w, viewer_sees)
    assert (naive[key(whole, march)], naive[key(other, march)]) == ("10", "7")
    assert attacker(w, naive)[key(part, march)] == (3.0, 3.0)
    # What the viewer is shown: one of the two is hidden, and nothing small is pinned.
    assert HIDDEN_TEXT in (viewer_sees[key(whole, march)], viewer_sees[key(other, march)])
    assert_protected(w, viewer_sees)
    # Months without a small count are all shown.
    assert viewer_sees[key(whole, Period.of_month(2026, 5))] == 6 + 5 % 3 + 7
    # The page of the indicator with the hidden month says why.
    hidden = whole if viewer_sees[key(whole, march)] == HIDDEN_TEXT else other
    client.force_login(w.users["viewer"])
    note = "”–” döljer ett antal som tillsammans med andra indikatorer"
    assert note in client.get(reverse("agreement:indicator", args=[hidden.pk])).content.decode()
    assert client.get(reverse("agreement:detail", args=[w.agreement.pk])).status_code == 200
    # The coordinator sees every count.
    coordinator_sees = seen(w, w.coordinator)
    assert coordinator_sees[key(part, march)] == 3
    assert coordinator_sees[key(whole, march)] == 10


def test_months_beside_a_year_do_not_give_a_small_month_away(agreement_world):
    w = agreement_world
    counts = {("NARK.BRUK", w.r3, dt.date(2025, m, 5)): (2 if m == 6 else 8) for m in range(1, 13)}
    add_incidents(w, counts)
    months = indicator(w, "Narkotika i Märsta per månad", codes=["NARK.BRUK"], areas=[w.r3])
    year = indicator(
        w, "Narkotika i Märsta per år", codes=["NARK.BRUK"], areas=[w.r3], resolution="year"
    )
    key = disclosure.indicator_key
    viewer_sees = seen(w, w.users["viewer"])
    june = key(months, Period.of_month(2025, 6))
    assert viewer_sees[june] == SMALL_TEXT
    naive = only_small_hidden(w, viewer_sees)
    assert naive[key(year, Period.of_year(2025))] == str(11 * 8 + 2)
    assert attacker(w, naive)[june] == (2.0, 2.0)
    shown_months = [
        viewer_sees[key(months, Period.of_month(2025, m))] for m in range(1, 13) if m != 6
    ]
    assert viewer_sees[key(year, Period.of_year(2025))] == HIDDEN_TEXT or (
        HIDDEN_TEXT in shown_months
    )
    assert_protected(w, viewer_sees)


@pytest.fixture
def approved_2025(agreement_world):
    """2025: violence 30, drugs 20, social 3 (each month some); 2024 alike, social 0;
    a year indicator over the drugs group in the whole municipality, and a monthly one over
    the social category, and the 2025 annual report approved."""
    w = agreement_world
    counts = {}
    for m in range(1, 11):
        counts[("VALD.HOT", w.r1, dt.date(2025, m, 3))] = 3
        counts[("NARK.BRUK", w.r2, dt.date(2025, m, 4))] = 2
        counts[("VALD.HOT", w.r1, dt.date(2024, m, 3))] = 2
        counts[("NARK.BRUK", w.r2, dt.date(2024, m, 4))] = 1
    counts[("SOCIAL.NATVERK", w.r3, dt.date(2025, 5, 6))] = 3
    add_incidents(w, counts)
    drugs = Category.objects.get(code="NARK", partnership=None)
    services.save_indicator(
        actor=w.coordinator,
        partnership=w.p,
        goal=w.goal,
        name="Narkotika i kommunen per år",
        kind="computed",
        categories=[drugs],
        resolution="year",
    )
    w.social = indicator(w, "Sociala risker per månad", codes=["SOCIAL.NATVERK"])
    services.save_annual_texts(actor=w.coordinator, partnership=w.p, year=2025, assessment="Bra.")
    services.approve_annual_report(actor=w.coordinator, partnership=w.p, year=2025)
    return w


def test_the_annual_report_beside_an_indicator_gives_no_small_count_away(approved_2025):
    w = approved_2025
    viewer = w.p.memberships.get(user=w.users["viewer"])
    report_sees, _content = annual_seen(w, 2025, viewer)
    social = disclosure.annual_key(2025, "this", "SOCIAL")
    assert report_sees[social] == SMALL_TEXT
    displayed = {**seen(w, w.users["viewer"]), **report_sees}
    # With "<5" alone and the report's own table: the total 53, violence 30 and the
    # drugs indicator's 20 (the report hides its drugs row) give social = 3.
    naive = {**only_small_hidden(w, seen(w, w.users["viewer"])), **report_alone(w, 2025)}
    drugs_row = disclosure.annual_key(2025, "this", "NARK")
    assert (naive[social], naive[drugs_row]) == (SMALL_TEXT, HIDDEN_TEXT)
    assert attacker(w, naive)[social] == (3.0, 3.0)
    assert_protected(w, displayed)


def indicator_row(body, name):
    start = body.index(name)
    return body[start : body.index("</tr>", start)]


def test_a_year_value_with_a_hidden_month_is_withheld_from_viewers(approved_2025, client):
    w = approved_2025
    client.force_login(w.users["viewer"])
    body = client.get(reverse("agreement:annual", args=[2025])).content.decode()
    row = indicator_row(body, "Sociala risker per månad")
    assert "Årets värde visas inte eftersom en period har ett litet antal som är dolt." in row
    # 3 incidents in one month of twelve: the year's mean is 0.25, shown as 0,3.
    assert "0,3" not in row
    client.force_login(w.coordinator)
    body = client.get(reverse("agreement:annual", args=[2025])).content.decode()
    row = indicator_row(body, "Sociala risker per månad")
    assert "Årets värde visas inte" not in row
    assert '<td class="num">0,3</td>' in row


def test_a_late_report_after_approval_hides_every_count_of_the_window(approved_2025, client):
    w = approved_2025
    add_incidents(w, {("VALD.HOT", w.r1, dt.date(2025, 7, 9)): 1})
    viewer = w.p.memberships.get(user=w.users["viewer"])
    report_sees, _content = annual_seen(w, 2025, viewer)
    this_year = {k: v for k, v in report_sees.items() if k[2] == "this"}
    assert set(map(str, this_year.values())) <= {"0", SMALL_TEXT, HIDDEN_TEXT}
    assert this_year[disclosure.annual_key(2025, "this", "VALD")] == HIDDEN_TEXT
    # Last year's counts did not change: they keep their joint statuses.
    assert report_sees[disclosure.annual_key(2025, "last", "VALD")] == "20"
    client.force_login(w.users["viewer"])
    response = client.get(reverse("agreement:annual_pdf", args=[2025]))
    assert response.status_code == 200


def test_the_joint_table_is_empty_before_the_first_report(agreement_world):
    w = agreement_world
    indicator(w, "Hot i Valsta", codes=["VALD.HOT"], areas=[w.district])
    assert disclosure.viewer_table(w.p, timezone.localdate()) == {}
    series = indicator_series(Indicator.objects.get(), user=w.users["viewer"])
    assert {row["display"] for row in series["periods"]} == {"inga uppgifter"}


# --- the model alone: no database ---------------------------------------------------------


def synthetic(seed, *, indicators=8, days=400, rows=300):
    """Random aggregates over small domains, and random rollup rows."""
    rng = random.Random(seed)
    domains = (["c1", "c2", "c3", "c4"], ["a1", "a2", "a3"], ["public", "other"], ["youth"])
    first = dt.date(2025, 1, 1)
    aggregates = []
    for i in range(indicators):
        selection = [
            frozenset(rng.sample(d, rng.randint(1, len(d)))) if rng.random() < 0.8 else None
            for d in domains
        ]
        kind = rng.choice(["week", "month", "tertial"])
        for period in periods_between(kind, first, first + dt.timedelta(days=days)):
            aggregates.append(
                disclosure.Aggregate(("i", i, period.key), *selection, period.start, period.end)
            )
    data = [
        (
            *(rng.choice(d) for d in domains),
            first + dt.timedelta(days=rng.randrange(days)),
            rng.randint(1, 3),
        )
        for _ in range(rows)
    ]
    return aggregates, domains, data


def holds(aggregate, row):
    *combo, day, _n = row
    return aggregate.start <= day <= aggregate.end and all(
        s is None or v in s for s, v in zip(aggregate.selection(), combo, strict=True)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_cell_is_the_sum_of_its_rollup_entries(seed):
    aggregates, domains, data = synthetic(seed)
    values, _constraints, _atoms = disclosure.table_of(aggregates, domains, data)
    for aggregate in aggregates:
        expected = sum(row[-1] for row in data if holds(aggregate, row))
        assert values[aggregate.key] == expected


@pytest.mark.parametrize("seed", [4, 5])
def test_an_entry_counts_in_exactly_the_cells_that_hold_it(seed):
    aggregates, domains, data = synthetic(seed, rows=40)
    for row in data:
        values, constraints, atoms = disclosure.table_of(aggregates, domains, [row])
        (atom,) = [a for a in atoms if values[a]]
        cells = {c.total for c in constraints if atom in c.parts}
        assert cells == {a.key for a in aggregates if holds(a, row)}


def test_evaluations_in_the_annual_report_show_viewers_no_counts(agreement_world, client):
    w = agreement_world
    add_incidents(
        w,
        {
            ("VALD.HOT", w.r1, dt.date(2025, 2, 3)): 2,
            ("VALD.HOT", w.r1, dt.date(2025, 6, 3)): 1,
            ("VALD.HOT", w.r3, dt.date(2025, 2, 3)): 9,
            ("VALD.HOT", w.r3, dt.date(2025, 6, 3)): 8,
        },
    )
    action = work.create_action(
        actor=w.coordinator,
        partnership=w.p,
        title="Trygghetsvandring i Centrala Valsta",
        type="environment",
        organisation=w.org_a,
        label="GREEN",
        goal=w.goal,
        areas=[w.r1],
        start=dt.date(2025, 4, 1),
        end=dt.date(2025, 4, 30),
    )
    work.update_action(actor=w.coordinator, partnership=w.p, action=action, status="done")
    evaluation = work.evaluate_action(
        actor=w.coordinator,
        partnership=w.p,
        action=action,
        categories=Category.objects.filter(code="VALD.HOT", partnership=None),
        comparison_areas=[w.r3],
        before=(dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        after=(dt.date(2025, 5, 1), dt.date(2025, 7, 31)),
    )
    assert "2 händelser före och 1 efter" in evaluation.conclusion
    services.save_annual_texts(actor=w.coordinator, partnership=w.p, year=2025, assessment="Bra.")
    services.approve_annual_report(actor=w.coordinator, partnership=w.p, year=2025)

    client.force_login(w.users["viewer"])
    body = client.get(reverse("agreement:annual", args=[2025])).content.decode()
    assert "Trygghetsvandring i Centrala Valsta" in body
    assert "Ingen påvisbar förändring jämfört med jämförelseområdena." in body
    assert "2 händelser före" not in body and "kvot" not in body
    client.force_login(w.coordinator)
    body = client.get(reverse("agreement:annual", args=[2025])).content.decode()
    assert "2 händelser före och 1 efter" in body


def test_the_start_page_beside_weekly_indicators_gives_no_small_count_away(agreement_world, client):
    w = agreement_world
    day = dt.date(2026, 11, 24)  # this week (TODAY is Thursday 26 November 2026)
    add_incidents(w, {("VALD.HOT", w.r1, day): 7, ("NARK.BRUK", w.r2, day): 3})
    others = Category.objects.filter(partnership=None, parent__isnull=False).exclude(
        code="NARK.BRUK"
    )
    violence = indicator(
        w, "Allt utom narkotika per vecka", codes=[c.code for c in others], resolution="week"
    )
    drugs = indicator(w, "Narkotika per vecka", codes=["NARK.BRUK"], resolution="week")
    week = Period.containing("week", day)
    key = disclosure.indicator_key
    viewer_sees = seen(w, w.users["viewer"])
    assert viewer_sees[key(drugs, week)] == SMALL_TEXT
    client.force_login(w.users["viewer"])
    home = client.get(reverse("core:home")).content.decode()
    shown_total = '<span class="stat__value">10</span>' in home
    # The start page's 10 minus the other categories' 7 would be the drugs count.
    assert not (shown_total and viewer_sees[key(violence, week)] == 7)
    assert shown_total or f'<span class="stat__value">{HIDDEN_TEXT}</span>' in home
    displayed = {**viewer_sees, disclosure.home_key("this_week"): "10" if shown_total else "–"}
    displayed[disclosure.home_key("previous_week")] = "0"
    assert_protected(w, displayed)
    client.force_login(w.coordinator)
    home = client.get(reverse("core:home")).content.decode()
    assert '<span class="stat__value">10</span>' in home


def test_this_month_beside_its_weeks_so_far_gives_no_small_week_away(agreement_world):
    w = agreement_world  # TODAY is Thursday 26 November 2026: week 48 so far
    counts = {
        ("VALD.HOT", w.r1, dt.date(2026, 11, 3)): 8,
        ("VALD.HOT", w.r1, dt.date(2026, 11, 10)): 9,
        ("VALD.HOT", w.r1, dt.date(2026, 11, 17)): 7,
        ("VALD.HOT", w.r1, dt.date(2026, 11, 24)): 2,
        ("VALD.HOT", w.r1, dt.date(2026, 10, 5)): 6,  # the first report
    }
    add_incidents(w, counts)
    weeks = indicator(w, "Hot per vecka", codes=["VALD.HOT"], areas=[w.r1], resolution="week")
    months = indicator(w, "Hot per månad", codes=["VALD.HOT"], areas=[w.r1])
    key = disclosure.indicator_key
    viewer_sees = seen(w, w.users["viewer"])
    week48 = key(weeks, Period.of_week(2026, 48))
    assert viewer_sees[week48] == SMALL_TEXT
    # November so far (26) minus weeks 45-47 (24) and week 44's 0 is week 48: the days
    # after today hold nothing, and the reader knows it.
    others = [key(weeks, Period.of_week(2026, n)) for n in (44, 45, 46, 47)]
    november = key(months, Period.of_month(2026, 11))
    assert not (
        viewer_sees[november] == 26 and all(viewer_sees[k] not in (HIDDEN_TEXT,) for k in others)
    )
    assert_protected(w, viewer_sees)
