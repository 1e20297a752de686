"""Trusted timestamps (RFC 3161): a timestamping authority's signed word that a hash
existed at a time — for each registered evidence file, and for the audit log's head.

Tokens are asked for and checked with OpenSSL's own ``openssl ts`` (the Debian package
``openssl``): ``-query`` makes the request for a SHA-256, the authority answers over
HTTP (``application/timestamp-query``), ``-verify`` checks a token offline against the
authority's CA certificate. The tokens are kept in the case database, each with an audit
entry; the audit log's head is the subject ``audit-log``.
"""

from __future__ import annotations

import base64
import contextlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from entities.db.audit import AuditLog
from entities.db.database import TIMESTAMPS
from entities.exc import DossierError

if TYPE_CHECKING:
    from entities.case.case import Case
    from entities.db.database import CaseDatabase

#: the subject under which the audit log's head is stamped
AUDIT_HEAD = "audit-log"
#: where the authorities' CA certificates given to ``dossier timestamp --tsa-ca`` are
#: kept (inside the case's state folder), so that ``check`` and ``verify`` can check
#: the tokens offline later without being given them again
CA_DIR = "tsa-ca"


class TimestampError(DossierError):
    """A token could not be asked for or read (the message says why)."""


@dataclass(frozen=True)
class Token:
    subject: str
    sha256: str
    token: bytes
    tsa: str
    stamped_at: str


@dataclass(frozen=True)
class Checked:
    token: Token
    ok: bool
    #: why not, in words (empty when it verifies)
    why: str = ""


def _openssl(*args: str) -> subprocess.CompletedProcess[bytes]:
    found = shutil.which("openssl")
    if found is None:
        raise TimestampError("openssl is not installed (Debian package openssl)")
    return subprocess.run([found, "ts", *args], capture_output=True, check=False)


def request(sha256: str, tsa: str, timeout: float = 30) -> tuple[bytes, str]:
    """A token for ``sha256`` from the authority at ``tsa``, and the time it states.

    Raises:
        TimestampError: the authority cannot be reached, refuses, or answers with
            something that is not a granted token for this hash.
    """
    import httpx

    with tempfile.TemporaryDirectory(prefix="dossier-ts-") as tmp:
        query, reply = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
        made = _openssl("-query", "-digest", sha256, "-sha256", "-cert", "-out", str(query))
        if made.returncode:
            raise TimestampError(f"openssl could not make the request: {made.stderr!r}")
        try:
            answer = httpx.post(tsa, content=query.read_bytes(), timeout=timeout,
                                headers={"Content-Type": "application/timestamp-query"})
        except httpx.HTTPError as exc:
            raise TimestampError(f"the timestamping authority {tsa} cannot be reached: "
                                 f"{exc}") from None
        if answer.status_code != 200:
            raise TimestampError(f"the timestamping authority {tsa} answered "
                                 f"{answer.status_code}")
        reply.write_bytes(answer.content)
        shown = _openssl("-reply", "-in", str(reply), "-text")
        text = shown.stdout.decode("utf-8", "replace")
        if shown.returncode or "Status: Granted" not in text:
            raise TimestampError(f"the timestamping authority {tsa} did not grant a token")
        if _imprint(text) != sha256.lower():
            raise TimestampError(f"the timestamping authority {tsa} stamped another hash")
        when = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                     if line.startswith("Time stamp:")), "")
        return answer.content, _iso(when)


def _imprint(text: str) -> str:
    """The stamped hash, from ``openssl ts -reply -text``'s "Message data" dump."""
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("Message data:"))
    except StopIteration:
        return ""
    hexes = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        hexes.append(line.split(" - ", 1)[1][:48].replace("-", " "))
    return "".join("".join(h.split()) for h in hexes).lower()


def _iso(openssl_time: str) -> str:
    """``Dec  1 22:17:54 2026 GMT`` → ``2026-12-01T22:17:54Z`` (as given when unreadable)."""
    try:
        moment = datetime.strptime(" ".join(openssl_time.replace(" GMT", "").split()[:4]),
                                   "%b %d %H:%M:%S %Y")
    except ValueError:
        return openssl_time
    return moment.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def verify_token(token: Token, ca_file: Path) -> Checked:
    """Whether ``token`` is the authority's (its signature chains to ``ca_file``) and
    stamps ``token.sha256`` — offline."""
    with tempfile.TemporaryDirectory(prefix="dossier-ts-") as tmp:
        reply = Path(tmp) / "r.tsr"
        reply.write_bytes(token.token)
        done = _openssl("-verify", "-digest", token.sha256, "-in", str(reply),
                        "-CAfile", str(ca_file))
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    if done.returncode == 0 and "Verification: OK" in said:
        return Checked(token, True)
    if "imprint mismatch" in said:
        return Checked(token, False, "it stamps another hash")
    return Checked(token, False, "its signature does not verify against the authority's "
                   "certificate")


def keep_ca(root: Path, ca_file: Path) -> Path:
    """Keep a copy of an authority's CA certificate in the case's state folder (named by
    its SHA-256; kept once).

    Raises:
        TimestampError: the file cannot be read.
    """
    import hashlib

    from entities.settings import STATE_DIR

    try:
        data = ca_file.read_bytes()
    except OSError as exc:
        raise TimestampError(f"the certificate {ca_file} cannot be read: {exc.strerror}"
                             ) from None
    folder = root / STATE_DIR / CA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{hashlib.sha256(data).hexdigest()[:24]}.pem"
    if not target.is_file():
        temp = target.with_suffix(".tmp")
        temp.write_bytes(data)
        temp.replace(target)
    return target


def kept_cas(root: Path) -> list[Path]:
    """The CA certificates kept for this case (see :func:`keep_ca`)."""
    from entities.settings import STATE_DIR

    folder = root / STATE_DIR / CA_DIR
    return sorted(folder.glob("*.pem")) if folder.is_dir() else []


def verify_against(token: Token, cas: list[Path]) -> Checked:
    """:func:`verify_token` against each of ``cas``: verified if one of them verifies it."""
    checked = Checked(token, False, "no certificate to check it against")
    for ca in cas:
        checked = verify_token(token, ca)
        if checked.ok:
            return checked
    return checked


#: the results of checking tokens against the kept certificates, for ``check`` and builds
#: (``dossier verify`` always checks again)
CHECKED_FILE = "checked.json"


def verify_remembered(root: Path, tokens: list[Token]) -> list[Checked]:
    """:func:`verify_against` the kept certificates for each token, remembering each
    result in the case's state folder by the SHA-256 of the token and the certificates'
    names (their own hashes): a changed token, or another certificate, is checked
    afresh; builds do not run OpenSSL again for tokens already checked."""
    import hashlib
    import json

    from entities.files import atomic_file
    from entities.settings import STATE_DIR

    cas = kept_cas(root)
    if not cas or not tokens:
        return []
    path = root / STATE_DIR / CA_DIR / CHECKED_FILE
    try:
        known: dict[str, str] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    names = ",".join(ca.name for ca in cas)
    out, changed = [], False
    for token in tokens:
        key = f"{hashlib.sha256(token.token).hexdigest()}:{token.sha256}:{names}"
        if key in known:
            why = known[key]
            out.append(Checked(token, not why, why))
            continue
        checked = verify_against(token, cas)
        known[key], changed = checked.why, True
        out.append(checked)
    if changed:
        with contextlib.suppress(OSError), atomic_file(path) as fh:
            fh.write(json.dumps(known, sort_keys=True).encode("utf-8"))
    return out


class TimestampStore:
    """The tokens of one case in its :class:`CaseDatabase`."""

    def __init__(self, db: CaseDatabase, case_id: str):
        self.db = db
        self.case_id = case_id

    def tokens(self) -> list[Token]:
        with self.db.transaction("read the timestamps") as conn:
            rows = conn.execute(select(TIMESTAMPS).where(
                TIMESTAMPS.c.case_id == self.case_id)).mappings().all()
        return [Token(r["subject"], r["sha256"], base64.b64decode(r["token"]), r["tsa"],
                      r["stamped_at"]) for r in rows]

    def subjects(self, case: Case) -> dict[str, str]:
        """What a timestamp covers: each registered evidence file's hash, and the audit
        log's head."""
        from entities.db.evidence_files import FileRegistry

        found = {path: entry.sha256
                 for path, entry in FileRegistry(self.db, case).registered().items()}
        head = AuditLog(self.db).head()
        if head:
            found[AUDIT_HEAD] = head
        return found

    def keep_ca(self, root: Path, tsa: str, ca_file: Path) -> Path | None:
        """Keep ``ca_file`` for checking later (:func:`keep_ca`) if it verifies a token of
        ``tsa`` this case holds — a certificate that verifies none is not kept."""
        if any(verify_token(t, ca_file).ok for t in self.tokens() if t.tsa == tsa):
            return keep_ca(root, ca_file)
        return None

    def stamp(self, subjects: dict[str, str], tsa: str, by: str,
              ca_file: Path | None = None) -> list[Token]:
        """Ask ``tsa`` for a token for each subject → SHA-256 not stamped yet; keep each
        with an audit entry. The ones already stamped are left as they are. With
        ``ca_file``, each token is checked against it before it is kept.

        Raises:
            TimestampError: the authority cannot be reached or refuses, or (with
                ``ca_file``) a token does not verify — the tokens kept before stay.
        """
        have = {(t.subject, t.sha256) for t in self.tokens()}
        made = []
        for subject, sha256 in sorted(subjects.items()):
            if (subject, sha256) in have:
                continue
            token, when = request(sha256, tsa)
            found = Token(subject, sha256, token, tsa, when)
            if ca_file is not None and not (checked := verify_token(found, ca_file)).ok:
                raise TimestampError(f"the token of {tsa} for {subject} does not verify "
                                     f"against {ca_file.name}: {checked.why}; nothing kept "
                                     "for it")
            with self.db.transaction("keep the timestamp", write=True) as conn:
                conn.execute(TIMESTAMPS.insert().values(
                    case_id=self.case_id, subject=subject, sha256=sha256,
                    token=base64.b64encode(token).decode("ascii"), tsa=tsa,
                    stamped_at=when))
                AuditLog(self.db).append("timestamp", subject, None,
                                         {"sha256": sha256, "tsa": tsa, "time": when},
                                         actor=by)
            made.append(found)
        return made
