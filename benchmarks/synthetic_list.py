"""A deterministic synthetic sanctions list of any size, derived from a real one.

Usage: python benchmarks/synthetic_list.py SOURCE.ftm.json OUT.ftm.json [--size 1000000]

From the listed people and organisations of SOURCE (e.g. the OFAC SDN snapshot) it
makes SIZE entities, written through followthemoney's entity API:

- 3 % are variants of real listings (a typo, a transliteration swap such as
  kh→h / ou→u / -yev→-ev, reordered or dropped name parts), keeping the birth date
  and country of the original half the time; each keeps the original's designation;
- the rest are fictional: people from given names and surnames of different listings
  (with a birth date and nationality), companies from the words of different company
  names plus a legal form, and a few vessels;
- one in ten entities (all the variants) has an FtM ``Sanction``, with the authority,
  program and country of a real designation (US, UK, EU, Canada or Australia).

The same SOURCE, SIZE and seed always give byte-identical output.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from followthemoney import ValueEntity, model

SEED = 20261123
LEGAL = ["LLC", "JSC", "Ltd", "GmbH", "S.A.", "Co.", "TOO", "OOO", "PJSC", "Holding"]
AUTHORITIES = [("us", "Office of Foreign Assets Control"), ("gb", "HM Treasury"),
               ("eu", "Council of the European Union"), ("ca", "Global Affairs Canada"),
               ("au", "Department of Foreign Affairs and Trade")]
SWAPS = [("kh", "h"), ("ou", "u"), ("yev", "ev"), ("iy", "y"), ("dj", "j"), ("sh", "ch"),
         ("ph", "f"), ("ee", "i"), ("oo", "u"), ("ck", "k")]


def load_source(path: Path) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    listed: list[dict[str, Any]] = []
    sanctions: dict[str, list[dict[str, Any]]] = {}
    with path.open("rb") as fh:
        for raw in fh:
            data = orjson.loads(raw)
            if data["schema"] == "Sanction":
                for entity in data["properties"].get("entity", []):
                    sanctions.setdefault(entity, []).append(data)
            elif data["schema"] in ("Person", "Company", "Organization", "Vessel"):
                listed.append(data)
    return listed, sanctions


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    action = rng.randrange(3)
    if action == 0:
        return word[:i] + word[i + 1:]
    if action == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice("aeiounrst") + word[i + 1:]


def vary(rng: random.Random, name: str) -> str:
    """A spelling variant of a name (typo, transliteration swap, order, dropped part)."""
    words = name.split()
    roll = rng.random()
    if roll < 0.3 and words:
        k = rng.randrange(len(words))
        words[k] = _typo(rng, words[k])
    elif roll < 0.6:
        text = " ".join(words)
        for old, new in rng.sample(SWAPS, len(SWAPS)):
            if old in text.lower():
                text = re.sub(old, new, text, count=1, flags=re.I)
                break
        words = text.split()
    elif roll < 0.8 and len(words) > 1:
        words = words[1:] + words[:1]
    elif len(words) > 2:
        words.pop(rng.randrange(1, len(words) - 1))
    return " ".join(words)


class Pools:
    """Name parts of the source, to combine into fictional names."""

    def __init__(self, listed: list[dict[str, Any]]):
        self.given: list[str] = []
        self.family: list[str] = []
        self.org_words: list[str] = []
        self.countries: list[str] = []
        for data in listed:
            props = data["properties"]
            self.countries += props.get("nationality", []) + props.get("country", [])
            for name in props.get("name", []):
                words = name.split()
                if data["schema"] == "Person" and len(words) >= 2:
                    self.given.append(words[0])
                    self.family.append(words[-1])
                elif data["schema"] != "Person":
                    self.org_words += [w for w in words if len(w) > 3 and w.isalpha()]
        self.countries = self.countries or ["ru"]


def _entity(schema: str, entity_id: str, props: dict[str, list[str]]) -> ValueEntity:
    entity = ValueEntity(model[schema], {"id": entity_id})
    for prop, values in props.items():
        for value in values:
            entity.add(prop, value)
    return entity


def _sanction(rng: random.Random, number: int, entity_id: str,
              original: list[dict[str, Any]]) -> ValueEntity:
    if original:
        props = original[0]["properties"]
        country, authority = "us", props.get("authority", ["Office of Foreign Assets Control"])[0]
        program = props.get("program", ["SDGT"])
    else:
        country, authority = rng.choice(AUTHORITIES)
        program = [f"{country.upper()}-PROGRAM-{rng.randrange(20)}"]
    year = rng.randrange(2000, 2026)
    return _entity("Sanction", f"syn-sanction-{number}", {
        "entity": [entity_id], "authority": [authority], "country": [country],
        "program": program, "startDate": [f"{year}-{rng.randrange(1, 13):02d}-15"]})


def generate(source: Path, size: int, seed: int = SEED) -> Iterator[ValueEntity]:
    listed, sanctions = load_source(source)
    pools = Pools(listed)
    rng = random.Random(seed)
    for number in range(size):
        entity_id = f"syn-{number}"
        if number % 33 == 0:
            original = listed[rng.randrange(len(listed))]
            props = original["properties"]
            new = {"name": [vary(rng, n) for n in props.get("name", [])[:1]]}
            if rng.random() < 0.5:
                for key in ("birthDate", "nationality", "country"):
                    if props.get(key) and key in model[original["schema"]].properties:
                        new[key] = props[key][:1]
            yield _entity(original["schema"], entity_id, new)
            yield _sanction(rng, number, entity_id, sanctions.get(original["id"], []))
            continue
        roll = rng.random()
        if roll < 0.6:
            name = [rng.choice(pools.given), rng.choice(pools.family)]
            if rng.random() < 0.3:
                name.insert(1, rng.choice(pools.given))
            year = rng.randrange(1940, 2001)
            props = {"name": [" ".join(name)], "birthDate": [f"{year}-{rng.randrange(1, 13):02d}"
                                                             f"-{rng.randrange(1, 29):02d}"],
                     "nationality": [rng.choice(pools.countries)]}
            schema = "Person"
        elif roll < 0.95:
            words = rng.sample(pools.org_words, 2 + (rng.random() < 0.4))
            props = {"name": [" ".join([*words, rng.choice(LEGAL)])],
                     "country": [rng.choice(pools.countries)]}
            schema = "Company"
        else:
            props = {"name": [f"{rng.choice(pools.org_words)} {rng.randrange(1, 99)}"]}
            schema = "Vessel"
        yield _entity(schema, entity_id, props)
        if number % 10 == 1:
            yield _sanction(rng, number, entity_id, [])


def write(source: Path, out: Path, size: int) -> int:
    lines = 0
    tmp = out.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        for entity in generate(source, size):
            fh.write(orjson.dumps(entity.to_dict()) + b"\n")
            lines += 1
    tmp.replace(out)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    lines = write(args.source, args.out, args.size)
    print(f"wrote {args.out}: {args.size} listed entities, {lines} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
