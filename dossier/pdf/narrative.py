"""Paragraphs generated from the data: the summary and the draft statement of reasons."""

from __future__ import annotations

from entities.case import vocab
from entities.case.case import Case
from entities.case.model import Incident
from evidence_maps.analysis import TargetView
from evidence_maps.view import CaseView

_TEXT = {
    "en": {
        "attributed": "{name} is attributed {n} incident(s) in this case: {incidents}.",
        "violations": "The violations concerned: {violations}.",
        "grade": "The strongest attribution is graded {grade}; {single} of {n} rest(s) on a "
                 "single independent source{inferred}.",
        "inferred": "; {k} is/are inferred from a post held",
        "group_met": "Designation criteria met: {regimes}.",
        "group_conditional": "Would meet the criteria of {regimes}, subject to conditions "
                             "and further work (see section 6).",
        "group_interpretation": "Arguable only by interpretation under {regimes}.",
        "group_not_met": "Criteria not met under {regimes}.",
        "no_measures": "No measure is recommended until the criteria of a regime are met.",
        "measures": "Recommended measures: {items}.",
        "measure": "{measures} under {regime}",
        "none": "none",
        "reasons_intro": "The case attributes the following conduct to {name}{post}; each "
                         "line says how far the evidence cited supports it:",
        "post": ", {title} ({start} – {end})",
        "reason": "{title} ({date}): {mode}{inferred}; graded {grade} on {sources} "
                  "independent sources (evidence {evidence}).",
        "reason_weak": "{title} ({date}): according to {source}, {name} is implicated "
                       "({mode}{inferred}). This "
                       "rests on one independent source (evidence {evidence}), graded "
                       "{grade}: it is what the source reports, not an established fact.",
        "inferred_mark": ", inferred from the post held",
        "draft_mark": " [DRAFT – NOT REVIEWED]",
    },
    "ru": {
        "attributed": "{name}: в деле приписывается инцидентов — {n}: {incidents}.",
        "violations": "Нарушения: {violations}.",
        "grade": "Наивысшая оценка достоверности — {grade}; на одном независимом источнике "
                 "основано {single} из {n}{inferred}.",
        "inferred": "; выводов из занимаемой должности — {k}",
        "group_met": "Критерии для санкций выполнены: {regimes}.",
        "group_conditional": "Критерии {regimes} были бы выполнены при условиях и после "
                             "дополнительной работы (см. раздел 6).",
        "group_interpretation": "Только при толковании: {regimes}.",
        "group_not_met": "Критерии не выполнены: {regimes}.",
        "no_measures": "Меры не рекомендуются, пока не выполнены критерии какого-либо "
                       "режима.",
        "measures": "Рекомендуемые меры: {items}.",
        "measure": "{measures} ({regime})",
        "none": "нет",
        "reasons_intro": "В деле {name}{post} приписываются следующие действия; для каждого "
                         "указано, насколько его подтверждают приведённые доказательства:",
        "post": ", {title} ({start} – {end})",
        "reason": "{title} ({date}): {mode}{inferred}; оценка {grade}, независимых "
                  "источников: {sources} (доказательства {evidence}).",
        "reason_weak": "{title} ({date}): согласно источнику «{source}», {name} — "
                       "{mode}{inferred}. "
                       "Это основано на одном независимом источнике (доказательства "
                       "{evidence}), оценка {grade}: это сообщение источника, а не "
                       "установленный факт.",
        "inferred_mark": ", вывод из занимаемой должности",
        "draft_mark": " [ЧЕРНОВИК – НЕ ПРОВЕРЕНО]",
    },
}


def summary(case: Case, target: TargetView, lang: str) -> list[str]:
    """Two or three paragraphs summarising the target's case."""
    s = _TEXT[lang]
    incidents: list[str] = []
    violations: list[str] = []
    for att in target.attributions:
        incident = case.index[att.incident]
        assert isinstance(incident, Incident)
        incidents.append(f"{incident.title} ({incident.date or '—'})")
        violations += [vocab.label("violation_types", v, lang) for v in incident.violations]
    n = len(target.attributions)
    single = sum(1 for a in target.attributions if a.grade.single_source)
    k = sum(1 for a in target.attributions if a.inferred)
    first = s["attributed"].format(name=target.name, n=n,
                                   incidents="; ".join(dict.fromkeys(incidents)))
    first += " " + s["violations"].format(violations=", ".join(dict.fromkeys(violations)))
    second = s["grade"].format(grade=target.strongest, single=single, n=n,
                               inferred=s["inferred"].format(k=k) if k else "")
    by: dict[str, list[str]] = {"met": [], "conditional": [], "interpretation": [],
                                "not_met": []}
    measures = []
    for finding in target.findings:
        if finding.outcome in by:
            by[finding.outcome].append(finding.regime.short)
        if finding.measures:
            measures.append(s["measure"].format(measures=", ".join(finding.measures),
                                                regime=finding.regime.short))
    third = " ".join(s[f"group_{outcome}"].format(regimes=", ".join(names))
                     for outcome, names in by.items() if names)
    third += " " + (s["measures"].format(items="; ".join(measures)) if measures
                    else s["no_measures"])
    return [first, second, third.strip()]


def statement_of_reasons(view: CaseView, target: TargetView, lang: str) -> list[str]:
    """A short narrative, one sentence per attribution; the post named is the first one
    the view's audience may see."""
    s = _TEXT[lang]
    case = view.case
    post = ""
    posts = view.posts(target.id)
    if posts:
        tenure = posts[0].tenure
        post = s["post"].format(title=posts[0].title, start=tenure.start or "?",
                                end=tenure.end or "")
    lines = [s["reasons_intro"].format(name=target.name, post=post)]
    for att in target.attributions:
        incident = case.index[att.incident]
        assert isinstance(incident, Incident)
        single = att.grade.independent_sources < 2 or att.grade.level == "weak"
        source = next((getattr(case.index.get(getattr(case.index[e], "source", "")), "title",
                               "") for e in att.evidence), "")
        lines.append(s["reason_weak" if single else "reason"].format(
            title=incident.title, date=incident.date or "—", source=source, name=target.name,
            mode=vocab.label("modes_of_responsibility", att.mode, lang).lower(),
            inferred=s["inferred_mark"] if att.inferred else "", grade=att.grade.level,
            sources=att.grade.independent_sources, evidence=", ".join(att.evidence))
            + (s["draft_mark"] if att.status != "reviewed" else ""))
    return lines
