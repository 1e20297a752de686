"""``index.json``: the dataset's metadata as OpenSanctions publishes it — name, title,
publisher, coverage, counts, the delta's counts, and every resource with its SHA-1, size
and MIME type."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from followthemoney.types import registry

from exports.opensanctions.artefacts import Dataset

MIME_TYPES = {".json": "application/json", ".csv": "text/csv", ".txt": "text/plain"}


def index_json(dataset: Dataset, files: dict[str, bytes]) -> tuple[dict[str, Any], bytes]:
    """The index of the artefacts in ``files`` (name → bytes), as data and as bytes."""
    resources = [{"name": name, "url": name, "sha1": hashlib.sha1(data).hexdigest(),
                  "size": len(data), "mime_type": MIME_TYPES[Path(name).suffix]}
                 for name, data in sorted(files.items())]
    meta = dataset.view.case.meta
    entities, changes = dataset.entities, dataset.changes
    index = {
        "name": meta.id, "title": meta.title, "summary": meta.summary or meta.title,
        "publisher": {"name": meta.organisation.name, "url": meta.organisation.website,
                      "description": meta.organisation.description},
        "coverage": {"countries": sorted({c for e in entities for c in
                                          e.get_type_values(registry.country)}),
                     "end": meta.date},
        "updated_at": meta.date, "type": "source", "entity_count": len(entities),
        "target_count": len(dataset.targets), "resources": resources,
        "delta": {"added": sum(1 for c in changes if c["op"] == "ADD"),
                  "modified": sum(1 for c in changes if c["op"] == "MOD"),
                  "removed": sum(1 for c in changes if c["op"] == "DEL")},
    }
    data = json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    return index, data + b"\n"
