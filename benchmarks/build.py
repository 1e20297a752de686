"""Build synthetic cases end to end and time them: full builds and incremental rebuilds.

Usage: python benchmarks/build.py [--sizes 100 1000] [--workdir DIR] [--baseline REF]

For each size: a deterministic fictional case (tests/synthetic_case.py) is built
from scratch by ``dossier build`` in a child process (validate, store, identity
resolution, evidence maps, every diagram and PDF, the workbook, the OpenSanctions
dataset); then one incident's title is edited and the case rebuilt (only the dossiers
that depend on that incident are regenerated). Printed: wall time, time per dossier,
peak memory of the build and of its worker processes, how many dossiers each build
wrote, and the full/incremental ratio.

With ``--baseline REF`` (a git commit, tag or branch) the same builds are run first with
the code of REF (checked out into WORKDIR/baseline as a git worktree; the builds run
there, so its packages are the ones imported) on an identical copy of the case, and each
figure is printed as a ratio against it — the baseline measured in the same run, on the
same machine. The goals of issue 26 are printed as met or not for 1,000 and 10,000
targets. Peak memory of all processes is bounded by the main process plus each worker
at the largest worker's peak (ru_maxrss reports the largest child only).
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


def build(case: Path, out: Path, code: Path | None = None
          ) -> tuple[float, float, float, int, int]:
    """One build in a child process, with the code at ``code`` (default: this checkout)."""
    output = subprocess.run([sys.executable, "-c", RUNNER, str(case), str(out)],
                            check=True, capture_output=True, text=True,
                            cwd=code or ROOT).stdout
    seconds, own, kids, written, kept = output.strip().splitlines()[-1].split()
    return float(seconds), float(own), float(kids), int(written), int(kept)


ROOT = Path(__file__).resolve().parent.parent
#: size → (full build at most, seconds; after one edit at most, seconds; peak MB at most)
GOALS = {1000: (100.0, 2.0, None), 10000: (900.0, 5.0, 3072.0)}


def baseline_code(ref: str, workdir: Path) -> Path:
    """A git worktree of ``ref`` under ``workdir`` (made afresh)."""
    folder = workdir / "baseline"
    subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT,
                   capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), ref], cwd=ROOT,
                   check=True, capture_output=True)
    return folder


def run_size(case: Path, out: Path, code: Path | None) -> dict[str, float]:
    """A full build, one incident edited, a rebuild."""
    shutil.rmtree(out, ignore_errors=True)
    full, own, kids, written, _ = build(case, out, code)
    incidents = case / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace(
        "title: Incident 7 (fictional)", "title: Incident 7 (fictional, corrected)", 1),
        "utf-8")
    incremental, inc_own, _, rewritten, kept = build(case, out, code)
    workers = min(os.cpu_count() or 1, 8)
    return {"full": full, "own": own, "kids": kids, "written": written,
            "incremental": incremental, "rewritten": rewritten, "kept": kept,
            "all": own + workers * kids, "inc_own": inc_own}


def _ratio(now: float, then: float | None) -> str:
    return f" ({then / now:.2f}× faster than the baseline's {then:.1f} s)" if then else ""


def measure(size: int, workdir: Path, baseline: Path | None) -> None:
    source = workdir / f"case-{size}-generated"
    shutil.rmtree(source, ignore_errors=True)
    started = time.perf_counter()
    synthetic_case.write(size, source)
    print(f"\n== {size} targets (generated in {time.perf_counter() - started:.1f} s; "
          f"{os.cpu_count()} cores)")
    results: dict[str, dict[str, float]] = {}
    for label, code in (("baseline", baseline), ("this code", None)):
        if label == "baseline" and code is None:
            continue
        case = workdir / f"case-{size}"
        shutil.rmtree(case, ignore_errors=True)
        shutil.copytree(source, case)
        results[label] = run_size(case, workdir / f"out-{size}", code)
    then = results.get("baseline", {})
    for label, r in results.items():
        print(f"{label}: full build {r['full']:.1f} s, "
              f"{r['full'] / max(r['written'], 1) * 1000:.0f} ms per dossier "
              f"({r['written']:.0f} dossiers), peak {r['own']:.0f} MB main, "
              f"{r['kids']:.0f} MB largest worker, all processes at most {r['all']:.0f} MB"
              + (_ratio(r["full"], then.get("full")) if label != "baseline" else ""))
        print(f"{label}: after editing one incident {r['incremental']:.1f} s "
              f"({r['rewritten']:.0f} dossiers rewritten, {r['kept']:.0f} unchanged), "
              f"peak {r['inc_own']:.0f} MB"
              + (_ratio(r["incremental"], then.get("incremental"))
                 if label != "baseline" else ""))
    now = results["this code"]
    goal = GOALS.get(size)
    if goal:
        full_goal, inc_goal, memory_goal = goal
        said = [f"full ≤ {full_goal:.0f} s: {'met' if now['full'] <= full_goal else 'NOT met'}",
                f"after one edit ≤ {inc_goal:.0f} s: "
                f"{'met' if now['incremental'] <= inc_goal else 'NOT met'}"]
        if memory_goal:
            said.append(f"all processes ≤ {memory_goal:.0f} MB: "
                        f"{'met' if now['all'] <= memory_goal else 'NOT met'}")
        print("goals (issue 26): " + "; ".join(said))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "dossier-build-bench")
    parser.add_argument("--baseline", metavar="REF",
                        help="a git commit to measure first, for ratios in the same run")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; peak memory by ru_maxrss; "
          f"{resource.getpagesize()} B pages")
    baseline = baseline_code(args.baseline, args.workdir) if args.baseline else None
    print(f"baseline: {args.baseline}" if baseline else "no baseline (--baseline REF)")
    for size in args.sizes:
        measure(size, args.workdir, baseline)


if __name__ == "__main__":
    main()
