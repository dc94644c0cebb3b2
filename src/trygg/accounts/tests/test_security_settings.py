"""Production cannot run without two-step verification or re-authentication; the demo can
run without two-step verification (issue 7 §1)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trygg.settings_guard import TEST_SETTINGS_MODULE, security_relaxation_error

SRC = Path(__file__).resolve().parents[3]


def run_trygg(*args, pythonpath=(), **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TRYGG_", "DATABASE_URL"))}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    base["PYTHONPATH"] = os.pathsep.join([str(SRC), *map(str, pythonpath)])
    return subprocess.run(
        [sys.executable, "-m", "trygg.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


KEYS = {
    "TRYGG_SECRET_KEY": "x",
    "TRYGG_AUDIT_KEY": "y",
    "TRYGG_CASE_KEYS": "QyW4Ith2xxBWq3H0s0V7uMdSTMqi34COv5bzwtixumI=",
    "TRYGG_CASE_INDEX_KEY": "i" * 40,
}
SHOW = (
    "from django.conf import settings as s;"
    "print(s.TRYGG_MFA_ENFORCED, s.TRYGG_REAUTH_ENFORCED, s.TRYGG_IDLE_MINUTES,"
    " s.ACCOUNT_REAUTHENTICATION_TIMEOUT, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
)


def assert_refused(result, words):
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_with_two_step_verification_off(tmp_path):
    result = run_trygg("check", TRYGG_MFA_ENFORCED="0", TRYGG_VAR_DIR=str(tmp_path), **KEYS)
    assert_refused(result, "TRYGG_MFA_ENFORCED is off but TRYGG_DEBUG is not on")


@pytest.mark.parametrize("setting", ["TRYGG_MFA_ENFORCED", "TRYGG_REAUTH_ENFORCED"])
def test_a_deployments_own_settings_module_cannot_switch_the_checks_off(tmp_path, setting):
    (tmp_path / "site_settings.py").write_text(
        f"from trygg.settings import *  # noqa\n{setting} = False\n"
    )
    result = run_trygg(
        "check",
        pythonpath=[tmp_path],
        DJANGO_SETTINGS_MODULE="site_settings",
        TRYGG_VAR_DIR=str(tmp_path),
        **KEYS,
    )
    assert_refused(result, f"{setting} is off but TRYGG_DEBUG is not on")


def test_production_defaults_enforce_everything(tmp_path):
    result = run_trygg("shell", "--no-imports", "-c", SHOW, TRYGG_VAR_DIR=str(tmp_path), **KEYS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "30", "600", "5", "0:15:00"]


def test_the_local_demo_may_switch_two_step_verification_off(tmp_path):
    result = run_trygg(
        "shell",
        "--no-imports",
        "-c",
        SHOW,
        TRYGG_DEBUG="1",
        TRYGG_MFA_ENFORCED="0",
        TRYGG_IDLE_MINUTES="45",
        TRYGG_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["False", "True", "45"]


@pytest.mark.parametrize("value, words", [("0", "at least 1"), ("soon", "a whole number")])
def test_an_invalid_idle_time_stops_with_one_sentence(tmp_path, value, words):
    result = run_trygg(
        "check", TRYGG_DEBUG="1", TRYGG_IDLE_MINUTES=value, TRYGG_VAR_DIR=str(tmp_path)
    )
    assert_refused(result, "TRYGG_IDLE_MINUTES")
    assert words in result.stderr


def test_the_rule():
    relax = security_relaxation_error
    assert relax(debug=False, mfa_enforced=True) == ""
    assert relax(debug=True, mfa_enforced=False, reauth_enforced=False) == ""
    assert (
        relax(
            debug=False,
            mfa_enforced=False,
            reauth_enforced=False,
            settings_module=TEST_SETTINGS_MODULE,
        )
        == ""
    )
    assert "TRYGG_MFA_ENFORCED" in relax(debug=False, mfa_enforced=False)
    assert "TRYGG_REAUTH_ENFORCED" in relax(
        debug=False, mfa_enforced=True, reauth_enforced=False, settings_module="site.settings"
    )
