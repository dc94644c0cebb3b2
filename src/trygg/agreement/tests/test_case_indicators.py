"""Person track indicators: the anonymous case counts (``trygg.cases.stats``) as agreement
indicators. Each equals an independent count over the case rows and the tallies of purged
cases; counts of 1-4 are "<5" for every reader (coordinators too), on the page, in the
chart, in the annual report and its PDF; the baseline is withheld when it would give a
hidden count away; weeks are refused; no case code, name or personnummer leaves."""

import datetime as dt
import random
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from trygg.agreement import services
from trygg.agreement.indicators import indicator_series
from trygg.agreement.models import AnnualReport, Indicator
from trygg.audit.models import AuditEntry
from trygg.cases.models import Case, CaseTally
from trygg.cases.tests.conftest import NAME, PNR, PNR_10, make_case, valid_pnr

from .conftest import TODAY
from .test_annual import pdf_text

pytestmark = pytest.mark.django_db


def add_case(world, programme, opened, closed=None, serial=0):
    case = make_case(
        world,
        name=f"{NAME} {serial}",
        pnr=valid_pnr("20090101", f"{serial:03d}"),
        programme=programme,
        with_b=False,
    )
    Case.objects.filter(pk=case.pk).update(opened_on=opened, closed_on=closed)
    return case


def save(world, **fields):
    fields = {
        "name": "Personärenden",
        "kind": "cases",
        "resolution": "month",
        "case_measure": "new",
        "case_programme": "both",
        **fields,
    }
    return services.save_indicator(
        actor=world.coordinator, partnership=world.p, goal=world.goal, **fields
    )


# --- equal to an independent count -----------------------------------------------------


def independent(world, measure, programmes, start, end):
    """How many cases (live, and purged ones' tallies) meet ``measure`` in [start, end]."""
    spans = [
        (c.programme, c.opened_on, c.closed_on)
        for c in Case.objects.all()
        if c.partnership_id == world.p.pk
    ]
    spans += [
        (t.programme, t.opened_month, t.closed_month)
        for t in CaseTally.objects.all()
        if t.partnership_id == world.p.pk
    ]
    per_programme = dict.fromkeys(programmes, 0)
    for programme, opened, closed in spans:
        if programme not in programmes:
            continue
        if measure == "new":
            hit = start <= opened <= end
        elif measure == "completed":
            hit = closed is not None and start <= closed <= end
        else:
            hit = opened <= end and (closed is None or closed >= start)
        per_programme[programme] += hit
    return per_programme


@pytest.fixture
def many_cases(agreement_world):
    w = agreement_world
    rng = random.Random(9)
    first = dt.date(2024, 6, 1)
    for serial in range(80):
        opened = first + dt.timedelta(days=rng.randrange((TODAY - first).days))
        closed = None
        if rng.random() < 0.6:
            closed = opened + dt.timedelta(days=rng.randrange(20, 400))
            closed = None if closed > TODAY else closed
        add_case(w, rng.choice(["sspf", "exit"]), opened, closed, serial=100 + serial)
    CaseTally.objects.create(
        partnership=w.p,
        programme="sspf",
        opened_month=dt.date(2024, 2, 1),
        closed_month=dt.date(2025, 3, 1),
    )
    return w


@pytest.mark.parametrize("resolution", ["month", "tertial", "year"])
@pytest.mark.parametrize("measure", ["new", "active", "completed"])
@pytest.mark.parametrize("programme", ["both", "sspf", "exit"])
def test_a_case_indicator_equals_an_independent_count(many_cases, resolution, measure, programme):
    w = many_cases
    indicator = save(w, resolution=resolution, case_measure=measure, case_programme=programme)
    series = indicator_series(indicator, user=w.coordinator)
    programmes = ["sspf", "exit"] if programme == "both" else [programme]
    shown = hidden = 0
    for row in series["periods"]:
        parts = independent(w, measure, programmes, row["start"], row["end"])
        total = sum(parts.values())
        if 0 < total < 5:
            # "<5", or "–" where "<5" would itself give a small count away.
            assert row["display"] in ("<5", "–"), row["key"]
            assert row["value"] is None and row["count"] is None
            hidden += 1
        elif row["display"] == "–":  # hidden so that no small count follows from it
            assert row["value"] is None and row["count"] is None and row["hidden"]
            hidden += 1
        else:
            assert row["value"] == row["count"] == total, row["key"]
            shown += 1
    assert len(series["periods"]) > 1
    if measure == "active":
        assert shown
    if resolution == "month" and measure != "active":
        assert hidden  # some months have 1-4 new or completed cases


def test_active_over_a_tertial_counts_each_case_once(agreement_world):
    w = agreement_world
    for i in range(6):
        add_case(w, "sspf", dt.date(2025, 1, 10), dt.date(2025, 4, 20), serial=i)
    indicator = save(w, resolution="tertial", case_measure="active", case_programme="sspf")
    rows = {r["key"]: r for r in indicator_series(indicator)["periods"]}
    first, second = sorted(rows)[:2]
    assert rows[first]["value"] == 6  # not 4 months × 6
    assert rows[second]["value"] == 0


def test_no_small_count_follows_from_indicators_side_by_side(many_cases):
    """Every count any indicator can show, as a reader with all of them sees it: each
    "<5" can still take at least two values (the suppression's own attacker)."""
    from trygg.cases import stats
    from trygg.situation.suppression import Status, disclosure_ranges, is_protected

    w = many_cases
    _values, constraints, flows = stats.indicator_cells(w.p, TODAY)
    table = stats.indicator_table(w.p, TODAY)
    statuses = {cell: status for cell, (_n, status) in table.items()}
    assert Status.PRIMARY in statuses.values() and Status.SECONDARY in statuses.values()
    shown = {cell: n for cell, (n, status) in table.items() if status == Status.SHOWN}
    ranges = disclosure_ranges(statuses, shown, constraints, unpublished=flows)
    for cell, status in statuses.items():
        if status == Status.PRIMARY:
            assert is_protected(*ranges[cell]), cell


def test_a_tertial_does_not_give_a_hidden_month_away(agreement_world):
    w = agreement_world
    serial = 0
    for month, n in ((1, 6), (2, 7), (3, 3), (4, 5), (5, 5), (6, 6), (7, 8), (8, 9)):
        for _i in range(n):
            add_case(w, "sspf", dt.date(2026, month, 10), serial=serial)
            serial += 1
    months = {r["key"]: r for r in indicator_series(save(w, case_programme="sspf"))["periods"]}
    assert months["2026-03"]["display"] == "<5"
    for measure in ("new", "active"):
        indicator = save(w, case_programme="sspf", resolution="tertial", case_measure=measure)
        tertials = {r["label"]: r for r in indicator_series(indicator)["periods"]}
        # 21 new (or active: no case is older) in the first tertial would give March's 3
        # away beside January's, February's and April's counts.
        others = [months[f"2026-0{m}"]["value"] for m in (1, 2, 4)]
        assert tertials["T1 2026"]["value"] is None or None in others, measure
    both = {r["key"]: r for r in indicator_series(save(w))["periods"]}
    assert both["2026-03"]["display"] == "<5"  # 3 SSPF and no exit cases


# --- small counts, for every reader ------------------------------------------------------


@pytest.fixture
def small_world(agreement_world):
    w = agreement_world
    codes = []
    for i in range(3):  # 3 new SSPF cases in March 2026: a small count
        codes.append(add_case(w, "sspf", dt.date(2026, 3, 4), serial=i).code)
    for i in range(6):  # 6 new exit cases in March 2026
        codes.append(add_case(w, "exit", dt.date(2026, 3, 9), serial=10 + i).code)
    for i in range(7):  # 7 new SSPF cases in May 2026
        codes.append(add_case(w, "sspf", dt.date(2026, 5, 2), serial=20 + i).code)
    w.case_codes = codes
    return w


@pytest.mark.parametrize("role", ["coordinator", "viewer", "analyst"])
def test_small_counts_are_hidden_from_every_role(small_world, client, role):
    w = small_world
    sspf = save(
        w,
        name="Nya SSPF-ärenden",
        case_programme="sspf",
        baseline_start=dt.date(2026, 1, 1),
        baseline_end=dt.date(2026, 6, 30),
        target_value="6",
    )
    both = save(w, name="Nya ärenden totalt")
    exit_ = save(w, name="Nya avhopparärenden", case_programme="exit")
    user = w.users[role] if role != "coordinator" else w.coordinator
    rows = {r["key"]: r for r in indicator_series(sspf, user=user)["periods"]}
    assert rows["2026-03"]["display"] == "<5" and rows["2026-03"]["value"] is None
    # 9 over both programmes beside 6 exit cases would give 3 away: one is hidden ("–").
    both_rows = {r["key"]: r for r in indicator_series(both, user=user)["periods"]}
    exit_rows = {r["key"]: r for r in indicator_series(exit_, user=user)["periods"]}
    pair = (both_rows["2026-03"]["display"], exit_rows["2026-03"]["display"])
    assert pair.count("–") == 1, pair
    # The mean over January-June with one month hidden would give it away: withheld.
    series = indicator_series(sspf, user=user)
    assert series["baseline"]["value"] is None
    assert any("Jämförelsevärdet visas inte" in n for n in series["notes"])

    client.force_login(user)
    for url in (
        reverse("agreement:indicator", args=[sspf.pk]),
        reverse("agreement:indicator", args=[both.pk]),
        reverse("agreement:detail", args=[w.agreement.pk]),
    ):
        body = client.get(url).content.decode()
        assert "&lt;5" in body or url.endswith(f"/{both.pk}/")
        assert "2026-03: 3" not in body
        for secret in (NAME, PNR, PNR_10, *w.case_codes):
            assert secret not in body
    body = client.get(reverse("agreement:indicator", args=[sspf.pk])).content.decode()
    assert "personärenden (antal)" in body.lower() and "Nya ärenden<" in body


def test_the_baseline_is_shown_when_nothing_is_hidden(agreement_world):
    w = agreement_world
    for i in range(6):
        add_case(w, "exit", dt.date(2026, 3, 9), serial=i)
    indicator = save(
        w,
        case_programme="exit",
        baseline_start=dt.date(2026, 1, 1),
        baseline_end=dt.date(2026, 6, 30),
    )
    series = indicator_series(indicator, user=w.coordinator)
    # 6 in March, 0 in April-June; January and February come before the first case
    # ("inga uppgifter", not 0) and are not part of the mean
    shown = {p["key"]: p["display"] for p in series["periods"]}
    assert [shown[f"2026-0{m}"] for m in (1, 2, 3, 4)] == ["inga uppgifter"] * 2 + [6, 0]
    assert series["baseline"]["value"] == 1.5


def test_the_annual_report_and_its_pdf_hide_small_counts_from_the_coordinator(
    agreement_world, client
):
    w = agreement_world
    codes = [add_case(w, "sspf", dt.date(2025, 2, 3), serial=i).code for i in range(2)]
    indicator = save(
        w,
        name="Nya SSPF-ärenden per år",
        resolution="year",
        case_programme="sspf",
        baseline_start=dt.date(2025, 1, 1),
        baseline_end=dt.date(2025, 12, 31),
    )
    services.save_annual_texts(actor=w.coordinator, partnership=w.p, year=2025, assessment="Ok.")
    client.force_login(w.coordinator)
    body = client.get(reverse("agreement:annual", args=[2025])).content.decode()
    assert "Nya SSPF-ärenden per år" in body and "visas som ”<5” för alla" in body
    assert client.post(reverse("agreement:annual_approve", args=[2025])).status_code == 302
    report = AnnualReport.objects.get(year=2025)
    entry = report.snapshot["agreements"][0]["priorities"][0]["goals"][0]["indicators"][0]
    assert entry["id"] == indicator.pk
    assert entry["value"] is None and entry["baseline"] is None  # 2 is never stored
    text = pdf_text(bytes(report.pdf))
    assert "Nya SSPF-ärenden per år" in text
    for secret in (NAME, PNR, PNR_10, *codes):
        assert secret not in text and secret not in str(report.snapshot)


def test_a_mean_below_five_is_shown_as_small_in_the_annual_report():
    from trygg.agreement.annual import _value_text

    entry = {"kind": "cases", "metric": "count", "value": 2.5}
    assert _value_text(entry, "value", True) == "<5"
    assert _value_text({**entry, "value": 0.0}, "value", True) == "0"
    assert _value_text({**entry, "value": 6.0}, "value", True) == "6"


# --- definition: good and bad -------------------------------------------------------------


def test_weeks_and_unknown_choices_are_refused(agreement_world):
    w = agreement_world
    with pytest.raises(ValidationError) as error:
        save(w, resolution="week")
    assert "Personärenden räknas per månad" in error.value.message_dict["resolution"][0]
    with pytest.raises(ValidationError) as error:
        save(w, case_measure="reopened", case_programme="police")
    assert set(error.value.message_dict) == {"case_measure", "case_programme"}
    assert not Indicator.objects.exists()


def test_the_form_creates_a_case_indicator_and_refuses_weeks(agreement_world, client):
    w = agreement_world
    client.force_login(w.coordinator)
    url = reverse("agreement:indicator_create", args=[w.goal.pk])
    data = {
        "name": "Avslutade avhopparärenden",
        "kind": "cases",
        "resolution": "week",
        "case_measure": "completed",
        "case_programme": "exit",
        "target_direction": "increase",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Personärenden räknas per månad. Välj månad, tertial eller år." in (
        response.content.decode()
    )
    assert not Indicator.objects.exists()
    response = client.post(url, {**data, "resolution": "tertial"})
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.kind, indicator.case_measure, indicator.case_programme) == (
        "cases",
        "completed",
        "exit",
    )
    assert not indicator.categories.exists() and indicator.unit == ""
    entry = AuditEntry.objects.get(action="agreement.indicator_create")
    assert entry.data["case_measure"] == "completed"
    edit = client.get(reverse("agreement:indicator_edit", args=[indicator.pk])).content.decode()
    assert re.search(r'name="case_measure" value="completed"[^>]*checked', edit)
    client.force_login(w.users["viewer"])
    assert client.post(url, {**data, "resolution": "month"}).status_code == 403


def test_the_statistics_page_hides_the_same_cells_as_the_indicators(small_world):
    from trygg.cases import stats

    w = small_world
    march = dt.date(2026, 3, 1)
    row = next(r for r in stats.suppressed_table(w.p, march, TODAY) if r["month"] == march)
    # new: sspf, exit, all (the page's first three cells)
    for index, programme in enumerate(("sspf", "exit", "both")):
        indicator = save(w, name=programme, case_programme=programme)
        rows = {r["key"]: r for r in indicator_series(indicator)["periods"]}
        assert str(rows["2026-03"]["display"]) == row["cells"][index], programme
    assert row["cells"][0] == "<5" and row["cells"][1:3].count("–") == 1
