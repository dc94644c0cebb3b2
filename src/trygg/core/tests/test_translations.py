"""The English translation is kept complete and compiled (DESIGN.md §7)."""

import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed"
)


def test_every_swedish_string_has_an_english_translation():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_compiled_catalogue_matches_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes(), (
        "run `make messages` to compile the translation"
    )
