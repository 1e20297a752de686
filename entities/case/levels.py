"""Sensitivity levels and which audience may see which level."""

from __future__ import annotations

LEVELS = {"public": 0, "restricted": 1, "confidential": 2}

#: Audiences of outputs and the highest sensitivity each may see.
AUDIENCES = {"public": "public", "parliament": "restricted", "government": "confidential"}


def visible(sensitivity: str, audience: str | None) -> bool:
    """Whether material of ``sensitivity`` may go to ``audience`` (``None`` = internal, all)."""
    if audience is None:
        return True
    return LEVELS[sensitivity] <= LEVELS[AUDIENCES[audience]]
