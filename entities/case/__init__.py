"""The case folder format: what an advocate writes, and how it is read and checked.

``model`` (pydantic records), ``fields`` (value types: partial dates, countries,
languages, ids), ``vocab`` and ``vocabulary.yml`` (controlled terms), ``yamlsrc`` (YAML
with the line of every field), ``loader`` (a folder into a :class:`~entities.case.case.Case`,
every problem located), ``references`` (cross-record checks), ``messages`` (validation
errors in plain words), ``case`` (the loaded case and the single list of record kinds)
and ``levels`` (sensitivity levels, audiences and what each may see).
"""
