"""The write services of actions and presence: validation, permissions, revisions, audit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.incidents.visibility import membership_for
from trygg.work import services
from trygg.work.models import Action, ActionRevision, Presence


def make(world, actor="coordinator", organisation=None, **kwargs):
    args = {
        "title": "Belysning vid gångtunneln",
        "type": "environment",
        "organisation": organisation or world.org_a,
    }
    args.update(kwargs)
    return services.create_action(actor=world.users[actor], partnership=world.p, **args)


def visible(world, subject):
    return set(
        Action.objects.visible_to(world.users[subject], world.p).values_list("title", flat=True)
    )


@pytest.mark.django_db
def test_create_action_writes_revision_and_audit(world):
    action = make(
        world,
        actor="reporter",
        description="Ring 070-123 45 67 om lampan",
        areas=[world.area_p],
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
    )
    assert action.label == "GREEN"
    assert "070-123 45 67" not in action.description  # redacted
    assert list(action.areas.all()) == [world.area_p]
    assert action.revisions.count() == 1
    assert AuditEntry.objects.filter(action="work.action_create", object_id=str(action.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"title": "  "}, "title"),
        ({"type": "rocket"}, "type"),
        ({"label": "PURPLE"}, "label"),
        ({"start": dt.date(2026, 3, 2), "end": dt.date(2026, 3, 1)}, "end"),
        ({"situation_key": "vecka 5"}, "situation_key"),
    ],
)
def test_invalid_action_gives_swedish_error_and_writes_nothing(world, kwargs, field):
    with pytest.raises(ValidationError) as error:
        make(world, **kwargs)
    assert field in error.value.message_dict
    assert Action.objects.count() == 0
    assert not AuditEntry.objects.filter(action="work.action_create").exists()


@pytest.mark.django_db
def test_areas_and_organisations_of_another_partnership_are_refused(world):
    with pytest.raises(ValidationError, match="områden"):
        make(world, areas=[world.area_q])
    with pytest.raises(ValidationError, match="deltar inte"):
        make(world, organisation=world.org_q)
    assert Action.objects.count() == 0


@pytest.mark.django_db
def test_reporter_creates_only_for_own_organisation_and_units(world):
    make(world, actor="reporter", organisation=world.unit_a1)
    with pytest.raises(ValidationError, match="egen organisation"):
        make(world, actor="reporter", organisation=world.org_b)
    make(world, actor="coordinator", organisation=world.org_b)  # coordinator: any


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["analyst", "viewer", "auditor", "case_worker"])
def test_roles_without_write_may_not_create(world, role):
    with pytest.raises(ValidationError, match="får inte"):
        make(world, actor=role)
    assert Action.objects.count() == 0


@pytest.mark.django_db
def test_reporter_of_org_b_cannot_change_org_a_action(world):
    action = make(world, actor="reporter")
    with pytest.raises(ValidationError, match="annan organisation"):
        services.update_action(
            actor=world.users["other_org_reporter"],
            partnership=world.p,
            action=action,
            title="Kapad",
        )
    action.refresh_from_db()
    assert action.title == "Belysning vid gångtunneln"
    assert action.revisions.count() == 1
    assert not services.may_change_action(
        world.users["other_org_reporter"],
        membership_for(world.users["other_org_reporter"], world.p),
        action,
    )
    for subject in ("coordinator", "reporter", "org_admin", "partnership_admin"):
        user = world.users[subject]
        assert services.may_change_action(user, membership_for(user, world.p), action)
    for subject in ("analyst", "viewer", "auditor", "case_worker"):
        user = world.users[subject]
        assert not services.may_change_action(user, membership_for(user, world.p), action)


@pytest.mark.django_db
def test_update_records_old_and_new_values_and_closes(world):
    action = make(world, areas=[world.area_p])
    services.update_action(
        actor=world.users["coordinator"],
        partnership=world.p,
        action=action,
        note="Klar",
        status="done",
        outcome="Fyra nya armaturer.",
        areas=[],
    )
    action.refresh_from_db()
    assert action.closed_at is not None
    revision = action.revisions.last()
    assert revision.changes["status"] == {"old": "planned", "new": "done"}
    assert revision.changes["areas"] == {"old": [world.area_p.pk], "new": []}
    assert revision.note == "Klar"
    assert AuditEntry.objects.filter(action="work.action_update").count() == 1
    services.update_action(
        actor=world.users["coordinator"], partnership=world.p, action=action, status="ongoing"
    )
    action.refresh_from_db()
    assert action.closed_at is None


@pytest.mark.django_db
def test_update_without_changes_writes_nothing(world):
    action = make(world)
    services.update_action(
        actor=world.users["coordinator"], partnership=world.p, action=action, title=action.title
    )
    assert ActionRevision.objects.filter(action=action).count() == 1
    assert not AuditEntry.objects.filter(action="work.action_update").exists()


@pytest.mark.django_db
def test_visibility_by_label(world):
    make(world, actor="reporter", title="Strikt A", label="AMBER+STRICT")
    make(world, actor="reporter", title="Röd A", label="RED")
    make(world, actor="reporter", title="Gul A", label="AMBER")
    make(world, actor="reporter", title="Grön A", label="GREEN")
    assert visible(world, "other_org_reporter") == {"Grön A"}
    assert visible(world, "reporter") == {"Strikt A", "Röd A", "Gul A", "Grön A"}
    assert visible(world, "coordinator") == {"Strikt A", "Gul A", "Grön A"}
    assert visible(world, "viewer") == set()
    summaries = Action.objects.summaries_for(world.users["viewer"], world.p)
    assert set(summaries.values_list("title", flat=True)) == {"Grön A"}
    other = world.users["other_partnership_coordinator"]
    assert not Action.objects.visible_to(other, world.q).exists()
    assert not Action.objects.summaries_for(other, world.p).exists()


@pytest.mark.django_db
def test_a_label_the_creator_could_not_see_is_refused(world):
    with pytest.raises(ValidationError, match="själv inte kunna se"):
        make(world, actor="coordinator", organisation=world.org_b, label="AMBER+STRICT")


def aware(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.mark.django_db
def test_plan_and_record_presence(world):
    today = timezone.localdate()
    past = today - dt.timedelta(days=3)
    presence = services.plan_presence(
        actor=world.users["reporter"],
        partnership=world.p,
        organisation=world.org_a,
        kind="field_workers",
        area=world.area_p,
        starts_at=aware(past, 18),
        ends_at=aware(past, 22),
        people=2,
    )
    assert presence.status == "planned" and presence.label == "AMBER"
    services.record_presence(
        actor=world.users["reporter"],
        partnership=world.p,
        presence=presence,
        starts_at=aware(past, 19),
        ends_at=aware(past, 23),
    )
    presence.refresh_from_db()
    assert presence.status == "performed"
    assert presence.hours == 4
    assert AuditEntry.objects.filter(action="work.presence_record").count() == 1


@pytest.mark.django_db
def test_invalid_presence_is_refused(world):
    day = timezone.localdate() + dt.timedelta(days=2)
    base = {
        "actor": world.users["reporter"],
        "partnership": world.p,
        "organisation": world.org_a,
        "kind": "field_workers",
        "area": world.area_p,
        "starts_at": aware(day, 18),
        "ends_at": aware(day, 22),
    }
    for bad, field in (
        ({"ends_at": aware(day, 17)}, "ends_at"),
        ({"area": world.area_q}, "area"),
        ({"people": 0}, "people"),
        ({"kind": "ufo"}, "kind"),
        ({"status": "performed"}, "starts_at"),  # performed in the future
        ({"organisation": world.org_b}, "organisation"),
    ):
        with pytest.raises(ValidationError) as error:
            services.plan_presence(**{**base, **bad})
        assert field in error.value.message_dict
    assert Presence.objects.count() == 0


@pytest.mark.django_db
def test_cancel_presence_and_other_org_cannot(world):
    day = timezone.localdate() + dt.timedelta(days=2)
    presence = services.plan_presence(
        actor=world.users["reporter"],
        partnership=world.p,
        organisation=world.org_a,
        kind="night_walkers",
        area=world.area_p,
        starts_at=aware(day, 20),
        ends_at=aware(day, 23),
        label="GREEN",
    )
    with pytest.raises(ValidationError):
        services.cancel_presence(
            actor=world.users["other_org_reporter"], partnership=world.p, presence=presence
        )
    services.cancel_presence(
        actor=world.users["coordinator"], partnership=world.p, presence=presence
    )
    presence.refresh_from_db()
    assert presence.status == "cancelled"
    with pytest.raises(ValidationError):
        services.record_presence(
            actor=world.users["coordinator"], partnership=world.p, presence=presence
        )
