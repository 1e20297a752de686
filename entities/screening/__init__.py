"""Screening targets against sanctions lists: list indexes (built once per list file and
cached), matching with nomenklatura's logic-v2, a yente client, and stored results."""

from entities.screening.cache import OpenedIndex, cache_root, open_index
from entities.screening.index import ListIndex
from entities.screening.match import (
    DEFAULT_THRESHOLD,
    Designation,
    Match,
    query_entity,
    screen_entity,
)
from entities.screening.results import ScreeningRun, ScreeningStore

__all__ = [
    "DEFAULT_THRESHOLD",
    "Designation",
    "ListIndex",
    "Match",
    "OpenedIndex",
    "ScreeningRun",
    "ScreeningStore",
    "cache_root",
    "open_index",
    "query_entity",
    "screen_entity",
]
