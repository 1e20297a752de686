"""Paragraph and table styles of the dossier (styles only)."""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.platypus import TableStyle

from exports.fonts import register_fonts

ACCENT = colors.HexColor("#1f3a5f")
GRID = colors.HexColor("#b8c2cc")
HEADER_BG = colors.HexColor("#e4e9ef")


@cache
def styles() -> StyleSheet1:
    """The style sheet; every style uses the embedded Unicode font."""
    font = register_fonts()
    sheet = StyleSheet1()
    sheet.add(ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, spaceAfter=4))
    sheet.add(ParagraphStyle("small", parent=sheet["body"], fontSize=8, leading=10,
                             spaceAfter=0))
    sheet.add(ParagraphStyle("cell", parent=sheet["small"]))
    sheet.add(ParagraphStyle("cellwrap", parent=sheet["small"], wordWrap="CJK"))
    sheet.add(ParagraphStyle("cellhead", parent=sheet["small"], fontName=font + "-Bold"))
    sheet.add(ParagraphStyle("h1", parent=sheet["body"], fontName=font + "-Bold",
                             fontSize=14, leading=18, spaceBefore=10, spaceAfter=6,
                             textColor=ACCENT, keepWithNext=1))  # never alone at a foot
    sheet.add(ParagraphStyle("h2", parent=sheet["body"], fontName=font + "-Bold",
                             fontSize=11, leading=14, spaceBefore=8, spaceAfter=4,
                             keepWithNext=1))
    sheet.add(ParagraphStyle("title", parent=sheet["body"], fontName=font + "-Bold",
                             fontSize=22, leading=28, spaceAfter=12, textColor=ACCENT))
    sheet.add(ParagraphStyle("subtitle", parent=sheet["body"], fontSize=13, leading=17,
                             spaceAfter=8))
    sheet.add(ParagraphStyle("marking", parent=sheet["body"], fontName=font + "-Bold",
                             fontSize=12, textColor=colors.HexColor("#9b1c1c"),
                             spaceBefore=20))
    # what the analyst still has to write: visible, but not shouting
    sheet.add(ParagraphStyle("gap", parent=sheet["body"], textColor=colors.HexColor("#9b1c1c"),
                             borderColor=colors.HexColor("#9b1c1c"), borderWidth=0.6,
                             borderPadding=4, spaceBefore=4, spaceAfter=8))
    sheet.add(ParagraphStyle("toc1", parent=sheet["body"], leftIndent=10))
    return sheet


def table_style() -> TableStyle:
    """Grid, header background, top alignment; the header row repeats on each page."""
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), register_fonts()),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ])
