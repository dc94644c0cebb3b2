"""How long the joint disclosure control of the agreement side takes
(``trygg.agreement.disclosure``: every indicator period and annual report count a viewer
can see, suppressed together).

    .venv/bin/python bench/bench_agreement_disclosure.py [--indicators 12 24 48] [--seeds 1 2] [--incidents 20000]

Synthetic, no database: Sigtuna-sized domains (30 categories, 17 leaf areas in 5
districts, 4 place classes, 2 age groups), indicators over a few categories: half in
families a reader can play against each other (a district by month and by year and each
of its areas by month), the rest in a leaf, a district or the whole municipality by
week, month, tertial or year, from 2024 to today, and --incidents per year spread at random (sparse
selections give many counts of 1-4, the hard case). Prints the cells, the atoms and the
seconds to build the table and to suppress it; never fails on timing.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
django.setup()  # the module imports models; the benchmark reads no database

from trygg.agreement.disclosure import Aggregate, table_of  # noqa: E402
from trygg.agreement.indicators import periods_between  # noqa: E402
from trygg.situation.suppression import Status, suppress  # noqa: E402


def synthetic(seed, indicators, incidents_per_year):
    rng = random.Random(seed)
    categories = [f"c{i}" for i in range(30)]
    districts = [[f"d{d}a{a}" for a in range(3 + d % 2)] for d in range(5)]
    leaves = [leaf for district in districts for leaf in district] + ["municipality"]
    domains = (categories, leaves, ["public", "semi_public", "other", "unknown"], ["a", "b"])
    first, last = dt.date(2024, 1, 1), dt.date(2026, 11, 26)
    aggregates = []
    definitions = []
    while len(definitions) < indicators:
        chosen = frozenset(rng.sample(categories, rng.randint(1, 4)))
        places = frozenset(["public", "semi_public"]) if rng.random() < 0.5 else None
        district = rng.choice(districts)
        if rng.random() < 0.5:
            # A family a reader can play against itself: a district by month and year,
            # and each of its areas by month.
            definitions.append((chosen, frozenset(district), places, "month"))
            definitions.append((chosen, frozenset(district), places, "year"))
            definitions += [(chosen, frozenset([leaf]), places, "month") for leaf in district]
        else:
            areas = rng.choice([frozenset(district), frozenset(leaves), frozenset([leaves[0]])])
            kind = rng.choice(["week", "month", "tertial", "year"])
            definitions.append((chosen, areas, places, kind))
    for i, (chosen, areas, places, kind) in enumerate(definitions[:indicators]):
        for period in periods_between(kind, first, last):
            aggregates.append(
                Aggregate(
                    ("i", i, period.key), chosen, areas, places, None, period.start, period.end
                )
            )
    days = (last - first).days
    rows = [
        (
            rng.choice(categories),
            rng.choice(leaves),
            rng.choice(domains[2]),
            rng.choice(domains[3]),
            first + dt.timedelta(days=rng.randrange(days)),
            1,
        )
        for _ in range(int(incidents_per_year * days / 365))
    ]
    return aggregates, domains, rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, nargs="+", default=[12, 24, 48])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--incidents", type=int, default=20000)
    args = parser.parse_args()
    for n in args.indicators:
        builds, suppressions = [], []
        for seed in args.seeds:
            aggregates, domains, rows = synthetic(seed, n, args.incidents)
            started = time.perf_counter()
            values, constraints, atoms = table_of(aggregates, domains, rows)
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            statuses = suppress(values, constraints, unpublished=atoms)
            suppressions.append(time.perf_counter() - started)
            small = sum(1 for s in statuses.values() if s == Status.PRIMARY)
            hidden = sum(1 for s in statuses.values() if s == Status.SECONDARY)
            print(
                f"{n} indicators, seed {seed}: {len(aggregates)} cells, {len(atoms)} atoms, "
                f"{small} '<5', {hidden} '–'; build {builds[-1]:.2f} s, "
                f"suppress {suppressions[-1]:.2f} s"
            )
        print(
            f"{n} indicators: build median {statistics.median(builds):.2f} s, "
            f"suppress median {statistics.median(suppressions):.2f} s, "
            f"max {max(suppressions):.2f} s"
        )


if __name__ == "__main__":
    main()
