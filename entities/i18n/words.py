"""Words from the locale data (CLDR, through Babel), for every output: dates as a reader
writes them, counts with the right plural, lists, and the names of countries and
languages — rather than "(s)", "is/are" or codes.

``human_date("2021-07-13", "en")`` → ``13 July 2021``; ``"ru"`` → ``13 июля 2021 г.``;
a month alone → ``July 2021``; a year alone stays ``2021``. ``count(2, "ru", FORMS)`` picks
the CLDR plural category (``one``, ``few``, ``many``, ``other``) of the language.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.lists import format_list

#: our language codes → the Babel locale whose conventions the dossiers follow
LOCALES = {"en": "en_GB", "ru": "ru", "kk": "kk"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, lang)


def human_date(partial: str | None, lang: str, short: bool = False) -> str:
    """A partial date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) as words; ``""`` for none;
    ``short``: abbreviated months (``13 Jul 2021``), for pictures. CLDR's narrow no-break
    space (``2021 г.``) becomes a no-break space, which every embedded font has."""
    if not partial:
        return ""
    parts = [int(p) for p in partial.split("-")]
    if len(parts) == 3:
        text = format_date(dt.date(*parts), "medium" if short else "long",
                           locale=_locale(lang))
    elif len(parts) == 2:
        text = day_words(dt.date(parts[0], parts[1], 1), lang, "yMMM" if short else "yMMMM")
    else:
        text = str(parts[0])
    return text.replace("\u202f", "\u00a0")


def day_words(day: dt.date, lang: str, skeleton: str) -> str:
    """``day`` by a CLDR skeleton (``dMMM`` → ``1 May``, ``yMMM`` → ``May 2021``)."""
    return str(format_skeleton(skeleton, day, locale=_locale(lang)))


def count(n: int, lang: str, forms: dict[str, str], **values: object) -> str:
    """``forms[category]`` for ``n`` in ``lang`` (``other`` when a category is missing),
    with ``{n}`` and ``values`` filled in."""
    category = Locale.parse(_locale(lang)).plural_form(n)
    return forms.get(category, forms["other"]).format(n=n, **values)


def join(items: list[str], lang: str) -> str:
    """``a, b and c`` / ``a, b и c`` (CLDR list patterns)."""
    if not items:
        return ""
    return format_list(items, locale=_locale(lang))


def territory_name(code: str, lang: str) -> str | None:
    """A country or region code as the language names it (``KZ`` → ``Kazakhstan``,
    ``Казахстан``; ``EU`` → ``European Union``); ``None`` when CLDR has no name."""
    found = Locale.parse(_locale(lang)).territories.get(code.upper())
    return str(found) if found else None


def country_name(code: str, lang: str) -> str:
    """:func:`territory_name`, an unknown code staying as written."""
    return territory_name(code, lang) or code.upper()


def language_name(code: str | None, lang: str) -> str:
    """A language code (``rus``, ``kaz``, ``en``) by its name in ``lang``."""
    if not code:
        return ""
    try:
        language = Locale.parse(code).language
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return str(Locale.parse(_locale(lang)).languages.get(language, code))


def period(start: str | None, end: str | None, lang: str, since: str, until: str) -> str:
    """``13 July 2021 – 2022``; ``since`` / ``until`` (texts with ``{date}``) when one end
    is open; ``""`` when neither is known."""
    first, last = human_date(start, lang), human_date(end, lang)
    if first and last:
        return f"{first} – {last}"
    if first:
        return since.format(date=first)
    return until.format(date=last) if last else ""
