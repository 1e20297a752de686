"""Screening speed and completeness: the indexed search against brute-force logic-v2.

Usage: python benchmarks/screening.py [--targets 60] [--size 1000000] [--brute-targets 4]
                                      [--workdir DIR]

Lists: the OFAC SDN snapshot (../shared/data/sanctions/us_ofac_sdn.ftm.json) and a
synthetic list of SIZE entities derived from it (benchmarks/synthetic_list.py; made once
and kept in WORKDIR). Targets: deterministic queries made from OFAC listings — Cyrillic
transliterations (half with the birth date), Latin spelling variants, organisations —
plus fictional decoys.

Each step runs in its own process, which reports its wall time and peak memory
(ru_maxrss), with a fresh index cache:

- index: build the list's index (streaming the file); then open it again to show that
  the cached index is reused (nothing rebuilt);
- screen: screen every target through the index (after one warm-up query that loads
  the name tagger), time per target;
- brute: logic-v2 against every record of a compatible schema, in 2 processes, for the
  first BRUTE targets (all targets for OFAC).

Printed per list: index build time and peak memory, ms per target (mean, p95), brute
force per target, the speed ratio, and the share of brute force's hits (score ≥ 0.70)
that the index also finds.

First, the command line as an advocate runs it: ``dossier screen`` on the bundled example
against the OFAC snapshot, in a fresh process — once with an empty index cache, then
three times with the cached index and targets new to it (the case's remembered scores,
``entities.screening.memo``, deleted first: every score asked of logic-v2), then three
times again with the scores kept (goal: at most 3 s) — beside ``dossier validate`` on the
same case (the same start-up and case loading) as the baseline. ``--cli-only`` stops
after it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
OFAC = ROOT.parent / "shared" / "data" / "sanctions" / "us_ofac_sdn.ftm.json"
THRESHOLD = 0.70
_CYR = [("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"),
        ("ya", "я"), ("yu", "ю"), ("yo", "ё"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"),
        ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"), ("k", "к"), ("l", "л"),
        ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
        ("u", "у"), ("f", "ф"), ("h", "х"), ("j", "дж"), ("c", "к"), ("q", "к"), ("w", "в"),
        ("x", "кс")]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cyrillic(name: str) -> str:
    """A rough Russian-style transliteration into Cyrillic (enough for a query)."""
    out = []
    for word in name.split():
        text = word.lower()
        for latin, cyr in _CYR:
            text = text.replace(latin, cyr)
        out.append(text[:1].upper() + text[1:])
    return " ".join(out)


def make_targets(count: int) -> list[dict[str, Any]]:
    """Deterministic query entities (schema + properties) with the listing they came from."""
    from synthetic_list import load_source, vary

    listed, _ = load_source(OFAC)
    rng = random.Random(7)
    people = [d for d in listed if d["schema"] == "Person"]
    orgs = [d for d in listed if d["schema"] in ("Company", "Organization")]
    out = []
    for number in range(count):
        kind = number % 6
        if kind in (0, 1, 2):
            source = rng.choice(people)
            props = {"name": [cyrillic(source["properties"]["name"][0])]}
            if kind == 0 and source["properties"].get("birthDate"):
                props["birthDate"] = source["properties"]["birthDate"][:1]
            out.append({"schema": "Person", "properties": props, "origin": source["id"]})
        elif kind == 3:
            source = rng.choice(people)
            props = {"name": [vary(rng, source["properties"]["name"][0])]}
            out.append({"schema": "Person", "properties": props, "origin": source["id"]})
        elif kind == 4:
            source = rng.choice(orgs)
            props = {"name": [vary(rng, source["properties"]["name"][0])]}
            out.append({"schema": "Organization", "properties": props, "origin": source["id"]})
        else:
            given = rng.choice(people)["properties"]["name"][0].split()[0]
            family = rng.choice(people)["properties"]["name"][0].split()[-1]
            out.append({"schema": "Person", "properties": {"name": [f"{given}ov {family}ski"],
                        "birthDate": ["1971-02-03"]}, "origin": None})
    return out


def _queries(targets: list[dict[str, Any]]) -> list[Any]:
    from entities.screening.match import query_entity

    return [query_entity(t["schema"], t["properties"]) for t in targets]


# --- steps (each in its own process) ---------------------------------------------------
def step_index(path: Path) -> dict[str, Any]:
    from entities.screening.cache import open_index

    started = time.perf_counter()
    first = open_index(path)
    built = time.perf_counter() - started
    first.index.close()
    started = time.perf_counter()
    second = open_index(path)
    reopened = time.perf_counter() - started
    meta = second.index.meta
    second.index.close()
    return {"build_s": built, "built": first.built, "reopen_s": reopened,
            "rebuilt_again": second.built, "records": meta["records"], "keys": meta["keys"],
            "peak_mb": _peak_mb()}


def step_screen(path: Path, targets: list[dict[str, Any]]) -> dict[str, Any]:
    from entities.screening.cache import open_index
    from entities.screening.match import query_entity, screen_entity

    opened = open_index(path)
    index = opened.index
    from entities.screening.match import score

    for schema, names in (("Person", ["Ivan Petrov", "Иван Петрович Петров"]),
                          ("Company", ["Petrov Trading LLC", "Trading Petrov"])):
        score(query_entity(schema, {"name": names[:1]}), query_entity(schema, {"name": names[1:]}))
    times, hits = [], []
    for query in _queries(targets):
        started = time.perf_counter()
        matches = screen_entity(index, query, THRESHOLD)
        times.append(time.perf_counter() - started)
        hits.append([m.id for m in matches])
    index.close()
    return {"times": times, "hits": hits, "peak_mb": _peak_mb(), "rebuilt": opened.built}


def _brute_chunk(args: tuple[str, list[dict[str, Any]], int, int]) -> list[list[str]]:
    from followthemoney import ValueEntity

    from entities.screening.index import ListIndex
    from entities.screening.match import score

    folder, targets, part, parts = args
    queries = _queries(targets)
    found: list[list[str]] = [[] for _ in queries]
    with ListIndex(Path(folder)) as index:
        compatible = [index.compatible(q.schema.name) for q in queries]
        wanted: dict[int, list[int]] = {}
        for number, records in enumerate(compatible):
            for record in records:
                if record % parts == part:
                    wanted.setdefault(record, []).append(number)
        for record in sorted(wanted):
            data = index.record(record)
            entity = ValueEntity.from_dict(data)
            for number in wanted[record]:
                value, _ = score(queries[number], entity)
                if value >= THRESHOLD:
                    found[number].append(data["id"])
    return found


def step_brute(path: Path, targets: list[dict[str, Any]]) -> dict[str, Any]:
    from entities.screening.cache import open_index

    opened = open_index(path)
    folder = str(opened.index.folder)
    opened.index.close()
    started = time.perf_counter()
    with get_context("fork").Pool(2) as pool:
        parts = pool.map(_brute_chunk, [(folder, targets, p, 2) for p in range(2)])
    seconds = time.perf_counter() - started
    hits = [sorted(set(a) | set(b)) for a, b in zip(*parts, strict=True)]
    return {"seconds": seconds, "hits": hits, "peak_mb": _peak_mb()}


def run_step(step: str, path: Path, targets: list[dict[str, Any]], cache: Path
             ) -> dict[str, Any]:
    env = dict(os.environ, DOSSIER_CACHE_DIR=str(cache))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(targets, fh)
    try:
        output = subprocess.run([sys.executable, __file__, "--step", step, "--path", str(path),
                                 "--targets-file", fh.name], env=env, check=True,
                                capture_output=True, text=True).stdout
    finally:
        Path(fh.name).unlink()
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def measure(label: str, path: Path, targets: list[dict[str, Any]], brute_count: int,
            workdir: Path) -> dict[str, Any]:
    cache = Path(tempfile.mkdtemp(prefix="screening-cache-", dir=workdir))
    index = run_step("index", path, targets, cache)
    screened = run_step("screen", path, targets, cache)
    brute = run_step("brute", path, targets[:brute_count], cache)
    times = screened["times"]
    per_target = statistics.mean(times) * 1000
    brute_per = brute["seconds"] / max(brute_count, 1) * 1000
    brute_hits = {(n, h) for n, hits in enumerate(brute["hits"]) for h in hits}
    index_hits = {(n, h) for n, hits in enumerate(screened["hits"][:brute_count]) for h in hits}
    share = len(brute_hits & index_hits) / len(brute_hits) if brute_hits else 1.0
    origins = [(n, t["origin"]) for n, t in enumerate(targets) if t["origin"]]
    found_origin = sum(1 for n, o in origins if o in screened["hits"][n]) / max(len(origins), 1)
    print(f"\n== {label}: {index['records']:,} listed entities, {index['keys']:,} index keys")
    print(f"index build: {index['build_s']:.1f} s, peak {index['peak_mb']:.0f} MB; opened "
          f"again from the cache in {index['reopen_s'] * 1000:.0f} ms (file hash included), "
          f"rebuilt: {index['rebuilt_again']}")
    print(f"indexed: {len(times)} targets, {per_target:.1f} ms per target (p95 "
          f"{sorted(times)[int(len(times) * 0.95) - 1] * 1000:.1f} ms, max "
          f"{max(times) * 1000:.1f} ms), peak {screened['peak_mb']:.0f} MB")
    print(f"brute force logic-v2 over every compatible record ({brute_count} targets, 2 "
          f"processes): {brute_per / 1000:.2f} s per target")
    print(f"speed ratio brute/indexed: {brute_per / per_target:,.0f}x")
    print(f"share of brute force's {len(brute_hits)} hits found by the index: {share:.3f}")
    if any(o in h for (n, o) in origins for h in [screened["hits"][n]]):
        print(f"targets made from a listing that find it (indexed): {found_origin:.3f}")
    missed = sorted(brute_hits - index_hits)[:10]
    if missed:
        print(f"missed (target, listing): {missed}")
    return {"per_target_ms": per_target, "share": share, "ratio": brute_per / per_target}


def _wall(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dossier.cli", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure_cli(workdir: Path) -> None:
    """``dossier screen`` on the bundled example from the command line (module docstring)."""
    import shutil

    case = workdir / "example-case"
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(ROOT / "examples" / "kazakhstan-2020-2021", case,
                    ignore=shutil.ignore_patterns(".dossier"))
    cache = workdir / "cli-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "DOSSIER_CACHE_DIR": str(cache)}
    base = min(_wall(["validate", str(case)], env) for _ in range(3))
    print(f"\n== command line: dossier screen on the bundled example; baseline dossier "
          f"validate on it {base:.2f} s")
    shipped = ROOT / "examples" / "lists" / "us_ofac_sdn_glomag_2021.ftm.json"
    memo = case / ".dossier" / "screening-scores.sqlite"
    for label, listed in (("the README's list (GLOMAG 2021)", shipped),
                          ("the OFAC snapshot", OFAC)):
        screen = ["screen", str(case), "--against", str(listed)]
        memo.unlink(missing_ok=True)
        cold = _wall(screen, env)
        fresh = []
        for _ in range(3):  # targets not screened before: every score asked of logic-v2
            memo.unlink(missing_ok=True)
            fresh.append(_wall(screen, env))
        again = [_wall(screen, env) for _ in range(3)]  # unchanged targets: scores kept
        print(f"against {label}: first (index built) {cold:.2f} s; index cached, targets "
              f"new to it {', '.join(f'{w:.2f}' for w in fresh)} s; screened again "
              f"{', '.join(f'{w:.2f}' for w in again)} s (goal ≤ 3 s); screening adds "
              f"{min(fresh) - base:.2f} s / {min(again) - base:.2f} s "
              f"({min(fresh) / base:.1f}× / {min(again) / base:.1f}× the baseline)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", type=int, default=60)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--brute-targets", type=int, default=4,
                        help="targets brute-forced on the synthetic list (all on OFAC)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) /
                        "dossier-screening-bench")
    parser.add_argument("--cli-only", action="store_true",
                        help="measure the command line on the bundled example only")
    parser.add_argument("--skip-synthetic", action="store_true",
                        help="measure the OFAC list only")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--targets-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        targets = json.loads(args.targets_file.read_text("utf-8"))
        step = {"index": lambda: step_index(args.path),
                "screen": lambda: step_screen(args.path, targets),
                "brute": lambda: step_brute(args.path, targets)}[args.step]
        print(json.dumps(step()))
        return
    import synthetic_list

    args.workdir.mkdir(parents=True, exist_ok=True)
    measure_cli(args.workdir)
    if args.cli_only:
        return
    targets = make_targets(args.targets)
    print(f"machine: {os.cpu_count()} cores; threshold {THRESHOLD}; {len(targets)} targets")
    measure("OFAC SDN", OFAC, targets, len(targets), args.workdir)
    if args.skip_synthetic:
        return
    synthetic = args.workdir / f"synthetic-{args.size}.ftm.json"
    if not synthetic.is_file():
        started = time.perf_counter()
        synthetic_list.write(OFAC, synthetic, args.size)
        print(f"\ngenerated {synthetic} in {time.perf_counter() - started:.0f} s")
    measure(f"synthetic {args.size:,}", synthetic, targets, args.brute_targets, args.workdir)


if __name__ == "__main__":
    main()
