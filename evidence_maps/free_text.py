"""Protected names in free text: no text an audience receives names a person or body it
may not see.

Every free-text field of every record an audience can see — titles, descriptions,
excerpts, translations, places, addresses, position titles, source titles and authors,
the case's title and summary — is searched for the names of the people and
organisations that audience may not see: every name and alias, in every script, through
the transliteration skeletons identity resolution uses (Адилбекулы = Adilbekuly), with
Russian and Kazakh case endings (Ойданову, Адилбекұлының; Russian words through pymorphy3
as well), and initials with a surname (Ж. Адилбекулы, Adilbekuly Zh.). A person is found
by two parts of one of their names (or a part and an initial), a body by all the words of
one of its names; a name that a visible record also bears is not distinctive and is left
alone.

A hit is a located problem for the build, unless the case sets
``pseudonymise_free_text: true``: then the view's copy of the case says "[protected
witness]" (or victim, person, organisation) instead. The label carries no number, which
would tell the reader how many protected people the case holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from entities.case.case import Case
from entities.case.model import Actor, CaseMeta, Name, Person, Record
from entities.exc import Problem
from entities.i18n import text as translate
from entities.resolution.names import parse_person, skeleton
from entities.resolution.orgnames import org_tokens

#: Case endings a name takes in running text (Russian, Kazakh), before folding.
_ENDINGS = (
    # Russian: surnames in -ов/-ев/-ин and given names
    "а", "у", "ом", "ым", "ой", "ою", "ую", "е", "ы", "и", "ю", "я", "ем", "ей", "ев",
    "ого", "ому", "ых", "ым", "ыми",
    # Kazakh: genitive, dative, accusative, locative, ablative, instrumental
    "ның", "нің", "дың", "дің", "тың", "тің", "ға", "ге", "қа", "ке", "на", "не", "ны", "ні",
    "ды", "ді", "ты", "ті", "да", "де", "та", "те", "нда", "нде", "дан", "ден", "тан", "тен",
    "нан", "нен", "мен", "бен", "пен",
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Words closer than this in a text count as one name ("Серик Жанович Ойданов").
WINDOW = 4


@cache
def _suffixes() -> frozenset[str]:
    return frozenset(skeleton("a" + e)[1:] for e in _ENDINGS) - {""}


@cache
def _morph() -> object:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@cache
def _forms(word: str) -> frozenset[str]:
    """The skeletons a word of running text may stand for: itself, and for Cyrillic its
    dictionary forms (pymorphy3) and its stem without a case ending."""
    out = {skeleton(word)}
    lower = word.lower()
    if _CYRILLIC.search(lower):
        for parse in _morph().parse(lower)[:3]:  # type: ignore[attr-defined]
            out.add(skeleton(parse.normal_form))
        for ending in _ENDINGS:
            if lower.endswith(ending) and len(lower) - len(ending) >= 3:
                out.add(skeleton(lower[: -len(ending)]))
    return frozenset(o for o in out if o)


def _same(name_token: str, form: str) -> bool:
    """Whether a text form is the name token, or the token with a case ending."""
    if form == name_token:
        return True
    if len(name_token) < 4:
        return False
    stems = {name_token, name_token[:-1] if name_token[-1] in "aeiou" else name_token}
    return any(form.startswith(s) and form[len(s):] in _suffixes() for s in stems)


@dataclass(frozen=True)
class Pattern:
    """One name of a protected record, as what finds it in a text."""

    record: Actor
    role: str
    name: str
    #: skeletons of the name's words (a person: the core parts, patronymics left out)
    tokens: tuple[str, ...]
    #: a person: the initials of each part, for "Ж. Адилбекулы"
    initials: tuple[str, ...]
    person: bool


def _patterns(record: Actor, role: str) -> Iterator[Pattern]:
    for name in record.names:
        if isinstance(record, Person):
            parsed = parse_person(name.name)
            # patronymics count here (identity resolution leaves them out): "Адилбекулы"
            # is this person's family name, "Серик Жанович" how people address him
            parts = [*parsed.core, *parsed.patronymic]
            tokens = tuple(dict.fromkeys(skeleton(t) for t in parts if skeleton(t)))
            if tokens:
                yield Pattern(record, role, name.name, tokens,
                              tuple(t[0] for t in tokens), True)
        else:
            tokens = tuple(skeleton(t) for t in org_tokens(name.name) if skeleton(t))
            if tokens and sum(len(t) for t in tokens) >= 4:
                yield Pattern(record, role, name.name, tokens, (), False)


@dataclass(frozen=True)
class Hit:
    """A protected name found in one field of one visible record."""

    record: Record | CaseMeta
    field: tuple[str | int, ...]
    found: str
    pattern: Pattern


def _initial(text: str, word: tuple[str, int, int]) -> str | None:
    """The skeleton of an initial ("Ж." or "Zh."), if the word is one."""
    value, _, end = word
    if len(value) > 2 or not value[:1].isupper() or text[end:end + 1] != ".":
        return None
    return skeleton(value) or None


def _find(pattern: Pattern, words: list[tuple[str, int, int]], text: str) -> str | None:
    """The stretch of ``text`` that names ``pattern``, if any."""
    forms = [_forms(w) for w, _, _ in words]
    places = {token: [i for i, f in enumerate(forms) if any(_same(token, x) for x in f)]
              for token in pattern.tokens}

    def span(a: int, b: int, dot: bool = False) -> str:
        first, last = sorted((a, b))
        end = words[last][2] + (1 if dot and last != a and last != b else 0)
        return text[words[first][1]:end]

    if pattern.person:
        if len(pattern.tokens) == 1:
            token = pattern.tokens[0]
            return words[places[token][0]][0] if places[token] and len(token) >= 4 else None
        for i, one in enumerate(pattern.tokens):  # two parts of the name, close together
            for j in places[one]:
                for other in pattern.tokens[i + 1:]:
                    for k in places[other]:
                        if k != j and abs(k - j) < WINDOW:
                            return span(j, k)
        for one in pattern.tokens:  # a part with the initial of another part
            others = [t for t in pattern.tokens if t != one]
            for j in places[one]:
                for k in range(max(0, j - 2), min(len(words), j + 3)):
                    initial = _initial(text, words[k]) if k != j else None
                    if initial and any(t.startswith(initial) for t in others):
                        first, last = sorted((j, k))
                        end = words[last][2] + (1 if last == k else 0)
                        return text[words[first][1]:end]
        return None
    if not all(places.values()):
        return None
    width = len(pattern.tokens) + 1  # a body: all the words of its name, close together
    for j in sorted({k for found in places.values() for k in found}):
        within = range(j, j + width)
        if all(any(k in within for k in places[t]) for t in pattern.tokens):
            last = max(k for t in pattern.tokens for k in places[t] if k in within)
            return text[words[j][1]:words[last][2]]
    return None


def free_text(record: Record | CaseMeta) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every free-text field of a record an audience may receive: (field path, text)."""
    if isinstance(record, CaseMeta):
        yield ("title",), record.title
        if record.summary:
            yield ("summary",), record.summary
        for index, partner in enumerate(record.organisation.partners):
            yield ("organisation", "partners", index, "name"), partner.name
            if partner.description:
                yield ("organisation", "partners", index, "description"), partner.description
        for target, regimes in record.submissions.items():
            for regime, fields in regimes.items():
                for key, text in fields.items():
                    yield ("submissions", target, regime, key), text
        return
    for field in ("title", "description", "place", "excerpt", "translation", "locator",
                  "publisher", "author"):
        value = getattr(record, field, None)
        if isinstance(value, str):
            yield (field,), value
        elif isinstance(value, list):  # a position's title: names
            for index, item in enumerate(value):
                if isinstance(item, Name):
                    yield (field, index, "name"), item.name
    if isinstance(record, Actor):
        for index, address in enumerate(record.addresses):
            yield ("addresses", index), address


def _role(actor: Actor, roles: dict[str, str]) -> str:
    if actor.id in roles:
        return roles[actor.id]
    if isinstance(actor, Person):
        return "witness" if "witness" in actor.statuses else "person"
    return "organisation"


def protected_patterns(case: Case, shown: frozenset[str], roles: dict[str, str]
                       ) -> list[Pattern]:
    """The names of every person and body outside ``shown`` that no visible record bears
    too (``roles``: the view's pseudonym roles, else witness, person or organisation)."""
    protected: list[Pattern] = []
    visible: list[Pattern] = []
    for actor in [*case.people, *case.organisations]:
        (visible if actor.id in shown else protected).extend(
            _patterns(actor, _role(actor, roles)))
    visible_names = {p.tokens for p in visible}
    return [p for p in protected if p.tokens not in visible_names]


_INITIAL = re.compile(r"(?<!\w)[^\W\d_]{1,2}\.")


class Matcher:
    """The protected names, indexed by their words' skeletons, so that a text is compared
    in full only with the names some of its words could belong to."""

    def __init__(self, patterns: list[Pattern]):
        self.patterns = patterns
        self.exact: dict[str, set[int]] = {}
        self.stems: dict[str, set[int]] = {}
        for number, pattern in enumerate(patterns):
            for token in pattern.tokens:
                self.exact.setdefault(token, set()).add(number)
                if len(token) >= 4:
                    for stem in {token, token[:-1] if token[-1] in "aeiou" else token}:
                        self.stems.setdefault(stem, set()).add(number)
        self.lengths = sorted({len(x) for x in _suffixes()})

    def _candidates(self, words: list[tuple[str, int, int]], text: str) -> list[int]:
        matched: dict[int, set[str]] = {}
        for word, _, _ in words:
            for form in _forms(word):
                found = set(self.exact.get(form, ()))
                for length in self.lengths:
                    if len(form) > length and form[-length:] in _suffixes():
                        found |= self.stems.get(form[:-length], set())
                for number in found:
                    matched.setdefault(number, set()).add(form)
        initials = bool(_INITIAL.search(text))
        out = []
        for number, forms in matched.items():
            pattern = self.patterns[number]
            need = len(pattern.tokens) if not pattern.person else \
                (1 if len(pattern.tokens) == 1 or initials else 2)
            if len(forms) >= need:
                out.append(number)
        return sorted(out)

    def first(self, text: str, skip: set[str]) -> tuple[str, Pattern] | None:
        """The first protected name in ``text`` of a record not in ``skip``."""
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
        for number in self._candidates(words, text):
            pattern = self.patterns[number]
            if pattern.record.id not in skip:
                found = _find(pattern, words, text)
                if found is not None:
                    return found, pattern
        return None


def find_protected_names(case: Case, shown: frozenset[str],
                         roles: dict[str, str]) -> list[Hit]:
    """Every protected name in the free text of the records in ``shown`` and of the case
    header: one hit per field and protected record."""
    protected = protected_patterns(case, shown, roles)
    if not protected:
        return []
    matcher = Matcher(protected)
    hits: list[Hit] = []
    records: list[Record | CaseMeta] = [case.meta, *(r for r in case.records()
                                                     if r.id in shown)]
    for record in records:
        for field, text in free_text(record):
            named: set[str] = set()
            while (found := matcher.first(text, named)) is not None:
                named.add(found[1].record.id)
                hits.append(Hit(record, field, found[0], found[1]))
    return hits


def scrub(text: str, matcher: Matcher, lang: str = "en") -> str:
    """``text`` with every protected name replaced by its :func:`placeholder`."""
    for _ in range(100):  # each round replaces one name; a text holds few
        found = matcher.first(text, set())
        if found is None:
            break
        text = text.replace(found[0], placeholder(found[1].role, lang))
    return text


def problems(case: Case, hits: list[Hit]) -> list[Problem]:
    """The build's located problems, one per hit."""
    out = []
    for hit in hits:
        protected = hit.pattern.record
        level = case.sensitivity(protected)
        what = hit.pattern.role if hit.pattern.role != "organisation" else "organisation"
        kind = "the case" if isinstance(hit.record, CaseMeta) else f"the {hit.record.kind}"
        message = (f"names '{hit.found}', a {level} {what} ({protected.origin('id')}): "
                   f"rewrite it, mark {kind} {level}, or set pseudonymise_free_text: true "
                   f"in case.yml to print '{placeholder(hit.pattern.role)}' instead")
        out.append(hit.record.problem(message, *hit.field))
    return out


def placeholder(role: str, lang: str = "en") -> str:
    """What replaces a protected name in free text ("[protected witness]")."""
    return translate(f"em.placeholder_{role}", lang)


def _update_meta(meta: CaseMeta, update: dict[str, Any], path: tuple[str | int, ...],
                 text: str) -> None:
    """Put a scrubbed text at a nested ``path`` of the case header (partners, submissions)
    into ``update``."""
    if path[0] == "submissions":
        target, regime, key = (str(p) for p in path[1:])
        subs = {t: {r: dict(f) for r, f in rs.items()}
                for t, rs in (update.get("submissions") or meta.submissions).items()}
        subs[target][regime][key] = text
        update["submissions"] = subs
        return
    org = update.get("organisation") or meta.organisation
    partners = list(org.partners)
    index, name = int(path[2]), str(path[3])
    partners[index] = partners[index].model_copy(update={name: text})
    update["organisation"] = org.model_copy(update={"partners": partners})


def redacted(case: Case, hits: list[Hit], patterns: list[Pattern], lang: str = "en"
             ) -> Case:
    """A copy of ``case`` in which every field ``hits`` found a protected name in is
    scrubbed (:func:`scrub`) (every record keeps its location, for messages)."""
    from dataclasses import replace

    fields: dict[int, set[tuple[str | int, ...]]] = {}
    owners: dict[int, Record | CaseMeta] = {}
    for hit in hits:
        owners[id(hit.record)] = hit.record
        fields.setdefault(id(hit.record), set()).add(hit.field)
    copies: dict[int, Any] = {}
    matcher = Matcher(patterns)
    for key, paths in fields.items():
        record = owners[key]
        texts = dict(free_text(record))
        update: dict[str, Any] = {}
        for path in sorted(paths, key=str):
            text = scrub(texts[path], matcher, lang)
            if len(path) == 1:
                update[str(path[0])] = text
                continue
            if isinstance(record, CaseMeta):
                _update_meta(record, update, path, text)
                continue
            name, index = str(path[0]), int(path[1])
            items: list[Any] = list(update.get(name) or getattr(record, name))
            item = items[index]
            items[index] = item.model_copy(update={"name": text}) if isinstance(item, Name) \
                else text
            update[name] = items
        copies[key] = record.model_copy(update=update)
    sections: dict[str, Any] = {
        name: [copies.get(id(r), r) for r in case.section(name)]
        for name in ("people", "organisations", "positions", "tenures", "sources",
                     "evidence", "incidents", "attributions")}
    return replace(case, meta=copies.get(id(case.meta), case.meta), **sections)
