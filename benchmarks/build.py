"""Build synthetic cases end to end and time them: full builds and incremental rebuilds.

Usage: python benchmarks/build.py [--sizes 100 1000] [--workdir DIR]

For each size: a deterministic fictional case (tests/synthetic_case.py) is built
from scratch by ``dossier build`` in a child process (validate, store, identity
resolution, evidence maps, every diagram and PDF, the workbook, the OpenSanctions
dataset); then one incident's title is edited and the case rebuilt (only the dossiers
that depend on that incident are regenerated). Printed: wall time, time per dossier,
peak memory of the build and of its worker processes, how many dossiers each build
wrote, and the full/incremental ratio.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import synthetic_case  # noqa: E402  (the generator the tests use too)

RUNNER = """
import resource, sys, time
from pathlib import Path
from dossier.build import build_case
started = time.perf_counter()
result = build_case(Path(sys.argv[1]), Path(sys.argv[2]))
seconds = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(seconds, own, kids, result.targets.get('written', 0), result.targets.get('kept', 0))
"""


def build(case: Path, out: Path) -> tuple[float, float, float, int, int]:
    output = subprocess.run([sys.executable, "-c", RUNNER, str(case), str(out)],
                            check=True, capture_output=True, text=True).stdout
    seconds, own, kids, written, kept = output.split()
    return float(seconds), float(own), float(kids), int(written), int(kept)


def measure(size: int, workdir: Path) -> None:
    case = workdir / f"case-{size}"
    out = workdir / f"out-{size}"
    shutil.rmtree(case, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    synthetic_case.write(size, case)
    print(f"\n== {size} targets (generated in {time.perf_counter() - started:.1f} s)")
    full, own, kids, written, _ = build(case, out)
    print(f"full build: {full:.1f} s, {full / max(written, 1) * 1000:.0f} ms per dossier "
          f"({written} dossiers, {os.cpu_count()} cores), peak {own:.0f} MB main process, "
          f"{kids:.0f} MB largest worker")
    incidents = case / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace(
        "title: Incident 7 (fictional)", "title: Incident 7 (fictional, corrected)", 1),
        "utf-8")
    incremental, own, kids, written, kept = build(case, out)
    print(f"after editing one incident: {incremental:.1f} s ({written} dossiers rewritten, "
          f"{kept} unchanged), peak {own:.0f} MB")
    print(f"full / incremental: {full / incremental:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "dossier-build-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; peak memory by ru_maxrss; "
          f"{resource.getpagesize()} B pages")
    for size in args.sizes:
        measure(size, args.workdir)


if __name__ == "__main__":
    main()
