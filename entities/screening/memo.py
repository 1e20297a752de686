"""logic-v2's scores remembered between screenings of one case.

Screening the same targets against the same list again (after a build, after editing
one target) need not ask logic-v2 again about the pairs it has already scored — and a
screening that asks it nothing does not pay for importing it (scikit-learn comes with
it: about 1.5 s on a small machine). A score is kept under a digest of everything that
decides it: both entities' schemata and property values (not their ids, which are
fresh for every query) and the versions of nomenklatura, rigour and followthemoney.
A changed target, a changed list entry or an upgraded matcher is a new key; nothing is
ever served for a pair logic-v2 was not asked about in that very form.

The memo is a SQLite file inside the case's own state folder
(``CASE/.dossier/screening-scores.sqlite``): the features keep the values compared,
target names among them, so they stay where the case's data already is — never in the
machine-wide cache. The file is a cache: deleting it loses nothing, and a memo that
cannot be opened or written is left out (screening goes on, slower).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path

from followthemoney import EntityProxy

from entities.screening.model import Feature

#: The memo's file name inside the case's state folder.
MEMO_FILE = "screening-scores.sqlite"

Scorer = Callable[[EntityProxy, EntityProxy], tuple[float, dict[str, Feature]]]


@cache
def matcher_version() -> str:
    """The versions whose change may change a score."""
    return ";".join(f"{name}={version(name)}"
                    for name in ("nomenklatura", "rigour", "followthemoney"))


def pair_key(query: EntityProxy, candidate: EntityProxy) -> str:
    """The digest of what logic-v2 compares when it scores ``query`` against ``candidate``."""
    def side(entity: EntityProxy) -> list[object]:
        return [entity.schema.name,
                sorted((prop, sorted(values)) for prop, values in entity.properties.items())]

    text = json.dumps([matcher_version(), side(query), side(candidate)],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ScoreMemo:
    """Scores by :func:`pair_key`, read from and added to one SQLite file; use it as a
    context manager (what was added is committed on a clean exit)."""

    def __init__(self, path: Path | None) -> None:
        self.asked = 0
        self.remembered = 0
        self._db: sqlite3.Connection | None = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=5)
            self._db.execute("CREATE TABLE IF NOT EXISTS score (key TEXT PRIMARY KEY, "
                             "value REAL NOT NULL, features TEXT NOT NULL)")
        except (OSError, sqlite3.Error):
            self._db = None

    def __enter__(self) -> ScoreMemo:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            if kind is None:
                self._db.commit()
            self._db.close()
        self._db = None

    def score(self, query: EntityProxy, candidate: EntityProxy,
              scorer: Scorer) -> tuple[float, dict[str, Feature]]:
        """The remembered score of the pair, or ``scorer``'s (then remembered)."""
        if self._db is None:
            self.asked += 1
            return scorer(query, candidate)
        key = pair_key(query, candidate)
        try:
            row = self._db.execute("SELECT value, features FROM score WHERE key = ?",
                                   (key,)).fetchone()
        except sqlite3.Error:
            row = None
        if row is not None:
            self.remembered += 1
            features = {name: Feature(*values) for name, values in json.loads(row[1]).items()}
            return float(row[0]), features
        self.asked += 1
        value, features = scorer(query, candidate)
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("INSERT OR REPLACE INTO score VALUES (?, ?, ?)",
                             (key, value, json.dumps({n: list(f) for n, f in features.items()},
                                                     ensure_ascii=False)))
        return value, features
