"""Evidence maps: how each claim is supported (corroboration now; grading and regimes next)."""

from evidence_maps.corroboration import Corroboration, corroboration, source_groups

__all__ = ["Corroboration", "corroboration", "source_groups"]
