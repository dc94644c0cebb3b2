"""The rollup stays exact under any sequence of reports, corrections and withdrawals; the
rebuild/check commands; concurrent first inserts of one rollup cell (PostgreSQL)."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trygg.geo.models import Area
from trygg.incidents import rollup, services
from trygg.incidents.models import AgeGroup, Category, Incident, IncidentCount, PlaceType, Source

CATEGORIES = ["ORDNING.BRAK", "VALD.HOT", "SKADA.KLOTTER", "BRAND.ANLAGD"]
REPORTERS = ["reporter", "unit_reporter", "other_org_reporter"]
PLACE_TYPES = ["", PlaceType.STREET, PlaceType.SCHOOL, PlaceType.OTHER]
AGE_GROUPS = list(AgeGroup.values)
SOURCES = [Source.MANUAL, Source.IMPORT, Source.API]
N_AREAS = 3  # the municipality and two RegSO areas
DAYS = 20

report_op = st.tuples(
    st.just("report"),
    st.sampled_from(REPORTERS),
    st.integers(0, len(CATEGORIES) - 1),
    st.integers(0, N_AREAS - 1),
    st.integers(0, DAYS),
    st.sampled_from(AGE_GROUPS),
    st.sampled_from(PLACE_TYPES),
    st.sampled_from(SOURCES),
)
correct_op = st.tuples(
    st.just("correct"),
    st.integers(0, 50),  # which incident (modulo how many exist)
    st.fixed_dictionaries(
        {},
        optional={
            "category": st.integers(0, len(CATEGORIES) - 1),
            "area": st.integers(0, N_AREAS - 1),
            "occurred_date": st.integers(0, DAYS),
            "age_group": st.sampled_from(AGE_GROUPS),
            "place_type": st.sampled_from(PLACE_TYPES),
        },
    ),
)
withdraw_op = st.tuples(st.just("withdraw"), st.integers(0, 50))
operations = st.lists(st.one_of(report_op, report_op, correct_op, withdraw_op), max_size=25)


@pytest.fixture
def rollup_world(world):
    regso = [
        Area.objects.create(
            partnership=world.p,
            kind=Area.Kind.REGSO,
            code=f"R{i}",
            name=f"RegSO {i}",
            parent=world.area_p,
        )
        for i in (1, 2)
    ]
    world.leaf_areas = [world.area_p, *regso]
    world.categories = [Category.objects.get(code=c) for c in CATEGORIES]
    return world


def run(world, ops):
    today = timezone.localdate()
    coordinator = world.users["coordinator"]
    created = []
    for op in ops:
        kind = op[0]
        if kind == "report":
            _, reporter, cat, area, day, age, place, source = op
            created.append(
                services.report_incident(
                    reporter=world.users[reporter],
                    partnership=world.p,
                    category=world.categories[cat],
                    area=world.leaf_areas[area],
                    occurred_date=today - datetime.timedelta(days=day),
                    time_bucket="day",
                    age_group=age,
                    place_type=place,
                    source=source,
                )
            )
        elif not created:
            continue
        elif kind == "correct":
            _, which, fields = op
            changes = {}
            for field, value in fields.items():
                if field == "category":
                    value = world.categories[value]
                elif field == "area":
                    value = world.leaf_areas[value]
                elif field == "occurred_date":
                    value = today - datetime.timedelta(days=value)
                changes[field] = value
            try:
                services.correct_incident(
                    actor=coordinator,
                    incident=created[which % len(created)],
                    changes=changes,
                    reason="test",
                )
            except ValidationError:
                pass  # a withdrawn report cannot be corrected; nothing may change
        else:
            _, which = op
            try:
                services.withdraw_incident(
                    actor=coordinator, incident=created[which % len(created)], reason="test"
                )
            except ValidationError:
                pass


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_rollup_equals_a_direct_count_after_any_sequence(rollup_world, ops):
    # Examples share the test's transaction; start each from no incidents.
    Incident.objects.all().delete()
    IncidentCount.objects.all().delete()
    run(rollup_world, ops)
    assert rollup.stored_counts() == rollup.direct_counts()
    assert sum(rollup.stored_counts().values()) == Incident.objects.active().count()
    assert not IncidentCount.objects.filter(count__lte=0).exists()


@pytest.mark.django_db
def test_a_correction_moves_the_count_to_the_new_key(rollup_world):
    incident = services.report_incident(
        reporter=rollup_world.users["reporter"],
        partnership=rollup_world.p,
        category="ORDNING.BRAK",
        area=rollup_world.area_p,
        occurred_date=timezone.localdate(),
        time_bucket="day",
    )
    before = rollup.key_of(incident)
    services.correct_incident(
        actor=rollup_world.users["coordinator"],
        incident=incident,
        changes={"place_type": PlaceType.PARK},
        reason="plats",
    )
    incident.refresh_from_db()
    assert rollup.stored_counts() == {rollup.key_of(incident): 1}
    assert before not in rollup.stored_counts()
    services.withdraw_incident(
        actor=rollup_world.users["coordinator"], incident=incident, reason="dubblett"
    )
    assert rollup.stored_counts() == {}


# --- the commands ---------------------------------------------------------------------------


def command(*args):
    out = StringIO()
    call_command("rollup", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_check_and_rebuild_commands(rollup_world):
    run(
        rollup_world,
        [
            ("report", "reporter", 0, 0, 0, "youth", "", "manual"),
            ("report", "unit_reporter", 1, 1, 3, "adults", "street", "import"),
            ("report", "other_org_reporter", 1, 1, 3, "adults", "street", "api"),
        ],
    )
    assert "Sammanställningen stämmer (3 händelser)." in command("check")
    # damage it: a wrong count and a missing row
    row = IncidentCount.objects.order_by("pk").first()
    IncidentCount.objects.filter(pk=row.pk).update(count=7)
    IncidentCount.objects.exclude(pk=row.pk).first().delete()
    with pytest.raises(CommandError, match="stämmer inte för 2 nycklar"):
        command("check")
    assert "3 rader" in command("rebuild")
    assert "Sammanställningen stämmer (3 händelser)." in command("check")
    assert rollup.stored_counts() == rollup.direct_counts()


@pytest.mark.django_db
def test_commands_for_one_partnership(rollup_world):
    run(rollup_world, [("report", "reporter", 0, 0, 0, "youth", "", "manual")])
    assert "Sammanställningen stämmer (1 händelser)." in command("check", "--partnership", "p")
    assert "Sammanställningen stämmer (0 händelser)." in command("check", "--partnership", "q")
    with pytest.raises(CommandError, match="kortnamnet"):
        command("check", "--partnership", "finns-inte")


# --- concurrency (PostgreSQL only) -------------------------------------------------------------

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_inserts_of_one_cell_all_count(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole-database writes)")
    # Its own category: an earlier transactional test may have flushed the seeded taxonomy.
    category = Category.objects.create(
        partnership=world.p, code="TEST.SAMTIDIG", label_sv="test", label_en="test"
    )
    key = (
        world.p.pk,
        world.area_p.pk,
        category.pk,
        world.org_a.pk,
        Source.MANUAL,
        "unknown",
        AgeGroup.UNKNOWN,
        datetime.date(2026, 11, 23),
    )
    assert rollup.stored_counts() == {}
    barrier = threading.Barrier(THREADS)
    errors = []

    def writer():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                rollup.apply({key: 1})
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert IncidentCount.objects.get().count == THREADS
    assert rollup.stored_counts() == {key: THREADS}
