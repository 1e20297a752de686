"""An OpenSanctions-compatible dataset directory.

``entities.ftm.json``, ``targets.nested.json``, ``targets.simple.csv``, ``statements.csv``,
``names.txt``, ``index.json`` and, when a previous build exists, ``delta.json``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from followthemoney import StatementEntity
from followthemoney.statement import CSV, write_statements
from followthemoney.types import registry

from entities.case.case import Case
from entities.files import atomic_file
from exports.ftm_json import entity_line, stable_dict

SIMPLE_COLUMNS = ["id", "schema", "name", "aliases", "birth_date", "countries", "addresses",
                  "identifiers", "sanctions", "phones", "emails", "program_ids", "dataset",
                  "first_seen", "last_seen", "last_change"]
IDENTIFIER_PROPS = ("idNumber", "passportNumber", "taxNumber", "innCode", "registrationNumber",
                    "swiftBic", "ogrnCode", "leiCode", "vatCode")


class _Buffer(io.BytesIO):
    """A buffer that survives the writer closing it."""

    def close(self) -> None:
        pass


def _write(path: Path, data: bytes) -> None:
    with atomic_file(path) as fh:
        fh.write(data)


def _values(entity: StatementEntity, *props: str) -> list[str]:
    out: list[str] = []
    for prop in props:
        out += sorted(entity.get(prop, quiet=True))
    return list(dict.fromkeys(out))


def nested(entity: StatementEntity, by_id: dict[str, StatementEntity],
           referrers: dict[str, list[tuple[str, StatementEntity]]]) -> dict[str, Any]:
    """``entity`` with the entities it points to and the edges pointing at it inlined,
    one level deep (as OpenSanctions' targets.nested.json)."""
    data = stable_dict(entity)
    props: dict[str, list[Any]] = {}
    for prop, values in data["properties"].items():
        ptype = entity.schema.get(prop)
        if ptype is not None and ptype.type == registry.entity:
            props[prop] = [stable_dict(by_id[v]) if v in by_id else v for v in values]
        else:
            props[prop] = values
    for reverse, edge in referrers.get(str(entity.id), []):
        props.setdefault(reverse, []).append(stable_dict(edge))
    data["properties"] = props
    return data


def simple_row(entity: StatementEntity, dataset_title: str,
               sanctions: list[StatementEntity]) -> list[str]:
    """One row of targets.simple.csv (multi-values joined with ``;``)."""
    def join(values: list[str]) -> str:
        return ";".join(values)

    sanction_texts = [" - ".join(v for v in (s.first("program") or "", s.first("reason") or "",
                                             s.first("status") or "",
                                             s.first("startDate") or "",
                                             s.first("endDate") or "")) for s in sanctions]
    return [str(entity.id), entity.schema.name, entity.caption,
            join([n for n in _values(entity, "name", "alias", "weakAlias")
                  if n != entity.caption]),
            join(_values(entity, "birthDate")),
            join(_values(entity, "nationality", "citizenship", "country", "jurisdiction")),
            join(_values(entity, "address")), join(_values(entity, *IDENTIFIER_PROPS)),
            join(sanction_texts), join(_values(entity, "phone")), join(_values(entity, "email")),
            join(_values_of(sanctions, "programId")), dataset_title, "", "", ""]


def _values_of(entities: list[StatementEntity], prop: str) -> list[str]:
    return sorted({v for e in entities for v in e.get(prop, quiet=True)})


def delta(previous: Path, current: Sequence[StatementEntity]) -> list[dict[str, Any]]:
    """ADD / MOD / DEL against the ``entities.ftm.json`` of the previous build."""
    old: dict[str, str] = {}
    if previous.is_file():
        for line in previous.read_text(encoding="utf-8").splitlines():
            if line.strip():
                old[json.loads(line)["id"]] = line
    ops = []
    seen = set()
    for entity in current:
        line = entity_line(entity).decode("utf-8").rstrip("\n")
        seen.add(str(entity.id))
        if str(entity.id) not in old:
            ops.append({"op": "ADD", "entity": json.loads(line)})
        elif old[str(entity.id)] != line:
            ops.append({"op": "MOD", "entity": json.loads(line)})
    for entity_id in sorted(set(old) - seen):
        ops.append({"op": "DEL", "entity": {"id": entity_id}})
    return ops


def write_dataset(out: Path, case: Case, entities: Sequence[StatementEntity],
                  target_ids: set[str]) -> dict[str, Any]:
    """Write the dataset directory; return the index.json data."""
    ordered = sorted(entities, key=lambda e: str(e.id))
    by_id = {str(e.id): e for e in ordered}
    referrers: dict[str, list[tuple[str, StatementEntity]]] = {}
    sanctions: dict[str, list[StatementEntity]] = {}
    for entity in ordered:
        for prop in entity.schema.properties.values():
            if prop.type != registry.entity or prop.reverse is None or prop.stub:
                continue
            for value in entity.get(prop):
                referrers.setdefault(value, []).append((prop.reverse.name, entity))
                if entity.schema.name == "Sanction" and prop.name == "entity":
                    sanctions.setdefault(value, []).append(entity)
    files: dict[str, bytes] = {
        "entities.ftm.json": b"".join(entity_line(e) for e in ordered),
    }
    previous = out / "entities.ftm.json"
    unchanged = previous.is_file() and previous.read_bytes() == files["entities.ftm.json"]
    if unchanged and (out / "delta.json").is_file():
        # Nothing changed since the last build: keep its delta, so rebuilds are identical.
        old_delta = (out / "delta.json").read_bytes()
        changes = [json.loads(line) for line in old_delta.decode("utf-8").splitlines()
                   if line.strip()]
    else:
        changes = delta(previous, ordered)
    targets = [e for e in ordered if str(e.id) in target_ids]
    files["targets.nested.json"] = b"".join(
        json.dumps(nested(e, by_id, referrers), ensure_ascii=False, sort_keys=True)
        .encode("utf-8") + b"\n" for e in targets)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SIMPLE_COLUMNS)
    for entity in targets:
        writer.writerow(simple_row(entity, case.meta.title, sanctions.get(str(entity.id), [])))
    files["targets.simple.csv"] = buffer.getvalue().encode("utf-8")
    statements = _Buffer()
    stmts = sorted((s for e in ordered for s in e.statements),
                   key=lambda s: (str(s.canonical_id), str(s.entity_id), s.prop, s.value,
                                  str(s.id)))
    write_statements(statements, CSV, stmts)
    files["statements.csv"] = statements.getvalue()
    names = sorted({n for e in targets for n in e.get("name", quiet=True) if len(n) > 3})
    files["names.txt"] = "".join(f"{n}\n" for n in names).encode("utf-8")
    files["delta.json"] = b"".join(json.dumps(c, ensure_ascii=False, sort_keys=True)
                                   .encode("utf-8") + b"\n" for c in changes)
    mime = {".json": "application/json", ".csv": "text/csv", ".txt": "text/plain"}
    resources = []
    for name, data in sorted(files.items()):
        _write(out / name, data)
        resources.append({"name": name, "url": name, "sha1": hashlib.sha1(data).hexdigest(),
                          "size": len(data), "mime_type": mime[Path(name).suffix]})
    meta = case.meta
    index = {
        "name": meta.id, "title": meta.title, "summary": meta.summary or meta.title,
        "publisher": {"name": meta.organisation.name, "url": meta.organisation.website,
                      "description": meta.organisation.description},
        "coverage": {"countries": sorted({c for e in ordered for c in
                                          e.get_type_values(registry.country)}),
                     "end": meta.date},
        "updated_at": meta.date, "type": "source", "entity_count": len(ordered),
        "target_count": len(targets), "resources": resources,
        "delta": {"added": sum(1 for c in changes if c["op"] == "ADD"),
                  "modified": sum(1 for c in changes if c["op"] == "MOD"),
                  "removed": sum(1 for c in changes if c["op"] == "DEL")},
    }
    _write(out / "index.json", json.dumps(index, ensure_ascii=False, indent=1,
                                           sort_keys=True).encode("utf-8") + b"\n")
    return index
