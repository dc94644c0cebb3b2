"""The person track's use cases: identity, consent, access, closing, purge, keys."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.cases import crypto, policy, services
from trygg.cases.keys import derived_fernet_key
from trygg.cases.models import (
    Case,
    CaseIdentity,
    CaseTally,
    Consent,
    ConsentGiver,
    Outcome,
    Programme,
    Stage,
)

from .conftest import NAME, PNR, PNR_10, give_consent, make_case, valid_pnr

pytestmark = pytest.mark.django_db


def test_a_case_gets_a_pseudonymous_code_and_its_creator_as_lead(cases_world):
    case = make_case(cases_world)
    assert case.code.startswith(f"SSPF-{case.opened_on.year}-")
    assert case.owner_organisation == cases_world.org_a
    assert case.stage == Stage.INTAKE
    assert services.identity_of(cases_world.users["case_worker"], case) == (NAME, PNR)
    entry = AuditEntry.objects.get(action="cases.create")
    assert entry.data == {"code": case.code, "programme": "sspf"}


def test_identity_is_unreadable_in_the_raw_database(cases_world):
    make_case(cases_world)
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_caseidentity", "audit_auditentry"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump = repr(cursor.fetchall())
            for secret in (NAME, "Hemligsson", PNR, PNR[2:], PNR_10):
                assert secret not in dump, f"{secret} in {table}"


def test_the_identity_is_only_for_the_owning_organisation(cases_world):
    case = make_case(cases_world)
    give_consent(cases_world, case)
    with pytest.raises(ValidationError):
        services.identity_of(cases_world.users["case_worker_b"], case)


@pytest.mark.parametrize("bad", ["201001012383", "20101301-2382", "abc", "", "2010010123"])
def test_an_invalid_personnummer_writes_nothing(cases_world, bad):
    with pytest.raises(ValidationError) as info:
        make_case(cases_world, pnr=bad)
    assert "personnummer" in info.value.message_dict
    assert Case.objects.count() == 0
    assert CaseIdentity.objects.count() == 0
    assert not AuditEntry.objects.filter(action="cases.create").exists()


def test_a_duplicate_is_found_through_the_blind_index_in_any_format(cases_world):
    first = make_case(cases_world)
    with pytest.raises(ValidationError) as info:
        make_case(cases_world, pnr=PNR_10, name="Annat Namn", programme=Programme.EXIT)
    assert first.code in info.value.message_dict["personnummer"][0]
    assert Case.objects.count() == 1
    # A closed case does not block a new one.
    services.close_case(actor=cases_world.users["case_worker"], case=first, outcome="goals_met")
    make_case(cases_world, pnr=PNR_10, with_b=False)
    assert Case.objects.count() == 2


def test_the_blind_index_does_not_decrypt_anything(cases_world, monkeypatch):
    make_case(cases_world)

    def refuse(token):
        raise AssertionError("decrypted during lookup")

    monkeypatch.setattr(crypto, "decrypt", refuse)
    found = services.open_case_with_personnummer(cases_world.p, PNR)
    assert found is not None


def test_only_case_workers_create_cases(cases_world):
    with pytest.raises(ValidationError):
        services.create_case(
            actor=cases_world.users["coordinator"],
            partnership=cases_world.p,
            programme="sspf",
            name=NAME,
            personnummer=PNR,
        )
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "state, b_sees", [("none", False), ("valid", True), ("expired", False), ("withdrawn", False)]
)
def test_other_organisations_see_the_case_only_with_a_valid_consent(cases_world, state, b_sees):
    case = make_case(cases_world)
    if state != "none":
        give_consent(cases_world, case, state=state)
    b = cases_world.users["case_worker_b"]
    assert (policy.access_level(b, case) == policy.SHARED) is b_sees
    assert policy.visible_cases(b, cases_world.p).filter(pk=case.pk).exists() is b_sees
    # The owning organisation works on its own case whatever the consent.
    owner = cases_world.users["case_worker"]
    assert policy.access_level(owner, case) == policy.OWNER


def test_withdrawal_and_expiry_remove_access_at_once(cases_world):
    case = make_case(cases_world)
    consent = give_consent(cases_world, case)
    b = cases_world.users["case_worker_b"]
    assert policy.access_level(b, case) == policy.SHARED
    expires = consent.expires_on
    assert policy.access_level(b, case, day=expires) == policy.SHARED
    assert policy.access_level(b, case, day=expires + dt.timedelta(days=1)) is None
    services.withdraw_consent(actor=cases_world.users["case_worker"], consent=consent)
    assert policy.access_level(b, case) is None
    assert not policy.visible_cases(b, cases_world.p).exists()


def test_a_team_member_needs_the_case_worker_role_and_the_team(cases_world):
    case = make_case(cases_world, with_b=False)
    give_consent(cases_world, case)
    for name in ("coordinator", "analyst", "viewer", "auditor", "partnership_admin", "org_admin"):
        assert policy.access_level(cases_world.users[name], case) is None
        assert not policy.visible_cases(cases_world.users[name], cases_world.p).exists()
    assert policy.access_level(cases_world.users["case_worker_b"], case) is None  # not on team


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"expires_on": "before"}, "expires_on"),
        ({"organisations": []}, "organisations"),
        ({"scope": []}, "scope"),
        ({"given_by": ""}, "given_by"),
        ({"given_on": None}, "given_on"),
        ({"given_on": "future"}, "given_on"),
    ],
)
def test_a_bad_consent_writes_nothing(cases_world, changes, field):
    case = make_case(cases_world)
    today = cases_world.today
    values = {
        "given_by": ConsentGiver.PERSON,
        "given_on": today,
        "expires_on": today + dt.timedelta(days=90),
        "organisations": [cases_world.org_b],
        "scope": ["plan"],
        **changes,
    }
    if values["expires_on"] == "before":
        values["expires_on"] = today - dt.timedelta(days=1)
    if values["given_on"] == "future":
        values["given_on"] = today + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        services.record_consent(actor=cases_world.users["case_worker"], case=case, **values)
    assert field in info.value.message_dict
    assert Consent.objects.count() == 0
    assert not AuditEntry.objects.filter(action="cases.consent").exists()


def test_a_shared_member_works_within_the_consent_scope(cases_world):
    case = make_case(cases_world)
    give_consent(cases_world, case, scope=["plan"])
    b = cases_world.users["case_worker_b"]
    owner = cases_world.users["case_worker"]
    with pytest.raises(ValidationError):
        services.add_meeting(actor=b, case=case, held_on=cases_world.today, notes="x")
    commitment = services.add_commitment(
        actor=owner, case=case, sector="school", organisation=cases_world.org_b, description="Stöd"
    )
    services.set_commitment_status(actor=b, commitment=commitment, status="ongoing")
    with pytest.raises(ValidationError):
        services.set_stage(actor=b, case=case, stage=Stage.PLAN)
    with pytest.raises(ValidationError):
        services.add_commitment(
            actor=owner,
            case=case,
            sector="housing",
            organisation=cases_world.org_b,
            description="x",
        )  # housing is an exit programme area


def test_red_meeting_notes_stay_with_the_owner_and_the_author(cases_world):
    case = make_case(cases_world)
    give_consent(cases_world, case)
    owner = cases_world.users["case_worker"]
    b = cases_world.users["case_worker_b"]
    services.add_meeting(actor=owner, case=case, held_on=cases_world.today, notes="RÖD")
    services.add_meeting(
        actor=owner, case=case, held_on=cases_world.today, notes="BÄRNSTEN", label="AMBER"
    )
    services.add_meeting(actor=b, case=case, held_on=cases_world.today, notes="B RÖD")
    seen_by_b = {m.notes for m in policy.meetings_for(b, case, policy.SHARED)}
    assert seen_by_b == {"BÄRNSTEN", "B RÖD"}
    assert len(policy.meetings_for(owner, case, policy.OWNER)) == 3


def test_notes_are_redacted(cases_world):
    case = make_case(cases_world)
    meeting = services.add_meeting(
        actor=cases_world.users["case_worker"],
        case=case,
        held_on=cases_world.today,
        notes=f"Ring 070-123 45 67, pnr {PNR_10}",
    )
    assert PNR_10 not in meeting.notes
    assert "070-123 45 67" not in meeting.notes


def test_a_case_runs_from_intake_to_closing(cases_world):
    owner = cases_world.users["case_worker"]
    case = make_case(cases_world)
    give_consent(cases_world, case)
    services.set_stage(actor=owner, case=case, stage=Stage.ASSESSMENT)
    services.add_assessment(
        actor=owner,
        case=case,
        assessed_on=cases_world.today,
        ratings={"school": "high", "peers": "medium"},
        needs="Stöd i skolan",
    )
    services.set_stage(actor=owner, case=case, stage=Stage.PLAN)
    services.add_commitment(
        actor=owner,
        case=case,
        sector="school",
        organisation=cases_world.org_b,
        description="Mentor",
    )
    services.add_follow_up(actor=owner, case=case, due_on=cases_world.today, what="Närvaro")
    assert services.due_follow_ups().count() == 1
    services.set_stage(actor=owner, case=case, stage=Stage.FOLLOW_UP)
    with pytest.raises(ValidationError):
        services.close_case(actor=owner, case=case, outcome="nonsense")
    services.close_case(actor=owner, case=case, outcome=Outcome.GOALS_MET, outcome_note="Bra")
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.closed_on == cases_world.today
    assert services.due_follow_ups().count() == 0
    with pytest.raises(ValidationError):
        services.set_stage(actor=owner, case=case, stage=Stage.PLAN)


def test_purge_deletes_old_closed_cases_and_keeps_the_counts(cases_world):
    from trygg.cases import stats

    owner = cases_world.users["case_worker"]
    today = cases_world.today
    old = make_case(cases_world, pnr=valid_pnr("20080515", "913"))
    Case.objects.filter(pk=old.pk).update(opened_on=today - dt.timedelta(days=1000))
    old.refresh_from_db()
    services.close_case(
        actor=owner, case=old, outcome="goals_met", closed_on=today - dt.timedelta(days=800)
    )
    recent = make_case(cases_world)
    first = today - dt.timedelta(days=1100)
    before = stats.monthly_counts(cases_world.p, first, today)
    assert services.purge_closed_cases(cases_world.p, dry_run=True) == 1
    assert services.purge_closed_cases(cases_world.p) == 1
    assert list(Case.objects.all()) == [recent]
    assert CaseIdentity.objects.count() == 1
    assert CaseTally.objects.count() == 1
    assert stats.monthly_counts(cases_world.p, first, today) == before
    entry = AuditEntry.objects.get(action="cases.purge")
    assert entry.data["cases"] == 1
    assert old.code not in repr(entry.data)


def test_rotating_keys_reencrypts_with_the_newest_key(cases_world, settings):
    case = make_case(cases_world)
    old_key = settings.CASE_KEYS[0]
    new_key = derived_fernet_key("a new key")
    with override_settings(CASE_KEYS=[new_key, old_key]):
        assert services.rotate_keys() == 1
        assert services.rotate_keys() == 0
    with override_settings(CASE_KEYS=[new_key]):
        case.identity.refresh_from_db()
        assert services.identity_of(cases_world.users["case_worker"], case) == (NAME, PNR)
    entry = AuditEntry.objects.filter(action="cases.rotate_keys").first()
    assert entry.data == {"reencrypted": 1}


def test_the_anonymous_counts_suppress_small_numbers(cases_world):
    from trygg.cases import stats

    for i in range(3):
        make_case(cases_world, pnr=valid_pnr("20100101", f"{200 + i}"), with_b=False)
    for i in range(6):
        make_case(
            cases_world,
            pnr=valid_pnr("20090909", f"{300 + i}"),
            programme=Programme.EXIT,
            with_b=False,
        )
    today = timezone.localdate()
    exact = stats.monthly_counts(cases_world.p, today, today)
    month = today.replace(day=1)
    assert exact[(month, "sspf", "new")] == 3
    assert exact[(month, "exit", "active")] == 6
    rows = stats.suppressed_table(cases_world.p, today, today)
    cells = rows[0]["cells"]
    # new: sspf, exit, all; active: sspf, exit, all; completed: sspf, exit, all
    assert cells[0] == "<5"
    assert "3" not in cells
    assert cells[1] in ("–", "6") and cells[2] in ("–", "9")
    assert not (cells[1] == "6" and cells[2] == "9")  # 3 would follow from 9 - 6
    assert cells[6:] == ["0", "0", "0"]


def test_the_commands_purge_rotate_and_remind(cases_world):
    from io import StringIO

    from django.core import mail
    from django.core.management import call_command

    case = make_case(cases_world)
    services.add_follow_up(
        actor=cases_world.users["case_worker"], case=case, due_on=cases_world.today, what=NAME
    )
    out = StringIO()
    call_command("cases", "reminders", stdout=out)
    assert "1 påminnelser" in out.getvalue()
    assert len(mail.outbox) == 1
    assert case.code in mail.outbox[0].body and NAME not in mail.outbox[0].body
    call_command("cases", "reminders", stdout=out)
    assert len(mail.outbox) == 1  # once a day
    call_command("cases", "purge", "--partnership", "p", "--months", "12", stdout=out)
    assert "p: 0 avslutade" in out.getvalue()
    assert services.settings_for(cases_world.p).purge_months == 12
    call_command("cases", "rotate-keys", stdout=out)
    assert "0 identiteter" in out.getvalue()
