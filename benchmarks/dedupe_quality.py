"""Identity-resolution quality on the labelled dev set, ours against stock logic-v2.

Usage: python benchmarks/dedupe_quality.py [PATH/TO/dedupe_dev.json] [PATH/TO/us_ofac_sdn.ftm.json]

Both run in this process on the same records:
- stock: nomenklatura ``logic-v2`` over every pair (brute force), a pair linked when the
  score is at least 0.7 (stock has no review tier: a link is a merge);
- ours: ``entities.resolution.xref`` (nomenklatura blocking index + our skeleton blocking,
  our rules, logic-v2 consulted) with the starter alias table and no stored judgements.

Printed: precision/recall/F1 of automatic merges; recall of review candidates (merge or
review) on all and on non-stretch true pairs; precision/F1 of candidates; how the decoy
and ambiguous records were handled. A true pair is two records of one cluster; a pair is
"stretch" when either record is marked stretch (translation or acronym knowledge).

Then, in the same run, the OFAC alias set (``benchmarks/ofac_dev_set.py``: even-numbered
person listings, each split into its listed name and one a.k.a. name, the rest decoys):
the share of the true pairs that stock logic-v2 scores at 0.7 or more (compared directly)
that ours proposes (goal ≥ 0.95), recall on all true pairs, wrong automatic merges (goal
0), and false candidates per true candidate (a reviewer's time).
"""

from __future__ import annotations

import json
import sys
import time
from itertools import combinations
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ofac_dev_set  # noqa: E402  (beside this script)

from entities.resolution.orgnames import alias_table
from entities.resolution.xref import LogicV2Scorer, xref

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "dedupe_dev.json"


def prf(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def closure(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """All pairs inside the connected groups of ``pairs`` (what a merge really joins)."""
    group: dict[str, set[str]] = {}
    for a, b in pairs:
        joined = group.get(a, {a}) | group.get(b, {b})
        for member in joined:
            group[member] = joined
    out = set()
    for members in {id(g): g for g in group.values()}.values():
        out |= {tuple(sorted(p)) for p in combinations(members, 2)}  # type: ignore[misc]
    return out


def load_dev_set(path: Path) -> tuple[list[dict[str, Any]], list[EntityProxy]]:
    """The labelled records and their FtM entities."""
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["records"]
    entities = []
    for record in records:
        entity = model.make_entity(record["schema"])
        entity.id = record["id"]
        entity.add("name", record["name"])
        if record.get("birthDate"):
            entity.add("birthDate", record["birthDate"])
        entities.append(entity)
    return records, entities


def ofac_report(path: Path, scorer: LogicV2Scorer) -> None:
    """The OFAC alias set: see the module docstring."""
    records = ofac_dev_set.build(path)
    entities = ofac_dev_set.entities(records)
    by_id = {e.id: e for e in entities}
    truth = {tuple(sorted((f"{r['cluster']}-listed", r["id"]))) for r in records
             if r["id"].endswith("-aka")}
    stock = {p for p in truth if scorer(by_id[p[0]], by_id[p[1]]) >= 0.7}
    started = time.perf_counter()
    ours = xref(entities, aliases=alias_table(), scorer=scorer)
    took = time.perf_counter() - started
    candidates = {tuple(sorted((p.left, p.right))) for p in ours.pairs
                  if p.decision in ("merge", "review")}
    merged = closure({tuple(sorted((p.left, p.right))) for p in ours.pairs  # type: ignore[misc]
                      if p.decision == "merge"})
    found, false = candidates & truth, candidates - truth
    print(f"\nOFAC alias set (even-numbered listings): {len(records)} records, {len(truth)} "
          f"true pairs, {len(stock)} of them scored ≥ 0.7 by stock logic-v2; ours in {took:.1f}s")
    print(f"  proposed of the pairs stock scores ≥ 0.7: {len(found & stock) / len(stock):.3f}"
          f" (goal ≥ 0.95); of all true pairs: {len(found) / len(truth):.3f}")
    print(f"  automatic merges: {len(merged & truth)} true, {len(merged - truth)} wrong "
          f"(goal 0) {sorted(merged - truth)[:5]}")
    print(f"  false candidates per true candidate: {len(false)}/{len(found)} = "
          f"{len(false) / max(1, len(found)):.3f}")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    records, entities = load_dev_set(path)
    cluster = {r["id"]: r["cluster"] for r in records}
    stretch = {r["id"] for r in records if r.get("stretch")}
    special = {r["id"]: ("ambiguous" if r.get("ambiguous") else "decoy")
               for r in records if r.get("ambiguous") or "decoy" in r["cluster"]}
    every = {tuple(sorted(p)) for p in combinations(cluster, 2)}
    truth = {p for p in every if cluster[p[0]] == cluster[p[1]]}
    truth_plain = {p for p in truth if not (set(p) & stretch)}

    scorer = LogicV2Scorer()
    by_id = {e.id: e for e in entities}
    started = time.perf_counter()
    stock = {p for p in every if scorer(by_id[p[0]], by_id[p[1]]) >= 0.7}
    stock_time = time.perf_counter() - started
    started = time.perf_counter()
    ours = xref(entities, aliases=alias_table(), scorer=scorer)
    ours_time = time.perf_counter() - started
    merged = closure({tuple(sorted((p.left, p.right))) for p in ours.pairs  # type: ignore[misc]
                      if p.decision == "merge"})
    candidates = {tuple(sorted((p.left, p.right))) for p in ours.pairs
                  if p.decision in ("merge", "review")}
    stock_merged = closure(stock)

    print(f"dev set: {len(records)} records, {len(truth)} true pairs "
          f"({len(truth_plain)} non-stretch), {len(every)} pairs in all")
    print(f"time: stock brute force {stock_time:.1f}s, ours {ours_time:.1f}s "
          f"(both include logic-v2's first load in whichever ran first)\n")
    rows = [("automatic merges (after closure)", stock_merged, merged),
            ("candidates (merge or review)", stock, candidates)]
    print(f"{'':36}{'precision':>10}{'recall':>8}{'F1':>7}  | ours:{'precision':>10}"
          f"{'recall':>8}{'F1':>7}")
    for label, stock_set, ours_set in rows:
        sp, sr, sf = prf(stock_set, truth)
        op, orr, of = prf(ours_set, truth)
        print(f"stock {label:30}{sp:10.3f}{sr:8.3f}{sf:7.3f}  |      {op:10.3f}{orr:8.3f}"
              f"{of:7.3f}")
    _, stock_plain, _ = prf(stock & truth_plain, truth_plain)
    _, ours_plain, _ = prf(candidates & truth_plain, truth_plain)
    print(f"\nrecall on non-stretch true pairs: stock {stock_plain:.3f}, "
          f"ours (review candidates) {ours_plain:.3f} (target ≥ 0.97)")
    wrong = sorted(p for p in merged if p not in truth)
    stock_wrong = sorted(p for p in stock_merged if p not in truth)
    print(f"wrong automatic merges: stock {len(stock_wrong)}, ours {len(wrong)} "
          f"(target 0) {wrong}")
    print("\ndecoy and ambiguous records:")
    decided = {tuple(sorted((p.left, p.right))): p.decision for p in ours.pairs}
    for record_id, kind in sorted(special.items()):
        same_name = [p for p in every if record_id in p and cluster[p[0]] != cluster[p[1]]
                     and p in decided]
        outcome = {decided[p] for p in same_name} or {"not a candidate"}
        stock_links = sorted(q for p in stock_merged if record_id in p
                             for q in p if q != record_id and cluster[q] != cluster[record_id])
        mine = "merged" if any(record_id in p for p in merged if p not in truth) else \
            ", ".join(sorted(outcome))
        print(f"  {record_id} ({kind}, {cluster[record_id]}): ours → {mine}; "
              f"stock merges it with {stock_links or 'nothing'}")
    if kind_ambiguous := [r for r, k in special.items() if k == "ambiguous"]:
        auto = [p for p in merged if set(p) & set(kind_ambiguous)]
        print(f"  ambiguous records merged automatically by ours: {len(auto)} (target 0)")
    ofac = Path(sys.argv[2]) if len(sys.argv) > 2 else ofac_dev_set.DEFAULT
    if ofac.is_file():
        ofac_report(ofac, scorer)
    else:
        print(f"\n(no OFAC file at {ofac}: the OFAC alias set is left out)")


if __name__ == "__main__":
    main()
