"""Build the search index of one sanctions list (a folder of flat arrays).

What the folder holds (``INDEX_VERSION`` changes when this layout does):

- ``records.jsonl`` + ``record_offsets.npy``: each listed entity's matchable properties
  (names, birth dates, countries, identifiers, addresses…) as FtM JSON, one per line;
  ``record_schema.npy`` the schema of each (a code into ``meta.json``'s list);
- ``key_hashes.npy`` (sorted), ``posting_offsets.npy``, ``postings.npy``: for every index
  key (:mod:`entities.screening.keys`), the records that have it, in record order;
- ``variant_hashes.npy`` (sorted) + ``variant_keys.npy``: the deletion neighbourhood of
  each word key, pointing back to the key;
- ``sanctions.jsonl`` + ``sanction_records.npy`` + ``sanction_offsets.npy``: the
  designations (FtM ``Sanction`` entities) of each record;
- ``meta.json``: the list's file name, SHA-256, counts and the countries whose
  designations it contains.

The folder is written under a temporary name and renamed when complete, so a failed or
interrupted build never leaves a half-made index.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from array import array
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from followthemoney import registry
from followthemoney.schema import Schema

from entities.exc import OutputError
from entities.ftm.reader import FtmReader
from entities.progress import QUIET, Progress
from entities.screening.keys import deletions, identifier_key, key_hash, name_keys

INDEX_VERSION = 4  # 3: the list's date (meta list_date, list_date_basis); 4: t: keys,
# no keys for the legal forms and function words of organisations' names
#: Properties of a ``Sanction`` kept for display and the gap analysis.
SANCTION_PROPS = ("authority", "program", "programId", "country", "listingDate", "startDate",
                  "endDate", "reason", "sourceUrl", "authorityId", "unscId")


def screenable(schema: Schema) -> bool:
    """People, organisations, companies, public bodies and vehicles (vessels, aircraft):
    what sanctions lists designate and what a query can be."""
    return schema.is_a("LegalEntity") or schema.is_a("Vehicle")


def record_properties(schema: Schema, props: dict[str, Any]) -> dict[str, list[str]]:
    """The properties the matcher compares (matchable, not links to other entities)."""
    out: dict[str, list[str]] = {}
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None or prop.type == registry.entity:
            continue
        if not (prop.matchable or name == "weakAlias"):
            continue
        kept = [v for v in values if isinstance(v, str) and v]
        if kept:
            out[name] = kept
    return out


def index_keys(schema: Schema, props: dict[str, list[str]]) -> set[str]:
    """Every index key of one record."""
    keys: set[str] = set()
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None:
            continue
        if prop.type == registry.name:
            for value in values:
                for word in name_keys(value, official=not schema.is_a("Person")):
                    keys.update(word)
        elif prop.type == registry.identifier:
            for value in values:
                key = identifier_key(value)
                if key is not None:
                    keys.add(key)
    return keys


class _Collector:
    """Accumulates records, keys and sanctions while the list streams past."""

    def __init__(self, folder: Path):
        self.records = (folder / "records.jsonl").open("wb")
        self.offsets = array("q", [0])
        self.schemata: dict[str, int] = {}
        self.schema_codes = array("B")
        self.key_ids: dict[str, int] = {}
        self.post_keys = array("I")
        self.post_records = array("I")
        self.record_of: dict[str, int] = {}
        self.sanctions: list[tuple[str, dict[str, Any]]] = []
        #: the newest change date of any entry (OpenSanctions' last_change), and the
        #: newest date a Sanction gives (modifiedAt, else listingDate)
        self.last_change = ""
        self.sanction_date = ""

    def see_dates(self, data: dict[str, Any]) -> None:
        for key in ("last_change", "last_seen"):
            value = data.get(key)
            if isinstance(value, str) and value[:10] > self.last_change:
                self.last_change = value[:10]
                break
        if data.get("schema") == "Sanction":
            props = data.get("properties", {})
            for key in ("modifiedAt", "listingDate", "startDate"):
                for value in props.get(key, []):
                    if isinstance(value, str) and value[:10] > self.sanction_date:
                        self.sanction_date = value[:10]

    def add_record(self, schema: Schema, data: dict[str, Any]) -> None:
        props = record_properties(schema, data["properties"])
        number = len(self.schema_codes)
        record: dict[str, Any] = {"id": data["id"], "schema": schema.name, "properties": props}
        if isinstance(data.get("datasets"), list):
            record["datasets"] = [d for d in data["datasets"] if isinstance(d, str)]
        self.records.write(orjson.dumps(record) + b"\n")
        self.offsets.append(self.records.tell())
        code = self.schemata.setdefault(schema.name, len(self.schemata))
        self.schema_codes.append(code)
        self.record_of[data["id"]] = number
        for key in index_keys(schema, props):
            key_id = self.key_ids.get(key)
            if key_id is None:
                key_id = self.key_ids[key] = len(self.key_ids)
            self.post_keys.append(key_id)
            self.post_records.append(number)

    def add_sanction(self, data: dict[str, Any]) -> None:
        props = data["properties"]
        info = {k: [v for v in props.get(k, []) if isinstance(v, str)] for k in SANCTION_PROPS}
        info = {k: v for k, v in info.items() if v}
        info["id"] = data["id"]
        if isinstance(data.get("datasets"), list):
            info["datasets"] = data["datasets"]
        for entity in props.get("entity", []):
            if isinstance(entity, str):
                self.sanctions.append((entity, info))


def _save(folder: Path, name: str, values: Any) -> None:
    np.save(folder / name, np.asarray(values), allow_pickle=False)


def _write_keys(folder: Path, col: _Collector) -> None:
    keys = list(col.key_ids)
    hashes = np.fromiter((key_hash(k) for k in keys), dtype=np.int64, count=len(keys))
    order = np.argsort(hashes, kind="stable")
    position = np.empty(len(keys), dtype=np.int64)
    position[order] = np.arange(len(keys))
    _save(folder, "key_hashes.npy", hashes[order])
    post_keys = position[np.frombuffer(col.post_keys, dtype=np.uint32)] if keys else \
        np.zeros(0, dtype=np.int64)
    post_records = np.frombuffer(col.post_records, dtype=np.uint32)
    sort = np.lexsort((post_records, post_keys))
    _save(folder, "postings.npy", post_records[sort].astype(np.int32))
    counts = np.bincount(post_keys, minlength=len(keys))
    _save(folder, "posting_offsets.npy", np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    variant_hashes = array("q")
    variant_keys = array("q")
    for key, key_id in col.key_ids.items():
        if not key.startswith("s:"):
            continue
        for variant in deletions(key):
            variant_hashes.append(key_hash(variant))
            variant_keys.append(int(position[key_id]))
    vh = np.frombuffer(variant_hashes, dtype=np.int64)
    vk = np.frombuffer(variant_keys, dtype=np.int64)
    vorder = np.argsort(vh, kind="stable")
    _save(folder, "variant_hashes.npy", vh[vorder])
    _save(folder, "variant_keys.npy", vk[vorder].astype(np.int32))


def _write_sanctions(folder: Path, col: _Collector) -> tuple[Counter[str], int]:
    linked = sorted(((col.record_of[e], info) for e, info in col.sanctions
                     if e in col.record_of), key=lambda pair: (pair[0], pair[1]["id"]))
    countries: Counter[str] = Counter()
    records = array("i")
    offsets = array("q")
    with (folder / "sanctions.jsonl").open("wb") as fh:
        for number, info in linked:
            records.append(number)
            offsets.append(fh.tell())
            fh.write(orjson.dumps(info) + b"\n")
            countries.update(set(info.get("country", [])) or {"unknown"})
    _save(folder, "sanction_records.npy", np.frombuffer(records, dtype=np.int32))
    _save(folder, "sanction_offsets.npy", np.frombuffer(offsets, dtype=np.int64))
    return countries, len(col.sanctions) - len(linked)


def build_index(path: Path, sha256: str, folder: Path,
                progress: Progress = QUIET) -> dict[str, Any]:
    """Read the list at ``path`` and write its index to ``folder``; return its metadata.

    Raises:
        InvalidInput: lines of the list are not FtM entities (no index is left behind).
        OutputError: the index folder cannot be written.
    """
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as exc:
        raise OutputError(f"cannot write the screening index in {folder.parent}: "
                          f"{exc.strerror or exc}") from exc
    try:
        col = _Collector(work)
        with col.records:
            for _line, schema, data in FtmReader(path, f"the list {path.name}", progress):
                col.see_dates(data)
                if schema.name == "Sanction":
                    col.add_sanction(data)
                elif screenable(schema):
                    col.add_record(schema, data)
        _save(work, "record_offsets.npy", np.frombuffer(col.offsets, dtype=np.int64))
        _save(work, "record_schema.npy", np.frombuffer(col.schema_codes, dtype=np.uint8))
        _write_keys(work, col)
        countries, dangling = _write_sanctions(work, col)
        meta = {
            "version": INDEX_VERSION, "file": path.name, "sha256": sha256,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "records": len(col.schema_codes), "keys": len(col.key_ids),
            "schemata": list(col.schemata), "sanctions": len(col.sanctions) - dangling,
            "unlinked_sanctions": dangling, "sanction_countries": dict(sorted(countries.items())),
            "list_date": col.last_change or col.sanction_date,
            "list_date_basis": "the newest entry change in the list" if col.last_change
            else "the newest designation date in the list" if col.sanction_date else "",
        }
        (work / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            os.rename(work, folder)
        except OSError:
            if not (folder / "meta.json").is_file():
                raise
            shutil.rmtree(work, ignore_errors=True)  # another process finished it first
        return meta
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise OutputError(f"cannot write the screening index {folder}: "
                          f"{exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
