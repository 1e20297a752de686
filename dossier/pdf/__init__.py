"""Magnitsky-style dossier PDFs (reportlab platypus): one per target and a case overview."""

from dossier.pdf.writer import write_overview_pdf, write_target_pdf

__all__ = ["write_overview_pdf", "write_target_pdf"]
