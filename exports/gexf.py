"""GEXF, a graph for Gephi, through followthemoney's graph exporter: the record entities
of the view (identity judgements applied), byte-stable: entities go in by id with their
values sorted (a statement entity lists them in an order that changes from one process
to the next), and the file's date is the case's."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from followthemoney import ValueEntity
from followthemoney.export.graph import NXGraphExporter

from entities.files import atomic_file
from entities.ftm.lines import stable_dict

if TYPE_CHECKING:
    from evidence_maps.view import CaseView


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``gexf``; returns the number of entities in the graph."""
    buffer = io.StringIO()
    exporter = NXGraphExporter(buffer)
    entities = view.record_entities
    for entity in sorted(entities, key=lambda e: str(e.id)):
        exporter.write(ValueEntity.from_dict(stable_dict(entity)))
    exporter.finalize()
    date = view.case.meta.date or "2000-01-01"
    text = re.sub(r'lastmodifieddate="[^"]*"', f'lastmodifieddate="{date}"', buffer.getvalue())
    with atomic_file(path) as fh:
        fh.write(text.encode("utf-8"))
    return len(entities)
