"""The artefacts of the OpenSanctions-compatible dataset, one function each.

Each function takes the :class:`Dataset` (the view's entities, ordered, with the look-ups
the artefacts share) and yields the file's bytes piece by piece, so that a large case's
files are written as they are made, never held whole; :data:`ARTEFACTS` lists them by
file name. What changed since the previous build (:attr:`Dataset.changes`) is found
before any is written, so ``delta.json`` compares with the previous build's
``entities.ftm.json``.

The folder keeps the deltas of its last :data:`MAX_DELTAS` versions (``delta/<version>.json``,
listed in ``delta-index.json``), so that a yente server that indexed any of them catches up
by applying the later ones instead of reloading everything. An older delta is rewritten at
every build to what its entities are now — the current entity, or a deletion when it is no
longer published — so a value withdrawn since (a name made confidential, a retracted
attribution) is never served again from the history, and applying the deltas after any
kept version still ends at this build.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followthemoney import Property, Schema, Statement, StatementEntity
from followthemoney.statement.serialize import CSV_COLUMNS
from followthemoney.types import registry
from normality import squash_spaces

from entities.ftm.lines import is_target
from exports.cells import safe_csv, safe_text

if TYPE_CHECKING:
    from evidence_maps.view import CaseView

#: how many versions' deltas the folder keeps (a yente server further behind reloads all)
MAX_DELTAS = 30
VERSION = re.compile(r"\d{14}-[0-9a-f]{4}")

SIMPLE_COLUMNS = ["id", "schema", "name", "aliases", "birth_date", "countries", "addresses",
                  "identifiers", "sanctions", "phones", "emails", "program_ids", "dataset",
                  "first_seen", "last_seen", "last_change"]


@dataclass
class Dataset:
    """What the artefacts are made from: the view's entities (records, proposals,
    designations), ordered by id, and the folder of the previous build."""

    view: CaseView
    out: Path
    entities: list[StatementEntity]
    target_ids: set[str]
    by_id: dict[str, StatementEntity] = field(default_factory=dict)
    #: entity id → (reverse property, entity pointing at it)
    referrers: dict[str, list[tuple[str, StatementEntity]]] = field(default_factory=dict)
    #: entity id → its Sanction entities
    sanctions: dict[str, list[StatementEntity]] = field(default_factory=dict)

    @classmethod
    def of(cls, view: CaseView, out: Path) -> Dataset:
        ordered = sorted(view.entities, key=lambda e: str(e.id))
        dataset = cls(view, out, ordered, view.target_ids(), {str(e.id): e for e in ordered})
        for entity in ordered:
            for prop, reverse in _edges(entity.schema):
                for value in entity.get(prop):
                    dataset.referrers.setdefault(value, []).append((reverse, entity))
                    if entity.schema.name == "Sanction" and prop.name == "entity":
                        dataset.sanctions.setdefault(value, []).append(entity)
        return dataset

    @cached_property
    def targets(self) -> list[StatementEntity]:
        """The entities zavod would export as targets: those with a risk topic (the case's
        targets, topic ``poi``; officials, ``role.pep``); found once, for every artefact."""
        return [e for e in self.entities if is_target(e)]

    @cached_property
    def last_change(self) -> str:
        """When the dataset last changed, ``YYYY-MM-DDTHH:MM:SS``: the latest statement's
        first sighting (kept in the case database), else the case's date."""
        stamps = [str(e.last_change) for e in self.entities if e.last_change]
        if stamps:
            return max(stamps)[:19]
        parts = (self.view.case.meta.date or "2000").split("-")
        parts += ["01"] * (3 - len(parts))
        return "-".join(parts) + "T00:00:00"

    @cached_property
    def lines(self) -> list[bytes]:
        """Each entity's JSON line, in id order (made once, by the view: the entities
        files, the version's digest, the deltas and the nested targets are made of
        them)."""
        lines = self.view.entity_lines
        return [lines[str(e.id)] for e in self.entities]

    def stable(self, entity_id: str) -> dict[str, Any]:
        """An entity as the dictionary its line holds."""
        data: dict[str, Any] = json.loads(self.lines[self.position[entity_id]])
        return data

    @cached_property
    def digest(self) -> str:
        """The SHA-1 of the entities file."""
        sha = hashlib.sha1()
        for line in self.lines:
            sha.update(line)
        return sha.hexdigest()

    @cached_property
    def changes(self) -> list[tuple[str, str]]:
        """(ADD / MOD / DEL, entity id) against the previous build in the same folder
        (kept as it was when nothing changed, so that rebuilding an unchanged case changes
        no byte); an ADD or MOD carries the entity as it is now."""
        previous = self.out / "entities.ftm.json"
        delta_file = self.out / "delta.json"
        if previous.is_file() and delta_file.is_file() and \
                _file_sha1(previous) == self.digest:
            kept = []
            with open(delta_file, "rb") as fh:  # a line at a time: it can be 200 MB
                for line in fh:
                    if line.strip():
                        item = json.loads(line)
                        kept.append((str(item["op"]), str(item["entity"]["id"])))
            return kept
        return delta(previous, self.entities, self.lines)

    def change_lines(self, changes: Iterable[tuple[str, str]]) -> Iterator[bytes]:
        """The lines of a delta file: each entity as it is now, or its id when deleted.
        ``{"entity": …, "op": …}`` with its keys sorted, the entity written as in its own
        line: the line is put in as it is (the same bytes as writing the item whole,
        without reading the line back)."""
        for op, entity_id in changes:
            index = self.position.get(entity_id)
            if op == "DEL" or index is None:
                yield _json_line({"op": "DEL", "entity": {"id": entity_id}})
            else:
                yield b'{"entity": ' + self.lines[index].rstrip(b"\n") + \
                    b', "op": ' + json.dumps(op).encode() + b"}\n"

    @cached_property
    def position(self) -> dict[str, int]:
        """Entity id → its place in :attr:`entities`."""
        return {str(e.id): i for i, e in enumerate(self.entities)}

    @cached_property
    def listed(self) -> list[str]:
        """The versions the previous build's ``delta-index.json`` lists, in order."""
        try:
            found = json.loads((self.out / "delta-index.json").read_text("utf-8"))["versions"]
        except (OSError, ValueError, KeyError, TypeError):
            return []
        return sorted(v for v in found if isinstance(v, str) and VERSION.fullmatch(v)) \
            if isinstance(found, dict) else []

    @cached_property
    def version(self) -> str:
        """:func:`version_of` this build — after every version the folder listed before
        when the entities changed (yente indexes a version only if it sorts after the one
        it holds: a clock set back, a reused ``SOURCE_DATE_EPOCH`` or a digest that sorts
        low must not hide a change)."""
        made = version_of(self.last_change, self.digest)
        if not self.listed or made >= self.listed[-1]:  # equal: the same entities again
            return made
        later = _next_second(self.listed[-1][:14])
        return f"{later}-{made.rsplit('-', 1)[1]}"

    @cached_property
    def history(self) -> list[str]:
        """The versions whose deltas the folder keeps, oldest first, this one last: the
        previous build's unbroken run of versions (each with its delta file), at most
        :data:`MAX_DELTAS` in all."""
        kept: list[str] = []
        older = [v for v in self.listed if v < self.version]
        for version in reversed(older):
            if not (self.out / "delta" / f"{version}.json").is_file():
                break  # a gap: yente must not apply the deltas before it
            kept.insert(0, version)
        return [*kept, self.version][-MAX_DELTAS:]

    def replayed(self, version: str) -> list[tuple[str, str]]:
        """The kept delta of an older ``version``, each entity as it is now (or deleted)."""
        ops: list[tuple[str, str]] = []
        with open(self.out / "delta" / f"{version}.json", "rb") as fh:
            for line in fh:  # a line at a time: a first build's delta holds every entity
                try:
                    item = json.loads(line)
                    entity_id, op = str(item["entity"]["id"]), str(item["op"])
                except (ValueError, KeyError, TypeError):
                    continue
                if entity_id not in self.position:
                    ops.append(("DEL", entity_id))
                else:
                    ops.append(("MOD" if op == "MOD" else "ADD", entity_id))
        return ops

    def delta_files(self) -> dict[str, Callable[[], Iterator[bytes]]]:
        """``delta/<version>.json`` for every kept version (this one: :attr:`changes`),
        each as a function that yields its lines (the older ones read when called)."""
        def lines_of(version: str) -> Callable[[], Iterator[bytes]]:
            if version == self.version:
                return lambda: self.change_lines(self.changes)
            return lambda: self.change_lines(self.replayed(version))

        return {f"delta/{v}.json": lines_of(v) for v in self.history}


@cache
def _edges(schema: Schema) -> list[tuple[Property, str]]:
    """The properties of ``schema`` that point at another entity and have a reverse (the
    edges the nested targets inline), each with its reverse's name, in the schema's
    order: a schema has a hundred properties, an entity a handful of values."""
    return [(prop, prop.reverse.name) for prop in schema.properties.values()
            if prop.type == registry.entity and prop.reverse is not None and not prop.stub]


def _file_sha1(path: Path) -> str:
    sha = hashlib.sha1()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _next_second(digits: str) -> str:
    """``YYYYMMDDHHMMSS`` one second later."""
    import datetime as dt

    moment = dt.datetime.strptime(digits, "%Y%m%d%H%M%S") + dt.timedelta(seconds=1)
    return moment.strftime("%Y%m%d%H%M%S")


def version_of(timestamp: str, digest: str) -> str:
    """``YYYYMMDDHHMMSS-xxxx``: the last change's time (so versions sort in time, as yente
    compares them) and the SHA-1 of the entities file (a change within one second still
    makes a new version)."""
    digits = "".join(ch for ch in timestamp if ch.isdigit())[:14].ljust(14, "0")
    return f"{digits}-{digest[:4]}"


def _values_of(entities: list[StatementEntity], prop: str) -> list[str]:
    return sorted({v for e in entities for v in e.get(prop, quiet=True)})


def _json_line(item: Any) -> bytes:
    return json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def nested(entity: StatementEntity, dataset: Dataset) -> dict[str, Any]:
    """``entity`` with the entities it points to and the edges pointing at it inlined,
    one level deep (as OpenSanctions' targets.nested.json)."""
    data = dataset.stable(str(entity.id))
    props: dict[str, list[Any]] = {}
    for prop, values in data["properties"].items():
        ptype = entity.schema.get(prop)
        if ptype is not None and ptype.type == registry.entity:
            props[prop] = [dataset.stable(v) if v in dataset.position else v for v in values]
        else:
            props[prop] = values
    for reverse, edge in dataset.referrers.get(str(entity.id), []):
        props.setdefault(reverse, []).append(dataset.stable(str(edge.id)))
    data["properties"] = props
    return data


def cell_values(values: Iterable[str]) -> str:
    """Several values in one cell as upstream writes them: sorted, ``;``-separated, a
    value holding ``;`` or a quote quoted (a CSV row of its own)."""
    buffer = io.StringIO()
    csv.writer(buffer, dialect=csv.unix_dialect, delimiter=";", lineterminator="",
               quoting=csv.QUOTE_MINIMAL).writerow(sorted(values))
    return buffer.getvalue()


def _sanction_text(sanction: StatementEntity) -> str:
    parts = [*sanction.get("program"), *sanction.get("reason"), *sanction.get("status"),
             *sanction.get("startDate"), *sanction.get("endDate")]
    return " - ".join(p for p in parts if p)


def simple_row(entity: StatementEntity, dataset_title: str,
               sanctions: list[StatementEntity]) -> list[str]:
    """One row of targets.simple.csv: values from the property types (every name but the
    caption, every country and identifier), several values per cell as upstream."""
    names = set(entity.get_type_values(registry.name)) - {entity.caption}
    return [str(entity.id), entity.schema.name, entity.caption, cell_values(names),
            cell_values(entity.get("birthDate", quiet=True)),
            cell_values(entity.get_type_values(registry.country)),
            cell_values(entity.get("address", quiet=True)),
            cell_values(entity.get_type_values(registry.identifier)),
            cell_values({_sanction_text(s) for s in sanctions} - {""}),
            cell_values(entity.get_type_values(registry.phone)),
            cell_values(entity.get_type_values(registry.email)),
            cell_values(_values_of(sanctions, "programId")), dataset_title,
            entity.first_seen or "", entity.last_seen or "", entity.last_change or ""]


def delta(previous: Path, current: Sequence[StatementEntity], lines: Sequence[bytes]
          ) -> list[tuple[str, str]]:
    """(ADD / MOD / DEL, entity id) against the ``entities.ftm.json`` of the previous
    build; ``lines``: the current entities' lines. No previous line is kept (a large
    case's file is some 200 MB), and one found among the current lines, byte for byte,
    is not even parsed (its id is in it): only the ids of those that differ are read."""
    now = {_line_key(line): str(entity.id) for entity, line in zip(current, lines,
                                                                  strict=True)}
    same: set[str] = set()  # ids whose previous line is the current one
    other: set[str] = set()  # ids with a previous line that is not
    if previous.is_file():
        with open(previous, "rb") as fh:
            for line in fh:
                if not line.strip():
                    continue
                found = now.get(_line_key(line))
                if found is not None:
                    same.add(found)
                else:
                    other.add(str(json.loads(line)["id"]))
    ops = []
    for entity in current:
        entity_id = str(entity.id)
        if entity_id in other:
            ops.append(("MOD", entity_id))
        elif entity_id not in same:
            ops.append(("ADD", entity_id))
    ops += [("DEL", entity_id) for entity_id in sorted(other - set(now.values()))]
    return ops


def _line_key(line: bytes) -> bytes:
    """What tells two entity lines apart (their SHA-256; the newline left out)."""
    return hashlib.sha256(line.rstrip(b"\n")).digest()


def entities_file(dataset: Dataset) -> Iterator[bytes]:
    """``entities.ftm.json``: every entity, one JSON line each, by id."""
    return iter(dataset.lines)


def targets_nested(dataset: Dataset) -> Iterator[bytes]:
    """``targets.nested.json``: the targets with what they point to and what points at
    them inlined."""
    for entity in dataset.targets:
        yield _json_line(nested(entity, dataset))


def targets_simple(dataset: Dataset) -> Iterator[bytes]:
    """``targets.simple.csv``: OpenSanctions' columns (and ``program_ids``), a row per
    target."""
    title = dataset.view.case.meta.title
    rows = (simple_row(entity, title, dataset.sanctions.get(str(entity.id), []))
            for entity in dataset.targets)
    return safe_csv(chain([SIMPLE_COLUMNS], rows))


def statements_file(dataset: Dataset) -> Iterator[bytes]:
    """``statements.csv``: followthemoney's statement columns and rows (provenance per
    value), with formula-like values kept as text."""
    # the base "id" rows are not data (zavod leaves them out)
    stmts = sorted((s for e in dataset.entities for s in e.statements if s.prop != Statement.BASE),
                   key=lambda s: (str(s.canonical_id), str(s.entity_id), s.prop, s.value,
                                  str(s.id)))

    def rows() -> Iterator[list[Any]]:
        yield list(CSV_COLUMNS)
        for stmt in stmts:
            row = stmt.to_csv_row()
            yield list(map(row.__getitem__, CSV_COLUMNS))

    return safe_csv(rows())


def names_file(dataset: Dataset) -> Iterator[bytes]:
    """``names.txt``: every name-type value of every entity, spaces squashed, longer than
    three characters, once each whatever its case (the first spelling met, in id order)."""
    seen: set[str] = set()
    for entity in dataset.entities:
        for name in sorted(entity.get_type_values(registry.name)):
            text = squash_spaces(name)
            if len(text) > 3 and text.lower() not in seen:
                seen.add(text.lower())
                yield f"{safe_text(text)}\n".encode()


def delta_file(dataset: Dataset) -> Iterator[bytes]:
    """``delta.json``: what changed since the previous build in the same folder."""
    return dataset.change_lines(dataset.changes)


#: Every artefact but ``index.json``, by file name.
ARTEFACTS: dict[str, Callable[[Dataset], Iterator[bytes]]] = {
    "entities.ftm.json": entities_file,
    "targets.nested.json": targets_nested,
    "targets.simple.csv": targets_simple,
    "statements.csv": statements_file,
    "names.txt": names_file,
    "delta.json": delta_file,
}
