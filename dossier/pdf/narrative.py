"""Paragraphs generated from the data: the summary and the draft statement of reasons.

Written as an analyst would write them: plurals and dates through Babel
(:mod:`dossier.pdf.wording`), no record ids (those belong in the registers and annexes),
one paragraph per incident in the statement of reasons (what happened, when, where, who,
in what role, on what evidence), and the wording follows the grade: a single weak source
is reported as what the source says, never asserted.
"""

from __future__ import annotations

from collections.abc import Iterable

from dossier.pdf.wording import count, human_date, join
from entities.case import vocab
from entities.case.case import Case
from entities.case.model import Evidence, Incident, Source
from evidence_maps.analysis import AttributionView, TargetView
from evidence_maps.view import CaseView

_TEXT: dict[str, dict[str, object]] = {
    "en": {
        "attributed": {"one": "The case attributes one incident to {name}: {list}.",
                       "other": "The case attributes {n} incidents to {name}: {list}."},
        "violations": "The violations concerned: {violations}.",
        "grade": "The strongest attribution is graded {grade}.",
        "single": {"one": "One of them rests on a single independent source.",
                   "other": "{n} of them rest on a single independent source."},
        "single_all": {"one": "It rests on a single independent source.",
                       "other": "All of them rest on a single independent source."},
        "inferred": {"one": "One is inferred from a post held.",
                     "other": "{n} are inferred from posts held."},
        "group_met": "Designation criteria met: {regimes}.",
        "group_conditional": "Would meet the criteria of {regimes}, subject to conditions "
                             "and further work (see the legal analysis).",
        "group_interpretation": "Arguable only by interpretation under {regimes}.",
        "group_not_met": "Criteria not met under {regimes}.",
        "no_measures": "No measure is recommended until the criteria of a regime are met.",
        "measures": "Recommended measures: {items}.",
        "measure": "{measures} under {regime}",
        "reasons_intro": "The case attributes the following conduct to {name}{post}; each "
                         "paragraph says how far the evidence cited supports it.",
        "post": ", {title} ({period})",
        "since": "since {start}",
        "when": "On {date}",
        "when_month": "In {date}",
        "undated": "Date not given in the sources",
        "where": " in {place}",
        "happened": "{when}{where}: {title}.",
        "role": "{name} is implicated as: {mode}{inferred}.",
        "inferred_mark": ", inferred from the post held",
        "strong": {"other": "This rests on {n} independent sources ({sources}) and is graded "
                            "{grade}."},
        "weak": "According to {source}, {name} is implicated ({mode}{inferred}). This rests "
                "on one independent source, graded {grade}: it is what the source reports, "
                "not an established fact.",
        "draft_mark": " [DRAFT – NOT REVIEWED]",
        "grades": {"strong": "strong", "moderate": "moderate", "weak": "weak",
                   "insufficient": "insufficient"},
    },
    "ru": {
        "attributed": {"one": "В деле {name} приписывается {n} инцидент: {list}.",
                       "few": "В деле {name} приписываются {n} инцидента: {list}.",
                       "many": "В деле {name} приписываются {n} инцидентов: {list}.",
                       "other": "В деле {name} приписываются {n} инцидента: {list}."},
        "violations": "Нарушения: {violations}.",
        "grade": "Наивысшая оценка достоверности: {grade}.",
        "single": {"one": "{n} из них основан на одном независимом источнике.",
                   "few": "{n} из них основаны на одном независимом источнике.",
                   "many": "{n} из них основаны на одном независимом источнике.",
                   "other": "{n} из них основаны на одном независимом источнике."},
        "single_all": {"one": "Он основан на одном независимом источнике.",
                       "other": "Все они основаны на одном независимом источнике."},
        "inferred": {"one": "{n} сделан как вывод из занимаемой должности.",
                     "other": "{n} сделаны как вывод из занимаемой должности."},
        "group_met": "Критерии для санкций выполнены: {regimes}.",
        "group_conditional": "Критерии {regimes} были бы выполнены при условиях и после "
                             "дополнительной работы (см. правовой анализ).",
        "group_interpretation": "Только при толковании: {regimes}.",
        "group_not_met": "Критерии не выполнены: {regimes}.",
        "no_measures": "Меры не рекомендуются, пока не выполнены критерии какого-либо "
                       "режима.",
        "measures": "Рекомендуемые меры: {items}.",
        "measure": "{measures} ({regime})",
        "reasons_intro": "В деле {name}{post} приписываются следующие действия; в каждом "
                         "абзаце указано, насколько их подтверждают приведённые "
                         "доказательства.",
        "post": ", {title} ({period})",
        "since": "с {start}",
        "when": "{date}",
        "when_month": "{date}",
        "undated": "Дата в источниках не указана",
        "where": ", {place}",
        "happened": "{when}{where}: {title}.",
        "role": "Роль лица {name}: {mode}{inferred}.",
        "inferred_mark": ", вывод из занимаемой должности",
        "strong": {"one": "Это основано на {n} независимом источнике ({sources}); оценка: "
                          "{grade}.",
                   "other": "Это основано на {n} независимых источниках ({sources}); "
                            "оценка: {grade}."},
        "weak": "Согласно источнику «{source}», {name} — {mode}{inferred}. Это основано на "
                "одном независимом источнике, оценка: {grade}; это сообщение источника, а "
                "не установленный факт.",
        "draft_mark": " [ЧЕРНОВИК – НЕ ПРОВЕРЕНО]",
        "grades": {"strong": "высокая", "moderate": "средняя", "weak": "низкая",
                   "insufficient": "недостаточная"},
    },
}


def _s(lang: str, key: str) -> str:
    value = _TEXT[lang][key]
    assert isinstance(value, str)
    return value


def _forms(lang: str, key: str) -> dict[str, str]:
    value = _TEXT[lang][key]
    assert isinstance(value, dict)
    return value


def grade_word(level: str, lang: str) -> str:
    return _forms(lang, "grades")[level]


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
    first = count(n, lang, _forms(lang, "attributed"), name=target.name,
                  list="; ".join(titles)) if titles else ""
    if violations:
        first += " " + _s(lang, "violations").format(
            violations=join(list(dict.fromkeys(violations)), lang))
    second = ""
    if target.attributions:
        total = len(target.attributions)
        single = sum(1 for a in target.attributions if a.grade.single_source)
        inferred = sum(1 for a in target.attributions if a.inferred)
        second = _s(lang, "grade").format(grade=grade_word(target.strongest, lang))
        if single and single == total:
            second += " " + count(total, lang, _forms(lang, "single_all"))
        elif single:
            second += " " + count(single, lang, _forms(lang, "single"))
        if inferred:
            second += " " + count(inferred, lang, _forms(lang, "inferred"))
    by: dict[str, list[str]] = {"met": [], "conditional": [], "interpretation": [],
                                "not_met": []}
    measures = []
    for finding in target.findings:
        if finding.outcome in by:
            by[finding.outcome].append(finding.regime.short)
        if finding.measures:
            measures.append(_s(lang, "measure").format(measures=", ".join(finding.measures),
                                                      regime=finding.regime.short))
    third = " ".join(_s(lang, f"group_{outcome}").format(regimes=", ".join(names))
                     for outcome, names in by.items() if names)
    third += " " + (_s(lang, "measures").format(items="; ".join(measures)) if measures
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
    text = human_date(incident.date, lang)
    if incident.end_date:
        text += f" – {human_date(incident.end_date, lang)}"
    text = _s(lang, key).format(date=text)
    return text[:1].upper() + text[1:]


def _paragraph(case: Case, target: TargetView, att: AttributionView, lang: str) -> str:
    incident = case.index[att.incident]
    assert isinstance(incident, Incident)
    mode = vocab.label("modes_of_responsibility", att.mode, lang).lower()
    inferred = _s(lang, "inferred_mark") if att.inferred else ""
    where = _s(lang, "where").format(place=incident.place) if incident.place else ""
    text = _s(lang, "happened").format(when=_when(incident, lang), where=where,
                                       title=incident.title)
    sources = _sources(case, att.evidence)
    grade = grade_word(att.grade.level, lang)
    if att.grade.independent_sources < 2 or att.grade.level == "weak":
        text += " " + _s(lang, "weak").format(source=sources[0] if sources else "—",
                                              name=target.name, mode=mode,
                                              inferred=inferred, grade=grade)
    else:
        text += " " + _s(lang, "role").format(name=target.name, mode=mode, inferred=inferred)
        text += " " + count(att.grade.independent_sources, lang, _forms(lang, "strong"),
                            sources="; ".join(sources), grade=grade)
    if att.status != "reviewed":
        text += _s(lang, "draft_mark")
    return text


def statement_of_reasons(view: CaseView, target: TargetView, lang: str) -> list[str]:
    """An introduction and one paragraph per attribution (in the order of the incidents);
    the post named is the first one the view's audience may see."""
    post = ""
    posts = view.posts(target.id)
    if posts:
        tenure = posts[0].tenure
        start, end = human_date(tenure.start, lang), human_date(tenure.end, lang)
        period = f"{start} – {end}" if start and end else \
            _s(lang, "since").format(start=start) if start else end
        post = _s(lang, "post").format(title=posts[0].title, period=period) if period else \
            f", {posts[0].title}"
    lines = [_s(lang, "reasons_intro").format(name=target.name, post=post)]
    lines += [_paragraph(view.case, target, att, lang) for att in target.attributions]
    return lines
