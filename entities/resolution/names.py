"""Central Asian names: one comparable form for Cyrillic, Kazakh Latin and English spellings.

``skeleton()`` maps a name token to a key under which the usual variants agree:
Kazakh Cyrillic letters (ә ғ қ ң ө ұ ү һ і) and Kazakh Latin 2021 (ä ğ ı ñ ö ū ü q) fold
to plain Latin; y/i, kh/h, zh/j, -yev/-ev, Ye-/E-, Yer-/Er-, Q/K, double letters and
ё/е variants converge. Different surnames stay different: Хасенов → ``hasenov``,
Касенов → ``kasenov``.

``parse_person()`` splits a name into core tokens, patronymic tokens (-ович/-евич/-овна/
-евна, -ұлы/-қызы, -uly/-kyzy; dropped: they are optional) and initials (kept apart: they
match only as weak evidence). Word order is ignored, so "Surname, Given" works.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rigour.text import ascii_text
from rigour.text.distance import levenshtein

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Kazakh (and Kyrgyz, Uzbek Cyrillic) letters
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i", "ў": "u", "җ": "j",
}
_LATIN = {
    "ä": "a", "ğ": "g", "ı": "i", "ñ": "n", "ö": "o", "ū": "u", "ü": "u", "ş": "sh",
    "ç": "ch", "é": "e", "è": "e", "ё": "e", "ʼ": "", "ʻ": "", "'": "", "`": "", "’": "",
}
#: Ordered rewrites applied to a lower-case ASCII token.
_RULES = [
    ("shch", "sh"), ("sch", "sh"), ("dzh", "j"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("x", "ks"),
    ("q", "k"), ("w", "v"), ("ph", "f"), ("tz", "ts"), ("yo", "e"), ("ye", "e"),
    ("y", "i"),
]
_DOUBLE = re.compile(r"(.)\1+")
_PATRONYMIC_ENDINGS = ("ovich", "evich", "ovna", "evna", "ichna", "uly", "ulu", "kyzy", "kizi",
                       "ogly", "ugli", "qizi")
_PATRONYMIC_WORDS = {"uly", "ulu", "kyzy", "kizi", "ogly", "ugli", "qizi", "ули", "uli"}
_SPLIT = re.compile(r"[\s,\-–—./()«»\"“”„]+")


def latinize(text: str) -> str:
    """Lower-case Latin form of ``text``, with Kazakh letters folded."""
    out = []
    for char in unicodedata.normalize("NFC", text.lower()):
        mapped = _CYRILLIC.get(char)
        if mapped is None:
            mapped = _LATIN.get(char, char)
        out.append(mapped)
    return ascii_text("".join(out)).lower()


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The comparable key of one name token (already latinized or not)."""
    text = re.sub(r"[^a-z]", "", latinize(token))
    for old, new in _RULES:
        text = text.replace(old, new)
    return _DOUBLE.sub(r"\1", text)


def similar_tokens(a: str, b: str, raw_a: str = "", raw_b: str = "") -> float:
    """1.0 for equal skeletons; 0.85 for a one-letter typo (in the skeleton or in the
    plain Latin spelling) when the skeletons start with the same letter; else 0.

    The first-letter rule keeps different surnames apart (Хасенов ``hasenov`` is not
    Касенов ``kasenov``) while ``Mirziyoyev``/``Mirziroyev`` are a typo apart.
    """
    if a == b:
        return 1.0
    if not a or not b or a[0] != b[0] or min(len(a), len(b)) < 4:
        return 0.0
    if levenshtein(a, b) <= 1:
        return 0.85
    if raw_a and raw_b and raw_a[0] == raw_b[0] and levenshtein(raw_a, raw_b) <= 1:
        return 0.85
    return 0.0


@dataclass(frozen=True)
class PersonName:
    """A person's name split for comparison."""

    core: tuple[str, ...]
    initials: tuple[str, ...]
    patronymic: tuple[str, ...]
    raw: tuple[str, ...] = ()


@lru_cache(maxsize=200_000)
def parse_person(name: str) -> PersonName:
    """Split a person's name into core tokens, initials and patronymic."""
    words = [w for w in _SPLIT.split(latinize(name)) if w]
    core: list[str] = []
    raw: list[str] = []
    initials: list[str] = []
    patronymic: list[str] = []
    for index, word in enumerate(words):
        if word in _PATRONYMIC_WORDS:
            patronymic.append(word)
            if core and index > 0 and skeleton(words[index - 1]) == core[-1] and len(core) > 1:
                patronymic.append(core.pop())
                raw.pop()
            continue
        if len(word) == 1:
            initials.append(word)
        elif len(word) > 5 and word.endswith(_PATRONYMIC_ENDINGS):
            patronymic.append(word)
        else:
            key = skeleton(word)
            if key:
                core.append(key)
                raw.append(re.sub(r"[^a-z]", "", word))
    return PersonName(tuple(core), tuple(initials), tuple(patronymic), tuple(raw))


@dataclass(frozen=True)
class NameMatch:
    """How two names compare: ``full``, ``initials`` (weak), ``partial`` or ``none``."""

    score: float
    kind: str

    def __lt__(self, other: NameMatch) -> bool:
        return self.score < other.score


NO_MATCH = NameMatch(0.0, "none")


def compare_person_names(a: PersonName, b: PersonName) -> NameMatch:
    """Compare two parsed person names, ignoring order and patronymics."""
    if not a.core or not b.core:
        return NO_MATCH
    short, long = (a, b) if len(a.core) <= len(b.core) else (b, a)
    used: set[int] = set()
    scores = []
    for position, token in enumerate(short.core):
        best, best_index = 0.0, -1
        for index, other in enumerate(long.core):
            if index in used:
                continue
            value = similar_tokens(token, other, short.raw[position], long.raw[index])
            if value > best:
                best, best_index = value, index
        if best_index >= 0:
            used.add(best_index)
        scores.append(best)
    matched = [s for s in scores if s > 0]
    if len(matched) == len(short.core) and (len(short.core) >= 2 or len(long.core) == 1):
        return NameMatch(min(matched) if min(matched) < 1 else 1.0, "full")
    if len(matched) == len(short.core) == 1 and short.initials:
        rest = [t for i, t in enumerate(long.core) if i not in used]
        given, *others = short.initials
        if any(t.startswith(skeleton(given)) for t in rest) and all(
            any(t.startswith(skeleton(i)) for t in rest + list(long.patronymic))
            for i in others if long.patronymic or len(rest) > 1
        ):
            return NameMatch(0.6, "initials")
    if matched:
        return NameMatch(0.35 * len(matched) / max(len(a.core), len(b.core)), "partial")
    return NO_MATCH


def best_person_match(names_a: list[str], names_b: list[str]) -> NameMatch:
    """The best comparison over all names of two people."""
    best = NO_MATCH
    for a in names_a:
        for b in names_b:
            match = compare_person_names(parse_person(a), parse_person(b))
            if match.score > best.score:
                best = match
                if best.score == 1.0:
                    return best
    return best
