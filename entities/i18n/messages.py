"""The project's message catalogue: every fixed or generated text any output prints, in
every language it speaks, through gettext catalogues read with Babel.

Each message has a *context* naming it (``pdf.s_summary``, ``vocab.violation_types.torture``,
``regime.eu_ghr.name``, ``reason.not_reached`` …) and an English text with ``{name}``
placeholders. The English texts live with the code that owns them (YAML files of each
package); ``python -m dossier.catalogue`` collects them into ``messages.pot`` here and
merges that template into every language's ``<lang>.po``, where translators work (any
gettext tool reads them). At run time the English text is the template's; another
language's is its ``.po`` entry, compiled in memory with Babel, with the language's
gettext plural rule.

``text("pdf.s_summary", "ru")`` → a string; ``plural("pdf.n_attributed", 3, "ru",
name=…)`` → the form for 3; :class:`Msg` is a message not yet put into a language (the
analysis makes them; each output renders them in its own language).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from importlib import resources

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

#: the languages with a catalogue (English is the template itself)
LANGUAGES = ("en", "ru")


def _read(name: str, locale: str | None = None) -> Catalog:
    data = resources.files("entities.i18n").joinpath(name).read_bytes()
    return read_po(io.BytesIO(data), locale=locale)


@cache
def template() -> dict[str, Message]:
    """Every message of the template, by context."""
    return {str(m.context): m for m in _read("messages.pot") if m.id and m.context}


@cache
def _translations(lang: str) -> Translations | None:
    if lang == "en" or lang not in LANGUAGES:
        return None
    buffer = io.BytesIO()
    write_mo(buffer, _read(f"{lang}.po", lang))
    buffer.seek(0)
    return Translations(buffer)


def _english(context: str) -> Message:
    try:
        return template()[context]
    except KeyError:
        raise KeyError(f"no message {context!r} in the catalogue (run python -m "
                       "dossier.catalogue after adding it)") from None


def _fill(pattern: str, values: Mapping[str, object], lang: str) -> str:
    if not values:
        return pattern
    return pattern.format(**{k: render(v, lang) for k, v in values.items()})


def text(context: str, lang: str, **values: object) -> str:
    """The message ``context`` in ``lang`` (English where it has no translation), with
    ``values`` filled in (a :class:`Msg` value is rendered in ``lang`` too)."""
    message = _english(context)
    english = message.id if isinstance(message.id, str) else message.id[0]
    found = _translations(lang)
    pattern = str(found.pgettext(context, english)) if found is not None else english
    return _fill(pattern, values, lang)


def plural(context: str, n: int, lang: str, **values: object) -> str:
    """The form of the plural message ``context`` for ``n`` in ``lang``, with ``{n}`` and
    ``values`` filled in."""
    message = _english(context)
    if isinstance(message.id, str):
        raise KeyError(f"message {context!r} has no plural forms")
    one, other = message.id[0], message.id[1]
    found = _translations(lang)
    if found is not None:
        pattern = str(found.npgettext(context, one, other, n))
    else:
        pattern = one if Locale.parse("en").plural_form(n) == "one" else other
    return _fill(pattern, {"n": n, **values}, lang)


@dataclass(frozen=True)
class Msg:
    """A message not yet put into a language: a context, its values (which may be
    messages themselves), and, for a plural message, the count."""

    context: str
    values: tuple[tuple[str, object], ...] = ()
    count: int | None = None

    @classmethod
    def of(cls, context: str, **values: object) -> Msg:
        """A message; a ``count`` value makes it plural (the form for that count).
        Equal messages are one object (messages are immutable): an analysis that says
        the same thing of many grounds holds it once."""
        count = values.pop("count", None)
        items = tuple(sorted(values.items())) if values else ()
        key = (context, items, count if isinstance(count, int) else None)
        try:  # equal values of different types (1 and True) are different messages
            return _interned(key, tuple([type(v) for _, v in items]))
        except TypeError:  # a value that cannot be a key (a list): a message of its own
            return cls(*key)

    def __hash__(self) -> int:
        """Worked out once (a message is immutable, and a message holding messages would
        otherwise hash them all again each time it is looked up)."""
        return _hash_of(self)

    def __getstate__(self) -> dict[str, object]:
        return _state(self)

    def strings(self) -> Iterator[str]:
        """Every text value it holds, its messages' too (what the case gave it: ids,
        names, titles — never the catalogue's own words)."""
        for _, value in self.values:
            yield from _strings(value)

    def render(self, lang: str) -> str:
        try:  # the same message is said of many grounds: put into words once
            return _rendered(self, lang)
        except TypeError:  # a value that cannot be a key
            return self._render(lang)

    def _render(self, lang: str) -> str:
        values = dict(self.values)
        if self.count is not None:
            return plural(self.context, self.count, lang, **values)
        return text(self.context, lang, **values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return _described(self)

    def _describe(self) -> str:
        return f"Msg(context={self.context!r}, values={self.values!r}, count={self.count!r})"


def _described(message: Msg | Joined) -> str:
    """``repr`` of a message, made once for equal messages (a build digests the analysis
    of every target through its ``repr``, and the same messages recur throughout)."""
    try:
        return _repr_of(message)
    except TypeError:  # a value that cannot be a key
        return message._describe()


def _hash_of(message: Msg | Joined) -> int:
    """The hash of the (frozen) ``message``'s fields, kept in it the first time (never
    pickled: another process hashes strings differently)."""
    found: int | None = message.__dict__.get("_hash")
    if found is None:
        found = hash(tuple(getattr(message, f.name) for f in fields(message)))
        object.__setattr__(message, "_hash", found)
    return found


def _state(message: Msg | Joined) -> dict[str, object]:
    """What pickling ``message`` keeps: its fields, not its hash."""
    return {k: v for k, v in message.__dict__.items() if k != "_hash"}


@lru_cache(maxsize=1 << 16)
def _repr_of(message: Msg | Joined) -> str:
    return message._describe()


@lru_cache(maxsize=1 << 16)
def _rendered(msg: Msg, lang: str) -> str:
    return msg._render(lang)


@lru_cache(maxsize=1 << 16)
def _joined(joined: Joined, lang: str) -> str:
    return joined._render(lang)


@lru_cache(maxsize=1 << 16)
def _interned(key: tuple[str, tuple[tuple[str, object], ...], int | None],
              kinds: tuple[type, ...]) -> Msg:
    return Msg(*key)


@dataclass(frozen=True)
class Joined:
    """Messages (or plain strings) joined by a separator once rendered."""

    parts: tuple[object, ...]
    separator: str = "; "

    def __hash__(self) -> int:
        """Worked out once, as a :class:`Msg`'s."""
        return _hash_of(self)

    def __getstate__(self) -> dict[str, object]:
        return _state(self)

    def render(self, lang: str) -> str:
        try:  # equal joins (the notes of many grounds) are put into words once
            return _joined(self, lang)
        except TypeError:  # a part that cannot be a key
            return self._render(lang)

    def _render(self, lang: str) -> str:
        return self.separator.join(render(p, lang) for p in self.parts)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return _described(self)

    def _describe(self) -> str:
        return f"Joined(parts={self.parts!r}, separator={self.separator!r})"


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Msg):
        yield from value.strings()
    elif isinstance(value, Joined):
        for part in value.parts:
            yield from _strings(part)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def render(value: object, lang: str) -> str:
    """``value`` in ``lang``: a :class:`Msg` or :class:`Joined` rendered, anything else
    as its string."""
    if isinstance(value, Msg | Joined):
        return value.render(lang)
    return str(value)
