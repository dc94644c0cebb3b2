"""The lägesbild's pages: the coordinator's assessment and approval forms, the archive,
subscriptions and the e-mail sent on approval."""

import datetime
import socket

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from trygg.audit.models import AuditEntry
from trygg.situation.models import SituationReport, SituationVersion, Subscription

from .conftest import WEEK, add_incidents, refresh_rollup

pytestmark = pytest.mark.django_db


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def test_latest_goes_to_the_last_complete_week(world):
    from django.utils import timezone

    from trygg.situation.periods import Period

    response = client_for(world, "viewer").get(reverse("situation:latest"))
    expected = Period.containing("week", timezone.localdate()).previous().key
    assert response.url == reverse("situation:page", args=[expected])


def test_a_malformed_period_is_not_found(world):
    client = client_for(world, "coordinator")
    for key in ("2026-W54", "2026-13", "vecka-4", "2026-T4"):
        assert client.get(reverse("situation:page", args=[key])).status_code == 404


def test_the_coordinator_writes_the_assessment_with_focus_areas_and_proposals(sigtuna):
    client = client_for(sigtuna, "coordinator")
    url = reverse("situation:assessment", args=[WEEK.key])
    valsta = sigtuna.sigtuna.focus["Valsta"]
    form = client.get(url)
    assert form.status_code == 200
    assert "Bedömning för Valsta" in form.content.decode()

    response = client.post(
        url,
        {
            "assessment": "Oroligt kring stationen, kontakta 19900101-0017 vid frågor.",
            f"focus_{valsta.pk}": "Lugnare än förra veckan.",
            "proposed_focus": "Vandring fredag kväll.",
            "proposed_areas": [valsta.pk],
            "proposed_categories": ["VALD", "ORDNING"],
            "proposed_times": "fredag kl. 20–24",
        },
    )

    assert response.status_code == 302
    report = SituationReport.objects.get(partnership=sigtuna.p, period_key=WEEK.key)
    assert report.assessment.startswith("Oroligt kring stationen")
    assert "19900101-0017" not in report.assessment
    assert report.focus_area_assessments == {str(valsta.pk): "Lugnare än förra veckan."}
    assert report.proposed_areas == [valsta.pk]
    assert AuditEntry.objects.filter(action="situation.assessment_save").count() == 1
    page = client.get(reverse("situation:page", args=[WEEK.key])).content.decode()
    assert "Lugnare än förra veckan." in page
    assert "fredag kl. 20–24" in page


def test_a_bad_assessment_is_refused_with_a_clear_error_and_nothing_saved(sigtuna):
    client = client_for(sigtuna, "coordinator")
    url = reverse("situation:assessment", args=[WEEK.key])
    response = client.post(
        url, {"assessment": "x" * 6000, "proposed_areas": [999999], "proposed_categories": ["X"]}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Det finns ett problem" in body
    assert "som mest 5000 tecken" in body
    assert not SituationReport.objects.exists()


def test_approving_through_the_page_and_revising_needs_a_note(sigtuna):
    regso = next(iter(sigtuna.sigtuna.regso.values()))
    add_incidents(sigtuna, area=regso, day=WEEK.start, n=2)
    refresh_rollup(sigtuna)
    client = client_for(sigtuna, "coordinator")
    url = reverse("situation:approve", args=[WEEK.key])

    assert "Fastställ lägesbilden" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert SituationVersion.objects.count() == 1

    revise = client.post(url, {"change_note": ""})
    assert revise.status_code == 200
    assert "Skriv vad som ändrats" in revise.content.decode()
    assert SituationVersion.objects.count() == 1
    client.post(url, {"change_note": "En sen rapport."})
    assert SituationVersion.objects.count() == 2

    archive = client.get(reverse("situation:archive")).content.decode()
    assert "reviderad (2 versioner)" in archive


def test_an_unfinished_week_offers_no_approval(world):
    from django.utils import timezone

    from trygg.situation.periods import Period

    key = Period.containing("week", timezone.localdate()).key
    client = client_for(world, "coordinator")
    page = client.get(reverse("situation:approve", args=[key])).content.decode()
    assert "Perioden är inte slut än" in page
    assert client.post(reverse("situation:approve", args=[key])).status_code == 200
    assert not SituationVersion.objects.exists()


def test_the_archive_lists_drafts_only_for_drafters(sigtuna):
    from trygg.situation import services

    services.approve(actor=sigtuna.users["coordinator"], partnership=sigtuna.p, period=WEEK)
    viewer = client_for(sigtuna, "viewer").get(reverse("situation:archive")).content.decode()
    assert "fastställd" in viewer
    assert "utkast" not in viewer
    analyst = client_for(sigtuna, "analyst").get(reverse("situation:archive")).content.decode()
    assert "utkast" in analyst


def test_subscribing_and_unsubscribing(world):
    client = client_for(world, "viewer")
    url = reverse("situation:subscription")
    client.post(url, {"subscribed": "1", "period": WEEK.key})
    assert Subscription.objects.filter(user=world.users["viewer"]).exists()
    client.post(url, {"subscribed": "0", "period": "nonsense"})
    assert not Subscription.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="situation.").count() == 2


def test_approval_mails_subscribers_a_link_but_never_the_contents(sigtuna):
    from trygg.situation import services

    regso = next(iter(sigtuna.sigtuna.regso.values()))
    add_incidents(sigtuna, area=regso, day=WEEK.start, description="HEMLIG-DETALJ")
    refresh_rollup(sigtuna)
    for role in ("viewer", "analyst"):
        services.set_subscription(actor=sigtuna.users[role], partnership=sigtuna.p, subscribed=True)
    mail.outbox.clear()
    with pytest.MonkeyPatch.context() as patch:
        from django.db import transaction

        patch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())
        services.approve(actor=sigtuna.users["coordinator"], partnership=sigtuna.p, period=WEEK)

    assert sorted(m.to[0] for m in mail.outbox) == ["analyst@a.example", "viewer@a.example"]
    body = mail.outbox[0].body
    assert f"/lagesbild/{WEEK.key}/?version=1" in body
    assert "HEMLIG-DETALJ" not in body and regso.name not in body


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_approval_mail_goes_out_over_smtp(sigtuna):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        from trygg.situation import mail as situation_mail
        from trygg.situation import services

        services.set_subscription(
            actor=sigtuna.users["viewer"], partnership=sigtuna.p, subscribed=True
        )
        version = SituationVersion.objects.create(
            report=SituationReport.objects.create(
                partnership=sigtuna.p,
                period_key=WEEK.key,
                period_kind="week",
                start=WEEK.start,
                end=WEEK.end,
            ),
            number=1,
            approved_by=sigtuna.users["coordinator"],
            approved_at=datetime.datetime(2026, 10, 6, 8, tzinfo=datetime.UTC),
            snapshot={},
            snapshot_sha256="0" * 64,
            pdf_partnership=b"",
            pdf_partnership_sha256="0" * 64,
            pdf_viewer=b"",
            pdf_viewer_sha256="0" * 64,
        )
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ):
            sent = situation_mail.send_approval_mail(
                version.pk, base_url="https://trygg.example.se"
            )
    finally:
        controller.stop()
    assert sent == 1
    [message] = received
    assert message["To"] == "viewer@a.example"
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(message["Subject"]))).startswith("Lägesbild vecka 40 2026")
    payload = message.get_payload(decode=True).decode()
    assert f"https://trygg.example.se/lagesbild/{WEEK.key}/?version=1" in payload


def test_a_partnership_that_publishes_its_overview_marks_it_clear(world):
    import io as _io

    from django.core.management import CommandError, call_command
    from pypdf import PdfReader

    from trygg.situation import services

    out = _io.StringIO()
    call_command("situation", "publish-overview", "p", "yes", stdout=out)
    assert "TLP:CLEAR" in out.getvalue()
    world.p.refresh_from_db()
    assert world.p.publishes_overview
    version = services.approve(actor=world.users["coordinator"], partnership=world.p, period=WEEK)
    viewer_text = "".join(
        page.extract_text() for page in PdfReader(_io.BytesIO(bytes(version.pdf_viewer))).pages
    )
    partnership_text = "".join(
        page.extract_text() for page in PdfReader(_io.BytesIO(bytes(version.pdf_partnership))).pages
    )
    assert "TLP:CLEAR · Samverkan P" in viewer_text
    assert "TLP:GREEN · Samverkan P" in partnership_text
    assert "TLP:CLEAR · Samverkan P" not in partnership_text
    assert AuditEntry.objects.filter(action="partnership.publishes_overview").exists()
    with pytest.raises(CommandError):
        call_command("situation", "publish-overview", "finns-inte", "no")


@pytest.mark.parametrize(
    "key,heading",
    [
        ("4w-2026-W40", "veckorna 37–40 2026"),
        ("2026-10", "oktober 2026"),
        ("2026-T2", "tertial 2 2026"),
        ("2025", "2025"),
    ],
)
def test_longer_periods_have_the_same_picture(sigtuna, key, heading):
    regso = next(iter(sigtuna.sigtuna.regso.values()))
    add_incidents(sigtuna, area=regso, day=datetime.date(2025, 6, 2), n=2)
    add_incidents(sigtuna, area=regso, day=datetime.date(2026, 9, 28), n=3)
    refresh_rollup(sigtuna)
    response = client_for(sigtuna, "analyst").get(reverse("situation:page", args=[key]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Lägesbild {heading}" in body
    assert "Snitt per" in body
    if key in ("2026-T2", "2025"):
        assert "de senaste fyra veckorna" in body  # the map shows the last 4 weeks only
