"""Protected people and bodies named by a visible record: who needs a pseudonym, and how
each document numbers them.

A person or organisation above an audience's level never appears by name, id or any
detail in that audience's outputs; where a visible record refers to them (an incident's
victims) they appear under a pseudonym — "Witness A" for people with the ``witness``
status, "Victim 1" for other people, "Protected organisation 1" for bodies. The view
says only each one's *role*; every document numbers the ones it names itself, in the
order it names them (:class:`Numbering`), so that no document tells how many protected
people the case holds elsewhere.
"""

from __future__ import annotations

import string

from entities.case.case import Case
from entities.case.model import Person
from entities.i18n import text

ROLES = ("witness", "victim", "organisation")


def pseudonyms(case: Case, shown: frozenset[str]) -> dict[str, str]:
    """record id → role (``witness``, ``victim``, ``organisation``), for every person or
    organisation outside ``shown`` whom a record in it names (the victims of visible
    incidents)."""
    victims = {v for incident in case.incidents for v in incident.victims
               if incident.id in shown}
    out: dict[str, str] = {}
    for record_id in sorted(victims - shown, key=list(case.index).index):
        record = case.index.get(record_id)
        if isinstance(record, Person):
            out[record_id] = "witness" if "witness" in record.statuses else "victim"
        elif record is not None:
            out[record_id] = "organisation"
    return out


def label(role: str, number: int, lang: str = "en") -> str:
    """The pseudonym of the ``number``-th protected record of ``role`` in a document, in
    ``lang`` ("Witness A", "Victim 1", "Protected organisation 1")."""
    if role == "witness":
        letters = string.ascii_uppercase
        mark = ""
        while number:
            number, rest = divmod(number - 1, 26)
            mark = letters[rest] + mark
        return text("em.pseudonym_witness", lang, mark=mark)
    if role == "organisation":
        return text("em.pseudonym_organisation", lang, n=number)
    return text("em.pseudonym_victim", lang, n=number)


class Numbering:
    """Pseudonyms (and withheld-evidence labels) numbered within one document, in the
    order it names them."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self._seen: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def name(self, key: str, role: str) -> str:
        """The label of ``key`` in this document (the same each time it is named)."""
        if key not in self._seen:
            self._counts[role] = self._counts.get(role, 0) + 1
            self._seen[key] = label(role, self._counts[role], self.lang)
        return self._seen[key]

    def withheld(self, key: str) -> str:
        """"Withheld item N" for a withheld evidence item of this document."""
        if key not in self._seen:
            self._counts["withheld"] = self._counts.get("withheld", 0) + 1
            self._seen[key] = text("em.withheld_item", self.lang,
                                   n=self._counts["withheld"])
        return self._seen[key]
