"""Evidence maps: who is responsible for what, how strongly, under which regime — and
the one view of a case per audience that every output reads.

``view`` (the :class:`CaseView`), ``analysis`` (graded attributions, targets, the review
gate), ``grading`` (the grading rules), ``corroboration`` (independent sources),
``inference`` (responsibility inferred through posts), ``regimes`` and ``regimes.yml``
(regime criteria), ``checks`` (what weakens a submission), ``designations`` and
``jurisdictions.yml`` (the designation gap from screening), ``listing_entities`` (the
``Risk`` and ``Sanction`` entities of proposals and confirmed designations),
``pseudonyms`` (protected people), ``graph`` (a target's attribution graph), ``dates``
(partial dates as ranges) and ``review`` (drafts waiting for a reviewer).
"""

from evidence_maps.view import CaseView, Post

__all__ = ["CaseView", "Post"]
