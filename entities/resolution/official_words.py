"""The common words of official names across Russian, Kazakh and English.

``official_words.yml`` puts each common word of the names of state bodies and banks
(ministry, committee, agency, service, bank, court, prosecutor's office, national,
security…) under one concept, in its English, Russian and Kazakh forms. :func:`concept`
says which concept a word is, :func:`translated` writes a whole name in English word by
word when every word of it is such a word — "Комитет национальной безопасности" →
"committee national security" — so that a matcher comparing words in any order (logic-v2)
sees the same name, and screening finds "National Security Committee" for it.

It is a word list, not a translator: a name with any other word (a proper name, "имени
Абая") is not translated, and the translation is only ever a second name to compare,
never shown as the body's name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from entities.resolution.names import latinize, skeleton

WORDS_FILE = Path(__file__).with_name("official_words.yml")
_SPLIT = re.compile(r"[^a-z0-9]+")
#: forms this long or shorter must be the whole word
WHOLE_WORD = 4
#: words a translated name may hold besides the official ones ("of", "and", "по", "и")
_FILLERS = {"of", "the", "and", "for", "on", "i", "po", "na", "v", "jane", "zhane", "men"}


@lru_cache(maxsize=1)
def _forms() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(whole words → concept, word beginnings → concept, longest first)."""
    data = yaml.safe_load(WORDS_FILE.read_text("utf-8"))
    whole: dict[str, str] = {}
    stems: list[tuple[str, str]] = []
    for concept, forms in data.items():
        for form in forms:
            key = skeleton(str(form))
            if len(key) <= WHOLE_WORD:
                whole[key] = str(concept)
            else:
                stems.append((key, str(concept)))
    stems.sort(key=lambda item: -len(item[0]))
    return whole, stems


@lru_cache(maxsize=200_000)
def concept(word: str) -> str | None:
    """The concept of one word of a name (``комитета`` → ``committee``), if it is one of
    the common words of official names."""
    key = skeleton(word)
    if not key:
        return None
    whole, stems = _forms()
    if key in whole:
        return whole[key]
    for stem, name in stems:
        if key.startswith(stem):
            return name
    return None


def translated(name: str) -> str | None:
    """``name`` in English word by word, when all its words (but a few fillers) are common
    words of official names and there are at least two of them; else ``None``."""
    words = [w for w in _SPLIT.split(latinize(name)) if w]
    found = []
    for word in words:
        value = concept(word)
        if value is None:
            if skeleton(word) in _FILLERS:
                continue
            return None
        found.append(value)
    return " ".join(found) if len(found) >= 2 else None
