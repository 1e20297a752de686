"""Reading FollowTheMoney JSON lines, as OpenSanctions and Aleph publish them — the one
reader behind ``dossier import``, screening lists, ``dossier xref`` and screening a bare
file of targets.

The file is streamed (a 1 GB file needs no more memory than a small one). Each line must
be one entity: a JSON object with a known ``schema``, an ``id`` and ``properties`` (an
object of value lists; a single value stands for a list of one). Lines that are not are
reported as ``file:line: field: message``; after :data:`MAX_PROBLEMS` the read stops.
What each caller then does with a property's values is its own business.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from followthemoney import ValueEntity, model
from followthemoney.schema import Schema

from entities.exc import InvalidInput, Problem
from entities.progress import QUIET, Progress

MAX_PROBLEMS = 100
#: The most values one property of one entity may have. Real entities have a few dozen
#: names at most; one with thousands costs minutes to match and is no single person.
MAX_VALUES = 1000
#: How many lines pass between two progress reports.
REPORT_EVERY = 2000
#: File names that are read as FtM JSON lines.
FTM_SUFFIXES = (".ftm.json", ".json", ".jsonl", ".ijson")


def is_ftm_file(path: Path) -> bool:
    """Whether ``path`` is named like FollowTheMoney JSON lines."""
    return path.name.lower().endswith(FTM_SUFFIXES)


class FtmReader:
    """Streams ``(line number, schema, entity dict)`` from an FtM JSON-lines file.

    ``what`` names the file in the error (``the list us_ofac_sdn.ftm.json``). Problems
    found by the caller go through :meth:`problem` too, so that all are reported together.

    Raises (when iterated):
        InvalidInput: the file cannot be read, or has problems (all of them, or the first
            :data:`MAX_PROBLEMS`).
    """

    def __init__(self, path: Path, what: str | None = None, progress: Progress = QUIET):
        self.path = path
        self.label = path.name
        self.what = what or f"the file {path.name}"
        self.progress = progress
        self.problems: list[Problem] = []

    def problem(self, line: int, field: str, message: str) -> None:
        """Record a problem of ``line``; stop reading once there are too many."""
        self.problems.append(Problem(self.label, line, field, message))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(Problem(self.label, line, "", "further problems not listed"))
            self.fail()

    def fail(self) -> None:
        raise InvalidInput(self.problems, self.what)

    def _entity(self, line: int, raw: bytes) -> tuple[Schema, dict[str, Any]] | None:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            self.problem(line, "", "is not valid JSON (one FtM entity per line expected)")
            return None
        if not isinstance(data, dict):
            self.problem(line, "", "is not an FtM entity (a JSON object)")
            return None
        name = data.get("schema")
        schema = model.get(name) if isinstance(name, str) and name else None
        if schema is None:
            self.problem(line, "schema", f"'{data.get('schema')}' is not a FollowTheMoney "
                                         "schema")
            return None
        if not isinstance(data.get("id"), str) or not data["id"].strip():
            self.problem(line, "id", "the entity has no id")
            return None
        props = data.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            self.problem(line, "properties", "must be an object of property value lists")
            return None
        data["properties"] = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
        for name, values in data["properties"].items():
            if len(values) > MAX_VALUES:
                self.problem(line, f"properties.{name}", f"has {len(values):,} values; an "
                             f"entity may have at most {MAX_VALUES:,} in one property")
                return None
        return schema, data

    def __iter__(self) -> Iterator[tuple[int, Schema, dict[str, Any]]]:
        try:
            fh = self.path.open("rb")
            size = self.path.stat().st_size
        except OSError as exc:
            raise InvalidInput([Problem(self.label, 0, "", f"cannot be read: "
                                        f"{exc.strerror}")], self.what) from exc
        self.progress.step(f"reading {self.label}", size, "bytes")
        with fh:
            for line, raw in enumerate(fh, start=1):
                if line % REPORT_EVERY == 0:
                    self.progress.update(fh.tell())
                if not raw.strip():
                    continue
                found = self._entity(line, raw)
                if found is not None:
                    yield line, found[0], found[1]
        if self.problems:
            self.fail()

    def entities(self) -> Iterator[ValueEntity]:
        """The entities of the file, their values taken as published (as FtM's own readers
        do)."""
        for _line, _schema, data in self:
            yield ValueEntity.from_dict(data)
