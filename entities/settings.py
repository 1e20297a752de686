"""Settings read from ``DOSSIER_*`` environment variables (the only module-level state)."""

from __future__ import annotations

import os
from pathlib import Path

#: Where a case keeps its database and caches, inside the case folder.
STATE_DIR = ".dossier"


def prepare_database(url: str) -> str:
    """Create the folder of a SQLite database file; return the URL unchanged."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return url


def database_url(case_root: Path) -> str:
    """``DOSSIER_DATABASE_URL`` if set, else the case's own SQLite file."""
    url = os.environ.get("DOSSIER_DATABASE_URL", "").strip()
    if url:
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{(case_root / STATE_DIR / 'case.db').resolve().as_posix()}"
