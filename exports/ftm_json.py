"""FollowTheMoney JSON lines (``entities.ftm.json``), byte-stable: the entities of the
records the audience may see, identity judgements applied, each written as
:func:`entities.ftm.lines.entity_line` writes it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from followthemoney import StatementEntity

from entities.files import atomic_file
from entities.ftm.lines import entity_line

if TYPE_CHECKING:
    from evidence_maps.view import CaseView


def write_entities(path: Path, entities: Iterable[StatementEntity]) -> int:
    """Write entities sorted by id to ``path`` atomically; return the count."""
    ordered = sorted(entities, key=lambda e: str(e.id))
    with atomic_file(path) as fh:
        for entity in ordered:
            fh.write(entity_line(entity))
    return len(ordered)


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``ftm``: the view's record entities; returns their count."""
    lines = view.entity_lines
    with atomic_file(path) as fh:
        for entity in view.record_entities:
            fh.write(lines[str(entity.id)])
    return len(view.record_entities)
