"""The PDFs' fixed text through the message catalogue (``pdf.<key>`` of
:mod:`entities.i18n`, English in ``strings.yml``), and small text helpers."""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

from entities.i18n import plural, text

KAZAKH = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def t(key: str, lang: str, **values: object) -> str:
    """The fixed text ``key`` in ``lang`` (values may be catalogue messages)."""
    return text(f"pdf.{key}", lang, **values)


def tn(key: str, n: int, lang: str, **values: object) -> str:
    """The plural text ``key`` for ``n`` in ``lang``."""
    return plural(f"pdf.{key}", n, lang, **values)


def x(value: object) -> str:
    """Text escaped for a reportlab Paragraph."""
    return escape(str(value))


def script_of(name: str, lang: str = "en") -> str:
    """The writing system of a name: Latin, Cyrillic, Cyrillic (Kazakh), or another (by
    its Unicode name)."""
    if any(ch in KAZAKH for ch in name):
        return t("script_kazakh", lang)
    scripts = {unicodedata.name(ch, "").split(" ")[0] for ch in name if ch.isalpha()}
    if "CYRILLIC" in scripts:
        return t("script_cyrillic", lang)
    if scripts <= {"LATIN"}:
        return t("script_latin", lang)
    return ", ".join(sorted(s.title() for s in scripts))
