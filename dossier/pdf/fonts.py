"""Embedded Unicode fonts: DejaVu Sans as shipped inside the matplotlib wheel (a pip
dependency), which covers Latin, Russian and Kazakh Cyrillic (ә ғ қ ң ө ұ ү һ і)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "DejaVuSans"
_FILES = {"": "DejaVuSans.ttf", "-Bold": "DejaVuSans-Bold.ttf",
          "-Oblique": "DejaVuSans-Oblique.ttf", "-BoldOblique": "DejaVuSans-BoldOblique.ttf"}


def font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


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
