"""``dossier import CASE FILE.ftm.json``: partner data (OpenSanctions, Aleph) into the store.

The file is streamed line by line, so a 1 GB file needs no more memory than a small
one. Each entity keeps its own dataset (the first in its ``datasets``, else one named
after the file) and every statement gets ``origin = file:line``. The entities are
stored beside the case's own statements as candidates for identity resolution;
nothing is merged. Re-importing the same file replaces what it brought last time.
All-or-nothing: any problem and the store is left as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import Dataset, Statement, StatementEntity, model

from entities.case.loader import load_case
from entities.db.audit import log_change
from entities.db.statements import CaseStore
from entities.exc import InvalidCase, Problem

MAX_PROBLEMS = 100
FTM_SUFFIXES = (".ftm.json", ".json", ".jsonl", ".ijson")


@dataclass
class FtmImportReport:
    """What an FtM import stored."""

    file: str
    records: int = 0
    entities: int = 0
    statements: int = 0
    datasets: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    dropped_count: int = 0


def is_ftm_file(path: Path) -> bool:
    """Whether ``path`` is named like FollowTheMoney JSON lines."""
    return path.name.lower().endswith(FTM_SUFFIXES)


def dataset_name(text: str) -> str:
    """A valid FtM dataset name made from ``text``."""
    stem = text.lower()
    for suffix in FTM_SUFFIXES:
        stem = stem.removesuffix(suffix)
    name = re.sub(r"[^a-z0-9]+", "_", stem).strip("_")
    return name if re.match(r"^[a-z]", name) else f"import_{name or 'file'}"


#: Called with the number of bytes read so far.
Progress = Callable[[int], None]


class _Reader:
    def __init__(self, path: Path, case_id: str, progress: Progress | None = None):
        self.path = path
        self.progress = progress
        self.label = path.name
        self.case_id = case_id
        self.default = dataset_name(path.name)
        self.datasets: dict[str, Dataset] = {}
        self.problems: list[Problem] = []
        self.report = FtmImportReport(path.name)

    def problem(self, line: int, field_name: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.label, line, field_name, message))
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem(self.label, line, "", "further problems not listed"))

    def dataset(self, data: dict[str, Any]) -> Dataset:
        names = data.get("datasets")
        name = self.default
        if isinstance(names, list) and names and isinstance(names[0], str):
            name = dataset_name(names[0])
        if name == self.case_id:
            name = f"{name}_import"
        if name not in self.datasets:
            self.datasets[name] = Dataset.make({"name": name, "title": name})
        return self.datasets[name]

    def entity(self, line: int, data: Any) -> StatementEntity | None:
        if not isinstance(data, dict):
            self.problem(line, "", "is not an FtM entity (a JSON object)")
            return None
        name = data.get("schema")
        schema = model.get(name) if isinstance(name, str) and name else None
        if schema is None:
            self.problem(line, "schema", f"'{data.get('schema')}' is not a FollowTheMoney schema")
            return None
        entity_id = data.get("id")
        if not isinstance(entity_id, str) or not entity_id.strip():
            self.problem(line, "id", "the entity has no id")
            return None
        props = data.get("properties") or {}
        if not isinstance(props, dict):
            self.problem(line, "properties", "must be an object of property lists")
            return None
        entity = StatementEntity(self.dataset(data), {"schema": schema.name, "id": entity_id})
        origin = f"{self.label}:{line}"
        for name, values in props.items():
            prop = schema.get(name)
            if prop is None or prop.stub:
                self.problem(line, f"properties.{name}",
                             f"'{name}' is not a property of {schema.name}")
                continue
            for value in values if isinstance(values, list) else [values]:
                if not isinstance(value, str) or prop.type.clean(value) is None:
                    self.report.dropped_count += 1
                    if len(self.report.dropped) < 20:
                        self.report.dropped.append(f"{origin}: {name}: {value!r}")
                    continue
                entity.add(prop, value, origin=origin)
        return entity

    def statements(self) -> Iterator[Statement]:
        with self.path.open("rb") as fh:
            for line, raw in enumerate(fh, start=1):
                if self.progress is not None and line % 2000 == 0:
                    self.progress(fh.tell())
                if not raw.strip():
                    continue
                try:
                    data = json.loads(raw)
                except (ValueError, UnicodeDecodeError):
                    self.problem(line, "", "is not valid JSON (one entity per line expected)")
                    continue
                entity = self.entity(line, data)
                if entity is None:
                    continue
                self.report.records += 1
                origin = f"{self.label}:{line}"
                for stmt in entity.statements:
                    if stmt.origin is None:  # the automatic id statement
                        stmt.origin = origin
                    yield stmt
        if self.problems:
            raise InvalidCase(self.problems)


def import_ftm(root: Path, path: Path, progress: Progress | None = None) -> FtmImportReport:
    """Stream the FtM JSON-lines file ``path`` into the store of the case at ``root``.

    ``progress`` (optional) is called now and then with the number of bytes read.

    Raises:
        InvalidCase: lines that are not valid FtM entities (nothing is stored).
    """
    case = load_case(root)
    if not path.is_file():
        raise InvalidCase([Problem(path.name, 0, "", "file not found")])
    reader = _Reader(path, case.meta.id, progress)
    store = CaseStore.for_case(case.root)
    try:
        prefix = f"{reader.label}:"
        store.replace_origin(prefix, reader.statements())
        reader.report.statements = store.count_origin(prefix)
        reader.report.datasets = store.datasets_of_origin(prefix)
        reader.report.entities = sum(reader.report.datasets.values())
    finally:
        store.close()
    log_change(case.root, "import-ftm", path.name, None, {
        "entities": reader.report.entities, "statements": reader.report.statements,
        "datasets": reader.report.datasets, "dropped_values": reader.report.dropped_count})
    return reader.report
