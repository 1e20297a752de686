"""Every setting the program reads from its environment, in one place.

=========================  ==================================================================
``DOSSIER_DATABASE_URL``   the case database (``postgresql://…`` for teams); default: the
                           case's own SQLite file, ``CASE/.dossier/case.db``
``DOSSIER_CACHE_DIR``      where screening-list indexes are cached; default:
                           ``$XDG_CACHE_HOME/sanctions-dossier`` (``~/.cache/…``)
``DOSSIER_USER``           who is making a change (audit log, reviews, judgements,
                           screening decisions); default: the login name
``DOSSIER_YENTE_API_KEY``  the API key sent to a yente server (``dossier screen --yente``)
``SOURCE_DATE_EPOCH``      the reproducible-builds convention: a build records this time
                           (seconds since 1970, UTC) as the first sighting of new
                           statements instead of the clock's; default: the clock
``DOSSIER_PUBLISH_URL``    where a build's OpenSanctions dataset folder is published (the
                           base of the URLs in its ``index.json``); ``--base-url`` overrides
                           it; default: ``http://localhost:8080/`` (the folder served
                           locally with ``python -m http.server``)
``DOSSIER_SESSION_IDLE``   minutes a team session of ``dossier serve --team`` lasts without
                           use (default 30)
``DOSSIER_SESSION_MAX``    hours a team session lasts at most, however used (default 10)
=========================  ==================================================================

Each is read when it is needed (not at import), so a test or a long-running process sees
the current environment. Nothing else in the packages reads ``os.environ``.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

#: Where a case keeps its database, inside the case folder.
STATE_DIR = ".dossier"
#: The name of the program's folder under the user's cache directory.
CACHE_NAME = "sanctions-dossier"


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def database_url(case_root: Path) -> str:
    """``DOSSIER_DATABASE_URL`` if set (``postgresql://`` and ``postgres://`` use psycopg),
    else the case's own SQLite file."""
    url = _env("DOSSIER_DATABASE_URL")
    if url:
        return driver_url(url)
    return f"sqlite:///{(case_root / STATE_DIR / 'case.db').resolve().as_posix()}"


def driver_url(url: str) -> str:
    """A database URL as SQLAlchemy needs it: PostgreSQL through psycopg 3."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def cache_dir() -> Path:
    """The folder of the program's caches (screening-list indexes)."""
    configured = _env("DOSSIER_CACHE_DIR")
    if configured:
        return Path(configured)
    base = _env("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / CACHE_NAME


def build_time() -> str:
    """``YYYY-MM-DDTHH:MM:SS`` (UTC): ``SOURCE_DATE_EPOCH`` if set, else now."""
    import datetime as dt

    epoch = _env("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else \
        dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def publish_url() -> str | None:
    """``DOSSIER_PUBLISH_URL``, the published address of a build's dataset folder."""
    return _env("DOSSIER_PUBLISH_URL") or None


def current_user() -> str:
    """Who is making a change: ``DOSSIER_USER``, else the login name, else ``unknown``.
    The one rule for every command that records a person (``--by``, ``--user``)."""
    name = _env("DOSSIER_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def yente_api_key() -> str | None:
    """The key for a yente server that requires one (the hosted OpenSanctions API)."""
    return _env("DOSSIER_YENTE_API_KEY") or None


def session_limits() -> tuple[float, float]:
    """Seconds a team session lasts idle, and at most (``DOSSIER_SESSION_IDLE`` minutes,
    ``DOSSIER_SESSION_MAX`` hours)."""
    def number(name: str, default: float) -> float:
        try:
            value = float(_env(name) or default)
        except ValueError:
            return default
        return value if value > 0 else default

    return number("DOSSIER_SESSION_IDLE", 30) * 60, number("DOSSIER_SESSION_MAX", 10) * 3600
