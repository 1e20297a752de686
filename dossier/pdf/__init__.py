"""Magnitsky-style dossier PDFs (reportlab platypus): one per target and a case overview.

``writer`` assembles them from ``sections`` (one function per section, built from the
``blocks`` of ``styles``), ``narrative`` (generated paragraphs) and ``designations``
(section 8 and the overview's gap table), on the page template of ``document``, with the
embedded fonts of ``fonts`` and the pictures of ``picture``; fixed text is in
``strings.yml`` (``text``).
"""
