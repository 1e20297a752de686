"""Index keys for a name: the words under which a sanctions-list entry is found.

Each word of a name gives up to two keys, both built on :func:`entities.names.skeleton`
(so Cyrillic, Kazakh Latin and English spellings of a word agree):

- ``s:<skeleton>``: the word itself (Бекетаев, Beketayev, Beketaev → ``s:beketaev``);
- ``c:<consonants>``: the first letter and the consonants of a word of 4+ letters, which
  brings together vowel variants of transliteration (Mohammed, Muhammad → ``c:mhmd``);
- in the names of organisations, legal forms and function words (JSC, ТОО, of, the, по)
  give no key — they would make every "… of the Republic" a candidate;
- ``t:<concept>``, in the names of organisations only: the concept of a common word of
  official names in Russian, Kazakh or English (комитета, комитеті, committee →
  ``t:committee``; :mod:`entities.resolution.official_words`), so that a name is found
  under its translation.

Typos are found through a deletion neighbourhood over the list's vocabulary
(:func:`deletions`): two words one or two edits apart share a deleted form. Identifiers
(passport, registration and tax numbers) become ``i:<LETTERS AND DIGITS>`` keys.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from entities.resolution.names import latinize, skeleton
from entities.resolution.official_words import concept
from entities.resolution.orgnames import is_form_or_function_word

_SPLIT = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiou]")
#: Words shorter than this get no consonant key and no typo tolerance.
FUZZY_MIN = 5


@lru_cache(maxsize=500_000)
def _word_keys(word: str) -> tuple[str, ...]:
    key = skeleton(word)
    if len(key) < 2:
        return ()
    if len(key) < 4:
        return (f"s:{key}",)
    return (f"s:{key}", f"c:{key[0]}{_VOWELS.sub('', key[1:])}")


def name_keys(name: str, official: bool = False) -> list[tuple[str, ...]]:
    """The keys of each word of ``name`` (a word's keys are alternatives); ``official``:
    the name of an organisation, whose common words also give their concept."""
    words = _SPLIT.split(latinize(name))
    if official:  # legal forms and function words say nothing about which body it is
        meaningful = [w for w in words if w and not is_form_or_function_word(w)]
        words = meaningful or words
    out: dict[tuple[str, ...], None] = {}
    for word in words:
        if word.isdigit() or not word:
            continue
        keys = _word_keys(word)
        meaning = concept(word) if official else None
        if meaning is not None:
            keys = (*keys, f"t:{meaning}")
        if keys:
            out[keys] = None
    return list(out)


def identifier_key(value: str) -> str | None:
    """The key of an identifier (letters and digits, upper case), if long enough to mean
    something."""
    text = "".join(ch for ch in value.upper() if ch.isalnum())
    return f"i:{text}" if len(text) >= 4 else None


def deletions(key: str) -> set[str]:
    """A skeleton key and every form with one letter deleted (for keys of 5+ letters)."""
    word = key[2:]
    if not key.startswith("s:") or len(word) < FUZZY_MIN:
        return {key}
    return {key} | {f"s:{word[:i]}{word[i + 1:]}" for i in range(len(word))}


def key_hash(key: str) -> int:
    """A stable 63-bit hash of a key (the same in every process and on every machine)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1
