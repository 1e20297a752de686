"""Fixed text in English or Russian, and small text helpers."""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

import yaml

KAZAKH = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@cache
def _strings() -> dict[str, dict[str, str]]:
    text = resources.files("dossier.pdf").joinpath("strings.yml").read_text("utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data


def t(key: str, lang: str, **values: object) -> str:
    """The fixed text ``key`` in ``lang`` (en or ru)."""
    entry = _strings()[key]
    return entry.get(lang, entry["en"]).format(**values)


def x(text: object) -> str:
    """Text escaped for a reportlab Paragraph."""
    return escape(str(text))


def script_of(name: str) -> str:
    """The writing system of a name: Latin, Cyrillic, Cyrillic (Kazakh), or another."""
    if any(ch in KAZAKH for ch in name):
        return "Cyrillic (Kazakh)"
    scripts = {unicodedata.name(ch, "").split(" ")[0] for ch in name if ch.isalpha()}
    if "CYRILLIC" in scripts:
        return "Cyrillic"
    if scripts <= {"LATIN"}:
        return "Latin"
    return ", ".join(sorted(s.title() for s in scripts))
