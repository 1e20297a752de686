"""Time identity resolution on synthetic entities: ours against stock ``nomenklatura xref``.

Usage: python benchmarks/dedupe_scale.py [--sizes 10000 50000] [--skip-stock]

For each size the same deterministic file (benchmarks/synthetic_names.py) is given to
two child processes, each reporting its own wall time and peak memory (ru_maxrss):

- stock: the ``nomenklatura xref FILE -l 1000000 --algorithm logic-v2`` command with a
  SQLite resolver, as its CLI runs it; a planted duplicate counts as found when xref
  suggested the pair with a score of at least 0.7;
- ours: ``entities.resolution.xref`` (nomenklatura's blocking index + skeleton blocking,
  our rules, logic-v2 for plausible pairs); found = decision merge or review.

Printed per size: time, peak memory and recall of the planted duplicates for both, and
the speed ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_names  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(path: Path, planted: set[tuple[str, str]]) -> dict[str, float]:
    from followthemoney import model

    from entities.resolution.orgnames import alias_table
    from entities.resolution.xref import LogicV2Scorer, xref

    started = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        entities = [model.get_proxy(json.loads(line)) for line in fh]
    result = xref(entities, aliases=alias_table(), scorer=LogicV2Scorer())
    seconds = time.perf_counter() - started
    found = {tuple(sorted((p.left, p.right))) for p in result.pairs
             if p.decision in ("merge", "review")}
    return {"seconds": seconds, "peak_mb": _peak_mb(), "recall": len(found & planted) /
            len(planted), "links": len(found), "candidates": result.candidates,
            "merge": result.stats["merge"]}


def run_stock(path: Path, planted: set[tuple[str, str]], workdir: Path) -> dict[str, float]:
    url = f"sqlite:///{workdir / 'nk.db'}"
    os.environ["NOMENKLATURA_DB_URL"] = url
    from nomenklatura.cli import cli
    from nomenklatura.db import make_session
    from nomenklatura.resolver import Resolver

    started = time.perf_counter()
    cli.main(["xref", str(path), "-l", "1000000", "--algorithm", "logic-v2",
              "-p", str(workdir / "data")], standalone_mode=False)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    session = make_session(url)
    resolver = Resolver[object](session)  # type: ignore[type-var]
    found = {tuple(sorted((str(t), str(s)))) for t, s, score in resolver.get_candidates()
             if score is not None and score >= 0.7}
    return {"seconds": seconds, "peak_mb": peak, "recall": len(found & planted) /
            len(planted), "links": len(found)}


def child(mode: str, path: Path, size: int) -> None:
    import logging

    logging.disable(logging.INFO)
    _, planted = synthetic_names.generate(size)
    with tempfile.TemporaryDirectory() as tmp:
        out = run_ours(path, planted) if mode == "ours" else run_stock(path, planted,
                                                                        Path(tmp))
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "PATH", "SIZE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), int(args.child[2]))
        return
    print(f"{'size':>7} {'who':6} {'seconds':>8} {'peak MB':>8} {'recall':>7} {'links':>8}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"synthetic_{size}.ftm.json"
            planted = synthetic_names.write(path, size)
            results = {}
            for mode in ("ours",) if args.skip_stock else ("ours", "stock"):
                proc = subprocess.run([sys.executable, __file__, "--child", mode, str(path),
                                       str(size)], capture_output=True, text=True, check=True)
                results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
                r = results[mode]
                print(f"{size:>7} {mode:6} {r['seconds']:8.1f} {r['peak_mb']:8.0f} "
                      f"{r['recall']:7.3f} {int(r['links']):>8}", flush=True)
            if "stock" in results:
                ratio = results["stock"]["seconds"] / results["ours"]["seconds"]
                print(f"{size:>7} ours is {ratio:.1f}x faster than stock; "
                      f"{len(planted)} planted duplicates", flush=True)


if __name__ == "__main__":
    main()
