"""The dataset folder's metadata, as zavod publishes it and yente reads it.

``index.json`` follows zavod's catalog model (followthemoney's ``DatasetModel`` fields and
the ones zavod adds to a published export): ``version``, ``updated_at``, ``last_export``,
``last_change``, counts, coverage from the case's own countries, and every resource with
its absolute URL, SHA-1 ``checksum``, size, upstream MIME type and title. ``catalog.json``
holds it as a one-dataset catalog (``{"datasets": [...]}``), ``yente-manifest.json`` is a
manifest (``YENTE_MANIFEST``) that points a yente server at that catalog,
``delta-index.json`` lists the kept deltas by version (yente's ``delta_url``; see
:mod:`exports.opensanctions.artefacts`),
``statistics.json`` the counts by schema and ``issues.json`` the (empty) issue log zavod's
model asks for.

Every time in them is the dataset's last change (when its newest statement was first
seen, kept in the case database), so an unchanged case rebuilds them byte for byte and a
yente server sees no new version to index. URLs start
at the folder's published address: ``--base-url`` (or ``DOSSIER_PUBLISH_URL``), else
:data:`LOCAL_URL`, where ``python -m http.server 8080 --directory OUT/opensanctions``
serves it on the same machine (followthemoney accepts only http and https addresses).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from followthemoney.types import registry

from exports.opensanctions.artefacts import Dataset

#: upstream MIME types and titles of the resources (zavod's exporters)
RESOURCES = {
    "entities.ftm.json": ("application/json+ftm", "FollowTheMoney entities",
                          "FollowTheMoney Entities"),
    "targets.nested.json": ("application/json", "Targets as nested JSON", "JSON"),
    "targets.simple.csv": ("text/csv", "Targets as simplified CSV", "CSV"),
    "statements.csv": ("text/csv+ftm-statements", "Statement-based granular CSV",
                       "FollowTheMoney Statements"),
    "names.txt": ("text/plain", "Target names text file", "Plain text"),
    "delta.json": ("application/json+delta", "Changes since the previous build", "JSON"),
}


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") \
        + b"\n"


def metadata(dataset: Dataset, files: dict[str, tuple[str, int]], base_url: str
             ) -> dict[str, bytes]:
    """``index.json``, ``catalog.json``, ``yente-manifest.json``, ``delta-index.json``,
    ``statistics.json`` and ``issues.json`` for the artefacts in ``files`` (name → SHA-1
    and size)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    meta = dataset.view.case.meta
    entities, changes = dataset.entities, dataset.changes
    changed = dataset.last_change
    version = dataset.version
    resources = []
    for name, (checksum, size) in sorted(files.items()):
        mime, title, label = RESOURCES[name]
        resources.append({"name": name, "path": name, "url": base + name,
                          "checksum": checksum, "size": size,
                          "mime_type": mime, "mime_type_label": label, "title": title})
    # coverage: the countries of the case's own records (not the jurisdictions of the
    # proposals and designations)
    countries = sorted({c for e in dataset.view.record_entities
                        for c in e.get_type_values(registry.country)})
    publisher: dict[str, Any] = {"name": meta.organisation.name, "official": False}
    if meta.organisation.website:
        publisher["url"] = meta.organisation.website
    if meta.organisation.description:
        publisher["description"] = meta.organisation.description
    statistics = {"entity_count": len(entities), "target_count": len(dataset.targets),
                  "schemata": dict(sorted(Counter(e.schema.name for e in entities).items()))}
    index: dict[str, Any] = {
        "name": meta.id, "title": meta.title, "summary": meta.summary or meta.title,
        "publisher": publisher, "type": "source", "version": version,
        "updated_at": changed, "last_export": changed, "last_change": changed,
        "coverage": {"countries": countries, "frequency": "unknown",
                     **({"end": meta.date} if meta.date else {})},
        "entity_count": len(entities),
        "thing_count": sum(1 for e in entities if e.schema.is_a("Thing")),
        "target_count": len(dataset.targets), "resources": resources,
        "index_url": base + "index.json", "delta_url": base + "delta-index.json",
        "statistics_url": base + "statistics.json", "issues_url": base + "issues.json",
        "issue_count": 0, "issue_levels": {}, "disabled": False, "hidden": False,
        "collections": [], "datasets": [], "tags": [], "result": "success",
        # what changed since the previous build in this folder (delta.json)
        "delta": {word: sum(1 for c in changes if c[0] == op)
                  for op, word in (("ADD", "added"), ("MOD", "modified"), ("DEL", "removed"))},
    }
    if meta.organisation.website:
        index["url"] = meta.organisation.website
    # yente reads its manifest as YAML, of which JSON is a part
    manifest = {"catalogs": [{"url": base + "catalog.json", "scope": meta.id,
                              "resource_type": "application/json+ftm"}]}
    return {
        "index.json": _json(index),
        "catalog.json": _json({"datasets": [index]}),
        "yente-manifest.json": _json(manifest),
        "delta-index.json": _json({"versions": {v: f"{base}delta/{v}.json"
                                                for v in dataset.history}}),
        "statistics.json": _json(statistics),
        "issues.json": _json({"issues": []}),
    }


#: the default published address: the folder served locally (see the module docstring)
LOCAL_URL = "http://localhost:8080/"
