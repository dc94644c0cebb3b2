"""Run every benchmark in bench/ (bench_*.py) with its defaults and print their figures.

    .venv/bin/python bench/run_all.py

Benchmarks print figures and never fail on timing; this exits non-zero only when a
benchmark crashes.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], check=False)
        print(f"== {script.name}: {time.perf_counter() - started:.1f} s\n", flush=True)
        if result.returncode:
            failed.append(script.name)
    if failed:
        print(f"crashed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
