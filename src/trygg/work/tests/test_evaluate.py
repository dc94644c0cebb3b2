"""Evaluating an action: the counts come from the rollup and equal an independent count of
the incident table; the result is saved with an honest sentence."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.incidents.models import Category, Incident
from trygg.work import evaluate, services
from trygg.work.models import ActionEvaluation

from .conftest import add_incidents, refresh_rollup


def start_day():
    return timezone.localdate() - dt.timedelta(weeks=6)


@pytest.fixture
def evaluated(sigtuna):
    world = sigtuna
    treated = world.regso["Centrala Valsta"]
    comparison = world.regso["Tingvalla"]
    other = world.regso["Rosersberg"]
    start = start_day()
    for week in range(12):
        day = start - dt.timedelta(weeks=6) + dt.timedelta(weeks=week, days=2)
        after = day >= start
        add_incidents(world, area=treated, day=day, n=2 if after else 6, category="VALD.HOT")
        add_incidents(world, area=comparison, day=day, n=5, category="NARK.BRUK")
        add_incidents(world, area=other, day=day, n=3, category="ORDNING.BRAK")
        # not insecurity-creating: never counted with the default categories
        add_incidents(world, area=treated, day=day, n=4, category="STOLD.INBROTT")
    refresh_rollup(world)
    action = services.create_action(
        actor=world.users["coordinator"],
        partnership=world.p,
        title="Fotpatrull i Valsta",
        type="presence",
        organisation=world.org_a,
        areas=[treated],
        start=start,
        end=start + dt.timedelta(weeks=8),
    )
    world.action, world.treated, world.comparison = action, treated, comparison
    return world


def independent_count(world, areas, categories, start, end):
    return Incident.objects.filter(
        partnership=world.p,
        area__in=areas,
        category__in=categories,
        occurred_date__gte=start,
        occurred_date__lte=end,
        withdrawn_at__isnull=True,
    ).count()


@pytest.mark.django_db
def test_counts_used_equal_an_independent_count(evaluated):
    world = evaluated
    categories = list(evaluate.default_categories(world.p))
    assert categories and all(c.public_place for c in categories)
    result = services.evaluate_action(
        actor=world.users["analyst"],
        partnership=world.p,
        action=world.action,
        categories=categories,
        comparison_areas=[world.comparison],
    )
    windows = evaluate.default_windows(world.action)
    assert (result.after_start, result.after_end) == windows.after
    assert (result.before_end - result.before_start) == (result.after_end - result.after_start)
    assert result.before_end == world.action.start - dt.timedelta(days=1)
    expected = [
        independent_count(
            world, [world.treated], categories, result.before_start, result.before_end
        ),
        independent_count(world, [world.treated], categories, result.after_start, result.after_end),
        independent_count(
            world, [world.comparison], categories, result.before_start, result.before_end
        ),
        independent_count(
            world, [world.comparison], categories, result.after_start, result.after_end
        ),
    ]
    got = [
        result.treated_before,
        result.treated_after,
        result.comparison_before,
        result.comparison_after,
    ]
    assert got == expected
    assert expected[0] > expected[1] > 0
    assert result.ratio == pytest.approx((expected[1] / expected[0]) / (expected[3] / expected[2]))
    assert result.ratio_high < 1
    assert result.conclusion.startswith("Minskning jämfört med jämförelseområdena")
    assert str(expected[0]) in result.conclusion and str(expected[1]) in result.conclusion
    assert set(result.comparison_areas.all()) == {world.comparison}
    assert AuditEntry.objects.filter(action="work.action_evaluate").count() == 1


@pytest.mark.django_db
def test_group_category_counts_its_categories(evaluated):
    world = evaluated
    group = Category.objects.get(code="VALD")
    result = services.evaluate_action(
        actor=world.users["coordinator"],
        partnership=world.p,
        action=world.action,
        categories=[group],
        comparison_areas=[world.comparison],
    )
    leaves = list(Category.objects.filter(parent=group))
    assert result.treated_before == independent_count(
        world, [world.treated], leaves, result.before_start, result.before_end
    )
    assert result.comparison_before == 0
    assert result.conclusion.startswith("Går inte att bedöma")


@pytest.mark.django_db
def test_suggestion_prefers_similar_baseline(evaluated):
    world = evaluated
    windows = evaluate.default_windows(world.action)
    suggested = evaluate.suggest_comparison_areas(
        world.p, world.action, list(evaluate.default_categories(world.p)), windows.before
    )
    # Tingvalla (5 a week) is closer to Centrala Valsta's 6 a week than Rosersberg's 3;
    # areas without incidents are left out (too few to compare with).
    assert [a.name for a in suggested] == ["Tingvalla", "Rosersberg"]


@pytest.mark.django_db
def test_evaluation_is_refused_for_reporters_and_bad_input(evaluated):
    world = evaluated
    args = {
        "partnership": world.p,
        "action": world.action,
        "categories": list(evaluate.default_categories(world.p)),
        "comparison_areas": [world.comparison],
    }
    with pytest.raises(ValidationError, match="Bara trygghetssamordnare"):
        services.evaluate_action(actor=world.users["reporter"], **args)
    with pytest.raises(ValidationError):
        services.evaluate_action(actor=world.users["analyst"], **{**args, "categories": []})
    with pytest.raises(ValidationError):
        services.evaluate_action(
            actor=world.users["analyst"], **{**args, "comparison_areas": [world.treated]}
        )
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="i går"):
        services.evaluate_action(
            actor=world.users["analyst"],
            **args,
            before=(today - dt.timedelta(days=30), today - dt.timedelta(days=20)),
            after=(today - dt.timedelta(days=10), today),
        )
    assert ActionEvaluation.objects.count() == 0
