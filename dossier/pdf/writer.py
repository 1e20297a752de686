"""Assemble the sections into a target dossier, and the case overview."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from dossier.pdf import sections as s
from dossier.pdf.designations import overview_gaps
from dossier.pdf.document import DocInfo, render
from dossier.pdf.text import t, x
from entities.case.case import Case
from entities.db.evidence_files import Registered
from entities.files import atomic_file
from evidence_maps.analysis import CaseAnalysis, TargetView
from evidence_maps.designations import DesignationReport


def _info(case: Case, title: str, subject: str, audience: str, lang: str) -> DocInfo:
    return DocInfo(title=title, subject=subject, author=case.meta.organisation.name,
                   header=f"{case.meta.title}", marking=t(f"marking_{audience}", lang),
                   page_label=t("page", lang), date=case.meta.date or "2000-01-01")


def target_story(ctx: s.Context, stem: str) -> list[Flowable]:
    """Every section of a target dossier, in order."""
    story: list[Flowable] = []
    story += s.cover(ctx)
    for section in (s.summary, s.identification, s.incidents, s.role, s.evidence_register,
                    s.legal, s.contrary, s.designations, s.reasons):
        story += section(ctx)
    story += [PageBreak(), *s.annex(ctx, stem)]
    return story


def write_target_pdf(path: Path, case: Case, analysis: CaseAnalysis, target: TargetView,
                     audience: str, lang: str, shown: set[str], pictures: Path | None,
                     stem: str, screening: DesignationReport | None = None,
                     files: dict[str, Registered] | None = None,
                     pseudonyms: dict[str, str] | None = None) -> Path:
    """One target's dossier, written atomically."""
    ctx = s.Context(case, analysis, target, audience, lang, shown, pictures, screening,
                    files or {}, pseudonyms or {})
    info = _info(case, f"{t('dossier_title', lang)}: {target.name}", case.meta.title,
                 audience, lang)
    data = render(info, target_story(ctx, stem))
    with atomic_file(path) as fh:
        fh.write(data)
    return path


def write_overview_pdf(path: Path, case: Case, analysis: CaseAnalysis, audience: str,
                       lang: str, notes: list[str], shown: set[str],
                       screening: DesignationReport | None = None) -> Path:
    """The case overview: targets, incidents, what was held back, check summary."""
    info = _info(case, f"{t('overview_title', lang)}: {case.meta.title}", case.meta.title,
                 audience, lang)
    story: list[Flowable] = [s.para(x(t("overview_title", lang)), "subtitle"),
                             s.para(x(case.meta.title), "title")]
    if case.meta.summary:
        story.append(s.para(x(case.meta.summary)))
    story.append(s.para(x(t(f"marking_{audience}", lang)), "marking"))
    story.append(s.heading(t("s_targets", lang)))
    rows = []
    for target in analysis.targets:
        regimes = [f.regime.short + ("" if f.outcome == "yes" else " (~)")
                   for f in target.findings if f.outcome in ("yes", "interpretation")]
        rows.append([x(target.name), x(target.kind), str(len(target.attributions)),
                     x(target.strongest), x(", ".join(regimes) or t("none", lang))])
    story.append(s.table([t("target", lang), t("kind", lang), t("incidents_count", lang),
                          t("strongest", lang), t("regimes_met", lang)], rows,
                         [4, 1.5, 1, 1.5, 4]))
    story += overview_gaps(screening, [target.id for target in analysis.targets], lang)
    story.append(s.heading(t("s_incidents", lang)))
    rows = []
    for incident in case.incidents:
        if incident.id not in shown:
            continue  # withheld from this audience
        rows.append([x(incident.id), x(incident.date or "—"), x(incident.title),
                     x(", ".join(incident.violations))])
    story.append(s.table([t("id", lang), t("date", lang), t("name", lang),
                          t("violations", lang)], rows, [2, 1.5, 5, 4]))
    if analysis.held_back:
        story.append(s.heading(t("s_held_back", lang)))
        story += [s.para(x(f"{a}: {r}")) for a, r in analysis.held_back]
    if notes:
        story.append(s.heading(t("s_checks", lang)))
        story += [s.para(x(note), "small") for note in notes]
    data = render(info, story)
    with atomic_file(path) as fh:
        fh.write(data)
    return path
