"""The one font of every output that prints text: DejaVu Sans as shipped inside the
matplotlib wheel (a pip dependency), which covers Latin, Russian and Kazakh Cyrillic
(ә ғ қ ң ө ұ ү һ і). Registered with reportlab for the PDFs, and measured here for the
pictures (:mod:`exports.scene`), so that a picture is laid out with the metrics of the
font the PDF embeds."""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "DejaVuSans"
#: the family's name in an SVG, with look-alikes for a viewer that lacks it
SVG_FAMILY = "DejaVu Sans, Verdana, Geneva, sans-serif"
_FILES = {"": "DejaVuSans.ttf", "-Bold": "DejaVuSans-Bold.ttf",
          "-Oblique": "DejaVuSans-Oblique.ttf", "-BoldOblique": "DejaVuSans-BoldOblique.ttf"}


def font_dir() -> Path:
    """The folder of the font files inside the installed matplotlib package (found
    without importing it: only its data is used)."""
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib, which carries the dossiers' font, is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"


@cache
def register_fonts() -> str:
    """Register the family with reportlab (once); return its name."""
    for suffix, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(FAMILY + suffix, str(font_dir() / file)))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, FAMILY + "-Bold")
    addMapping(FAMILY, 0, 1, FAMILY + "-Oblique")
    addMapping(FAMILY, 1, 1, FAMILY + "-BoldOblique")
    return FAMILY


def font_name(bold: bool = False) -> str:
    """The registered name of the regular or bold face."""
    return register_fonts() + ("-Bold" if bold else "")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` prints at ``size`` points, in points."""
    return float(pdfmetrics.stringWidth(text, font_name(bold), size))


def ascent_descent(size: float, bold: bool = False) -> tuple[float, float]:
    """How far the face reaches above and below the baseline at ``size`` points (the
    descent is negative)."""
    ascent, descent = pdfmetrics.getAscentDescent(font_name(bold), size)
    return float(ascent), float(descent)


def wrap_words(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` points, broken between words (a word
    wider than the line is broken inside it); explicit line breaks are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}" if current else word
            if text_width(trial, size, bold) <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            current = ""
            while text_width(word, size, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut], size, bold) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return [line for line in lines if line] or [""]
