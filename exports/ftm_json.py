"""FollowTheMoney JSON lines (``entities.ftm.json``), byte-stable: the entities of the
records the audience may see, identity judgements applied.

FtM keeps property values in sets, so ``to_dict()`` lists them in an order that
changes from one process to the next. We sort every list before writing, so the
same case always gives the same bytes. The dictionaries come from FtM's own
``to_dict()``; nothing is built by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followthemoney import StatementEntity, registry

from entities.files import atomic_file

if TYPE_CHECKING:
    from evidence_maps.view import CaseView

_LISTS = ("datasets", "referents", "origin")


def is_target(entity: StatementEntity) -> bool:
    """zavod's and yente's rule: an entity is a target when it has a risk topic."""
    return bool(set(entity.get("topics", quiet=True)) & registry.topic.RISKS)


def stable_dict(entity: StatementEntity) -> dict[str, Any]:
    """``entity.to_dict()`` with every list sorted, and ``target`` as zavod writes it."""
    data: dict[str, Any] = entity.to_dict()
    data["target"] = is_target(entity)
    for key in _LISTS:
        if key in data:
            data[key] = sorted(data[key])
    data["properties"] = {prop: sorted(values)
                          for prop, values in sorted(data["properties"].items())}
    return data


def entity_line(entity: StatementEntity) -> bytes:
    """One JSON line for ``entity``."""
    text = json.dumps(stable_dict(entity), ensure_ascii=False, sort_keys=True)
    return text.encode("utf-8") + b"\n"


def write_entities(path: Path, entities: Iterable[StatementEntity]) -> int:
    """Write entities sorted by id to ``path`` atomically; return the count."""
    ordered = sorted(entities, key=lambda e: str(e.id))
    with atomic_file(path) as fh:
        for entity in ordered:
            fh.write(entity_line(entity))
    return len(ordered)


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``ftm``: the view's record entities; returns their count."""
    return write_entities(path, view.record_entities)
