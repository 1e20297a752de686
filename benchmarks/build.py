"""Build synthetic cases end to end and time them: full builds and incremental rebuilds.

Usage: python benchmarks/build.py [--sizes 100 1000 10000] [--workdir DIR] [--baseline REF]
       [--edits N] [--trace]

For each size: a deterministic fictional case (tests/synthetic_case.py) is built
from scratch by ``dossier build`` in a child process (validate, store, identity
resolution, evidence maps, every diagram and PDF, the workbook, the OpenSanctions
dataset); then one incident's title is edited and the case rebuilt (only the dossiers
that depend on that incident are regenerated) — ``--edits N`` times, each edit changing
the title again, and the median rebuild printed. Printed: wall time, time per dossier,
peak memory, how many dossiers each build wrote.

Memory: the peak, sampled every second, of the proportional set size (PSS) of the build's
process and all its worker processes together — a page shared by several processes (a
forked worker shares the build's) counted once in all, which is what the machine gives
the build. (Reading a large process's PSS walks its page tables, some 30 ms for 1.5 GB:
sampling more often would slow the build it measures.) ``ru_maxrss`` of the build and of
its largest worker are printed too (each counts shared pages in full, so their sum
overstates). ``--trace`` prints, for each build, every step as it begins and, every
second, each process's PSS — which step and which process make the peak.

With ``--baseline REF`` (a git commit, tag or branch) the same builds are run first with
the code of REF (checked out into WORKDIR/baseline as a git worktree; the builds run
there, so its packages are the ones imported) on an identical copy of the case, and each
figure is printed as a ratio against it — the baseline measured in the same run, on the
same machine. The rebuilds of the two take turns (the baseline's first in the first
round, this code's in the second, …), so that a machine that gets slower or faster
during the run — this one does, by a fifth within minutes — weighs on both; the ratio
printed for the rebuilds is the median of the rounds' ratios. The goals of issue 26 are
printed as met or not for 1,000 and 10,000 targets.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import synthetic_case  # noqa: E402  (the generator the tests use too)

RUNNER = """
import resource, sys, time
from pathlib import Path
from dossier.build import build_case
started = time.perf_counter()
class Steps:  # with --trace: each step on stderr as it begins
    def step(self, label, total=None, unit="items"):
        print(f"step {label}", file=sys.stderr, flush=True)
    def update(self, done):
        pass
progress = Steps() if sys.argv[3:] == ["trace"] else None
result = build_case(Path(sys.argv[1]), Path(sys.argv[2]),
                    **({"progress": progress} if progress else {}))
seconds = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(seconds, own, kids, result.targets.get('written', 0), result.targets.get('kept', 0))
"""

ROOT = Path(__file__).resolve().parent.parent
#: size → (full build at most, seconds; after one edit at most, seconds; peak MB at most)
GOALS = {1000: (100.0, 2.0, None), 10000: (900.0, 5.0, 3072.0)}


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    todo += [int(child) for child in fh.read().split()]
        except OSError:
            continue
    return out


def _pss_each(pid: int) -> dict[int, float]:
    """The proportional set size of ``pid`` and of each of its descendants, in MB."""
    found = {}
    for member in _tree(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup") as fh:
                found[member] = next(int(line.split()[1]) for line in fh
                                     if line.startswith("Pss:")) / 1024
        except (OSError, StopIteration, ValueError):
            continue
    return found


def build(case: Path, out: Path, code: Path | None = None, trace: bool = False
          ) -> dict[str, float]:
    """One build in a child process, with the code at ``code`` (default: this checkout):
    seconds, ru_maxrss of the build and of its largest worker (MB), dossiers written and
    kept, and the peak PSS of all its processes together (MB; 0 where /proc has no
    smaps_rollup). ``trace``: print each step as it begins and, every second, the PSS of
    each process (pid: MB), the build's first — to see which step and which process make
    the peak."""
    child = subprocess.Popen([sys.executable, "-c", RUNNER, str(case), str(out),
                              *(["trace"] if trace else [])],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=code or ROOT)
    peak = [0.0]
    done = threading.Event()
    started = time.perf_counter()

    def sample() -> None:
        while not done.wait(1.0):
            each = _pss_each(child.pid)
            peak[0] = max(peak[0], sum(each.values()))
            if trace:
                print(f"  {time.perf_counter() - started:7.1f} s  {sum(each.values()):6.0f} MB"
                      f"  = " + " + ".join(f"{pid}: {mb:.0f}" for pid, mb in each.items()),
                      flush=True)

    errors: list[str] = []

    def read_errors() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            if trace and line.startswith("step "):
                print(f"  {time.perf_counter() - started:7.1f} s  {line.strip()}", flush=True)
            else:
                errors.append(line)

    threads = [threading.Thread(target=sample, daemon=True),
               threading.Thread(target=read_errors, daemon=True)]
    for thread in threads:
        thread.start()
    assert child.stdout is not None
    output = child.stdout.read()
    child.wait()
    done.set()
    for thread in threads:
        thread.join()
    if child.returncode != 0:
        raise SystemExit("the build failed:\n" + "".join(errors))
    seconds, own, kids, written, kept = output.strip().splitlines()[-1].split()
    return {"seconds": float(seconds), "own": float(own), "kids": float(kids),
            "written": int(written), "kept": int(kept), "pss": peak[0]}


def baseline_code(ref: str, workdir: Path) -> Path:
    """A git worktree of ``ref`` under ``workdir`` (made afresh)."""
    folder = workdir / "baseline"
    subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT,
                   capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), ref], cwd=ROOT,
                   check=True, capture_output=True)
    return folder


def edit(case: Path, number: int) -> None:
    """Edit one incident of ``case``: incident 7's title, marked with ``number`` (each
    edit changes it again)."""
    incidents = case / "data" / "incidents.yml"
    text, found = re.subn(r"title: Incident 7 \(fictional[^)]*\)",
                          f"title: Incident 7 (fictional, corrected {number})",
                          incidents.read_text("utf-8"), count=1)
    if not found:
        raise SystemExit(f"{incidents}: incident 7's title is not where it was")
    incidents.write_text(text, "utf-8")


def _ratio(now: float, then: float | None) -> str:
    return f" ({then / now:.2f}× faster than the baseline's {then:.1f} s)" if then else ""


def _memory(r: dict[str, float]) -> str:
    return (f"all processes together at most {r['pss']:.0f} MB (PSS; ru_maxrss "
            f"{r['own']:.0f} MB the build, {r['kids']:.0f} MB its largest worker)")


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def measure(size: int, workdir: Path, baseline: Path | None, trace: bool = False,
            edits: int = 1) -> None:
    """The builds of one size: a full build with each code (the baseline's first), then
    ``edits`` rounds of one edit and a rebuild with each — the two taking turns to go
    first, so that a machine getting slower or faster during the run weighs on both."""
    source = workdir / f"case-{size}-generated"
    shutil.rmtree(source, ignore_errors=True)
    started = time.perf_counter()
    synthetic_case.write(size, source)
    print(f"\n== {size} targets (generated in {time.perf_counter() - started:.1f} s; "
          f"{os.cpu_count()} cores)", flush=True)
    codes = {"baseline": baseline, "this code": None} if baseline else {"this code": None}
    places: dict[str, tuple[Path, Path]] = {}
    full: dict[str, dict[str, float]] = {}
    for label, code in codes.items():
        slug = label.replace(" ", "-")
        case, out = workdir / f"case-{size}-{slug}", workdir / f"out-{size}-{slug}"
        for folder in (case, out):
            shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(source, case)
        places[label] = (case, out)
        if trace:
            print(f" {code or ROOT}: the full build", flush=True)
        full[label] = build(case, out, code, trace)
    again: dict[str, list[dict[str, float]]] = {label: [] for label in codes}
    for number in range(1, edits + 1):
        order = list(codes) if number % 2 else list(reversed(codes))
        for label in order:
            case, out = places[label]
            edit(case, number)
            if trace:
                print(f" {codes[label] or ROOT}: after edit {number}", flush=True)
            again[label].append(build(case, out, codes[label], trace))
    then = full.get("baseline")
    for label in codes:
        whole, rebuilt = full[label], again[label]
        theirs = label != "baseline" and then is not None
        print(f"{label}: full build {whole['seconds']:.1f} s, "
              f"{whole['seconds'] / max(whole['written'], 1) * 1000:.0f} ms per dossier "
              f"({whole['written']:.0f} dossiers), {_memory(whole)}"
              + (_ratio(whole["seconds"], then["seconds"]) if theirs and then else ""))
        seconds = [r["seconds"] for r in rebuilt]
        peak = max(rebuilt, key=lambda r: r["pss"])
        print(f"{label}: after editing one incident {_median(seconds):.1f} s (median of "
              f"{len(seconds)}: {', '.join(f'{x:.1f}' for x in seconds)}; "
              f"{rebuilt[-1]['written']:.0f} dossiers rewritten, "
              f"{rebuilt[-1]['kept']:.0f} unchanged), {_memory(peak)}", flush=True)
    if baseline:
        ratios = [b["seconds"] / t["seconds"]
                  for b, t in zip(again["baseline"], again["this code"], strict=True)]
        print(f"this code against the baseline, after one edit: {_median(ratios):.2f}× "
              f"faster (median of the rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
    goal = GOALS.get(size)
    if goal:
        full_goal, inc_goal, memory_goal = goal
        whole_s = full["this code"]["seconds"]
        again_s = _median([r["seconds"] for r in again["this code"]])
        said = [f"full ≤ {full_goal:.0f} s: {'met' if whole_s <= full_goal else 'NOT met'}",
                f"after one edit ≤ {inc_goal:.0f} s: "
                f"{'met' if again_s <= inc_goal else 'NOT met'}"]
        if memory_goal:
            peak_mb = max(r["pss"] for r in [full["this code"], *again["this code"]])
            said.append(f"all processes ≤ {memory_goal:.0f} MB: "
                        f"{'met' if 0 < peak_mb <= memory_goal else 'NOT met'}")
        print("goals (issue 26): " + "; ".join(said), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "dossier-build-bench")
    parser.add_argument("--baseline", metavar="REF",
                        help="a git commit to measure first, for ratios in the same run")
    parser.add_argument("--edits", type=int, default=1, metavar="N",
                        help="rounds of one edit and a rebuild (the median is printed)")
    parser.add_argument("--trace", action="store_true",
                        help="print each build's steps and every process's memory, "
                             "every second")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; memory: peak PSS of all the build's "
          f"processes together, sampled every second; {resource.getpagesize()} B pages")
    baseline = baseline_code(args.baseline, args.workdir) if args.baseline else None
    print(f"baseline: {args.baseline}" if baseline else "no baseline (--baseline REF)")
    for size in args.sizes:
        measure(size, args.workdir, baseline, args.trace, args.edits)


if __name__ == "__main__":
    main()
