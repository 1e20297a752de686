"""Writing the dataset folder: every artefact, then ``index.json``, each atomically."""


from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from entities.files import atomic_file
from exports.opensanctions.artefacts import ARTEFACTS, Dataset
from exports.opensanctions.index import index_json

if TYPE_CHECKING:
    from evidence_maps.view import CaseView

def write_dataset(view: CaseView, out: Path) -> dict[str, Any]:
    """Write the dataset folder of ``view``; return the ``index.json`` data."""
    dataset = Dataset.of(view, out)
    files = {name: make(dataset) for name, make in ARTEFACTS.items()}
    for name, data in sorted(files.items()):
        with atomic_file(out / name) as fh:
            fh.write(data)
    index, data = index_json(dataset, files)
    with atomic_file(out / "index.json") as fh:
        fh.write(data)
    return index


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``opensanctions``; returns the number of entities."""
    return int(write_dataset(view, path)["entity_count"])
