"""Stable FollowTheMoney identifiers.

An id is the case prefix plus a SHA-1 of the record's kind and its local id
(the ``id:`` the advocate wrote). Names, birth dates and document numbers never
appear in an id, so ids can be shared even when the record itself is withheld.
"""

from __future__ import annotations

import hashlib


def make_id(prefix: str, *parts: str) -> str:
    """Return ``prefix-<sha1 of parts>``, stable across runs and machines.

    Args:
        prefix: the case's id prefix (``kz2020``).
        parts: the raw key of the record, e.g. ``("person", "zhovtis")``.
    """
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return f"{prefix}-{digest.hexdigest()}"
