"""The demo's agreements: Sigtuna's 2021–2022 agreement and the one in force, with
priorities, goals, live indicators, population, commitments and citizen promises."""

import datetime as dt
import random
import time

import pytest

from trygg.agreement.indicators import indicator_series
from trygg.agreement.models import Agreement, Indicator, Population, Promise
from trygg.agreement.selectors import current_agreement
from trygg.audit.models import AuditEntry
from trygg.core.models import Organisation
from trygg.demo import seed_agreement, services, sigtuna

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def seeded(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    result = services.load_demo(seed=3, scale=0.05, years=2, today=TODAY, weekly_work=False)
    p = result.partnership
    orgs = {}
    for key, name, _kind, parent_key, *_rest in sigtuna.ORGANISATIONS:
        orgs[key] = Organisation.objects.get(name=name, parent=orgs.get(parent_key))
    from django.contrib.auth import get_user_model

    users = {
        local: get_user_model().objects.get(email=f"{local}@{sigtuna.EMAIL_DOMAIN}")
        for local, *_rest in sigtuna.USERS
    }
    t = time.perf_counter()
    agreements = seed_agreement.seed(
        partnership=p, orgs=orgs, users=users, today=TODAY, rng=random.Random(5)
    )
    elapsed = time.perf_counter() - t
    return p, agreements, elapsed


def test_the_two_agreements_with_three_priorities(seeded):
    p, agreements, elapsed = seeded
    assert elapsed < 10
    old = Agreement.objects.get(
        title="Samverkansöverenskommelse mellan Sigtuna kommun och lokalpolisområde Sollentuna 2021–2022"
    )
    current = current_agreement(p, TODAY)
    assert current == agreements["current"] and current.start == dt.date(2025, 1, 1)
    for agreement in (old, current):
        assert agreement.priorities.count() == 3
        assert agreement.commitments.count() == 8
        assert agreement.promises.count() == 3
    assert Promise.objects.filter(notes__isnull=False).distinct().count() == 6


def test_the_current_indicators_are_live(seeded):
    p, agreements, _elapsed = seeded
    current = agreements["current"]
    indicators = Indicator.objects.filter(goal__priority__agreement=current)
    names = set(indicators.values_list("name", flat=True))
    assert "Otrygghetsskapande händelser på allmän plats i Valsta per månad" in names
    assert "Deltagare i avhopparverksamheten" in names
    valsta = indicators.get(name="Otrygghetsskapande händelser på allmän plats i Valsta per månad")
    series = indicator_series(valsta, today=TODAY)
    assert sum(r["count"] or 0 for r in series["periods"]) > 0
    assert series["baseline"]["value"] is not None and series["target"] is not None
    rate = indicators.get(metric="rate")
    rate_series = indicator_series(rate, today=TODAY)
    with_data = [r for r in rate_series["periods"] if r["count"] is not None]
    assert with_data and all(r["population"] for r in with_data)
    youth = indicators.get(name="Ungdomsrelaterade rapporter per tertial")
    assert youth.age_groups == ["youth"]
    survey = indicators.get(name__startswith="Andel som känner sig trygga")
    assert survey.values.count() >= 1


def test_population_sums_to_about_sigtunas_inhabitants(seeded):
    p, _agreements, _elapsed = seeded
    total = sum(
        Population.objects.filter(partnership=p, year=2024).values_list("population", flat=True)
    )
    assert 50_000 <= total <= 54_000
    assert AuditEntry.objects.filter(action="agreement.create").count() == 2


def test_the_seed_is_deterministic():
    rng_a, rng_b = random.Random(5), random.Random(5)
    assert [rng_a.random() for _ in range(3)] == [rng_b.random() for _ in range(3)]
    assert seed_agreement._agreement_period(TODAY) == (dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    assert seed_agreement._agreement_period(dt.date(2027, 3, 1)) == (
        dt.date(2027, 1, 1),
        dt.date(2028, 12, 31),
    )
