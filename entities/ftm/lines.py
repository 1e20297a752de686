"""FollowTheMoney JSON lines, byte-stable: the one way an entity is written as a line.

FtM keeps property values in sets, so ``to_dict()`` lists them in an order that
changes from one process to the next. Every list is sorted before writing, so the same
entity always gives the same bytes. The dictionaries come from FtM's own ``to_dict()``;
nothing is built by hand. ``target`` is set by zavod's and yente's rule.
"""

from __future__ import annotations

import json
from typing import Any

from followthemoney import StatementEntity, registry

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
