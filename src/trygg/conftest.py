"""Shared fixtures: a small world of two partnerships, organisations and one user per role."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread (TOOLCHAIN.md §2).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_collection_modifyitems(config, items):
    """With TRYGG_DB_TESTS_ONLY=1 (the PostgreSQL run) keep only tests that use a database:
    tests that never touch one run once, in the SQLite run."""
    if os.environ.get("TRYGG_DB_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") or DB_FIXTURES & set(item.fixturenames)
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def world(db):
    """Partnership P (Sigtuna-like) with organisations A (+ unit A1) and B, a user per role
    in A, a reporter in B, and partnership Q with its own organisation and coordinator."""
    from trygg.testing import build_world

    return build_world()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run: Playwright's sync API allows one instance per
    thread, so every browser test module shares this one."""
    from trygg.core.tests.browser import CHROMIUM, LAUNCH_ARGS, missing_browser_reason

    if reason := missing_browser_reason():
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()
