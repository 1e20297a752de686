"""FollowTheMoney: ``ids`` (the one rule for entity ids), ``compile`` (a case into stock
FtM entities with per-value provenance), ``lines`` (an entity as a byte-stable JSON line)
and ``reader`` (reading FtM JSON-lines files)."""
