"""The team's accounts and their roles per case, in the case database.

Passwords are hashed with argon2 (``argon2-cffi``'s :class:`PasswordHasher`, its
defaults, rehashed when those change); the password itself is never stored or logged.
Signing in says only yes or no — an unknown name, a wrong password and a locked
account look the same to whoever tries, and an unknown name costs the same hashing
time — and after :data:`MAX_FAILURES` failed attempts in a row an account is locked for
:data:`LOCK_MINUTES`. Every change to accounts and grants is an audit entry (who made
it, for whom; never a password or a hash).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from entities.access import Grant, check_grant
from entities.db.audit import AuditLog
from entities.db.database import ACCOUNTS, GRANTS
from entities.exc import DossierError

if TYPE_CHECKING:
    from entities.db.database import CaseDatabase

#: failed sign-ins in a row before an account is locked
MAX_FAILURES = 5
#: how long a lock-out lasts
LOCK_MINUTES = 15
#: the shortest password accepted
MIN_PASSWORD = 12

_HASHER = PasswordHasher()
#: verified against when the name is unknown, so that it takes as long as a known one
_DUMMY = _HASHER.hash("not anybody's password, only to spend the time")


class AccountError(DossierError):
    """An account cannot be created or changed as asked (the message says why)."""


@dataclass(frozen=True)
class Account:
    username: str
    created_at: str
    locked_until: str
    grants: dict[str, Grant]


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _check_name(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 64 or any(c.isspace() or not c.isprintable() for c in name):
        raise AccountError("an account name is 1 to 64 characters, without spaces")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


class AccountStore:
    """Accounts and grants of one :class:`CaseDatabase`."""

    def __init__(self, db: CaseDatabase):
        self.db = db

    def add_with_role(self, case_id: str, username: str, password: str, role: str,
                      audience: str | None, by: str) -> Grant:
        """Create an account and give it a role in a case, both or neither."""
        with self.db.transaction("create the account", write=True):
            self.add(username, password, by)
            return self.grant(case_id, username, role, audience, by)

    def add(self, username: str, password: str, by: str) -> None:
        """Create an account (with no role anywhere yet).

        Raises:
            AccountError: the name is taken or unusable, or the password too short.
        """
        name = _check_name(username)
        _check_password(password)
        with self.db.transaction("create the account", write=True) as conn:
            if conn.execute(select(ACCOUNTS.c.username)
                            .where(ACCOUNTS.c.username == name)).first():
                raise AccountError(f"there is an account '{name}' already")
            conn.execute(ACCOUNTS.insert().values(
                username=name, password_hash=_HASHER.hash(password), failures=0,
                locked_until="", created_at=_stamp(_now())))
            AuditLog(self.db).append("account-add", name, None, {"username": name}, actor=by)

    def set_password(self, username: str, password: str, by: str) -> None:
        """Give an account a new password (and lift any lock-out)."""
        _check_password(password)
        with self.db.transaction("change the password", write=True) as conn:
            done = conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.username == username)
                                .values(password_hash=_HASHER.hash(password), failures=0,
                                        locked_until=""))
            if not done.rowcount:
                raise AccountError(f"there is no account '{username}'")
            AuditLog(self.db).append("account-password", username, None, None, actor=by)

    def change_own(self, username: str, current: str, new: str) -> None:
        """An account holder's own new password, given the current one.

        Raises:
            AccountError: the current password is wrong (counted as a failed sign-in), or
                the new one too short.
        """
        _check_password(new)
        with self.db.transaction("change the password", write=True) as conn:
            row = conn.execute(select(ACCOUNTS).where(
                ACCOUNTS.c.username == username)).first()
            if row is None or not _verify(row.password_hash, current):
                if row is not None:
                    conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.username == username)
                                 .values(failures=row.failures + 1))
                raise AccountError("the current password is not right")
            conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.username == username)
                         .values(password_hash=_HASHER.hash(new), failures=0))
            AuditLog(self.db).append("account-password", username, None, None,
                                     actor=username)

    def grant(self, case_id: str, username: str, role: str, audience: str | None,
              by: str) -> Grant:
        """Give ``username`` a role in a case (replacing the one it had there).

        Raises:
            AccountError: no such account, or a role or audience that is not allowed.
        """
        try:
            chosen = check_grant(role, audience)
        except ValueError as exc:
            raise AccountError(str(exc)) from None
        with self.db.transaction("grant the role", write=True) as conn:
            if not conn.execute(select(ACCOUNTS.c.username)
                                .where(ACCOUNTS.c.username == username)).first():
                raise AccountError(f"there is no account '{username}'")
            before = self._grant(conn, case_id, username)
            conn.execute(delete(GRANTS).where(GRANTS.c.case_id == case_id,
                                              GRANTS.c.username == username))
            conn.execute(GRANTS.insert().values(
                case_id=case_id, username=username, role=role, audience=chosen,
                granted_by=by, granted_at=_stamp(_now())))
            AuditLog(self.db).append(
                "account-grant", username,
                {"case": case_id, "role": before.role, "audience": before.audience}
                if before else None,
                {"case": case_id, "role": role, "audience": chosen}, actor=by)
        return Grant(username, role, chosen)

    def revoke(self, case_id: str, username: str, by: str) -> None:
        """Take ``username``'s role in a case away."""
        with self.db.transaction("revoke the role", write=True) as conn:
            before = self._grant(conn, case_id, username)
            if before is None:
                raise AccountError(f"'{username}' has no role in this case")
            conn.execute(delete(GRANTS).where(GRANTS.c.case_id == case_id,
                                              GRANTS.c.username == username))
            AuditLog(self.db).append("account-revoke", username,
                                     {"case": case_id, "role": before.role}, None, actor=by)

    def remove(self, username: str, by: str) -> None:
        """Delete an account and its grants."""
        with self.db.transaction("remove the account", write=True) as conn:
            conn.execute(delete(GRANTS).where(GRANTS.c.username == username))
            done = conn.execute(delete(ACCOUNTS).where(ACCOUNTS.c.username == username))
            if not done.rowcount:
                raise AccountError(f"there is no account '{username}'")
            AuditLog(self.db).append("account-remove", username, None, None, actor=by)

    def accounts(self) -> list[Account]:
        """Every account with its grants, by name."""
        with self.db.transaction("read the accounts") as conn:
            grants: dict[str, dict[str, Grant]] = {}
            for row in conn.execute(select(GRANTS)):
                grants.setdefault(row.username, {})[row.case_id] = Grant(
                    row.username, row.role, row.audience)
            return [Account(r.username, r.created_at, r.locked_until,
                            grants.get(r.username, {}))
                    for r in conn.execute(select(ACCOUNTS).order_by(ACCOUNTS.c.username))]

    def grant_of(self, case_id: str, username: str) -> Grant | None:
        with self.db.transaction("read the role") as conn:
            return self._grant(conn, case_id, username)

    @staticmethod
    def _grant(conn: Connection, case_id: str, username: str) -> Grant | None:
        row = conn.execute(select(GRANTS).where(
            GRANTS.c.case_id == case_id, GRANTS.c.username == username)).first()
        return Grant(row.username, row.role, row.audience) if row else None

    def sign_in(self, case_id: str, username: str, password: str,
                now: datetime | None = None) -> Grant | None:
        """The grant of whoever signs in with this name and password in this case, or
        ``None`` — for an unknown name, a wrong password, a locked account or one with no
        role in the case alike. A failure counts towards the lock-out; a success resets
        the count."""
        when = now or _now()
        with self.db.transaction("sign in", write=True) as conn:
            row = conn.execute(select(ACCOUNTS).where(
                ACCOUNTS.c.username == username.strip())).first()
            if row is None:
                _verify(_DUMMY, password)  # the same time as for a known name
                return None
            if row.locked_until and row.locked_until > _stamp(when):
                _verify(_DUMMY, password)
                return None
            if not _verify(row.password_hash, password):
                failures = row.failures + 1
                locked = _stamp(when + timedelta(minutes=LOCK_MINUTES)) \
                    if failures >= MAX_FAILURES else ""
                conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.username == row.username)
                             .values(failures=0 if locked else failures,
                                     locked_until=locked))
                if locked:  # whoever tried is not known: not the account's holder
                    AuditLog(self.db).append("account-locked", row.username, None,
                                             {"until": locked}, actor="failed sign-ins")
                return None
            values: dict[str, object] = {"failures": 0, "locked_until": ""}
            if _HASHER.check_needs_rehash(row.password_hash):
                values["password_hash"] = _HASHER.hash(password)
            conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.username == row.username)
                         .values(**values))
            return self._grant(conn, case_id, row.username)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
