"""``dossier serve``: a local web app over the library, for advocates who do not write YAML.

It adds no second implementation of anything: pages call the same functions as the
commands (``evidence_maps.review.drafts``, ``entities.intake.edit.set_review``,
``CaseView.checks``, ``dossier.build.build_case`` …), and the case folder stays the source
of truth. Modules: :mod:`security` (access token, session cookie, CSRF, Host check, CSP),
:mod:`app` (the routes), :mod:`jobs` (builds in the background, with progress),
:mod:`outputs` (downloads by opaque key, never by path), :mod:`text` (the interface's
messages, English and Russian, from the project's catalogue).
"""
