"""Start-up configuration: clear one-sentence errors, and Swedish date input."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trygg.config import ConfigError
from trygg.settings import database_from_url

TRYGG = [sys.executable, "-m", "trygg.cli"]
CASE_KEYS = {
    "TRYGG_CASE_KEYS": "QyW4Ith2xxBWq3H0s0V7uMdSTMqi34COv5bzwtixumI=",
    "TRYGG_CASE_INDEX_KEY": "i" * 40,
}


def run_trygg(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TRYGG_", "DATABASE_URL"))}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    base["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    return subprocess.run(
        [*TRYGG, *args], env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def test_missing_secret_key_outside_debug_stops_with_one_sentence(tmp_path):
    result = run_trygg("check", TRYGG_AUDIT_KEY="x", TRYGG_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TRYGG_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_audit_key_outside_debug_stops_with_one_sentence(tmp_path):
    result = run_trygg("check", TRYGG_SECRET_KEY="x", TRYGG_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "TRYGG_AUDIT_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "TRYGG_CASE_KEYS is not set"),
        ({"TRYGG_CASE_KEYS": CASE_KEYS["TRYGG_CASE_KEYS"]}, "TRYGG_CASE_INDEX_KEY is not set"),
        ({**CASE_KEYS, "TRYGG_CASE_KEYS": "not-a-fernet-key"}, "must hold Fernet keys"),
        ({**CASE_KEYS, "TRYGG_CASE_INDEX_KEY": "short"}, "at least 32 characters"),
    ],
    ids=["no case keys", "no index key", "bad case key", "short index key"],
)
def test_missing_case_keys_outside_debug_stop_with_one_sentence(env, message, tmp_path):
    result = run_trygg(
        "check", TRYGG_SECRET_KEY="x", TRYGG_AUDIT_KEY="y", TRYGG_VAR_DIR=str(tmp_path), **env
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_database_url_stops_with_one_sentence(tmp_path):
    result = run_trygg(
        "check", TRYGG_DEBUG="1", DATABASE_URL="mysql://db/trygg", TRYGG_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 2
    assert "DATABASE_URL 'mysql://db/trygg' is not supported" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_needs_no_keys_and_the_system_check_passes(tmp_path):
    result = run_trygg("check", TRYGG_DEBUG="1", TRYGG_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "url, message",
    [
        ("postgres://localhost", "names no database"),
        ("postgres://localhost:notaport/db", "invalid port"),
        ("sqlite://", "not a valid SQLite URL"),
        ("ftp://x/y", "not supported"),
    ],
)
def test_database_url_errors(url, message, tmp_path):
    with pytest.raises(ConfigError, match=message):
        database_from_url(url, tmp_path)


def test_database_urls_are_parsed(tmp_path):
    pg = database_from_url("postgres://u:p%40ss@db.example:5433/trygg?sslmode=require", tmp_path)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "trygg",
        "u",
        "p@ss",
        "db.example",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    default = database_from_url("", tmp_path / "var")
    assert default["NAME"] == str(tmp_path / "var" / "trygg.sqlite3")
    assert "journal_mode=WAL" in default["OPTIONS"]["init_command"]


def test_swedish_date_input_is_day_first():
    import datetime

    from django import forms
    from django.utils import translation

    class DateForm(forms.Form):
        day = forms.DateField()

    for language in ("sv", "en"):
        with translation.override(language):
            form = DateForm({"day": "5/3/2024"})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["day"] == datetime.date(2024, 3, 5)
            assert DateForm({"day": "2024-03-05"}).is_valid()
            assert not DateForm({"day": "13/13/2024"}).is_valid()


def test_production_settings_are_secure_by_default(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_HSTS_SECONDS > 0, s.X_FRAME_OPTIONS, s.DEBUG,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'],"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['style-src'])"
    )
    result = run_trygg(
        "shell",
        "--no-imports",
        "-c",
        script,
        TRYGG_SECRET_KEY="x",
        TRYGG_AUDIT_KEY="y",
        **CASE_KEYS,
        TRYGG_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "DENY",
        "False",
        "[\"'self'\"]",
        "[\"'self'\"]",
    ]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"TRYGG_OIDC_SERVER_URL": "https://idp.example"}, "together"),
        (
            {
                "TRYGG_OIDC_SERVER_URL": "http://idp.example",
                "TRYGG_OIDC_CLIENT_ID": "x",
                "TRYGG_OIDC_CLIENT_SECRET": "y",
            },
            "https://",
        ),
    ],
    ids=["incomplete", "not https"],
)
def test_single_sign_on_settings_are_checked_at_start(env, message, tmp_path):
    result = run_trygg(
        "check",
        TRYGG_SECRET_KEY="x",
        TRYGG_AUDIT_KEY="y",
        **CASE_KEYS,
        TRYGG_VAR_DIR=str(tmp_path),
        **env,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
