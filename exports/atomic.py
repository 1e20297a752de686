"""Atomic output files (re-exported from the base layer)."""

from entities.writes import atomic_file

__all__ = ["atomic_file"]
