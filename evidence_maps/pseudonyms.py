"""Stable pseudonyms for protected people: "Witness A", "Victim 3".

A person whose sensitivity is above an audience's level never appears by name, id or
any detail in that audience's outputs; where a visible record refers to them (an
incident's victims), they appear under a pseudonym instead. Pseudonyms are numbered in
the order the case lists its people, so every output of one build — and every build of an
unchanged case — uses the same one for the same person.
"""

from __future__ import annotations

import string

from entities.case.case import Case


def pseudonyms(case: Case, shown: frozenset[str]) -> dict[str, str]:
    """person id → pseudonym, for every person outside ``shown`` (the records an audience
    may see) whom a record in it refers to (the victims of visible incidents)."""
    victims = {v for incident in case.incidents for v in incident.victims
               if incident.id in shown}
    out: dict[str, str] = {}
    counts = {"witness": 0, "victim": 0, "person": 0}
    for person in case.people:
        if person.id in shown or person.id not in victims:
            continue
        if "witness" in person.statuses:
            role = "witness"
        elif person.id in victims:
            role = "victim"
        else:
            role = "person"
        counts[role] += 1
        out[person.id] = _label(role, counts[role])
    return out


def _label(role: str, number: int) -> str:
    if role == "witness":
        letters = string.ascii_uppercase
        text = ""
        while number:
            number, rest = divmod(number - 1, 26)
            text = letters[rest] + text
        return f"Witness {text}"
    return f"Victim {number}" if role == "victim" else f"Protected person {number}"
