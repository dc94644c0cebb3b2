"""pip-audit over the pinned requirements (requirements/constraints.txt), used by `make security`.

The pins are what every install (developers, CI, production) gets, so they are audited,
not whatever happens to be in the local venv. First checks, with a short timeout, that an
advisory source answers for a pinned package: PyPI's per-release JSON (pip-audit's default
service) or else OSV. If neither does (an offline or mirrored index), the audit is
skipped with a message and exit code 0; set TRYGG_PIP_AUDIT_REQUIRED=1 to fail instead.
Any advisory not listed in requirements/pip-audit-ignore.txt fails the run, and so does a
pinned package the service cannot look up (--strict).
"""

import datetime as dt
import json
import os
import re
import subprocess  # nosec B404: runs pip-audit from this venv, no shell
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
IGNORE_FILE = ROOT / "requirements" / "pip-audit-ignore.txt"
PROBE_TIMEOUT = 10
REVIEW_AFTER = dt.timedelta(days=90)


def ignored_advisories():
    ids = []
    for number, line in enumerate(IGNORE_FILE.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 3 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[1]):
            sys.exit(f"{IGNORE_FILE.name}:{number}: expected 'ID YYYY-MM-DD reason': {line}")
        advisory, added, _reason = parts
        if dt.date.today() - dt.date.fromisoformat(added) > REVIEW_AFTER:
            print(f"pip-audit: {advisory} was ignored on {added}; check whether a fix exists.")
        ids.append(advisory)
    return ids


def probe_pin():
    for line in CONSTRAINTS.read_text().splitlines():
        if match := re.fullmatch(r"(?i)(django)==(\S+)", line.strip()):
            return match.group(1), match.group(2)
    sys.exit(f"pip-audit: no Django pin in {CONSTRAINTS}")


def reachable_service():
    """'pypi' or 'osv' if that service answers for a pinned package; else (None, why)."""
    name, version = probe_pin()
    errors = []
    try:
        url = f"https://pypi.org/pypi/{name.lower()}/{version}/json"
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT) as response:  # nosec B310
            if "vulnerabilities" in json.load(response):
                return "pypi", None
            errors.append("PyPI: per-release JSON without a vulnerabilities field")
    except Exception as exc:  # noqa: BLE001 - any failure means "not usable here"
        errors.append(f"PyPI per-release JSON ({name} {version}): {exc}")
    try:
        query = json.dumps(
            {"package": {"name": name, "ecosystem": "PyPI"}, "version": version}
        ).encode()
        request = urllib.request.Request(
            "https://api.osv.dev/v1/query",
            data=query,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT) as response:  # nosec B310
            json.load(response)
            return "osv", None
    except Exception as exc:  # noqa: BLE001
        errors.append(f"OSV: {exc}")
    return None, "; ".join(errors)


def main():
    ignored = ignored_advisories()
    service, why = reachable_service()
    if service is None:
        message = f"pip-audit SKIPPED: no advisory source reachable ({why})."
        if os.environ.get("TRYGG_PIP_AUDIT_REQUIRED") == "1":
            sys.exit(message)
        print(message)
        return 0
    command = [
        sys.executable, "-m", "pip_audit",
        "--requirement", str(CONSTRAINTS),
        "--no-deps", "--disable-pip", "--strict",
        "--vulnerability-service", service,
        "--progress-spinner", "off",
        "--timeout", "30",
    ]  # fmt: skip
    for advisory in ignored:
        command += ["--ignore-vuln", advisory]
    print(f"pip-audit: auditing {CONSTRAINTS.relative_to(ROOT)} against {service}")
    return subprocess.run(command, check=False).returncode  # nosec B603: fixed arguments


if __name__ == "__main__":
    sys.exit(main())
