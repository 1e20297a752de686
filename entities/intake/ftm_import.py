"""``dossier import CASE FILE.ftm.json``: partner data (OpenSanctions, Aleph) into the store.

The file is streamed line by line, so a 1 GB file needs no more memory than a small
one. Each entity keeps its own dataset (the first in its ``datasets``, else one named
after the file) and every statement gets ``origin = file:line``. The entities are
stored beside the case's own statements as candidates for identity resolution;
nothing is merged. Re-importing the same file replaces what it brought last time.
All-or-nothing: any problem and the store is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import Dataset, Statement, StatementEntity, model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema

from entities.case.loader import load_case
from entities.db.audit import AuditLog
from entities.db.database import CaseDatabase
from entities.exc import InvalidCase, Problem
from entities.ftm.reader import FTM_SUFFIXES, FtmReader
from entities.progress import QUIET, Progress


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


def dataset_name(text: str) -> str:
    """A valid FtM dataset name made from ``text``."""
    stem = text.lower()
    for suffix in FTM_SUFFIXES:
        stem = stem.removesuffix(suffix)
    name = re.sub(r"[^a-z0-9]+", "_", stem).strip("_")
    return name if re.match(r"^[a-z]", name) else f"import_{name or 'file'}"


class _Importer:
    """Turns the lines of one FtM file into statements of their own datasets."""

    def __init__(self, path: Path, case_id: str, progress: Progress):
        self.reader = FtmReader(path, f"the file {path.name}", progress)
        self.label = path.name
        self.case_id = case_id
        self.default = dataset_name(path.name)
        self.datasets: dict[str, Dataset] = {}
        self.report = FtmImportReport(path.name)

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

    def entity(self, line: int, schema: Schema, data: dict[str, Any]) -> StatementEntity:
        entity = StatementEntity(self.dataset(data), {"schema": schema.name, "id": data["id"]})
        origin = f"{self.label}:{line}"
        for name, values in data["properties"].items():
            prop = schema.get(name)
            if prop is None or prop.stub:
                self.reader.problem(line, f"properties.{name}",
                                    f"'{name}' is not a property of {schema.name}")
                continue
            for value in values:
                if not isinstance(value, str) or prop.type.clean(value) is None:
                    self.report.dropped_count += 1
                    if len(self.report.dropped) < 20:
                        self.report.dropped.append(f"{origin}: {name}: {value!r}")
                    continue
                entity.add(prop, value, origin=origin)
        return entity

    def statements(self) -> Iterator[Statement]:
        for line, schema, data in self.reader:
            entity = self.entity(line, schema, data)
            self.report.records += 1
            origin = f"{self.label}:{line}"
            for stmt in entity.statements:
                if stmt.origin is None:  # the automatic id statement
                    stmt.origin = origin
                yield stmt


def _first(origins: list[str]) -> tuple[str, int]:
    """The earliest ``file:line`` of a list of origins, as (file, line)."""
    def key(origin: str) -> tuple[str, int]:
        name, _, line = origin.rpartition(":")
        return (name, int(line)) if line.isdigit() else (origin, 0)
    return min(key(o) for o in origins)


def schema_conflicts(mixed: dict[str, dict[str, list[str]]], label: str) -> list[Problem]:
    """One located problem per entity id whose statements give schemata that no one
    schema can hold (a ``Person`` and a ``Company``): nomenklatura could not merge them."""
    problems = []
    for entity_id, schemata in sorted(mixed.items()):
        try:
            _common(list(schemata))
            continue
        except InvalidData:
            pass
        places = sorted((_first(origins), schema) for schema, origins in schemata.items())
        (file, line), schema = places[0]
        where = "; ".join(f"a {s} at {f}:{n}" if f != label else f"a {s} at line {n}"
                          for (f, n), s in places)
        problems.append(Problem(label, line if file == label else 0, f"id '{entity_id}'",
                                f"is {where}; one id must be one kind of entity (merge "
                                "or rename one of them in the file)"))
    return problems


def _common(schemata: list[str]) -> None:
    """Raise ``InvalidData`` when no one schema can hold all of ``schemata``."""
    found = model.get(schemata[0])
    for name in schemata[1:]:
        found = model.common_schema(found, name)


def import_ftm(root: Path, path: Path, progress: Progress = QUIET) -> FtmImportReport:
    """Stream the FtM JSON-lines file ``path`` into the database of the case at ``root``,
    with its audit entry, in one transaction.

    Raises:
        InvalidInput: lines that are not valid FtM entities (nothing is stored).
    """
    case = load_case(root)
    if not path.is_file():
        raise InvalidCase([Problem(path.name, 0, "", "file not found")])
    importer = _Importer(path, case.meta.id, progress)
    report = importer.report
    prefix = f"{importer.label}:"
    with CaseDatabase.for_case(case.root) as db, db.transaction("import the file", write=True):
        store = db.statements
        store.replace_origin(prefix, importer.statements())
        problems = schema_conflicts(store.schemata_of_origin(prefix), importer.label)
        if problems:  # raised inside the transaction: nothing is stored
            raise InvalidCase(problems)
        report.statements = store.count_origin(prefix)
        report.datasets = store.datasets_of_origin(prefix)
        report.entities = sum(report.datasets.values())
        AuditLog(db).append("import-ftm", path.name, None, {
            "entities": report.entities, "statements": report.statements,
            "datasets": report.datasets, "dropped_values": report.dropped_count})
    return report
