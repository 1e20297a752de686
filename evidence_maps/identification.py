"""The identification checklist of a target: which of the fields designating authorities'
lists carry (``listing_fields.yml``) the case gives for it, as the audience sees it.

A listing that cannot identify its subject cannot be enforced, and a name alone invites
namesakes: the checklist tells the analyst what to look for before submitting.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from entities.case.model import Actor, OrganisationRecord, Person
from evidence_maps.view import CaseView

#: authorities whose lists the checklist names, in print order
AUTHORITIES = ("ofac", "uk", "eu")


@dataclass(frozen=True)
class Item:
    """One field of a listing: whether the case gives it, and who lists it (a share of
    OFAC entries in per cent, ``True`` reported, ``None`` not known)."""

    key: str
    present: bool
    carried: tuple[tuple[str, int | bool | None], ...]


@cache
def fields() -> dict[str, dict[str, dict[str, int | bool | None]]]:
    text = resources.files("evidence_maps").joinpath("listing_fields.yml").read_text("utf-8")
    data: dict[str, dict[str, dict[str, int | bool | None]]] = yaml.safe_load(text)
    return data


def _latin(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def _present(view: CaseView, actor: Actor) -> dict[str, bool]:
    names = [n.name for n in actor.names]
    ids = {i.type for i in actor.identifiers}
    out = {"name_latin": any(_latin(n) for n in names),
           "name_original": any(not _latin(n) for n in names),
           "alias": any(n.type in ("alias", "weak_alias", "previous") for n in actor.names),
           "address": bool(actor.addresses)}
    if isinstance(actor, Person):
        out |= {"birth_date": bool(actor.birth_date), "birth_place": bool(actor.birth_place),
                "nationality": bool(actor.nationality),
                "citizenship": bool(actor.citizenship), "gender": bool(actor.gender),
                "passport": "passport" in ids, "national_id": "national_id" in ids,
                "position": bool(view.posts(actor.id))}
    elif isinstance(actor, OrganisationRecord):
        parent = bool(actor.parent and actor.parent in view.shown)
        out |= {"country": bool(actor.country),
                "registration": bool(ids & {"registration", "tax"}),
                "linked": parent or bool(view.relations(actor.id))
                or bool(view.subsidiaries(actor.id))}
    return out


def checklist(view: CaseView, actor_id: str) -> list[Item]:
    """The checklist of one target, in the order of ``listing_fields.yml``."""
    actor = view.case.index[actor_id]
    assert isinstance(actor, Actor)
    kind = "person" if isinstance(actor, Person) else "organisation"
    present = _present(view, actor)
    return [Item(key, present[key], tuple((a, spec.get(a)) for a in AUTHORITIES))
            for key, spec in fields()[kind].items()]
