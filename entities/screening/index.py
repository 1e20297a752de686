"""Open a built list index and find candidate entries for a query.

A record is a candidate when it shares enough of the words of one of the query's names:
each query word counts 1 when the record has it exactly, 0.8 for a consonant-skeleton
match or (organisations) the same concept of a common word of official names in another
language, and 0.7 for a typo-level match (deletion neighbourhood); the sum over the name's
words, divided by their number, is the record's coverage. Candidates with coverage of at
least ``MIN_COVER`` (or a shared identifier) are ranked by coverage, then by the rarity
(inverse document frequency) of what they share, and the best ``limit`` of a compatible
schema go on to be scored by logic-v2. nomenklatura's logic-v2 gives a name match its
score from the share of query name parts aligned, so coverage is what predicts a hit.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from followthemoney import ValueEntity, model
from numpy.typing import NDArray

from entities.exc import StoreError
from entities.screening.keys import deletions, identifier_key, key_hash, name_keys

WEIGHT_WORD = 1.0
WEIGHT_CONSONANTS = 0.8
WEIGHT_TYPO = 0.7
WEIGHT_IDENTIFIER = 3.0
#: The least share of a query name's words a candidate must have.
MIN_COVER = 0.5


class ListIndex:
    """A sanctions list's index, memory-mapped (opening it costs milliseconds)."""

    def __init__(self, folder: Path):
        self.folder = folder
        try:
            self.meta: dict[str, Any] = json.loads((folder / "meta.json").read_text("utf-8"))
            self._arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r")
                            for name in ("record_offsets", "record_schema", "key_hashes",
                                         "posting_offsets", "postings", "variant_hashes",
                                         "variant_keys", "sanction_records",
                                         "sanction_offsets")}
            self._records_fh = (folder / "records.jsonl").open("rb")
            self._sanctions_fh = (folder / "sanctions.jsonl").open("rb")
        except (OSError, ValueError) as exc:
            raise StoreError(f"the screening index {folder} is damaged ({exc}); delete the "
                             f"folder and screen again to rebuild it") from exc
        self._records = _map(self._records_fh)
        self._sanctions = _map(self._sanctions_fh)
        self.size = int(self.meta["records"])
        df = np.diff(self._arrays["posting_offsets"])
        self._idf = np.log((self.size + 1) / (df + 1.0)).astype(np.float32)
        self._schemata = [model.get(name) for name in self.meta["schemata"]]

    def close(self) -> None:
        for handle in (self._records, self._sanctions):
            if handle is not None:
                handle.close()
        self._records_fh.close()
        self._sanctions_fh.close()

    def __enter__(self) -> ListIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- keys -------------------------------------------------------------------------
    def _find(self, hashes: NDArray[np.int64], wanted: list[int]) -> list[int]:
        values = np.asarray(wanted, dtype=np.int64)
        pos = np.searchsorted(hashes, values)
        pos = np.minimum(pos, len(hashes) - 1)
        return [int(p) for p, v in zip(pos, values, strict=True)
                if len(hashes) and hashes[p] == v]

    def _word_keys(self, alternatives: tuple[str, ...]) -> dict[int, float]:
        """Index key positions matching one query word, with their weight."""
        found: dict[int, float] = {}
        hashes = self._arrays["key_hashes"]
        for key in alternatives:
            weight = WEIGHT_WORD if key.startswith("s:") else WEIGHT_CONSONANTS
            for pos in self._find(hashes, [key_hash(key)]):
                found[pos] = max(found.get(pos, 0.0), weight)
        variants = [key_hash(v) for key in alternatives if key.startswith("s:")
                    for v in deletions(key)]
        vh = self._arrays["variant_hashes"]
        for value in variants:
            lo = int(np.searchsorted(vh, value, side="left"))
            hi = int(np.searchsorted(vh, value, side="right"))
            for pos in self._arrays["variant_keys"][lo:hi]:
                found.setdefault(int(pos), WEIGHT_TYPO)
        return found

    def _postings(self, pos: int) -> NDArray[np.int32]:
        offsets = self._arrays["posting_offsets"]
        result: NDArray[np.int32] = self._arrays["postings"][int(offsets[pos]):
                                                             int(offsets[pos + 1])]
        return result

    def _name_scores(self, name: str, work: list[NDArray[np.float32]],
                     best_cover: NDArray[np.float32], best_rarity: NDArray[np.float32],
                     official: bool = False) -> None:
        """Fold one query name into the best coverage and rarity seen per record.

        ``work`` holds four zeroed arrays (name cover, name rarity, word cover, word
        rarity); they are zero again on return.
        """
        cover, rarity, word_cover, word_rarity = work
        words = name_keys(name, official)
        touched_name = []
        for alternatives in words:
            keys = self._word_keys(alternatives)
            touched = []
            for pos, weight in keys.items():
                records = self._postings(pos)
                touched.append(records)
                word_cover[records] = np.maximum(word_cover[records], weight)
                word_rarity[records] = np.maximum(word_rarity[records],
                                                  weight * max(float(self._idf[pos]), 0.1))
            if not touched:
                continue
            records = np.concatenate(touched)
            # duplicates in ``records`` add once: fancy-index += is buffered
            cover[records] += word_cover[records]
            rarity[records] += word_rarity[records]
            word_cover[records] = 0
            word_rarity[records] = 0
            touched_name.append(records)
        if not touched_name:
            return
        records = np.concatenate(touched_name)
        best_cover[records] = np.maximum(best_cover[records], cover[records] / len(words))
        best_rarity[records] = np.maximum(best_rarity[records], rarity[records])
        cover[records] = 0
        rarity[records] = 0

    def candidates(self, schema: str, names: Iterable[str], identifiers: Iterable[str] = (),
                   limit: int = 30, min_cover: float = MIN_COVER) -> list[int]:
        """Records sharing at least ``min_cover`` of the words of one of the query's names
        (or an identifier), of a schema the query may match: best coverage first, then
        rarest shared words; at most ``limit``."""
        if not self.size:
            return []
        n = self.size
        best_cover = np.zeros(n, dtype=np.float32)
        best_rarity = np.zeros(n, dtype=np.float32)
        work = [np.zeros(n, dtype=np.float32) for _ in range(4)]
        query = model.get(schema)
        official = query is not None and not query.is_a("Person")
        for name in dict.fromkeys(names):
            self._name_scores(name, work, best_cover, best_rarity, official)
        id_keys = [k for k in (identifier_key(v) for v in identifiers) if k]
        for pos in self._find(self._arrays["key_hashes"], [key_hash(k) for k in id_keys]):
            best_cover[self._postings(pos)] = WEIGHT_IDENTIFIER
        found = np.flatnonzero(best_cover >= min_cover - 1e-6)
        allowed = self._allowed_codes(schema)
        found = found[np.isin(self._arrays["record_schema"][found], allowed)]
        order = np.lexsort((found, -best_rarity[found], -np.round(best_cover[found], 3)))
        return [int(r) for r in found[order][:limit]]

    def _allowed_codes(self, schema: str) -> list[int]:
        query = model.get(schema)
        if query is None:
            return []
        return [code for code, other in enumerate(self._schemata)
                if other is not None and other in query.matchable_schemata]

    # --- records ------------------------------------------------------------------------
    def record(self, number: int) -> dict[str, Any]:
        offsets = self._arrays["record_offsets"]
        raw = self._records[int(offsets[number]):int(offsets[number + 1])]
        data: dict[str, Any] = orjson.loads(raw)
        return data

    def entity(self, number: int) -> ValueEntity:
        return ValueEntity.from_dict(self.record(number))

    def sanctions(self, number: int) -> list[dict[str, Any]]:
        records = self._arrays["sanction_records"]
        lo = int(np.searchsorted(records, number, side="left"))
        hi = int(np.searchsorted(records, number, side="right"))
        offsets = self._arrays["sanction_offsets"]
        out = []
        for i in range(lo, hi):
            start = int(offsets[i])
            end = int(offsets[i + 1]) if i + 1 < len(offsets) else len(self._sanctions)
            out.append(orjson.loads(self._sanctions[start:end]))
        return out

    def compatible(self, schema: str) -> list[int]:
        """Every record a query of ``schema`` may match (for brute-force comparisons)."""
        codes = self._allowed_codes(schema)
        return [int(r) for r in np.flatnonzero(np.isin(self._arrays["record_schema"], codes))]


def _map(fh: Any) -> Any:
    """A read-only memory map of a file (an empty bytes object for an empty file)."""
    fh.seek(0, 2)
    if fh.tell() == 0:
        return None
    return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
