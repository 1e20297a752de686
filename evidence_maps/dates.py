"""Partial dates as ranges: ``2020`` is 2020-01-01 … 2020-12-31."""

from __future__ import annotations

import calendar
import datetime as dt


def earliest(value: str) -> dt.date:
    """First day a partial date can mean."""
    parts = [int(p) for p in value.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def latest(value: str) -> dt.date:
    """Last day a partial date can mean."""
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


def covers(start: str | None, end: str | None, first: str, last: str | None,
           open_end_until: str | None = None) -> bool:
    """Whether a period [start, end] surely contains every day of [first, last].

    An unknown start never covers; an unknown end covers up to ``open_end_until`` (the
    case's date: "still in post" as far as the case knows), else never.
    """
    if start is None:
        return False
    stop = end or open_end_until
    if stop is None:
        return False
    return earliest(start) <= earliest(first) and latest(last or first) <= latest(stop)
