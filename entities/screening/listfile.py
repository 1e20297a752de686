"""Reading a sanctions list: FollowTheMoney JSON lines, as OpenSanctions publishes them.

The file is streamed (a 1 GB list needs no more memory than a small one). Lines that are
not FtM entities are reported as ``file:line: field: message``; up to
:data:`MAX_PROBLEMS` are collected before the read stops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from followthemoney import model
from followthemoney.schema import Schema

from entities.exc import InvalidInput, Problem
from entities.files import file_digest

MAX_PROBLEMS = 50
#: Called with the number of bytes read so far.
Progress = Callable[[int], None]


def file_sha256(path: Path, progress: Progress | None = None) -> str:
    """The SHA-256 of a list file; a file that cannot be read is a located problem."""
    try:
        return file_digest(path, "sha256", progress)
    except OSError as exc:
        raise InvalidInput([Problem(path.name, 0, "", f"cannot be read: {exc.strerror}")],
                           "the list file") from exc


class ListReader:
    """Streams ``(line number, schema, entity dict)`` from an FtM JSON-lines file."""

    def __init__(self, path: Path, progress: Progress | None = None):
        self.path = path
        self.progress = progress
        self.problems: list[Problem] = []

    def problem(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.path.name, line, field, message))
        if len(self.problems) >= MAX_PROBLEMS:
            self.fail()

    def fail(self) -> None:
        raise InvalidInput(self.problems, f"the list {self.path.name}")

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
            self.problem(line, "schema",
                         f"'{data.get('schema')}' is not a FollowTheMoney schema")
            return None
        if not isinstance(data.get("id"), str) or not data["id"].strip():
            self.problem(line, "id", "the entity has no id")
            return None
        props = data.get("properties")
        if not isinstance(props, dict) or not all(
                isinstance(v, list) for v in props.values()):
            self.problem(line, "properties", "must be an object of property value lists")
            return None
        return schema, data

    def __iter__(self) -> Iterator[tuple[int, Schema, dict[str, Any]]]:
        try:
            fh = self.path.open("rb")
        except OSError as exc:
            raise InvalidInput([Problem(self.path.name, 0, "", f"cannot be read: "
                                        f"{exc.strerror}")], "the list file") from exc
        with fh:
            for line, raw in enumerate(fh, start=1):
                if self.progress is not None and line % 5000 == 0:
                    self.progress(fh.tell())
                if not raw.strip():
                    continue
                found = self._entity(line, raw)
                if found is not None:
                    yield line, found[0], found[1]
        if self.problems:
            self.fail()
