"""Controlled vocabularies (violation types, modes of responsibility, …).

The terms live in ``vocabulary.yml`` beside this module, so they can be read and
extended without touching code; their labels in other languages are in the message
catalogue (:mod:`entities.i18n`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from entities.i18n import text

VOCABULARIES = (
    "violation_types",
    "modes_of_responsibility",
    "evidence_types",
    "sensitivities",
    "person_statuses",
    "organisation_kinds",
    "attribution_statuses",
    "reliability",
    "credibility",
    "identifier_types",
)


@dataclass(frozen=True)
class Term:
    """One term of a vocabulary with its labels and extra attributes."""

    vocab: str
    key: str
    en: str
    extra: tuple[tuple[str, str], ...] = ()

    def label(self, lang: str = "en") -> str:
        """The human label in ``lang``: the English of ``vocabulary.yml``, or its
        translation in the message catalogue (``vocab.<vocabulary>.<key>``)."""
        return self.en if lang == "en" else text(f"vocab.{self.vocab}.{self.key}", lang)

    def get(self, name: str) -> str | None:
        """An extra attribute (``basis``, ``schema``, ``topic``, ``prop``)."""
        return dict(self.extra).get(name)


@cache
def _load() -> dict[str, dict[str, Term]]:
    text = resources.files("entities.case").joinpath("vocabulary.yml").read_text("utf-8")
    raw: dict[str, dict[str, dict[str, Any]]] = yaml.safe_load(text)
    out: dict[str, dict[str, Term]] = {}
    for vocab, terms in raw.items():
        out[vocab] = {}
        for key, attrs in terms.items():
            extra = tuple(
                sorted((k, str(v)) for k, v in attrs.items() if k != "en")
            )
            out[vocab][str(key)] = Term(vocab, str(key), attrs["en"], extra)
    return out


def terms(vocab: str) -> dict[str, Term]:
    """All terms of one vocabulary, keyed by their key, in file order."""
    return _load()[vocab]


def term(vocab: str, key: str) -> Term:
    """One term; raises ``KeyError`` for an unknown key."""
    return _load()[vocab][key]


def label(vocab: str, key: str, lang: str = "en") -> str:
    """The label of a key, or the key itself when it is unknown."""
    found = _load()[vocab].get(key)
    return found.label(lang) if found is not None else key


def check(vocab: str, value: str) -> str:
    """Return ``value`` when it is a key of ``vocab``; else raise a helpful ``ValueError``."""
    known = _load()[vocab]
    if value in known:
        return value
    guess = difflib.get_close_matches(value, list(known), n=1)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    allowed = ", ".join(known)
    raise ValueError(f"'{value}' is not a known value{hint}; use one of: {allowed}")
