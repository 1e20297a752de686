"""A labelled identity set made from the OFAC list's own alias groups.

Usage: python benchmarks/ofac_dev_set.py [PATH/TO/us_ofac_sdn.ftm.json] [--out FILE]

From the **even-numbered** person listings only (``ofac-<uid>``, uid even; the odd ones
are held back to check the result and are never read): each listing with at least one
a.k.a. name (``alias``) becomes two records, one under its listed name and one under one
of its a.k.a. names (chosen with a fixed seed), both keeping the listing's other
properties (birth dates, nationality, gender, passport and id numbers…); every other
even-numbered person is kept as one record, a decoy. Two records are a true pair when
they come from one listing. These are real variants that partner data brings: joined
and split tokens, Arabic, Korean and Burmese romanisations, Belarusian against Russian
forms, and also names that are not variants at all (a cover name), which no matcher
should be asked to find — the benchmark reports recall on the pairs stock logic-v2
itself scores at 0.7 or more.

Writes the set (the dev set's JSON shape, plus ``properties``) to ``--out`` or prints a
summary.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "sanctions" / \
    "us_ofac_sdn.ftm.json"
SEED = 22
#: the properties each record keeps besides its name
KEPT = ("birthDate", "nationality", "citizenship", "gender", "passportNumber", "idNumber",
        "country")


def _uid(entity_id: str) -> int | None:
    tail = entity_id.rsplit("-", 1)[-1]
    return int(tail) if entity_id.startswith("ofac-") and tail.isdigit() else None


def build(path: Path = DEFAULT) -> list[dict[str, Any]]:
    """The records, ordered by id: ``id``, ``schema``, ``name``, ``cluster``, ``properties``."""
    rng = random.Random(SEED)
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            uid = _uid(str(data.get("id", "")))
            if data.get("schema") != "Person" or uid is None or uid % 2:
                continue
            props = data.get("properties", {})
            names = props.get("name") or []
            if not names:
                continue
            kept = {p: list(props[p]) for p in KEPT if props.get(p)}
            cluster = f"ofac-{uid}"
            records.append({"id": f"{cluster}-listed", "schema": "Person",
                            "name": names[0], "cluster": cluster, "properties": kept})
            aliases = sorted(a for a in props.get("alias") or [] if a not in names)
            if aliases:
                records.append({"id": f"{cluster}-aka", "schema": "Person",
                                "name": rng.choice(aliases), "cluster": cluster,
                                "properties": kept})
    return sorted(records, key=lambda r: r["id"])


def entities(records: list[dict[str, Any]]) -> list[EntityProxy]:
    """The records as FtM entities."""
    out = []
    for record in records:
        entity = model.make_entity(record["schema"])
        entity.id = record["id"]
        entity.add("name", record["name"])
        for prop, values in (record.get("properties") or {}).items():
            entity.add(prop, values, quiet=True)
        out.append(entity)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    records = build(args.path)
    if args.out:
        args.out.write_text(json.dumps({"records": records}, ensure_ascii=False, indent=1),
                            "utf-8")
    pairs = sum(1 for r in records if r["id"].endswith("-aka"))
    print(f"{len(records)} records from even-numbered OFAC person listings: {pairs} true "
          f"pairs (listed name, a.k.a. name), {len(records) - 2 * pairs} decoys")


if __name__ == "__main__":
    main()
