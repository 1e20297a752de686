"""FollowTheMoney: ``ids`` (the one rule for entity ids), ``compile`` (a case into stock
FtM entities with per-value provenance) and ``reader`` (reading FtM JSON-lines files)."""
