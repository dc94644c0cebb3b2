"""Password reset by e-mail (allauth), in Swedish, audited, without revealing accounts."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEntry

NEW_PASSWORD = "ett-helt-nytt-lösenord-42"


def test_reset_by_e_mail_then_log_in_with_the_new_password(world):
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": "coordinator@a.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordinator@a.example"]
    link = re.search(r"https?://[^/\s]+(/konto/password/reset/key/\S+)", message.body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert Client().login(email="coordinator@a.example", password=NEW_PASSWORD)
    assert AuditEntry.objects.filter(
        action="password.reset", actor_label="coordinator@a.example"
    ).exists()


def test_a_weak_new_password_is_refused_in_swedish(world):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "coordinator@a.example"})
    link = re.search(r"(/konto/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "kort", "password2": "kort"})
    assert response.status_code == 200
    assert "för kort" in response.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_account_is_revealed(world):
    known = Client().post(reverse("account_reset_password"), {"email": "coordinator@a.example"})
    unknown = Client().post(reverse("account_reset_password"), {"email": "ingen@a.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mail.outbox if "/password/reset/key/" in m.body] == [
        ["coordinator@a.example"]
    ]
