"""Who may do what in a team: the roles, what each may do, and the highest audience each
may see.

A role is granted per case. What it allows is a set of capabilities:

- ``read``: the pages of outputs (overview, the matrix, maps, builds to download), at or
  below the role's audience;
- ``work``: the case team's pages, which show the case's records themselves (records and
  their forms, checks, the review queues, the audit log, settings);
- ``edit``: create, change and delete records, upload files, import, settings;
- ``review``: approve, reject and reopen attributions, judge identities, decide screening
  matches (never an attribution one entered or last changed: four eyes);
- ``build``: start builds and packs, export, at or below the role's audience;
- ``admin``: accounts and roles, retiring evidence files.

Every role reads. The audience is a ceiling on outputs: a grant may lower it (a viewer
for the public outputs only), never raise it above the role's own (only an admin builds
and downloads for the government audience). A viewer sees nothing but outputs made for
its audience; an editor or a reviewer works on the case's records themselves, the
confidential ones included (the case team's roles), and is capped only in what it
builds, exports and downloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["viewer", "editor", "reviewer", "admin"]
Capability = Literal["read", "work", "edit", "review", "build", "admin"]
AUDIENCES = ("public", "parliament", "government")

#: each role's capabilities
CAPABILITIES: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "editor": frozenset({"read", "work", "edit", "build"}),
    "reviewer": frozenset({"read", "work", "review", "build"}),
    "admin": frozenset({"read", "work", "edit", "review", "build", "admin"}),
}
#: the highest audience each role may see
CEILING = {"viewer": "parliament", "editor": "parliament", "reviewer": "parliament",
           "admin": "government"}
ROLES: tuple[str, ...] = tuple(CAPABILITIES)


def level(audience: str) -> int:
    """0 public, 1 parliament, 2 government."""
    return AUDIENCES.index(audience)


@dataclass(frozen=True)
class Grant:
    """What one person may do in one case."""

    user: str
    role: str
    audience: str

    def may(self, capability: str) -> bool:
        return capability in CAPABILITIES[self.role]

    def seen(self) -> tuple[str, ...]:
        """The audiences this grant may see, lowest first."""
        return AUDIENCES[:level(self.audience) + 1]

    def sees(self, audience: str) -> bool:
        """May see the outputs made for ``audience``."""
        return level(audience) <= level(self.audience)


def check_grant(role: str, audience: str | None) -> str:
    """The audience a grant of ``role`` gets (``None``: the role's ceiling).

    Raises:
        ValueError: an unknown role or audience, or one above the role's ceiling (the
            message says which, in words for the person granting it).
    """
    if role not in CAPABILITIES:
        raise ValueError(f"'{role}' is not a role; use one of: {', '.join(ROLES)}")
    chosen = audience or CEILING[role]
    if chosen not in AUDIENCES:
        raise ValueError(f"'{chosen}' is not an audience; use one of: {', '.join(AUDIENCES)}")
    if level(chosen) > level(CEILING[role]):
        raise ValueError(f"a {role} sees at most the {CEILING[role]} audience; only an "
                         "admin sees the government audience")
    return chosen


#: the local app's one user (dossier serve without --team): everything
LOCAL = "admin"
