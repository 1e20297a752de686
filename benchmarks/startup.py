"""How long the ``dossier`` command takes to start, against bare Python in the same run.

Usage: python benchmarks/startup.py [--runs 7]

Each command runs ``--runs`` times in a fresh process (the first run of each is a
warm-up and not counted); printed is the median wall time, its difference from
``python -c pass`` measured alongside, and the goal: ``dossier --help`` within 0.5 s of
bare Python, ``dossier validate`` on the bundled example within 1.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kazakhstan-2020-2021"
CLI = "from dossier.cli import main; main()"
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("python -c pass", [sys.executable, "-c", "pass"], None),
    ("dossier --help", [sys.executable, "-c", CLI, "--help"], 0.5),
    ("dossier validate EXAMPLE", [sys.executable, "-c", CLI, "validate", str(EXAMPLE)], 1.5),
]


def _time(argv: list[str], runs: int) -> float:
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        if run:  # the first is a warm-up (file caches)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    base = None
    failed = False
    print(f"{'command':<28} {'median':>8} {'vs bare Python':>15} {'goal':>10}")
    for label, argv, goal in COMMANDS:
        seconds = _time(argv, args.runs)
        if base is None:
            base = seconds
            print(f"{label:<28} {seconds:>7.3f}s {'':>15} {'':>10}")
            continue
        extra = seconds - base
        met = goal is None or extra <= goal
        failed |= not met
        print(f"{label:<28} {seconds:>7.3f}s {extra:>+14.3f}s {f'<= +{goal}s':>10} "
              f"{'met' if met else 'NOT MET'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
