"""The project's message catalogue: every fixed or generated text any output prints, in
every language it speaks (gettext catalogues read with Babel; see :mod:`.messages`)."""

from entities.i18n.messages import LANGUAGES, Joined, Msg, plural, render, template, text

__all__ = ["Joined", "LANGUAGES", "Msg", "plural", "render", "template", "text"]
