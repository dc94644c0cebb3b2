"""Hardening (issue 7 §5): the deployment check is clean with production settings, no
template can carry an inline script or style, and logs carry no personal data."""

import logging
import os
import re
import subprocess
from pathlib import Path

import pytest

from .test_settings import TRYGG

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PRODUCTION = {
    "TRYGG_SECRET_KEY": "k" * 30 + "-2f9Q!x7Lr#pZ8vN1mW4yT6bH3cJ5dK0",
    "TRYGG_AUDIT_KEY": "a" * 64,
    "TRYGG_CASE_KEYS": "QyW4Ith2xxBWq3H0s0V7uMdSTMqi34COv5bzwtixumI=",
    "TRYGG_CASE_INDEX_KEY": "i" * 40,
    "TRYGG_ALLOWED_HOSTS": "trygg.example.se",
}


def run_trygg(*args, **env):
    """``trygg`` in a fresh process with only ``env`` of our variables (and none of the
    test run's own, such as DJANGO_ALLOW_ASYNC_UNSAFE, which Playwright's tests set)."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRYGG_", "DATABASE_URL", "DJANGO_"))
    }
    base["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    return subprocess.run(
        [*TRYGG, *args], env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    result = run_trygg("check", "--deploy", TRYGG_VAR_DIR=str(tmp_path), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_the_deployment_check_still_warns_when_hsts_is_switched_off(tmp_path):
    result = run_trygg(
        "check", "--deploy", TRYGG_VAR_DIR=str(tmp_path), TRYGG_HSTS_SECONDS="0", **PRODUCTION
    )
    assert "security.W004" in result.stdout + result.stderr


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style[\s>]", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


@pytest.mark.parametrize(
    "template",
    sorted(p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.name),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_no_template_has_an_inline_script_or_style(template):
    """The CSP allows scripts and styles from our own files only (no nonces, no hashes);
    every template, rendered by a test or not, must keep to that. The PDF templates are
    rendered by WeasyPrint, never served to a browser."""
    text = template.read_text(encoding="utf-8")
    text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", text, flags=re.DOTALL)
    assert not INLINE_SCRIPT.search(text), "inline <script>"
    assert not STYLE_TAG.search(text), "<style> element"
    assert not STYLE_ATTRIBUTE.search(text), "style= attribute"
    assert not EVENT_HANDLER.search(text), "inline event handler"


PERSONNUMMER = "19811218-9876"
PHONE = "070-123 45 67"
NAME_TEXT = "Kalle Ankeborgsson bråkade"
SECRETS = (
    "811218-9876",
    "8112189876",
    "070-123 45 67",
    "0701234567",
    "Ankeborgsson",
    "reporter@a.example",
)


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=0)
        self.texts = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + self.format(record)
        self.texts.append(text)


@pytest.fixture
def captured_logs():
    handler = Capture()
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in ("", "django", "trygg")}
    root.addHandler(handler)
    # INFO: the level production runs at (TRYGG_LOG_LEVEL); DEBUG is for a developer's
    # machine (Django's template engine then logs whole contexts).
    for name in saved:
        logging.getLogger(name).setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.django_db
def test_logs_carry_no_personal_data(world, captured_logs):
    """Seeded personnummer, phone numbers and descriptions go through the form, the API
    and an import, good and bad; none of it appears in any log record."""
    from django.test import Client
    from django.urls import reverse

    from trygg.api.tests.conftest import ApiClient, incident_payload, make_token
    from trygg.imports import services as imports
    from trygg.incidents.tests.test_report_form import form_data, preview, save

    description = f"{NAME_TEXT}, pnr {PERSONNUMMER}, ring {PHONE}."
    client = Client()
    client.force_login(world.users["reporter"])
    save(client, preview(client, description=description))
    client.post(reverse("incidents:report"), form_data(description=description, lat="99"))

    api = ApiClient(make_token(world)[1])
    api.post("/incidents", json=incident_payload(description=description))
    api.post("/incidents", json=incident_payload(description=description, lat=12.0))
    api.post("/incidents", json={"description": description})

    rows = [
        "id;datum;kategori;beskrivning;lat;lon",
        f"X-1;2026-03-02;Bråk;{description};59.62;17.85",
        f"X-2;ingen dag;Bråk;{description};59.62;17.85",
    ]
    imports.import_file(
        actor=world.users["reporter"],
        partnership=world.p,
        organisation=world.org_a,
        data="\n".join(rows).encode(),
        file_name="fil.csv",
        category_map={"Bråk": "ORDNING.BRAK"},
    )
    anonymous = Client()
    for _attempt in range(7):  # past the lockout limit
        anonymous.post("/konto/login/", {"login": "reporter@a.example", "password": PERSONNUMMER})

    assert captured_logs.texts, "nothing was logged at all: the capture does not work"
    for text in captured_logs.texts:
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} in a log record: {text[:300]}"
