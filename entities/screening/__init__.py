"""Screening targets against sanctions lists: ``listfile`` (reading a list), ``keys``,
``build``, ``index`` and ``cache`` (a per-list index built once and cached by the file's
SHA-256), ``match`` and ``explain`` (nomenklatura's logic-v2 and its features in words),
``yente`` (a client of a yente server) and ``model`` (what a match is). Stored results
live in :mod:`entities.db.screening`."""
