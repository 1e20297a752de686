"""Writing the dataset folder: every artefact and the kept deltas, then ``index.json``,
each atomically; deltas no longer kept are removed."""


from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from entities.files import atomic_file
from exports.opensanctions.artefacts import ARTEFACTS, Dataset
from exports.opensanctions.index import LOCAL_URL, metadata

if TYPE_CHECKING:
    from evidence_maps.view import CaseView


def write_dataset(view: CaseView, out: Path) -> dict[str, Any]:
    """Write the dataset folder of ``view`` (the artefacts, then the metadata); return
    the ``index.json`` data. URLs start at ``view.publish_url``, else at
    :data:`~exports.opensanctions.index.LOCAL_URL`."""
    dataset = Dataset.of(view, out)
    files = {name: make(dataset) for name, make in ARTEFACTS.items()}
    described = metadata(dataset, files, view.publish_url or LOCAL_URL)
    deltas = dataset.delta_files()
    (out / "delta").mkdir(parents=True, exist_ok=True)
    for name, data in sorted({**files, **deltas, **described}.items()):
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
