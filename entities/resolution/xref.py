"""Identity resolution: candidates, decisions and conflict-aware clusters.

Candidates come from nomenklatura's blocking index (DuckDB), plus our own blocking on
transliteration skeletons (surname keys, alias-table keys), which finds spelling
variants the stock tokens miss. Each pair is decided by :mod:`entities.matching`;
``logic-v2`` is consulted for plausible pairs. Automatic merges are joined into
clusters only when no two members of the joined group conflict (A~B and B~C do not
put A with C when A and C conflict): such edges go to review instead.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, cast

from followthemoney import EntityProxy

from entities.resolution.matching import PairResult, Profile, conflicts, decide, profile
from entities.resolution.names import parse_person
from entities.resolution.orgnames import AliasTable, org_tokens
from entities.resolution.variants import variant_key

MAX_BUCKET = 60
#: Above this many entities nomenklatura's index is skipped by default (it found 62% of
#: planted duplicates at 50k, against 99.6% for skeleton blocking, at 17 s and ~500 MB),
#: and so is logic-v2 for people (its person-name tagger holds ~265 MB once loaded:
#: 848 MB at 50k with it, 566 MB without).
INDEX_AUTO_LIMIT = 20_000
Judge = Callable[[str, str], str | None]


class _ListView:
    """The little of nomenklatura's View that its blocking index uses."""

    def __init__(self, entities: Sequence[EntityProxy]):
        self._entities = entities

    def entities(self, include_schemata: Any = None) -> Iterator[EntityProxy]:
        for entity in self._entities:
            if include_schemata is None or entity.schema in include_schemata:
                yield entity


def index_pairs(entities: Sequence[EntityProxy], max_pairs: int) -> set[tuple[str, str]]:
    """Candidate pairs from nomenklatura's blocking index."""
    from nomenklatura.blocker import Index

    with tempfile.TemporaryDirectory(prefix="dossier-index-") as tmp:
        index = Index(cast(Any, _ListView(entities)), Path(tmp),
                      options={"max_bucket_size": MAX_BUCKET})
        try:
            index.build()
            return {_ordered(left.id, right.id) for (left, right), _ in
                    index.pairs(max_pairs=max_pairs)}
        finally:
            index.close()


def _deletions(token: str) -> set[str]:
    """The token with each one letter deleted (two tokens one edit apart share one)."""
    return {token[:i] + token[i + 1:] for i in range(len(token))} | {token}


def _token_keys(prefix: str, tokens: Sequence[str]) -> set[str]:
    """The whole name in any order, and for each part the other parts with one letter
    deleted — so a one-letter typo in any single part still shares a key."""
    tokens = sorted(set(tokens))
    keys = {f"{prefix}={'_'.join(tokens)}"} if tokens else set()
    if len(tokens) == 1:
        keys |= {f"{prefix}~{d}" for d in _deletions(tokens[0]) if len(d) >= 4}
    for index, token in enumerate(tokens):
        rest = tokens[:index] + tokens[index + 1:]
        anchor = "_".join(rest)
        for variant in _deletions(token):
            keys.add(f"{prefix}:{anchor}+{variant}")
    return keys


def blocking_keys(prof: Profile, aliases: AliasTable | None) -> set[str]:
    """Our own blocking keys, from transliteration skeletons and the alias table."""
    keys: set[str] = set()
    for name in prof.names:
        if prof.is_person:
            core = parse_person(name).core
            keys |= _token_keys("p", core)
            # any two parts alike as romanisation variants (a middle name added or left
            # out, a given name spelled another way): Ali Mohammad TAJEDDIN ~ Ali TAJIDEEN
            loose = sorted({variant_key(t) for t in core if len(t) >= 3})
            keys |= {f"v:{x}_{y}" for x, y in combinations(loose, 2)}
        else:
            keys |= _token_keys("o", list(org_tokens(name)))
            entry = aliases.lookup(name) if aliases is not None else None
            if entry is not None:
                keys.add(f"a:{entry.key}")
    return keys


def skeleton_pairs(profiles: dict[str, Profile], aliases: AliasTable | None
                   ) -> set[tuple[str, str]]:
    """Pairs sharing a blocking key whose bucket is small enough to compare in full."""
    buckets: dict[str, list[str]] = defaultdict(list)
    for entity_id, prof in profiles.items():
        for key in blocking_keys(prof, aliases):
            buckets[key].append(entity_id)
    pairs: set[tuple[str, str]] = set()
    for members in buckets.values():
        if 2 <= len(members) <= MAX_BUCKET * 2:
            pairs.update(combinations(sorted(members), 2))
    return pairs


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@dataclass
class XrefResult:
    """Decided pairs and the groups that would be merged automatically."""

    pairs: list[PairResult]
    clusters: list[list[str]]
    candidates: int = 0
    stats: dict[str, int] = field(default_factory=dict)

    def as_json(self, min_decision: str = "review") -> dict[str, Any]:
        """The documented ``--json`` shape (distinct pairs left out unless asked)."""
        keep = {"merge", "review"} if min_decision == "review" else \
            {"merge", "review", "distinct"}
        return {
            "pairs": [{"left": p.left, "right": p.right, "score": round(p.score, 4),
                       "decision": p.decision} for p in self.pairs if p.decision in keep],
            "clusters": [sorted(c) for c in self.clusters],
        }


class LogicV2Scorer:
    """nomenklatura's logic-v2, memoised per pair."""

    def __init__(self) -> None:
        from nomenklatura.matching import LogicV2

        self.algorithm = LogicV2
        self.config = LogicV2.default_config()
        self.calls = 0

    def __call__(self, a: EntityProxy, b: EntityProxy) -> float:
        self.calls += 1
        return float(self.algorithm.compare(a, b, self.config).score)


def cluster(pairs: list[PairResult], profiles: dict[str, Profile],
            aliases: AliasTable | None, judge: Judge | None = None) -> list[list[str]]:
    """Join merge pairs into groups, strongest first, refusing any join that would put
    two conflicting (or judged-different) records together; refused pairs become review."""
    group: dict[str, set[str]] = {}
    for pair in sorted(pairs, key=lambda p: (-p.score, p.left, p.right)):
        if pair.decision != "merge":
            continue
        left = group.get(pair.left, {pair.left})
        right = group.get(pair.right, {pair.right})
        if left is right:
            continue
        clash = _first_clash(left, right, profiles, aliases, judge)
        if clash is not None:
            pair.decision = "review"
            pair.reasons.append(f"merging would join {clash[0]} and {clash[1]}, which conflict")
            continue
        joined = left | right
        for member in joined:
            group[member] = joined
    seen: set[int] = set()
    out = []
    for members in group.values():
        if id(members) not in seen and len(members) > 1:
            seen.add(id(members))
            out.append(sorted(members))
    return sorted(out)


def _first_clash(left: set[str], right: set[str], profiles: dict[str, Profile],
                 aliases: AliasTable | None, judge: Judge | None) -> tuple[str, str] | None:
    for a in sorted(left):
        for b in sorted(right):
            if judge is not None and judge(a, b) == "negative":
                return a, b
            if conflicts(profiles[a], profiles[b], aliases):
                return a, b
    return None


def xref(entities: Iterable[EntityProxy], *, aliases: AliasTable | None = None,
         judge: Judge | None = None, use_index: bool | None = None,
         use_skeletons: bool = True,
         scorer: Callable[[EntityProxy, EntityProxy], float] | None = None,
         skip_same_dataset: frozenset[str] = frozenset(),
         max_pairs: int = 1_000_000, keep_distinct: bool = False,
         score_people: bool | None = None) -> XrefResult:
    """Find and decide duplicate candidates among ``entities``.

    Args:
        aliases: organisation alias table.
        judge: stored judgements, ``judge(a, b)`` → ``positive``/``negative``/``None``.
        use_index: take candidates from nomenklatura's blocking index (default: when
            there are at most ``INDEX_AUTO_LIMIT`` entities).
        use_skeletons: add candidates from our transliteration-skeleton blocking.
        scorer: logic-v2 (or another score) for plausible pairs.
        skip_same_dataset: pairs inside one of these datasets are not compared
            (e.g. duplicates inside an imported sanctions list are not the case's business).
        keep_distinct: also return the pairs decided distinct (memory grows with them).
        score_people: ask ``scorer`` about people whose names agree only in part
            (default: when there are at most ``INDEX_AUTO_LIMIT`` entities).
    """
    matchable = [e for e in entities if e.schema.matchable and e.id is not None
                 and e.schema.is_a("LegalEntity")]
    by_id = {str(e.id): e for e in matchable}
    profiles = {entity_id: profile(e) for entity_id, e in by_id.items()}
    candidates: set[tuple[str, str]] = set()
    if use_index is None:
        use_index = len(matchable) <= INDEX_AUTO_LIMIT
    if score_people is None:
        score_people = len(matchable) <= INDEX_AUTO_LIMIT
    if use_index and len(matchable) > 1:
        candidates |= index_pairs(matchable, max_pairs)
    if use_skeletons:
        candidates |= skeleton_pairs(profiles, aliases)
    results = []
    distinct = 0
    for a, b in sorted(candidates):
        pa, pb = profiles.get(a), profiles.get(b)
        if pa is None or pb is None:
            continue
        same = pa.datasets & pb.datasets & skip_same_dataset
        if same and len(pa.datasets) == 1 and len(pb.datasets) == 1:
            continue
        judgement = judge(a, b) if judge is not None else None
        result = decide(pa, pb, aliases=aliases, scorer=scorer,
                        entities=(by_id[a], by_id[b]), judgement=judgement,
                        score_people=score_people)
        if result.decision == "distinct" and not keep_distinct:
            distinct += 1
            continue
        results.append(result)
    clusters = cluster(results, profiles, aliases, judge)
    stats = {"entities": len(matchable), "candidates": len(candidates),
             "nomenklatura_index": int(use_index), "logic_v2_people": int(score_people)}
    for decision in ("merge", "review", "distinct"):
        stats[decision] = sum(1 for p in results if p.decision == decision)
    stats["distinct"] += distinct
    results.sort(key=lambda p: (-p.score, p.left, p.right))
    return XrefResult(results, clusters, len(candidates), stats)
