"""Romanisation variants beyond the Kazakh/Russian skeletons: a looser key and a table of
East Slavic given names.

``loose()`` folds what romanisations of Arabic, Persian, Korean and Belarusian/Ukrainian
names disagree on, from a token's skeleton (:func:`~entities.resolution.names.skeleton`):
which vowel stands where after the first letter (Mohammed/Muhammad ``mahamad``,
Makhlouf/Makhluf), but not where vowels stand (Mahmud ``mahmad`` stays another name) nor
the first letter (Есенов is not Исенов, so Omid/Umid are left to logic-v2), a final silent ``e``
(Souleman/Souleymane), the Korean and
Arabic consonant pairs ch/j, k/g/q, p/b, t/d, gh/g, dh/d, th/t (Ho-Chin/Ho-Jin,
Pom/Bom, Gholam/Qolam, Qadhafi/Gaddafi), and the Belarusian final -a for -o
(Lukashenka/Lukashenko, Sukharenka/Sukhorenko). It keeps apart what the Kazakh rules keep
apart: h (from Х) is not k (Хасенов is not Касенов).

``canonical()`` maps Belarusian and Ukrainian forms of a given name to the Russian one
(Uladzimir → Vladimir, Dzmitry → Dmitry, Kateryna → Ekaterina…): the same name in
another language, not a spelling variant, so no key could fold them.

A token pair that agrees only here is a *variant* match: enough to propose a pair for
review, never to merge one.
"""

from __future__ import annotations

import re
from functools import lru_cache

_VOWELS = re.compile(r"[aeiou]+")
_DOUBLE = re.compile(r"(.)\1+")
#: ordered rewrites on a skeleton: digraphs first (sh kept apart as x), then the pairs
_LOOSE = [("sh", "x"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ch", "j"), ("g", "k"),
          ("p", "b"), ("t", "d")]

#: Belarusian and Ukrainian given names, each with the Russian form first
EAST_SLAVIC = [
    ["vladimir", "uladzimir", "volodymyr", "uladimir"],
    ["dmitry", "dzmitry", "dmytro", "dzmitri"],
    ["ekaterina", "yekaterina", "katsiaryna", "kateryna", "katerina"],
    ["yuri", "yury", "jurij", "yurii", "yuriy", "yurij", "iury"],
    ["sergei", "siarhei", "serhiy", "serhii", "sergey", "siargei"],
    ["nikolai", "mikalai", "mykola", "nikolay"],
    ["aleksei", "aliaksei", "oleksiy", "oleksii", "alexei", "alexey", "aleksey"],
    ["igor", "ihar", "ihor"],
    ["evgeny", "yauhen", "yevhen", "yevgeny", "evgeniy", "ievgen"],
    ["grigory", "ryhor", "hryhoriy", "hryhorii", "grigoriy"],
    ["vladislav", "uladzislau", "vladyslav"],
    ["pavel", "paval", "pavlo"],
    ["viktor", "viktar"],
    ["mikhail", "mikhas", "mykhailo", "mikhailo", "mikhal"],
    ["leonid", "leanid"],
    ["anatoly", "anatol", "anatoliy", "anatolii"],
    ["valentin", "valiantsin", "valentyn"],
    ["olga", "volha", "olha"],
    ["tatiana", "tatsiana", "tetiana", "tetyana"],
    ["natalia", "natallia", "nataliya"],
    ["maria", "maryia", "mariya"],
    ["andrei", "andrii", "andriy", "andrej"],
    ["vasily", "vasil", "vasyl", "vasili"],
    ["galina", "halina", "halyna"],
    ["anna", "hanna", "ganna"],
    ["irina", "iryna"],
    ["yulia", "yuliya", "yuliia"],
    ["oleg", "aleh", "oleh"],
    ["roman", "raman"],
    ["ivan", "ivan", "iwan"],
    ["petr", "piotr", "petro", "pyotr"],
    ["aleksandr", "aliaksandr", "alyaksandr", "oleksandr", "alexander", "alexandr"],
]


def loose(skel: str) -> str:
    """The loose key of a skeleton (see the module docstring); ``""`` for an empty one."""
    if not skel:
        return ""
    text = skel[:-1] if len(skel) > 3 and skel.endswith("e") else skel
    for old, new in _LOOSE:
        text = text.replace(old, new)
    # every run of vowels after the first letter counts as one vowel: which vowel varies,
    # where they are does not (Muhammad/Mohammed ``mahamad``, but Mahmud ``mahmad``); the
    # first letter stays, as in the Kazakh rules (Есенов is not Исенов)
    return _DOUBLE.sub(r"\1", text[:1] + _VOWELS.sub("a", text[1:]))


@lru_cache(maxsize=1)
def _canonical_table() -> dict[str, str]:
    from entities.resolution.names import skeleton

    table: dict[str, str] = {}
    for forms in EAST_SLAVIC:
        first = skeleton(forms[0])
        for form in forms:
            table[skeleton(form)] = first
    return table


def canonical(skel: str) -> str:
    """The Russian form's skeleton of a Belarusian or Ukrainian given name (else itself)."""
    return _canonical_table().get(skel, skel)


@lru_cache(maxsize=200_000)
def variant_key(skel: str) -> str:
    """The key under which two tokens are variants of one name: the loose key of the
    canonical form."""
    return loose(canonical(skel))
