"""Stable FollowTheMoney identifiers: the one id rule.

A record's id is the case prefix plus a SHA-1 of the record's kind and its local id
(the ``id:`` the advocate wrote). Names, birth dates and document numbers never appear
in an id, so ids can be shared even when the record itself is withheld. Identity
resolution may later give several records one canonical id (``NK-…``); that is applied
once, to every entity of an output, by :class:`evidence_maps.view.CaseView`.
"""

from __future__ import annotations

import hashlib


def make_id(prefix: str, *parts: str) -> str:
    """Return ``prefix-<sha1 of parts>``, stable across runs and machines.

    Args:
        prefix: the case's id prefix (``kz2020``).
        parts: the raw key of the entity, e.g. ``("proposal", "zhovtis", "us_glomag")``.
    """
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return f"{prefix}-{digest.hexdigest()}"


def record_id(prefix: str, kind: str, local_id: str) -> str:
    """The FtM id of a case record before identity resolution — of a person, an
    organisation, an incident…: ``kind`` is the record's kind (``person``,
    ``organisation``, ``incident``, …), ``local_id`` its id in the case."""
    return make_id(prefix, kind, local_id)
