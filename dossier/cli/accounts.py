"""``dossier accounts``: the team's accounts and their roles in a case
(:mod:`entities.db.accounts`), for ``dossier serve --team``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dossier.cli.group import CASE_DIR, cli, user_option

if TYPE_CHECKING:
    from entities.db.accounts import AccountStore


def _store(directory: Path) -> tuple[AccountStore, str]:
    from entities.db.accounts import AccountStore
    from entities.db.changes import open_case
    from entities.db.database import CaseDatabase

    case_id = open_case(directory).meta.id
    return AccountStore(CaseDatabase.for_case(directory)), case_id


def _password(from_stdin: bool) -> str:
    if from_stdin:
        import sys

        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@cli.group()
def accounts() -> None:
    """The team's accounts and their roles in a case (for dossier serve --team).

    Roles: viewer (reads the outputs made for its audience), editor (records, uploads,
    imports, builds), reviewer (reviews attributions, identities, screening matches;
    builds), admin (everything, accounts and the government audience). Every change is
    in the audit log; passwords are stored only as argon2 hashes.

    \b
    Examples:
      dossier accounts add my-case aigerim --role reviewer
      dossier accounts add my-case staff1 --role viewer --audience public
      dossier accounts list my-case
    """


@accounts.command("add")
@click.argument("directory", type=CASE_DIR)
@click.argument("username")
@click.option("--role", required=True,
              type=click.Choice(["viewer", "editor", "reviewer", "admin"]))
@click.option("--audience", type=click.Choice(["public", "parliament", "government"]),
              help="The highest audience the account may see (default: the role's "
                   "highest — parliament, or government for an admin).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (else it is "
                   "asked for twice).")
@user_option("--by", "Who creates the account (the audit log's actor).")
def accounts_add(directory: Path, username: str, role: str, audience: str | None,
                 password_stdin: bool, user: str) -> None:
    """Create an account with a role in the case (a new name), or give an existing
    account a role here (then no password is asked)."""
    store, case_id = _store(directory)
    with store.db:
        if any(a.username == username for a in store.accounts()):
            grant = store.grant(case_id, username, role, audience, user)
        else:
            grant = store.add_with_role(case_id, username, _password(password_stdin), role,
                                        audience, user)
    click.echo(f"{grant.user}: {grant.role} in {case_id}, up to the {grant.audience} "
               "audience")


@accounts.command("password")
@click.argument("directory", type=CASE_DIR)
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@user_option("--by", "Who changes it (the audit log's actor).")
def accounts_password(directory: Path, username: str, password_stdin: bool, user: str
                      ) -> None:
    """Set a new password for an account (this also lifts a lock-out)."""
    store, _ = _store(directory)
    with store.db:
        store.set_password(username, _password(password_stdin), user)
    click.echo(f"{username}: password changed")


@accounts.command("revoke")
@click.argument("directory", type=CASE_DIR)
@click.argument("username")
@user_option("--by", "Who revokes it (the audit log's actor).")
def accounts_revoke(directory: Path, username: str, user: str) -> None:
    """Take an account's role in the case away (the account stays)."""
    store, case_id = _store(directory)
    with store.db:
        store.revoke(case_id, username, user)
    click.echo(f"{username}: no role in {case_id} any more")


@accounts.command("remove")
@click.argument("directory", type=CASE_DIR)
@click.argument("username")
@user_option("--by", "Who removes it (the audit log's actor).")
def accounts_remove(directory: Path, username: str, user: str) -> None:
    """Delete an account and every role it has."""
    store, _ = _store(directory)
    with store.db:
        store.remove(username, user)
    click.echo(f"{username}: removed")


@accounts.command("list")
@click.argument("directory", type=CASE_DIR)
def accounts_list(directory: Path) -> None:
    """Every account, its role and audience in this case, and any lock-out."""
    store, case_id = _store(directory)
    with store.db:
        found = store.accounts()
    if not found:
        click.echo("no accounts yet: dossier accounts add CASE NAME --role admin")
    for account in found:
        grant = account.grants.get(case_id)
        role = f"{grant.role}, up to {grant.audience}" if grant else "no role in this case"
        locked = f" (locked until {account.locked_until})" if account.locked_until else ""
        click.echo(f"{account.username}: {role}{locked}")
