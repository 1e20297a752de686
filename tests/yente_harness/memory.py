"""An in-memory search backend for yente, for tests: yente's ``SearchProvider`` interface
kept in dictionaries, so that yente's own indexer, routers and scoring run without
Elasticsearch.

Fields that yente's mapping fills with ``copy_to`` (``entities``, ``names``, ``countries``
…) are filled the same way from the mapping given to ``create_index``. It answers the
filters of a query exactly (``bool``, ``ids``, ``term``, ``terms``,
``match_all``/``match_none``, ``function_score``) and lets every document through the
clauses that only rank (``match``, ``fuzzy``, …): a query returns each candidate its
filters allow, and yente's scoring decides. Runs inside yente's own environment only.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import AsyncIterable, Iterable
from typing import Any

from yente.exc import YenteIndexError
from yente.provider.base import SearchProvider


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _copies(mapping: Any, path: str = "") -> list[tuple[str, list[str]]]:
    """The fields of an Elasticsearch mapping that are copied to others (``copy_to``)."""
    found: list[tuple[str, list[str]]] = []
    if isinstance(mapping, dict):
        if path and isinstance(mapping.get("copy_to"), list):
            found.append((path, [str(t) for t in mapping["copy_to"]]))
        for name, spec in (mapping.get("properties") or {}).items():
            found.extend(_copies(spec, f"{path}.{name}" if path else name))
    return found


def _values(source: dict[str, Any], doc_id: str, field: str) -> list[str]:
    if field in ("_id", "entity_id"):
        return [doc_id]
    if field in source.get("_copied", {}):
        return [str(v) for v in source["_copied"][field]]
    node: Any = source
    for part in field.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return [str(v) for v in _as_list(node)]


def evaluate(query: Any, doc_id: str, source: dict[str, Any]) -> bool | None:
    """True or False where the query filters; None where it only ranks."""
    if not isinstance(query, dict) or len(query) != 1:
        return None
    ((kind, body),) = query.items()
    if kind == "bool":
        required = _as_list(body.get("must")) + _as_list(body.get("filter"))
        if any(evaluate(c, doc_id, source) is False for c in required):
            return False
        if any(evaluate(c, doc_id, source) is True for c in _as_list(body.get("must_not"))):
            return False
        shoulds = _as_list(body.get("should"))
        needed = body.get("minimum_should_match", 0 if required else 1)
        if shoulds and needed:
            found = [evaluate(c, doc_id, source) for c in shoulds]
            if all(f is False for f in found):
                return False
            if not any(f is True for f in found):
                return None
        return True
    if kind == "function_score":
        return evaluate(body.get("query", {"match_all": {}}), doc_id, source)
    if kind == "match_all":
        return True
    if kind == "match_none":
        return False
    if kind == "ids":
        return doc_id in _as_list(body.get("values"))
    if kind in ("term", "terms"):
        fields = {k: v for k, v in body.items() if k != "boost"}
        if len(fields) != 1:
            return None
        ((field, wanted),) = fields.items()
        if kind == "term":
            wanted = [wanted.get("value") if isinstance(wanted, dict) else wanted]
        return bool({str(w) for w in _as_list(wanted)} & set(_values(source, doc_id, field)))
    return None


def _public(source: dict[str, Any]) -> dict[str, Any]:
    """A stored document as Elasticsearch returns it (the copied fields are not in it)."""
    return {k: copy.deepcopy(v) for k, v in source.items() if k != "_copied"}


class MemoryProvider(SearchProvider):
    """yente's search backend interface, in memory; ``log`` records what yente did."""

    def __init__(self) -> None:
        self.indices: dict[str, dict[str, dict[str, Any]]] = {}
        self.seq: dict[tuple[str, str], int] = {}
        self.aliases: dict[str, set[str]] = {}
        self.meta: dict[str, dict[str, Any]] = {}
        self.copy_to: dict[str, list[tuple[str, list[str]]]] = {}
        self.log: list[list[str]] = []
        self.counter = 0

    async def close(self) -> None:
        return None

    async def set_index_metadata(self, index: str, metadata: dict[str, Any]) -> None:
        self.meta[index] = dict(metadata)

    async def get_index_metadata(self, index: str) -> dict[str, Any]:
        return dict(self.meta.get(index, {}))

    async def refresh(self, index: str) -> None:
        return None

    async def get_all_indices(self) -> list[str]:
        return sorted(self.indices)

    async def get_alias_indices(self, alias: str) -> list[str]:
        return sorted(self.aliases.get(alias, set()))

    async def rollover_index(self, alias: str, next_index: str, prefix: str) -> None:
        kept = {i for i in self.aliases.get(alias, set()) if not i.startswith(prefix)}
        self.aliases[alias] = kept | {next_index}
        self.log.append(["rollover", next_index])

    async def clone_index(self, base_version: str, target_version: str) -> None:
        if base_version == target_version:
            raise ValueError("Cannot clone an index to itself.")
        self.indices[target_version] = copy.deepcopy(self.indices.get(base_version, {}))
        self.copy_to[target_version] = list(self.copy_to.get(base_version, []))
        self.log.append(["clone", base_version, target_version])

    async def create_index(self, index: str, mappings: dict[str, Any],
                           settings: dict[str, Any]) -> None:
        if index not in self.indices:
            self.indices[index] = {}
            self.copy_to[index] = _copies(mappings)
            self.log.append(["create", index])

    async def delete_index(self, index: str) -> None:
        self.indices.pop(index, None)
        self.meta.pop(index, None)
        for members in self.aliases.values():
            members.discard(index)

    async def exists_index_alias(self, alias: str, index: str) -> bool:
        return index in self.aliases.get(alias, set())

    async def check_health(self, index: str) -> bool:
        return True

    async def search(self, index: str, query: dict[str, Any], size: int | None = None,
                     from_: int | None = None, sort: list[Any] | None = None,
                     aggregations: dict[str, Any] | None = None,
                     rank_precise: bool = False) -> dict[str, Any]:
        names = self.aliases.get(index) or ({index} if index in self.indices else set())
        hits = [{"_index": name, "_id": doc_id, "_score": 1.0,
                 "_source": _public(source)}
                for name in sorted(names)
                for doc_id, source in sorted(self.indices.get(name, {}).items())
                if evaluate(query, doc_id, source) is not False]
        aggs: dict[str, Any] = {}
        for agg_name, agg in (aggregations or {}).items():
            field = (agg.get("terms") or {}).get("field") if isinstance(agg, dict) else None
            if field:
                counts = Counter(v for hit in hits
                                 for v in _values(hit["_source"], hit["_id"], field))
                aggs[agg_name] = {"buckets": [{"key": k, "doc_count": n}
                                              for k, n in counts.most_common()]}
        start = from_ or 0
        page = hits[start:start + (10 if size is None else size)]
        return {"hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": page},
                "aggregations": aggs}

    async def get_document(self, index: str, doc_id: str) -> dict[str, Any] | None:
        source = self.indices.get(index, {}).get(doc_id)
        if source is None:
            return None
        return {"_index": index, "_id": doc_id, "_source": _public(source),
                "_seq_no": self.seq.get((index, doc_id), 0), "_primary_term": 1}

    async def bulk_index(self, actions: Iterable[dict[str, Any]] |
                         AsyncIterable[dict[str, Any]]) -> None:
        if isinstance(actions, AsyncIterable):
            async for action in actions:
                self._apply(action)
        else:
            for action in actions:
                self._apply(action)

    def _apply(self, action: dict[str, Any]) -> None:
        op = action.get("_op_type", "index")
        index, doc_id = action["_index"], str(action["_id"])
        docs = self.indices.setdefault(index, {})
        if op == "delete":
            docs.pop(doc_id, None)
            return
        if op == "create" and doc_id in docs:
            raise YenteIndexError(f"document {doc_id} exists in {index}")
        if op == "update":
            if doc_id not in docs:
                raise YenteIndexError(f"no document {doc_id} in {index}")
            expected = action.get("if_seq_no")
            if expected is not None and expected != self.seq.get((index, doc_id), 0):
                raise YenteIndexError(f"version conflict on {doc_id}")
            docs[doc_id].update(copy.deepcopy(action.get("doc") or {}))
        else:
            docs[doc_id] = copy.deepcopy(action.get("_source") or {})
        copied: dict[str, list[Any]] = {}
        for path, targets in self.copy_to.get(index, []):
            for value in _values(docs[doc_id], doc_id, path):
                for target in targets:
                    copied.setdefault(target, []).append(value)
        docs[doc_id]["_copied"] = copied
        self.counter += 1
        self.seq[(index, doc_id)] = self.counter
