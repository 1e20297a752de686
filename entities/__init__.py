"""Case records, their validation, and their FollowTheMoney form (the base layer)."""

from entities.case import Case
from entities.compile import case_dataset, compile_case
from entities.exc import (
    CaseNotFound,
    DossierError,
    InvalidCase,
    InvalidInput,
    OutputError,
    Problem,
    StoreError,
)
from entities.loader import load_case
from entities.store import CaseStore

__all__ = [
    "Case",
    "CaseNotFound",
    "CaseStore",
    "DossierError",
    "InvalidCase",
    "InvalidInput",
    "OutputError",
    "Problem",
    "StoreError",
    "case_dataset",
    "compile_case",
    "load_case",
]
