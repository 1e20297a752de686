"""The base layer: the case format, the case database, intake, FollowTheMoney compilation,
identity resolution and screening — one sub-package each:

=====================  ===============================================================
``entities.case``      the case folder format: records (pydantic), vocabularies,
                       YAML with line numbers, loading and cross-record checks
``entities.db``        the case database (SQLite or PostgreSQL): statements, audit
                       log, evidence-file register, identity judgements, screening
                       results, migration
``entities.intake``    what comes in: spreadsheets, FtM JSON lines, edits to YAML
``entities.ftm``       FollowTheMoney: the one id rule, compilation, reading FtM files
``entities.resolution``  names and identity resolution (dedupe, xref)
``entities.screening``   screening against sanctions lists (index, matching, yente)
=====================  ===============================================================

Beside them: ``exc`` (the one exception tree), ``settings`` (every environment
variable), ``files`` (atomic writes, digests) and ``progress`` (how long work reports).
This package re-exports only the exception tree, so importing it stays cheap.
"""

from entities.exc import (
    CaseNotFound,
    DossierError,
    InvalidCase,
    InvalidInput,
    OutputError,
    Problem,
    RemoteError,
    StoreError,
)

__all__ = [
    "CaseNotFound",
    "DossierError",
    "InvalidCase",
    "InvalidInput",
    "OutputError",
    "Problem",
    "RemoteError",
    "StoreError",
]
