"""The case database: SQLite by default, PostgreSQL for teams.

``database`` owns it: one :class:`~entities.db.database.CaseDatabase` per command — one
engine, one session, the one place that creates tables and turns driver errors into
:class:`~entities.exc.StoreError`. The stores use it: ``statements`` (nomenklatura's
statement table), ``audit`` (the hash-chained audit log), ``evidence_files`` (registered
hashes of evidence files), ``judgements`` (nomenklatura's resolver), ``screening``
(screening runs, matches and decisions); ``migrate`` copies a case to another database.
"""
