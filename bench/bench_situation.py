"""How long does the weekly lägesbild take: page (draft and approved), data, rollup, PDF?

    .venv/bin/python bench/bench_situation.py
    .venv/bin/python bench/bench_situation.py --incidents 1000000 --profile
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_bench_situation \
        .venv/bin/python bench/bench_situation.py --incidents 1000000 --reset

Loads the Sigtuna demo with about --incidents incidents over --years years (default
100,000 over 5; the issue's figure is for 1,000,000), then, for the last complete ISO week
(or --week) and as the demo's coordinator:

1. the lägesbild page (``situation:page?utkast=1``, the draft, built on request) through
   Django's test ``Client`` and the whole middleware stack: cold (the first request of a
   fresh process, started for it) and warm (median and p95 of --repeat requests; fewer,
   but at least 3, once a series has taken --budget seconds), its query count and where
   the time goes (build_picture, page_context, template, audit entry, the rest); and
   ``build_picture`` alone (the data part), split into its steps;
2. the suppression of small counts for viewers (``picture.with_suppression``, where the
   code does it apart from build_picture), the weekly PDF (``pdf.render``, partnership
   and viewer versions) and ``services.approve`` (one build, the suppression, two PDFs,
   the snapshot row and the audit entry);
3. the page of the approved version (``?version=N``), which reads only the snapshot;
4. the rollup rebuild of the partnership (``incidents.rollup.rebuild``).

--profile also prints cProfile's top functions (cumulative and own time) of build_picture,
a warm draft page, the partnership PDF and a warm approved page. Static files use the
plain storage (as in the tests), so no collectstatic is needed.

Without DATABASE_URL it uses a fresh SQLite file under var/bench/ (never the dev database;
--reuse keeps the file and the data of the previous run). With DATABASE_URL it uses that
database and refuses a non-empty one unless --reset (which deletes earlier demo data
there) or --reuse (which measures the demo data already there); after loading it runs
ANALYZE on PostgreSQL, as autovacuum would soon after a bulk load. It writes an approved
version and audit entries into the bench database. Prints figures; never asserts timing.
"""

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TEST_HOST = "testserver"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000, help="about how many")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--week", default="", help="ISO week key, e.g. 2026-W47")
    parser.add_argument("--repeat", type=int, default=10, help="warm requests and builds")
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds per series: fewer repeats (>= 3) after"
    )
    parser.add_argument("--pdf-repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print cProfile top functions")
    parser.add_argument("--top", type=int, default=25, help="rows of each profile")
    parser.add_argument("--reset", action="store_true", help="reset demo data (DATABASE_URL)")
    parser.add_argument("--reuse", action="store_true", help="measure the demo data already there")
    parser.add_argument("--cold-child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.cold_child:
        return _cold_child(args.cold_child)

    if not os.environ.get("DATABASE_URL"):
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        path = bench_dir / "bench_situation.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    _environment()

    import django

    django.setup()
    _test_settings()
    from django.core.management import call_command
    from django.db import connection, transaction

    from trygg.core.models import Membership, Partnership, Role
    from trygg.demo import services as demo
    from trygg.demo import sigtuna
    from trygg.incidents import rollup
    from trygg.incidents.models import Incident
    from trygg.situation import pdf, services
    from trygg.situation.models import SituationVersion
    from trygg.situation.periods import Period
    from trygg.situation.views import last_complete_week

    call_command("migrate", verbosity=0)
    _machine(connection)

    partnership = Partnership.objects.filter(slug=sigtuna.PARTNERSHIP["slug"]).first()
    if args.reuse and partnership is not None:
        print(f"reusing the demo data there: {partnership.name}")
    else:
        seed = demo.DEFAULT_SEED if args.seed is None else args.seed
        scale = _scale(seed, args.incidents, args.years)
        print(f"scale {scale:.3f} for about {args.incidents:,} incidents over {args.years} years")
        t = time.perf_counter()
        try:
            result = demo.load_demo(seed=seed, scale=scale, years=args.years, reset=args.reset)
        except demo.DemoRefused as exc:
            print(f"refused: {exc}")
            return 2
        print(
            f"load_demo:          {time.perf_counter() - t:8.2f} s  "
            f"(its rollup build {result.timings['rollup']:.2f} s)"
        )
        partnership = result.partnership
        if connection.vendor == "postgresql":
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"ANALYZE:            {time.perf_counter() - t:8.2f} s")

    period = Period.from_key(args.week) if args.week else last_complete_week()
    coordinator = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .first()
        .user
    )
    live = Incident.objects.filter(partnership=partnership, withdrawn_at__isnull=True)
    print(
        f"partnership:        {partnership.name}, "
        f"{Incident.objects.filter(partnership=partnership).count():,} incidents; "
        f"week {period.key} ({period.start}–{period.end}): "
        f"{live.filter(occurred_date__gte=period.start, occurred_date__lte=period.end).count():,}"
    )
    print(f"as:                 {coordinator.email} (coordinator)")
    repeat, budget = max(1, args.repeat), args.budget
    page_url = f"/lagesbild/{period.key}/"
    draft_url = f"{page_url}?utkast=1"  # the draft even when an approved version exists

    # The draft page: cold in a fresh process, then warm here.
    print(f"\ndraft page GET {draft_url}  (cold: first request of a fresh process)")
    _print_cold(_cold(draft_url))
    client = _client(coordinator)
    parts = Parts()
    _wrap_page(parts)
    _print_page(client, draft_url, parts, repeat, budget, connection)

    parts.restore()
    _wrap_picture(parts)
    from trygg.situation.picture import build_picture

    picture = build_picture(partnership, period)  # warm-up
    times, runs = _series(lambda: build_picture(partnership, period), parts, repeat, budget)
    parts.restore()
    print(
        f"build_picture:      {_ms(statistics.median(times))} median, "
        f"{_ms(_p95(times))} p95 of {len(times)} "
        f"({len(picture['points']):,} points, {len(picture['flags'])} flags, "
        f"{len(picture['hotspots']['cells'])} hot cells of {picture['hotspots']['tested']}, "
        f"{len(json.dumps(picture)) / 1024:,.0f} KB as JSON)"
    )
    _print_steps(times, runs, PICTURE_STEPS)
    if args.profile:
        _profile("build_picture", lambda: build_picture(partnership, period), args.top)
        _profile("warm draft page", lambda: client.get(draft_url), args.top)

    # Suppression for viewers (when the code does it apart from build_picture: approval
    # and the viewer output), then the PDFs of the suppressed picture.
    print("\nsuppression, PDF and approval")
    from trygg.situation import picture as picture_module

    with_suppression = getattr(picture_module, "with_suppression", None)
    if with_suppression is None:
        print("with_suppression:   (none: build_picture suppresses, see _suppression above)")
    else:
        heavy = max(1, args.pdf_repeat)
        times, _runs = _series(lambda: with_suppression(_unsuppressed(picture)), parts, heavy, 0)
        print(
            f"with_suppression:   {_s(statistics.median(times))} median, "
            f"{_s(max(times))} max of {len(times)} "
            f"({len(picture['rows'])} rows x {len(picture['groups'])} groups, 6 windows)"
        )
        if args.profile:
            _profile("with_suppression", lambda: with_suppression(_unsuppressed(picture)), args.top)
        picture = with_suppression(picture)
    pdf.render(picture, audience=pdf.PARTNERSHIP)  # warm-up: fonts, CSS
    for audience, n in ((pdf.PARTNERSHIP, max(1, args.pdf_repeat)), (pdf.VIEWER, 1)):
        times = []
        for _i in range(n):
            t = time.perf_counter()
            data = pdf.render(picture, audience=audience)
            times.append(time.perf_counter() - t)
        print(
            f"pdf {audience:<15}{_s(statistics.median(times))} median of {n} "
            f"({len(data) / 1024:,.0f} KB)"
        )
    if args.profile:
        _profile("partnership PDF", lambda: pdf.render(picture, audience=pdf.PARTNERSHIP), args.top)

    number = SituationVersion.objects.filter(
        report__partnership=partnership, report__period_key=period.key
    ).count()
    t = time.perf_counter()
    version = services.approve(
        actor=coordinator,
        partnership=partnership,
        period=period,
        change_note="benchmark revision" if number else "",
    )
    print(f"services.approve:   {_s(time.perf_counter() - t)} (version {version.number})")

    # The approved page: reads the snapshot only.
    version_url = f"{page_url}?version={version.number}"
    print(f"\napproved page GET {version_url}  (cold: first request of a fresh process)")
    _print_cold(_cold(version_url))
    parts = Parts()
    _wrap_page(parts)
    _print_page(client, version_url, parts, repeat, budget, connection)
    parts.restore()
    if args.profile:
        _profile("warm approved page", lambda: client.get(version_url), args.top)

    # The rollup rebuild.
    print("\nrollup")
    t = time.perf_counter()
    with transaction.atomic():
        n = rollup.rebuild([partnership.pk])
    print(f"rollup.rebuild:     {_s(time.perf_counter() - t)} ({n:,} rollup rows)")
    return 0


def _environment():
    os.environ.setdefault("TRYGG_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("TRYGG_AUDIT_KEY", "bench-audit-key-not-for-production")
    os.environ.setdefault("TRYGG_DEBUG", "0")  # DEBUG would keep every query in memory
    os.environ.setdefault("TRYGG_LOG_LEVEL", "WARNING")  # WeasyPrint logs every page at INFO
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")


def _test_settings():
    """The test client's host, and static files without collectstatic's manifest."""
    import warnings

    from django.conf import settings
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: STATIC_ROOT
    override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, TEST_HOST], STORAGES=storages
    ).enable()


def _machine(connection):
    db = connection.settings_dict
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"machine:            {os.cpu_count()} cores {cpu}; load average {load}")
    print(f"python:             {platform.python_version()} on {platform.system()}")
    print(f"database:           {connection.vendor} {version} {db['NAME']}")
    print(f"code:               {_git_state()}")


def _git_state():
    """The commit measured, and whether src/ has uncommitted changes (they count too)."""

    def git(*args):
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "not a git checkout"
    changed = git("status", "--porcelain", "--", "src").splitlines()
    return f"{head}" + (
        f" + uncommitted changes in {len(changed)} files of src/" if changed else ""
    )


def _scale(seed, wanted, years):
    """The demo scale for about ``wanted`` incidents: one run at scale 1 tells the rate."""
    from bench_demo import _generate

    from trygg.demo import generator
    from trygg.demo import services as demo

    probe = _generate(generator, demo, seed, 1.0, years)
    return wanted / max(len(probe), 1)


def _client(user):
    """A client logged in the way the coordinator does: password, then the TOTP code
    (two-step verification is required outside a local demo)."""
    from allauth.mfa.models import Authenticator
    from django.test import Client
    from django.urls import reverse

    from trygg.accounts.tests.helpers import give_totp, totp_code
    from trygg.demo.services import DEMO_PASSWORD

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        give_totp(user)
    # A code is accepted once (the cold request's process may have used this step's), and
    # the neighbouring step's is accepted too (MFA_TOTP_TOLERANCE).
    for step in (0, 1, -1):
        client = Client(SERVER_NAME=TEST_HOST)
        client.post(reverse("account_login"), {"login": user.email, "password": DEMO_PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(step=step)})
        if response.status_code == 302:
            return client
    raise SystemExit(f"logging in as {user.email} failed: {response.status_code}")


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code}")
    return response


def _print_page(client, url, parts, repeat, budget, connection):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = _get(client, url)  # warm-up, and its queries
    n_queries = len(queries)  # now: the next request_started clears the log
    times, runs = _series(lambda: _get(client, url), parts, repeat, budget)
    print(
        f"warm:               {_ms(statistics.median(times))} median, "
        f"{_ms(_p95(times))} p95, {_ms(min(times))} min of {len(times)} "
        f"({n_queries} queries, {len(response.content) / 1024:,.0f} KB HTML)"
    )
    _print_steps(times, runs, PAGE_STEPS)


def _unsuppressed(picture):
    return {key: value for key, value in picture.items() if key != "suppression"}


def _series(call, parts, repeat, budget):
    """Times of ``repeat`` calls (fewer, but at least 3, once ``budget`` seconds are
    spent) and, for each call, its seconds per timed part."""
    times, runs = [], []
    started = time.perf_counter()
    for i in range(repeat):
        if i >= 3 and time.perf_counter() - started > budget:
            break
        parts.reset()
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
        runs.append(parts.sums())
    return times, runs


def _cold(url):
    """Start a fresh process; it logs in the coordinator and times its first two requests."""
    result = subprocess.run(
        [sys.executable, __file__, "--cold-child", url],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit(f"cold request failed:\n{result.stdout}\n{result.stderr}")


def _print_cold(cold):
    print(
        f"cold:               {_ms(cold['first'])} first request "
        f"(then {_ms(cold['second'])}); django.setup {_ms(cold['setup'])}"
    )


def _cold_child(url):
    _environment()
    t = time.perf_counter()
    import django

    django.setup()
    setup = time.perf_counter() - t
    _test_settings()
    from trygg.core.models import Membership, Partnership, Role
    from trygg.demo import sigtuna

    partnership = Partnership.objects.get(slug=sigtuna.PARTNERSHIP["slug"])
    user = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .first()
        .user
    )
    client = _client(user)
    times = []
    for _i in range(2):
        t = time.perf_counter()
        _get(client, url)
        times.append(time.perf_counter() - t)
    print(json.dumps({"setup": setup, "first": times[0], "second": times[1]}))
    return 0


class Parts:
    """Wraps module functions to time them; ``sums`` gives the seconds per label since
    ``reset``. The wrappers cost about a microsecond a call."""

    def __init__(self):
        self.times = defaultdict(float)
        self.patched = []

    def wrap(self, module, name, label):
        original = getattr(module, name, None)
        if original is None:  # not in this version of the code: not timed
            return

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.times[label] += time.perf_counter() - t

        setattr(module, name, timed)
        self.patched.append((module, name, original))

    def reset(self):
        self.times.clear()

    def sums(self):
        return dict(self.times)

    def restore(self):
        for module, name, original in reversed(self.patched):
            setattr(module, name, original)
        self.patched.clear()


# (label, depth): depth 1 is a part of the whole, depth 2 a part of the line above it.
PAGE_STEPS = [
    ("build_picture", 1),
    ("texts_of", 1),
    ("versions", 1),
    ("snapshot", 1),
    ("page_context", 1),
    ("template", 1),
    ("audit record", 1),
]
PICTURE_STEPS = [
    ("area_rows", 1),
    ("category_groups", 1),
    ("window_matrices", 1),
    ("flag_cells", 1),
    ("_flags", 1),
    ("_suppression", 1),
    ("with_suppression", 1),
    ("_overview", 1),
    ("_late_reports", 2),
    ("_incident_layers", 1),
    ("_point", 2),
    ("_hotspots", 2),
    ("hotspot_layer", 3),
    ("_density_cells", 3),
    ("_time_profile", 2),
    ("_outlines", 1),
    ("_trends", 1),
    ("weekly_series", 2),
]


def _wrap_page(parts):
    from trygg.situation import render, services, views

    parts.wrap(views, "build_picture", "build_picture")
    parts.wrap(services, "texts_of", "texts_of")
    parts.wrap(views, "_versions", "versions")
    parts.wrap(views, "_snapshot", "snapshot")
    parts.wrap(render, "page_context", "page_context")
    parts.wrap(views, "render", "template")
    parts.wrap(views, "record", "audit record")


def _wrap_picture(parts):
    from trygg.situation import counts, hotspots, picture, stats

    for name in ("area_rows", "category_groups"):
        parts.wrap(picture, name, name)
    parts.wrap(counts, "window_matrices", "window_matrices")
    parts.wrap(counts, "weekly_series", "weekly_series")
    parts.wrap(stats, "flag_cells", "flag_cells")
    parts.wrap(hotspots, "hotspot_layer", "hotspot_layer")
    for name in (
        "_flags",
        "_suppression",
        "with_suppression",
        "_overview",
        "_late_reports",
        "_incident_layers",
        "_point",
        "_hotspots",
        "_density_cells",
        "_time_profile",
        "_outlines",
        "_trends",
    ):
        parts.wrap(picture, name, name)


def _print_steps(times, runs, layout):
    """Median seconds of each step; "(other)" is the median of what each call spent
    outside its depth-1 steps."""
    top = [label for label, depth in layout if depth == 1]
    for label, depth in layout:
        values = [run[label] for run in runs if label in run]
        if values:
            name = f"{'  ' * (depth - 1)}{label}"
            print(f"  {name:<18} {_ms(statistics.median(values))}")
    other = [
        t - sum(run.get(label, 0.0) for label in top) for t, run in zip(times, runs, strict=True)
    ]
    print(f"  {'(other)':<18} {_ms(statistics.median(other))}")


def _profile(title, call, top):
    """cProfile's top functions by cumulative time, then by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    print(f"\nprofile of {title} (cProfile; profiling slows it):")
    for order, n in (("cumulative", top), ("tottime", max(10, top // 2))):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(n)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"  by {order}:")
        for line in lines[start:]:
            if line.strip():
                print(f"  {line}")


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def _ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def _s(seconds):
    return f"{seconds:8.2f} s"


if __name__ == "__main__":
    sys.exit(main())
