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

from entities.resolution.variants import variant_key

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


#: a token pair one letter apart (a typo): review, never merge
TYPO = 0.85
#: a token pair that agrees only as a romanisation variant (:mod:`variants`): review,
#: never merge
VARIANT = 0.8
#: Arabic articles and "son of" written as words; optional, as patronymics are
_PARTICLES = {"al", "el", "ul", "ad", "ud", "as", "ash", "at", "az", "ar", "bin", "ibn",
              "bint"}


def similar_tokens(a: str, b: str, raw_a: str = "", raw_b: str = "") -> float:
    """1.0 for equal skeletons; 0.85 for a one-letter typo (in the skeleton or in the
    plain Latin spelling) when the skeletons start with the same letter;
    :data:`VARIANT` for romanisation variants (:func:`variants.variant_key`: Muhammad/
    Mohammed, Ho-Chin/Ho-Jin, Lukashenka/Lukashenko, Uladzimir/Vladimir) and for an
    article written joined (Alshaer/Shaer); else 0.

    The first-letter rule keeps different surnames apart (Хасенов ``hasenov`` is not
    Касенов ``kasenov``) while ``Mirziyoyev``/``Mirziroyev`` are a typo apart; the
    variant keys keep h apart from k too.
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if a[0] == b[0] and min(len(a), len(b)) >= 4:
        if levenshtein(a, b) <= 1:
            return TYPO
        if raw_a and raw_b and raw_a[0] == raw_b[0] and levenshtein(raw_a, raw_b) <= 1:
            return TYPO
    if min(len(a), len(b)) >= 3:
        key_a, key_b = variant_key(a), variant_key(b)
        if len(key_a) >= 2 and key_a == key_b:
            return VARIANT
        for x, y in ((a, b), (b, a)):
            if x[:2] in ("al", "el") and len(x) >= 6 and x[2:] == y:
                return VARIANT
    return 0.0


@dataclass(frozen=True, slots=True)
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
        if word in _PARTICLES and len(words) > 2:
            patronymic.append(word)
            continue
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


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How two names compare: ``full``, ``initials`` (weak), ``partial`` or ``none``."""

    score: float
    kind: str

    def __lt__(self, other: NameMatch) -> bool:
        return self.score < other.score


NO_MATCH = NameMatch(0.0, "none")


def _joined(name: PersonName, other: PersonName) -> PersonName:
    """``name`` with two neighbouring parts written as one where ``other`` writes them
    so and does not hold either alone (Hamid Reza ~ Hamidreza, Abdul Fatah ~ Abdulfatah)."""
    core, raw = list(name.core), list(name.raw)
    index = 0
    while index < len(core) - 1:
        whole = skeleton(raw[index] + raw[index + 1])
        if whole in other.core and core[index] not in other.core and \
                core[index + 1] not in other.core:
            core[index:index + 2], raw[index:index + 2] = [whole], [raw[index] + raw[index + 1]]
        index += 1
    if len(core) == len(name.core):
        return name
    return PersonName(tuple(core), name.initials, name.patronymic, tuple(raw))


def compare_person_names(a: PersonName, b: PersonName) -> NameMatch:
    """Compare two parsed person names, ignoring order and patronymics, with parts
    written joined on one side and apart on the other taken as one."""
    if not a.core or not b.core:
        return NO_MATCH
    a, b = _joined(a, b), _joined(b, a)
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


def known_different(names_a: list[str], names_b: list[str]) -> bool:
    """Whether two people's names hold a pair of surnames our rules know to be different
    families: the same but for an initial Х (kh) against К or Қ (k) — Хасенов and
    Касенов, Khasenov and Kassenov. logic-v2 scores such pairs high (0.82–0.88), so it
    is not asked about them."""
    for a in names_a:
        for b in names_b:
            core_a, core_b = parse_person(a).core, parse_person(b).core
            for x in core_a:
                for y in core_b:
                    if {x[:1], y[:1]} == {"h", "k"} and _DOUBLE.sub(r"\1", x[1:]) == \
                            _DOUBLE.sub(r"\1", y[1:]) and len(x) > 3:
                        return True
    return False
