"""Writing the dataset folder: every artefact and the kept deltas, each written as it is
made (a large case's files are never held whole) and atomically, then the metadata
(``index.json`` and the rest, with each file's size and SHA-1); deltas no longer kept
are removed."""


from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from entities.files import atomic_file
from exports.opensanctions.artefacts import ARTEFACTS, Dataset
from exports.opensanctions.index import LOCAL_URL, metadata

if TYPE_CHECKING:
    from evidence_maps.view import CaseView


def _write(path: Path, pieces: Iterator[bytes]) -> tuple[str, int]:
    """Write ``pieces`` to ``path`` atomically; return the file's SHA-1 and size."""
    sha, size = hashlib.sha1(), 0
    with atomic_file(path) as fh:
        for piece in pieces:
            sha.update(piece)
            size += len(piece)
            fh.write(piece)
    return sha.hexdigest(), size


def write_dataset(view: CaseView, out: Path) -> dict[str, Any]:
    """Write the dataset folder of ``view`` (the artefacts, then the metadata); return
    the ``index.json`` data. URLs start at ``view.publish_url``, else at
    :data:`~exports.opensanctions.index.LOCAL_URL`."""
    dataset = Dataset.of(view, out)
    dataset.changes  # noqa: B018 - against the previous entities, before they are replaced
    deltas = dataset.delta_files()
    (out / "delta").mkdir(parents=True, exist_ok=True)
    # the kept deltas first: an older one is read before it is rewritten
    for name, lines in sorted(deltas.items()):
        _write(out / name, lines())
    files = {name: _write(out / name, make(dataset)) for name, make in ARTEFACTS.items()}
    described = metadata(dataset, files, view.publish_url or LOCAL_URL)
    for name, data in sorted(described.items()):
        with atomic_file(out / name) as fh:
            fh.write(data)
    for stale in sorted((out / "delta").iterdir()):
        if f"delta/{stale.name}" not in deltas and stale.is_file():
            stale.unlink()
    index: dict[str, Any] = json.loads(described["index.json"])
    return index


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``opensanctions``; returns the number of entities."""
    return int(write_dataset(view, path)["entity_count"])
