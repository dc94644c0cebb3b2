"""The agreement's write services: validation with clear Swedish messages, nothing
written on bad input, one audit entry per write, and who may write."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from trygg.agreement import services
from trygg.agreement.models import Agreement, Commitment, Indicator, ProgressNote, Promise
from trygg.audit.models import AuditEntry
from trygg.incidents.models import Category

pytestmark = pytest.mark.django_db


def messages_of(error):
    return " ".join(error.value.messages)


def test_an_agreement_is_created_with_parties_and_audited(agreement_world):
    w = agreement_world
    agreement = w.agreement
    assert set(agreement.parties.all()) == {w.org_a, w.org_b}
    entry = AuditEntry.objects.filter(action="agreement.create").get()
    assert entry.object_id == str(agreement.pk) and entry.partnership_id == w.p.pk


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": dt.date(2024, 12, 31)}, "Slutdatumet måste vara samma dag som eller efter"),
        ({"parties": []}, "Välj minst en part."),
        ({"title": " "}, "Skriv överenskommelsens titel."),
    ],
)
def test_a_bad_agreement_says_what_is_wrong_and_writes_nothing(agreement_world, changes, message):
    w = agreement_world
    arguments = {
        "title": "Ny",
        "start": dt.date(2025, 1, 1),
        "end": dt.date(2026, 12, 31),
        "parties": [w.org_a],
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        services.save_agreement(actor=w.coordinator, partnership=w.p, **arguments)
    assert message in messages_of(error)
    assert Agreement.objects.count() == 1


def test_parties_must_take_part_in_the_partnership(agreement_world):
    w = agreement_world
    with pytest.raises(ValidationError) as error:
        services.save_agreement(
            actor=w.coordinator,
            partnership=w.p,
            title="Med fel part",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
            parties=[w.org_q],
        )
    assert "organisationer som deltar i samverkan" in messages_of(error)


@pytest.mark.parametrize("role", ["reporter", "analyst", "viewer", "auditor", "org_admin"])
def test_only_coordinators_and_partnership_admins_write(agreement_world, role):
    w = agreement_world
    with pytest.raises(ValidationError) as error:
        services.save_priority(
            actor=w.users[role], partnership=w.p, agreement=w.agreement, number=2, title="X"
        )
    assert "Bara trygghetssamordnare och samverkansadministratörer" in messages_of(error)
    services.save_priority(
        actor=w.users["partnership_admin"],
        partnership=w.p,
        agreement=w.agreement,
        number=2,
        title="X",
    )


def test_an_object_of_another_partnership_is_refused(agreement_world):
    w = agreement_world
    with pytest.raises(ValidationError):
        services.save_priority(
            actor=w.users["other_partnership_coordinator"],
            partnership=w.q,
            agreement=w.agreement,
            number=5,
            title="Fel",
        )


def test_a_priority_number_is_unique_in_its_agreement(agreement_world):
    w = agreement_world
    with pytest.raises(ValidationError) as error:
        services.save_priority(
            actor=w.coordinator, partnership=w.p, agreement=w.agreement, number=1, title="Dubblett"
        )
    assert "redan ett prioriterat område med nummer 1" in messages_of(error)


def indicator_args(w, **changes):
    return {
        "actor": w.coordinator,
        "partnership": w.p,
        "goal": w.goal,
        "name": "Indikator",
        "kind": "computed",
        "categories": [Category.objects.get(code="VALD.HOT", partnership=None)],
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"categories": []}, "categories", "Välj minst en händelsetyp"),
        ({"metric": "rate"}, "metric", "kräver folkmängd"),
        (
            {"baseline_start": dt.date(2024, 1, 1), "baseline_end": dt.date(2023, 1, 1)},
            "baseline_end",
            "Jämförelseperioden måste sluta",
        ),
        ({"baseline_start": dt.date(2024, 1, 1)}, "baseline_end", "början och slut"),
        ({"kind": "manual", "unit": ""}, "unit", "Skriv vad värdet är"),
        ({"target_value": "mycket"}, "target_value", "Skriv ett tal"),
    ],
)
def test_indicator_validation(agreement_world, changes, field, message):
    w = agreement_world
    with pytest.raises(ValidationError) as error:
        services.save_indicator(**indicator_args(w, **changes))
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not Indicator.objects.exists()


def test_indicator_areas_must_belong_to_the_partnership(agreement_world):
    w = agreement_world
    with pytest.raises(ValidationError) as error:
        services.save_indicator(**indicator_args(w, areas=[w.area_q]))
    assert "områden som hör till den här samverkan" in messages_of(error)


def test_a_manual_value_is_stored_per_period_and_replaced(agreement_world):
    w = agreement_world
    indicator = services.save_indicator(
        **indicator_args(w, kind="manual", unit="%", resolution="tertial", categories=[])
    )
    first = services.record_indicator_value(
        actor=w.coordinator,
        partnership=w.p,
        indicator=indicator,
        day=dt.date(2026, 2, 3),
        value="61",
    )
    again = services.record_indicator_value(
        actor=w.coordinator,
        partnership=w.p,
        indicator=indicator,
        period_key="2026-T1",
        value="63,5",
    )
    assert first.pk == again.pk and again.period_key == "2026-T1"
    assert str(again.value) == "63.50"
    entries = AuditEntry.objects.filter(action="agreement.indicator_value").order_by("seq")
    assert [e.data["before"] for e in entries] == [None, "61.00"]
    with pytest.raises(ValidationError) as error:
        services.record_indicator_value(
            actor=w.coordinator,
            partnership=w.p,
            indicator=indicator,
            period_key="2026-05",
            value="1",
        )
    assert "Välj en period" in messages_of(error)


def test_a_computed_indicator_takes_no_entered_values(agreement_world):
    w = agreement_world
    indicator = services.save_indicator(**indicator_args(w))
    with pytest.raises(ValidationError) as error:
        services.record_indicator_value(
            actor=w.coordinator,
            partnership=w.p,
            indicator=indicator,
            day=dt.date(2026, 1, 1),
            value=3,
        )
    assert "beräknas från händelserna" in messages_of(error)


def test_commitments_promises_and_notes(agreement_world):
    w = agreement_world
    commitment = services.save_commitment(
        actor=w.coordinator,
        partnership=w.p,
        agreement=w.agreement,
        organisation=w.unit_a1,  # a unit of a participating organisation
        title="Fler fältarbetare kvällstid",
        status="ongoing",
    )
    promise = services.save_promise(
        actor=w.coordinator,
        partnership=w.p,
        agreement=w.agreement,
        title="Vi finns på plats i Valsta centrum",
    )
    services.add_progress_note(
        actor=w.coordinator,
        partnership=w.p,
        promise=promise,
        date=dt.date(2026, 10, 1),
        text="Ring 070-123 45 67 om du vill veta mer",
    )
    note = ProgressNote.objects.get()
    assert "070-123 45 67" not in note.text  # personal data redacted
    with pytest.raises(ValidationError):
        services.save_commitment(
            actor=w.coordinator,
            partnership=w.p,
            agreement=w.agreement,
            organisation=w.org_q,
            title="Fel part",
        )
    with pytest.raises(ValidationError):
        services.add_progress_note(
            actor=w.coordinator, partnership=w.p, promise=promise, commitment=commitment, text="x"
        )
    assert Commitment.objects.count() == 1 and Promise.objects.count() == 1
    assert AuditEntry.objects.filter(action="agreement.progress_note").count() == 1
