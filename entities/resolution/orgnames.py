"""Organisation names: legal forms stripped, and an alias table across languages.

Legal forms go through rigour's ``remove_org_types`` (the maintained list, many
languages) and then our Russian and Kazakh phrases and abbreviations, which rigour does
not know; function words through rigour's stopwords, and the state's names through ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import yaml
from followthemoney.types import registry
from rigour.names import remove_org_types
from rigour.text import is_stopword

from entities.resolution.names import latinize, skeleton

_LEGAL_PHRASES = [
    "акционерное общество", "товарищество с ограниченной ответственностью",
    "общество с ограниченной ответственностью", "республиканское государственное учреждение",
    "республиканское государственное предприятие", "акционерлік қоғамы",
    "жауапкершілігі шектеулі серіктестігі", "joint stock company", "joint-stock company",
    "limited liability partnership", "limited liability company", "public company",
    "co., ltd", "co. ltd", "company limited",
]
_LEGAL_FORMS = {"ao", "too", "oao", "zao", "pao", "ooo", "ip", "ak", "jshs", "rgu", "rgp",
                "jsc", "llp", "llc", "ltd", "limited", "co", "inc", "plc", "corp", "gmbh",
                "ag", "sa", "ojsc", "cjsc", "pjsc"}
#: Words left out when comparing beside rigour's stopwords: Russian prepositions as they
#: latinize, and the name of the state.
_FILLER = {"i", "v", "po", "pri", "republic", "respubliki", "respublikasi",
           "respublikasinin", "rk", "kazakhstan", "kazahstan", "kazakstannin", "kr", "rf"}
_WORD = re.compile(r"[^\w.]+|(?<!\w)\.|\.(?!\w)")


def _words(name: str) -> list[str]:
    text = remove_org_types(name).lower()
    for phrase in _LEGAL_PHRASES:
        text = text.replace(phrase, " ")
    return [w for w in _WORD.split(text) if w]


_PREPOSITIONS = {"i", "v", "po", "pri", "na"}


def is_form_or_function_word(word: str) -> bool:
    """Whether a latinized word of an organisation's name is a legal form (JSC, ТОО → too)
    or a function word (of, the, по → po): words that say nothing about which body it is."""
    return word in _LEGAL_FORMS or word in _PREPOSITIONS or is_stopword(word)


@lru_cache(maxsize=100_000)
def countries_in(name: str) -> frozenset[str]:
    """Country codes named in an organisation's name (``Казахстан`` → ``kz``)."""
    found = set()
    for word in _words(name):
        for form in (word, latinize(word)):
            code = registry.country.clean(form)
            if code is not None and len(form) > 3:
                found.add(code)
    return frozenset(found)


@lru_cache(maxsize=100_000)
def org_tokens(name: str) -> frozenset[str]:
    """Comparable tokens of an organisation name, legal forms and filler removed."""
    out = set()
    for word in _words(name):
        latin = re.sub(r"[^a-z0-9]", "", latinize(word))
        if not latin or latin in _LEGAL_FORMS or latin in _FILLER or is_stopword(word):
            continue
        key = skeleton(latin) or latin
        if key not in _FILLER:
            out.add(key)
    return frozenset(out)


@dataclass(frozen=True)
class AliasEntry:
    key: str
    country: str | None


class AliasTable:
    """Maps organisation names to the key of the body they name."""

    def __init__(self) -> None:
        self._by_tokens: dict[frozenset[str], AliasEntry] = {}
        self._names: dict[str, list[str]] = {}

    def add(self, key: str, country: str | None, names: list[str]) -> None:
        entry = AliasEntry(key, country)
        self._names.setdefault(key, []).extend(n for n in names
                                               if n not in self._names.get(key, []))
        for name in names:
            tokens = org_tokens(name)
            if tokens:
                self._by_tokens[tokens] = entry

    def lookup(self, name: str) -> AliasEntry | None:
        """The body an organisation name refers to, if the table knows it."""
        return self._by_tokens.get(org_tokens(name))

    def names_of(self, name: str) -> list[str]:
        """Every name the table gives the body ``name`` refers to (none if unknown)."""
        entry = self.lookup(name)
        return list(self._names.get(entry.key, [])) if entry is not None else []

    def load(self, text: str) -> None:
        for item in yaml.safe_load(text) or []:
            self.add(str(item["key"]), item.get("country"), [str(n) for n in item["names"]])

    def __len__(self) -> int:
        return len(self._by_tokens)


@cache
def starter_table() -> AliasTable:
    """The built-in table (Kazakhstan's main state bodies and banks)."""
    table = AliasTable()
    table.load(resources.files("entities.resolution").joinpath("org_aliases.yml").read_text("utf-8"))
    return table


def alias_table(case_root: Path | None = None) -> AliasTable:
    """The starter table plus the case's own ``aliases.yml``, if it has one."""
    table = AliasTable()
    table._by_tokens.update(starter_table()._by_tokens)
    table._names.update({k: list(v) for k, v in starter_table()._names.items()})
    if case_root is not None and (case_root / "aliases.yml").is_file():
        table.load((case_root / "aliases.yml").read_text("utf-8"))
    return table
