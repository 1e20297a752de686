"""Remote screening: ask a running yente server (OpenSanctions' matching API).

``POST {url}/match/{dataset}`` (default dataset ``sanctions``) with the query entities in
batches, sending ``threshold``, ``limit`` (default 10, above yente's 5) and ``algorithm``
(default yente's own, ``best``); a query whose earlier matches a reviewer rejected goes
alone, with them as ``exclude_entity_ids``. A result is a match when yente says so
(``results[].match``). Its designations come only from its ``Sanction`` entities (nested,
or fetched with ``GET {url}/entities/{id}?nested=true``): a result without one — a
sanction-linked entity, a PEP, a debarment — is no designation, whatever list it comes
from, and keeps its topics so that outputs say what it is. The explanations are yente's
structured ones (the ``query`` and ``candidate`` values of each feature). Only what the
caller passes is sent: the command line never sends confidential targets unless told to.
"""

from __future__ import annotations

from typing import Any

import httpx
from followthemoney import EntityProxy, ValueEntity, model

from entities.exc import RemoteError
from entities.progress import QUIET, Progress
from entities.screening.match import scored_match
from entities.screening.model import Designation, Feature, Match

BATCH = 20
TIMEOUT = 60.0
#: results asked for per query (yente's own default is 5)
LIMIT = 10
#: yente's default algorithm ("best": its best scoring system, logic-v2 today)
ALGORITHM = "best"
#: the most ids yente takes in ``exclude_entity_ids``
MAX_EXCLUDED = 50


class YenteClient:
    """A small client of yente's ``/match``, ``/entities`` and ``/catalog`` endpoints."""

    def __init__(self, url: str, dataset: str = "sanctions", algorithm: str = ALGORITHM,
                 transport: httpx.BaseTransport | None = None,
                 api_key: str | None = None, limit: int = LIMIT):
        headers = {"Authorization": f"ApiKey {api_key}"} if api_key else {}
        self.url = url.rstrip("/")
        self.dataset = dataset
        self.algorithm = algorithm
        self.limit = limit
        self.client = httpx.Client(base_url=self.url, timeout=TIMEOUT, transport=transport,
                                   headers=headers)

    @property
    def label(self) -> str:
        return f"yente {self.url} ({self.dataset})"

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> YenteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RemoteError(f"cannot reach the yente server at {self.url}: {exc}") from exc
        if response.status_code >= 400:
            detail = response.text[:300]
            raise RemoteError(f"the yente server at {self.url} answered {response.status_code} "
                              f"to {path}: {detail}")
        try:
            return response.json()
        except ValueError as exc:
            raise RemoteError(f"the yente server at {self.url} did not answer with JSON "
                              f"for {path}") from exc

    def source_datasets(self) -> list[str]:
        """The names of the source datasets inside the screened dataset (from
        ``/catalog``; a collection such as ``default`` is expanded)."""
        data = self._call("GET", "/catalog")
        entries = {d.get("name"): d for d in (data.get("datasets") or [])
                   if isinstance(d, dict)} if isinstance(data, dict) else {}
        out: list[str] = []
        todo, seen = [self.dataset], set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            children = [c for c in (entries.get(name) or {}).get("children") or []
                        if isinstance(c, str)]
            if children:
                todo.extend(children)
            else:
                out.append(name)
        return sorted(out)

    def match(self, queries: dict[str, EntityProxy], threshold: float,
              progress: Progress = QUIET, exclude: dict[str, list[str]] | None = None
              ) -> dict[str, list[Match]]:
        """Matches for each query key, best first; ``exclude``: per query key, the ids of
        entities a reviewer rejected (that query is then sent alone, since yente applies
        ``exclude_entity_ids`` to a whole request)."""
        exclude = exclude or {}
        out: dict[str, list[Match]] = {}
        plain = [k for k in queries if not exclude.get(k)]
        batches = [plain[i:i + BATCH] for i in range(0, len(plain), BATCH)]
        batches += [[k] for k in queries if exclude.get(k)]
        done = 0
        for keys in batches:
            params: dict[str, Any] = {"threshold": threshold, "algorithm": self.algorithm,
                                      "limit": self.limit}
            if len(keys) == 1 and exclude.get(keys[0]):
                params["exclude_entity_ids"] = exclude[keys[0]][:MAX_EXCLUDED]
            batch = {k: {"schema": queries[k].schema.name,
                         "properties": {p: list(v) for p, v in queries[k].properties.items()}}
                     for k in keys}
            data = self._call("POST", f"/match/{self.dataset}", params=params,
                              json={"queries": batch})
            responses = data.get("responses", {}) if isinstance(data, dict) else {}
            for key in batch:
                results = (responses.get(key) or {}).get("results") or []
                found = [self._match(queries[key], r) for r in results
                         if isinstance(r, dict) and _is_match(r, threshold)]
                out[key] = sorted(found, key=lambda m: (-m.score, m.id))
            done += len(keys)
            progress.update(done)
        return out

    def _sanctions(self, result: dict[str, Any]) -> list[dict[str, Any]]:
        nested = result.get("properties", {}).get("sanctions") or []
        found = [s for s in nested if isinstance(s, dict)]
        if found or "sanction" not in (result.get("properties", {}).get("topics") or
                                       ["sanction"]):
            return found
        entity = self._call("GET", f"/entities/{result['id']}", params={"nested": "true"})
        nested = (entity.get("properties", {}) if isinstance(entity, dict) else {}).get(
            "sanctions") or []
        return [s for s in nested if isinstance(s, dict)]

    def _match(self, query: EntityProxy, result: dict[str, Any]) -> Match:
        datasets = [d for d in result.get("datasets", []) if isinstance(d, str)]
        designations = []
        for sanction in self._sanctions(result):
            props = dict(sanction.get("properties") or {})
            props["id"] = sanction.get("id", "")
            props["datasets"] = sanction.get("datasets") or []
            designations.append(Designation.from_sanction(props, self.label))
        # no Sanction entity, no designation: the dataset a result comes from says
        # nothing about whether it is sanctioned (a PEP, a sanction-linked company…)
        topics = [t for t in (result.get("properties") or {}).get("topics") or []
                  if isinstance(t, str)]
        schema = model.get(str(result.get("schema") or "")) or model["LegalEntity"]
        flat = {p: [v for v in values if isinstance(v, str)]
                for p, values in (result.get("properties") or {}).items()
                if p in schema.properties and isinstance(values, list)}
        entity = ValueEntity(schema, {"id": f"yente:{result.get('id')}", "properties": {}})
        for prop, values in flat.items():
            for value in values:
                entity.add(prop, value, quiet=True)
        features: dict[str, Feature] = {}
        for name, exp in (result.get("explanations") or {}).items():
            if isinstance(exp, dict):
                features[name] = Feature(float(exp.get("score") or 0),
                                         str(exp.get("detail") or ""),
                                         _text(exp.get("query")), _text(exp.get("candidate")))
        for name, value in (result.get("features") or {}).items():
            features.setdefault(name, Feature(float(value)))
        match = scored_match(query, entity, str(result.get("id")),
                             float(result.get("score", 0)), features, designations,
                             self.label, datasets)
        match.name = str(result.get("caption") or match.name)
        match.topics = topics
        return match


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_match(result: dict[str, Any], threshold: float) -> bool:
    """yente's own verdict (``match``), or, from a server that sends none, the score."""
    verdict = result.get("match")
    if isinstance(verdict, bool):
        return verdict
    return float(result.get("score", 0)) >= threshold
