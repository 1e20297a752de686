"""Paragraphs generated from the data: the summary and the draft statement of reasons.

Written as an analyst would write them: plurals and dates through Babel
(:mod:`entities.i18n.words`), no record ids (those belong in the registers and annexes),
one paragraph per incident in the statement of reasons (what happened, when, where, who,
in what role, on what evidence), and the wording follows the grade: a single weak source
is reported as what the source says, never asserted.
"""

from __future__ import annotations

from collections.abc import Iterable

from dossier.pdf.text import t, tn
from entities.case import vocab
from entities.case.case import Case
from entities.case.model import Evidence, Incident, Source
from entities.i18n import render, text
from entities.i18n.words import human_date, join
from evidence_maps.analysis import AttributionView, TargetView
from evidence_maps.view import CaseView


def _s(lang: str, key: str, **values: object) -> str:
    return t(f"n_{key}", lang, **values)


def _n(lang: str, key: str, n: int, **values: object) -> str:
    return tn(f"n_{key}", n, lang, **values)


def grade_word(level: str, lang: str) -> str:
    return text(f"em.grade_{level}", lang)


def summary(case: Case, target: TargetView, lang: str) -> list[str]:
    """Three paragraphs: what is attributed, how firmly, and what the regimes make of it."""
    titles: list[str] = []
    violations: list[str] = []
    for att in target.attributions:
        incident = case.index[att.incident]
        assert isinstance(incident, Incident)
        when = human_date(incident.date, lang)
        titles.append(f"{incident.title} ({when})" if when else incident.title)
        violations += [vocab.label("violation_types", v, lang) for v in incident.violations]
    titles = list(dict.fromkeys(titles))
    n = len({a.incident for a in target.attributions})
    first = _n(lang, "attributed", n, name=target.name, list="; ".join(titles)) \
        if titles else ""
    if violations:
        first += " " + _s(lang, "violations",
                          violations=join(list(dict.fromkeys(violations)), lang))
    second = ""
    if target.attributions:
        total = len(target.attributions)
        single = sum(1 for a in target.attributions if a.grade.single_source)
        inferred = sum(1 for a in target.attributions if a.inferred)
        second = _s(lang, "grade", grade=grade_word(target.strongest, lang))
        if single and single == total:
            second += " " + _n(lang, "single_all", total)
        elif single:
            second += " " + _n(lang, "single", single)
        if inferred:
            second += " " + _n(lang, "inferred", inferred)
    by: dict[str, list[str]] = {"met": [], "conditional": [], "interpretation": [],
                                "not_met": []}
    measures = []
    for finding in target.findings:
        if finding.outcome in by:
            by[finding.outcome].append(finding.regime.short)
        if finding.measures:
            words = join([render(m, lang) for m in finding.measure_msgs()], lang)
            measures.append(_s(lang, "measure", measures=words, regime=finding.regime.short))
    third = " ".join(_s(lang, f"group_{outcome}", regimes=", ".join(names))
                     for outcome, names in by.items() if names)
    third += " " + (_s(lang, "measures", items="; ".join(measures)) if measures
                    else _s(lang, "no_measures"))
    return [p for p in (first, second, third.strip()) if p]


def _sources(case: Case, evidence: Iterable[str]) -> list[str]:
    """The titles of the sources behind ``evidence``, in order, once each."""
    out = []
    for evidence_id in evidence:
        item = case.index.get(evidence_id)
        source = case.index.get(item.source) if isinstance(item, Evidence) else None
        if isinstance(source, Source):
            out.append(source.title)
    return list(dict.fromkeys(out))


def _when(incident: Incident, lang: str) -> str:
    if not incident.date:
        return _s(lang, "undated")
    key = "when" if len(incident.date) == 10 else "when_month"
    words = human_date(incident.date, lang)
    if incident.end_date:
        words += f" – {human_date(incident.end_date, lang)}"
    words = _s(lang, key, date=words)
    return words[:1].upper() + words[1:]


def _paragraph(case: Case, target: TargetView, att: AttributionView, lang: str) -> str:
    incident = case.index[att.incident]
    assert isinstance(incident, Incident)
    mode = vocab.label("modes_of_responsibility", att.mode, lang).lower()
    inferred = _s(lang, "inferred_mark") if att.inferred else ""
    where = _s(lang, "where", place=incident.place) if incident.place else ""
    out = _s(lang, "happened", when=_when(incident, lang), where=where, title=incident.title)
    sources = _sources(case, att.evidence)
    grade = grade_word(att.grade.level, lang)
    if att.grade.independent_sources < 2 or att.grade.level == "weak":
        out += " " + _s(lang, "weak", source=sources[0] if sources else "—",
                        name=target.name, mode=mode, inferred=inferred, grade=grade)
    else:
        out += " " + _s(lang, "role", name=target.name, mode=mode, inferred=inferred)
        out += " " + _n(lang, "strong", att.grade.independent_sources,
                        sources="; ".join(sources), grade=grade)
    if att.status != "reviewed":
        out += _s(lang, "draft_mark")
    return out


def statement_of_reasons(view: CaseView, target: TargetView, lang: str) -> list[str]:
    """An introduction and one paragraph per attribution (in the order of the incidents);
    the post named is the first one the view's audience may see."""
    post = ""
    posts = view.posts(target.id)
    if posts:
        tenure = posts[0].tenure
        start, end = human_date(tenure.start, lang), human_date(tenure.end, lang)
        period = f"{start} – {end}" if start and end else \
            _s(lang, "since", start=start) if start else end
        post = _s(lang, "post", title=posts[0].title, period=period) if period else \
            f", {posts[0].title}"
    lines = [_s(lang, "reasons_intro", name=target.name, post=post)]
    lines += [_paragraph(view.case, target, att, lang) for att in target.attributions]
    return lines
