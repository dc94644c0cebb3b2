"""Create throughput and latency of the partner API against a running server.

    TRYGG_API_TOKEN=tc_... .venv/bin/python bench/bench_api.py \
        --url http://127.0.0.1:8000 --requests 200 --concurrency 4 --area 0191

Creates ``--requests`` incidents (source "api", external ids ``bench-<run>-<n>``, label
GREEN, category ORDNING.BRAK, in area ``--area`` with a date and time bucket) through
``POST /api/v1/incidents`` with ``--concurrency`` threads (after ``--warmup`` creates that
are not counted), then repeats the first ``--repeat`` of them (idempotent 200s). Prints
throughput and p50/p95/max latency per kind, and the statuses (warm-up ones included).
Loopback only (127.0.0.1, ::1, localhost): it writes data, so never point it at a
shared server. Bounded (at most 5,000 requests, 120 s). Never asserts. The token needs
read_write scope; the server's rate limit (TRYGG_API_RATE_LIMIT, default 600/min) applies,
so raise it for the server under test or expect 429s, which are counted and shown.
Use a demo or bench database: the incidents stay (withdraw them or reset the database).
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
MAX_REQUESTS = 5000
MAX_SECONDS = 120


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", default=os.environ.get("TRYGG_API_TOKEN", ""))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=50, help="idempotent repeats")
    parser.add_argument(
        "--warmup",
        type=int,
        default=0,
        help="creates sent first and not counted (each worker's first requests load code)",
    )
    parser.add_argument("--area", default="", help="area code (GET /api/v1/areas)")
    parser.add_argument("--category", default="ORDNING.BRAK")
    args = parser.parse_args()

    host = urlsplit(args.url).hostname
    if host not in LOOPBACK:
        sys.exit(f"bench_api: refusing {host!r}: loopback only (127.0.0.1, ::1, localhost)")
    if not args.token.startswith("tc_"):
        # Needs a running server and a token (see docs/benchmarks.md): skipped by make bench.
        print("bench_api: skipped; give a read_write token with --token or TRYGG_API_TOKEN")
        return
    total = max(1, min(args.requests, MAX_REQUESTS))
    repeat = max(0, min(args.repeat, total))
    endpoint = args.url.rstrip("/") + "/api/v1/incidents"
    headers = {"Authorization": f"Bearer {args.token}", "Content-Type": "application/json"}

    area = args.area
    if not area:
        request = urllib.request.Request(args.url.rstrip("/") + "/api/v1/areas", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            areas = [a for a in json.load(response) if a["selectable"]]
        if not areas:
            sys.exit("bench_api: the token's partnership has no selectable area")
        area = areas[0]["code"]

    run = uuid.uuid4().hex[:8]
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    deadline = time.monotonic() + MAX_SECONDS
    results = {"warmup": [], "create": [], "repeat": []}
    statuses = {}
    lock = threading.Lock()

    def call(kind, n):
        if time.monotonic() > deadline:
            return
        body = json.dumps(
            {
                "external_id": f"bench-{run}-{n}",
                "category": args.category,
                "area": area,
                "occurred_date": yesterday,
                "time_bucket": "evening",
                "description": "Benchmark",
            }
        ).encode()
        request = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.read()
        except OSError as exc:
            status = type(exc).__name__
        elapsed = time.perf_counter() - start
        with lock:
            results[kind].append(elapsed)
            statuses[(kind, status)] = statuses.get((kind, status), 0) + 1

    warmup = max(0, min(args.warmup, MAX_REQUESTS - total))
    if warmup:
        with ThreadPoolExecutor(max_workers=max(1, min(args.concurrency, 32))) as pool:
            list(pool.map(lambda n: call("warmup", n), range(total, total + warmup)))
        results.pop("warmup", None)
    for kind, numbers in (("create", range(total)), ("repeat", range(repeat))):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, min(args.concurrency, 32))) as pool:
            list(pool.map(lambda n, kind=kind: call(kind, n), numbers))
        wall = time.perf_counter() - started
        times = results[kind]
        if not times:
            continue
        print(
            f"{kind:7s} {len(times):5d} requests in {wall:6.2f} s = {len(times) / wall:7.1f}/s; "
            f"p50 {statistics.median(times) * 1000:6.1f} ms, "
            f"p95 {percentile(times, 95) * 1000:6.1f} ms, max {max(times) * 1000:6.1f} ms"
        )
    print(
        "statuses:", ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(statuses.items(), key=str))
    )


if __name__ == "__main__":
    main()
