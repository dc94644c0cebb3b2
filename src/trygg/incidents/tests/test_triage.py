"""The coordinators' inbox: reviewing, questions to the reporter, follow-up; acute alerts."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.core import services as core
from trygg.core.models import Membership, Role
from trygg.geo.models import Area, FocusArea
from trygg.incidents import services, triage
from trygg.incidents.models import (
    AcuteCategory,
    Category,
    Incident,
    Label,
    ReporterQuestion,
    Status,
)
from trygg.testing import PASSWORD


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def report(world, reporter="reporter", category="ORDNING.BRAK", area=None, **extra):
    values = {
        "occurred_date": timezone.localdate(),
        "time_bucket": "evening",
        "description": "Beskrivning som inte får mejlas",
        **extra,
    }
    return services.report_incident(
        reporter=world.users[reporter],
        partnership=world.p,
        category=category,
        area=area or world.area_p,
        **values,
    )


# --- the inbox ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_inbox_lists_new_reports_oldest_first_and_marks_them_reviewed(world):
    first = report(world, description="rapport-ett")
    second = report(world, description="rapport-två")
    Incident.objects.filter(pk=first.pk).update(
        reported_at=timezone.now() - datetime.timedelta(hours=3)
    )
    client = client_for(world.users["coordinator"])
    html = client.get(reverse("incidents:triage")).content.decode()
    assert "2 nya rapporter" in html
    assert html.index("rapport-ett") < html.index("rapport-två")
    response = client.post(
        reverse("incidents:review", args=[first.pk]), {"next": reverse("incidents:triage")}
    )
    assert response.status_code == 302 and response.url == reverse("incidents:triage")
    first.refresh_from_db()
    assert first.status == Status.REVIEWED
    assert AuditEntry.objects.filter(action="incident.review", object_id=str(first.pk)).exists()
    html = client.get(reverse("incidents:triage")).content.decode()
    assert "1 ny rapport" in html and "rapport-ett" not in html and second.description in html


@pytest.mark.django_db
def test_the_inbox_is_for_coordinators_only(world):
    incident = report(world)
    for subject in ("reporter", "analyst", "partnership_admin", "viewer"):
        client = client_for(world.users[subject])
        assert client.get(reverse("incidents:triage")).status_code == 403
        assert client.post(reverse("incidents:review", args=[incident.pk])).status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.NEW


@pytest.mark.django_db
def test_an_off_site_next_is_ignored(world):
    incident = report(world)
    response = client_for(world.users["coordinator"]).post(
        reverse("incidents:review", args=[incident.pk]), {"next": "//evil.example/"}
    )
    assert response.url == reverse("incidents:detail", args=[incident.pk])


@pytest.mark.django_db
def test_follow_up_queue_and_clearing_the_flag_through_a_correction(world):
    flagged = report(world, description="följ upp", needs_follow_up=True)
    client = client_for(world.users["coordinator"])
    html = client.get(reverse("incidents:triage")).content.decode()
    assert "1 rapport behöver följas upp" in html
    response = client.post(reverse("incidents:clear_follow_up", args=[flagged.pk]))
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.needs_follow_up is False
    revision = flagged.revisions.get()
    assert revision.changes == {"needs_follow_up": [True, False]}
    html = client.get(reverse("incidents:triage")).content.decode()
    assert "0 rapporter behöver följas upp" in html


# --- questions to the reporter ------------------------------------------------------------


@pytest.mark.django_db
def test_ask_the_reporter_mails_a_link_without_details_and_the_reporter_answers(
    world, django_capture_on_commit_callbacks
):
    incident = report(world)
    coordinator = client_for(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("incidents:ask", args=[incident.pk]),
            {"question": "Var det vid hållplatsen eller torget?"},
        )
    assert response.status_code == 302
    question = ReporterQuestion.objects.get(incident=incident)
    assert question.asked_by == world.users["coordinator"]
    assert AuditEntry.objects.filter(action="incident.question").count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reporter@a.example"]
    assert f"/handelser/{incident.pk}/" in message.body
    assert "hållplatsen" not in message.body and "Beskrivning" not in message.body

    reporter = client_for(world.users["reporter"])
    detail = reporter.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Var det vid hållplatsen eller torget?" in detail and "Skicka svaret" in detail
    response = reporter.post(
        reverse("incidents:answer", args=[incident.pk]),
        {"question": question.pk, "answer": "Vid torget, ring 070-123 45 67"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answered_at is not None
    assert question.answer.startswith("Vid torget")
    assert "070-123 45 67" not in question.answer  # redacted before it is stored
    assert AuditEntry.objects.filter(action="incident.answer").count() == 1


@pytest.mark.django_db
def test_only_the_reporter_answers_and_only_once(world):
    incident = report(world)
    question = triage.ask_reporter(
        actor=world.users["coordinator"], incident=incident, question="Hur många?"
    )
    response = client_for(world.users["coordinator"]).post(
        reverse("incidents:answer", args=[incident.pk]),
        {"question": question.pk, "answer": "Jag svarar i stället"},
    )
    assert response.status_code == 400
    assert "Bara den som rapporterade kan svara på frågan." in response.content.decode()
    triage.answer_question(actor=world.users["reporter"], question=question, answer="Tre")
    with pytest.raises(ValidationError):
        triage.answer_question(actor=world.users["reporter"], question=question, answer="Fyra")


@pytest.mark.django_db
def test_an_empty_question_shows_an_error_and_only_coordinators_ask(world):
    incident = report(world)
    response = client_for(world.users["coordinator"]).post(
        reverse("incidents:ask", args=[incident.pk]), {"question": " "}
    )
    assert response.status_code == 400
    assert "Skriv din fråga." in response.content.decode()
    with pytest.raises(ValidationError):
        triage.ask_reporter(actor=world.users["analyst"], incident=incident, question="Hej?")
    assert not ReporterQuestion.objects.exists()


@pytest.mark.django_db
def test_questions_about_an_invisible_incident_are_404(world):
    incident = report(world, reporter="other_org_reporter", label=Label.AMBER_STRICT)
    response = client_for(world.users["coordinator"]).post(
        reverse("incidents:ask", args=[incident.pk]), {"question": "Hej?"}
    )
    assert response.status_code == 404
    assert not ReporterQuestion.objects.exists()


# --- acute alerts --------------------------------------------------------------------------


@pytest.fixture
def acute_world(world):
    """A second coordinator, a district with a RegSO area in a focus area and one outside."""
    second = core.create_user(
        actor=None, email="coordinator2@a.example", organisation=world.org_a, password=PASSWORD
    )
    core.set_membership(actor=None, user=second, partnership=world.p, role=Role.COORDINATOR)
    district = Area.objects.create(
        partnership=world.p, kind=Area.Kind.DISTRICT, code="D1", name="Valsta", parent=world.area_p
    )
    valsta = Area.objects.create(
        partnership=world.p, kind=Area.Kind.REGSO, code="R1", name="Valsta centrum", parent=district
    )
    outside = Area.objects.create(
        partnership=world.p, kind=Area.Kind.REGSO, code="R2", name="Steninge", parent=world.area_p
    )
    focus = FocusArea.objects.create(partnership=world.p, name="Valsta")
    focus.areas.add(district)
    world.valsta, world.outside, world.focus = valsta, outside, focus
    return world


COORDINATORS = ["coordinator2@a.example", "coordinator@a.example"]


@pytest.mark.django_db
def test_default_acute_categories(acute_world):
    shooting = report(acute_world, category="VALD.SKOTT", area=acute_world.outside)
    assert triage.notify_acute(shooting) == 2
    assert sorted(m.to[0] for m in mail.outbox) == COORDINATORS
    message = mail.outbox[0]
    assert "Steninge" in message.body and "Beskrivning som inte får mejlas" not in message.body
    assert f"/handelser/{shooting.pk}/" in message.body
    assert AuditEntry.objects.filter(action="incident.acute_alert").get().data == {"recipients": 2}
    mail.outbox.clear()
    # arson: only in focus areas (the incident's area or its district)
    assert (
        triage.notify_acute(report(acute_world, category="BRAND.ANLAGD", area=acute_world.outside))
        == 0
    )
    assert (
        triage.notify_acute(report(acute_world, category="BRAND.ANLAGD", area=acute_world.valsta))
        == 2
    )
    assert (
        triage.notify_acute(report(acute_world, category="ORDNING.BRAK", area=acute_world.valsta))
        == 0
    )


@pytest.mark.django_db
def test_configured_acute_categories_replace_the_defaults(acute_world):
    AcuteCategory.objects.create(
        partnership=acute_world.p,
        category=Category.objects.get(code="NARK.FORSALJNING"),
        focus_areas_only=True,
    )
    assert triage.notify_acute(report(acute_world, category="VALD.SKOTT")) == 0
    assert (
        triage.notify_acute(
            report(acute_world, category="NARK.FORSALJNING", area=acute_world.outside)
        )
        == 0
    )
    assert (
        triage.notify_acute(
            report(acute_world, category="NARK.FORSALJNING", area=acute_world.valsta)
        )
        == 2
    )
    # a focus area listing the RegSO area itself counts too
    acute_world.focus.areas.set([acute_world.valsta])
    assert (
        triage.notify_acute(
            report(acute_world, category="NARK.FORSALJNING", area=acute_world.valsta)
        )
        == 2
    )


@pytest.mark.django_db
def test_acute_alerts_respect_the_label_and_inactive_coordinators(acute_world):
    strict = report(
        acute_world, reporter="other_org_reporter", category="VALD.SKOTT", label=Label.AMBER_STRICT
    )
    assert triage.notify_acute(strict) == 0  # no coordinator of A may see B's STRICT report
    Membership.objects.filter(user__email="coordinator2@a.example").update(is_active=False)
    shooting = report(acute_world, category="VALD.SKOTT")
    assert triage.notify_acute(shooting) == 1
    assert mail.outbox[-1].to == ["coordinator@a.example"]


@pytest.mark.django_db
def test_acute_alert_after_commit(acute_world, django_capture_on_commit_callbacks):
    """report_incident sends the alert itself, only once the report has committed."""
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            report(acute_world, category="VALD.SKOTT")
        assert mail.outbox == []  # not before the commit
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_no_alert_when_the_report_rolls_back(acute_world, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            report(acute_world, category="VALD.SKOTT")
            raise RuntimeError("the caller fails after reporting")
    assert mail.outbox == []


def _acute_rules_by_orm(partnership):
    """The rules as the two ORM queries of the first version read them."""
    rows = list(
        AcuteCategory.objects.filter(partnership=partnership).values_list(
            "category_id", "focus_areas_only"
        )
    )
    if rows:
        return rows
    ids = dict(
        Category.objects.filter(
            partnership__isnull=True, code__in=[code for code, _only in triage.DEFAULT_ACUTE]
        ).values_list("code", "pk")
    )
    return [(ids[code], only) for code, only in triage.DEFAULT_ACUTE if code in ids]


@pytest.mark.django_db
def test_acute_rules_read_in_one_statement(acute_world, django_assert_num_queries):
    """The rules are read after every report: one statement, the same rules as the ORM."""
    p = acute_world.p
    ordinary = report(acute_world, category="ORDNING.BRAK", area=acute_world.valsta)
    with django_assert_num_queries(1):
        defaults = triage.acute_rules(p)
    assert defaults == _acute_rules_by_orm(p)
    assert [only for _id, only in defaults] == [False, True]
    with django_assert_num_queries(1):
        assert triage.notify_acute(ordinary) == 0

    for code, only in (("NARK.FORSALJNING", True), ("ORDNING.BRAK", False)):
        AcuteCategory.objects.create(
            partnership=p, category=Category.objects.get(code=code), focus_areas_only=only
        )
    with django_assert_num_queries(1):
        configured = triage.acute_rules(p)
    assert sorted(configured) == sorted(_acute_rules_by_orm(p))
    assert all(type(only) is bool for _id, only in configured)
    # without any default category the partnership's rules still apply, and vice versa
    Category.objects.filter(partnership__isnull=True, code="VALD.SKOTT").update(code="VALD.X")
    assert sorted(triage.acute_rules(p)) == sorted(_acute_rules_by_orm(p))
    AcuteCategory.objects.filter(partnership=p).delete()
    assert triage.acute_rules(p) == _acute_rules_by_orm(p) == [defaults[1]]
