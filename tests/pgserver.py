"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, start it
on 127.0.0.1 with a free port, stop and delete it afterwards.

Uses the server binaries of the Debian packages (``postgresql``; ``.ci/run`` installs
them when missing). As root, the server runs as the ``postgres`` user (PostgreSQL refuses
to run as root). ``unavailable()`` says why no server could be started; in CI
(``CI`` or ``DOSSIER_REQUIRE_POSTGRES`` set) the tests fail instead of skipping.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").is_file():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.folder: Path | None = None
        self.port = 0
        self.error = ""

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    def start(self) -> bool:
        if self.bindir is None:
            self.error = "no PostgreSQL server binaries (install the postgresql package)"
            return False
        self.folder = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
        os.chmod(self.folder, 0o777)
        data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.port = _free_port()
        init = self._run(self.bindir / "initdb", "-D", data, "-A", "trust", "-U", "dossier",
                         "-E", "UTF8", "--no-sync")
        if init.returncode != 0:
            self.error = f"initdb failed: {init.stderr.strip()[:300]}"
            return False
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F"
        start = self._run(self.bindir / "pg_ctl", "-D", data, "-o", options, "-l",
                          self.folder / "log", "-w", "start")
        if start.returncode != 0:
            self.error = f"pg_ctl start failed: {start.stderr.strip()[:300]}"
            return False
        return True

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://dossier@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.folder is None or self.bindir is None:
            return
        self._run(self.bindir / "pg_ctl", "-D", self.folder / "data", "-m", "immediate",
                  "stop")
        time.sleep(0.2)
        shutil.rmtree(self.folder, ignore_errors=True)


def required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("DOSSIER_REQUIRE_POSTGRES"))
