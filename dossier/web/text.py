"""The app's words in the reader's language, from the project's catalogue (``web.<key>``
messages, ``dossier/web/messages.yml``; Russian in ``entities/i18n/ru.po``)."""

from __future__ import annotations

from dataclasses import dataclass

from entities.i18n import LANGUAGES
from entities.i18n.messages import plural, text


@dataclass(frozen=True)
class Words:
    """``words("nav_review")``, ``words.n("checks_summary", 3)`` in one language."""

    lang: str

    def __call__(self, key: str, **values: object) -> str:
        return text(f"web.{key}", self.lang, **values)

    def n(self, key: str, count: int, **values: object) -> str:
        return plural(f"web.{key}", count, self.lang, **values)


def language(wanted: str | None) -> str:
    """A language the catalogue has (English otherwise)."""
    return wanted if wanted in LANGUAGES else "en"
