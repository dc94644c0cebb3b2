"""How much slower approving a lägesbild gets when it is suppressed together with the
lägesbilder approved before it (``suppress_area_tables(published=...)``, issue 7 §4).

    .venv/bin/python bench/bench_suppression_history.py [--weeks 6] [--seeds 7 8]

A run of consecutive weekly pictures over sparse synthetic counts (the worst case for
the suppression: most cells 0 or 1; the generator of ``situation/tests/test_suppression``),
each suppressed with the pictures before it as published: none, one or two, as
``services.MAX_NEIGHBOURS`` allows. Prints seconds per picture; never fails on timing.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from trygg.situation.suppression import Published, suppress_area_tables  # noqa: E402
from trygg.situation.tests.test_suppression import _sparse_picture  # noqa: E402


def run(seed, weeks, neighbours):
    published_before, times = {}, []
    for back in range(weeks - 1, -1, -1):
        rows, groups, group_counts, category_counts, spans = _sparse_picture(seed, back=back)
        published = {
            (earlier, name): Published(spans_e[name], g[name], c[name], shown[name])
            for earlier, (spans_e, g, c, shown) in published_before.items()
            if earlier - back <= neighbours
            for name in shown
        }
        started = time.perf_counter()
        shown = suppress_area_tables(
            rows=rows,
            groups=groups,
            group_counts=group_counts,
            category_counts=category_counts,
            spans=spans,
            published=published,
        )
        if published_before or neighbours == 0:
            times.append(time.perf_counter() - started)
        published_before[back] = (spans, group_counts, category_counts, shown)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8])
    args = parser.parse_args()
    for neighbours in (0, 1, 2):
        times = [t for seed in args.seeds for t in run(seed, args.weeks, neighbours)]
        print(
            f"suppressed with {neighbours} earlier picture(s): median "
            f"{statistics.median(times):.1f} s, max {max(times):.1f} s over {len(times)} pictures"
        )


if __name__ == "__main__":
    main()
