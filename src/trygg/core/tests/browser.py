"""Helpers for the real-browser tests: Playwright on the system Chromium, axe-core checks.

Never downloads a browser (TOOLCHAIN.md §2): the tests skip when /usr/bin/chromium or
Playwright is missing.
"""

import os

CHROMIUM = os.environ.get("TRYGG_CHROMIUM", "/usr/bin/chromium")

# --host-resolver-rules stops Chromium's own DNS lookups (Google services) while
# localhost, where the live server runs, still resolves.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
SERIOUS = ("serious", "critical")


def missing_browser_reason():
    """Why the browser tests cannot run here, or '' when they can."""
    if not os.path.exists(CHROMIUM):
        return f"no system Chromium at {CHROMIUM} (install it with apt-get install chromium)"
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright or axe-playwright-python is not installed ({exc})"
    return ""


def axe_violations(page, impacts=None):
    """Run axe (WCAG 2.0 A/AA and 2.1 AA rules) on the page; return (violations, report).

    With ``impacts``, only violations of those impact levels count.
    """
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = result.response["violations"]
    if impacts is not None:
        violations = [v for v in violations if v.get("impact") in impacts]
    return violations, result.generate_report()


class ConsoleLog:
    """Collects a page's console messages and uncaught errors."""

    def __init__(self, page):
        self.messages = []
        self.errors = []
        page.on("console", lambda message: self.messages.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def csp_violations(self):
        return [m for m in self.messages if "Content Security Policy" in m]

    def clear(self):
        self.messages.clear()
        self.errors.clear()
