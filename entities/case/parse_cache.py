"""The case's data files as read, kept between commands: each file's records (validated,
with the line of every field) and its problems, under the SHA-256 of the file's bytes,
so that a command parses again only the files that changed since the last one.

The cache lives in the case's state folder (``.dossier/parsed/``), since it holds the
case's data, and holds only the files of the case's last reading. It is kept only in a
case that already has a state folder (made by the first build, or any command that
stores): reading a case that was never built (``dossier validate`` on a fresh folder)
leaves nothing behind. Each entry is signed
(HMAC-SHA-256) with a key of this machine's user, kept in the program's cache folder
outside the case: an entry that is not signed with it — planted by someone who can write
the case folder but is not this user, or copied from another machine — is never
unpickled, only read again from its YAML. An entry made by other code (another version
of the program, of pydantic or of Python) has another name and is not found.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pydantic

from entities.files import atomic_file
from entities.settings import STATE_DIR, cache_dir

FOLDER = "parsed"
_KEY_FILE = "parse-cache.key"
_SIGNATURE = 32


@cache
def _code() -> bytes:
    """What an entry depends on besides the file: the reading and validating code and
    its data, pydantic's and Python's versions."""
    digest = hashlib.sha256(f"{pydantic.VERSION} {sys.version}".encode())
    root = Path(str(resources.files("entities.case")))
    for path in sorted(root.iterdir()):
        if path.suffix in (".py", ".yml") and path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _key() -> bytes | None:
    """This user's signing key (made on first use, readable by the user alone);
    ``None`` when it cannot be read or made (the cache is then not used)."""
    path = cache_dir() / _KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key
    except OSError:
        return None


class ParseCache:
    """The parsed files of the case at ``root``; :meth:`get` and :meth:`put` by the
    file's name and bytes, :meth:`prune` to keep only the entries used since made."""

    def __init__(self, root: Path):
        self.state = root / STATE_DIR
        self.folder = self.state / FOLDER
        self.key = _key()
        self.used: set[str] = set()

    def _name(self, file: str, data: bytes) -> str:
        digest = hashlib.sha256(_code())
        digest.update(file.encode() + b"\0" + hashlib.sha256(data).digest())
        return digest.hexdigest()

    def get(self, file: str, data: bytes) -> Any:
        """What :meth:`put` kept for ``file`` with these bytes, else ``None``."""
        if self.key is None:
            return None
        name = self._name(file, data)
        self.used.add(name)
        try:
            blob = (self.folder / name).read_bytes()
        except OSError:
            return None
        signature, payload = blob[:_SIGNATURE], blob[_SIGNATURE:]
        expected = hmac.new(self.key, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(signature, expected):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - a damaged entry is read again from the file
            return None

    def put(self, file: str, data: bytes, value: Any) -> None:
        """Keep ``value`` for ``file`` with these bytes (a cache that cannot be written
        is no error: the file is read again next time)."""
        if self.key is None or not self.state.is_dir():
            return
        name = self._name(file, data)
        self.used.add(name)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        signature = hmac.new(self.key, payload, hashlib.sha256).digest()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with atomic_file(self.folder / name) as fh:
                fh.write(signature + payload)
        except Exception:  # noqa: BLE001 - OSError or OutputError: no cache this time
            return

    def prune(self) -> None:
        """Remove the entries of files as they no longer are."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self.used and not path.name.startswith("."):
                path.unlink(missing_ok=True)
