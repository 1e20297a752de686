"""Assemble the sections into a target dossier, and the case overview, from a case view."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from dossier.pdf import sections as s
from dossier.pdf.blocks import Context, heading, para, table
from dossier.pdf.designations import overview_gaps
from dossier.pdf.document import DocInfo, render
from dossier.pdf.text import t, x
from entities.case import vocab
from entities.case.case import Case
from entities.files import atomic_file
from entities.i18n import text
from evidence_maps.analysis import TargetView
from evidence_maps.regimes import OUTCOME_MARKS
from evidence_maps.view import CaseView
from exports.pictures import Pictures


def doc_info(case: Case, title: str, subject: str, audience: str, lang: str,
          drafts: bool = False) -> DocInfo:
    """Metadata and running marks; with ``drafts`` (the document holds unreviewed
    attributions) the title says DRAFT and every page carries the draft watermark."""
    mark = t("draft_watermark", lang) if drafts else ""
    return DocInfo(title=f"{mark}: {title}" if drafts else title, subject=subject,
                   author=case.meta.organisation.name, header=f"{case.meta.title}",
                   marking=t(f"marking_{audience}", lang), page_label=t("page", lang),
                   date=case.meta.date or "2000-01-01", watermark=mark)


def target_story(ctx: Context) -> list[Flowable]:
    """Every section of a target dossier, in order."""
    story: list[Flowable] = []
    story += s.cover(ctx)
    for section in (s.summary, s.identification, s.incidents, s.role, s.evidence_register,
                    s.legal, s.contrary, s.designations, s.reasons):
        story += section(ctx)
    story += [PageBreak(), *s.annex(ctx)]
    return story


def write_target_pdf(path: Path, view: CaseView, target: TargetView, lang: str,
                     pictures: Pictures | None = None) -> Path:
    """One target's dossier for the view's audience, written atomically, with its
    evidence map and timeline as laid out in ``pictures`` (``None``: without them)."""
    ctx = Context(view, target, lang, pictures)
    case = view.case
    info = doc_info(case, f"{t('dossier_title', lang)}: {target.name}", case.meta.title,
                 view.audience, lang, any(a.status != "reviewed" for a in target.attributions))
    data = render(info, target_story(ctx))
    with atomic_file(path) as fh:
        fh.write(data)
    return path


def write_overview(view: CaseView, path: Path, lang: str = "en") -> int:
    """The case overview for the view's audience, written atomically: targets, the
    designation gaps, incidents, the integrity head and, for the government only, the
    check warnings; returns 1."""
    case, analysis, audience = view.case, view.analysis, view.audience
    info = doc_info(case, f"{t('overview_title', lang)}: {case.meta.title}", case.meta.title,
                 audience, lang, any(a.status != "reviewed" for a in analysis.attributions))
    story: list[Flowable] = [para(x(t("overview_title", lang)), "subtitle"),
                             para(x(case.meta.title), "title")]
    if case.meta.summary:
        story.append(para(x(case.meta.summary)))
    story.append(para(x(t(f"marking_{audience}", lang)), "marking"))
    story.append(heading(t("s_targets", lang)))
    rows = []
    for target in analysis.targets:
        regimes = [f.regime.short + OUTCOME_MARKS[f.outcome] for f in target.findings
                   if f.outcome in OUTCOME_MARKS]
        rows.append([x(target.name), x(text(f"x.kind_{target.kind}", lang)),
                     str(len(target.attributions)),
                     x(text(f"em.grade_{target.strongest}", lang)),
                     x(", ".join(regimes) or t("none", lang))])
    story.append(table([t("target", lang), t("kind", lang), t("incidents_count", lang),
                        t("strongest", lang), t("regimes_met", lang)], rows,
                       [3.6, 1.7, 1.5, 1.6, 4]))
    story += overview_gaps(view.screening, [target.id for target in analysis.targets], lang)
    story.append(heading(t("ov_incidents", lang)))
    rows = []
    for incident in case.incidents:
        if incident.id not in view.shown:
            continue  # withheld from this audience
        rows.append([x(incident.id), x(incident.date or "—"), x(incident.title),
                     x("; ".join(vocab.label("violation_types", v, lang)
                                 for v in incident.violations))])
    story.append(table([t("id", lang), t("date", lang), t("name", lang),
                        t("violations", lang)], rows, [2, 1.5, 5, 4]))
    # the team's checks are internal: only the government version (and dossier check)
    # carries them, never the public or parliamentary overview
    notes = [f.render(lang) for f in view.findings if f.level != "info"] \
        if audience == "government" else []
    if notes:
        story.append(heading(t("s_checks", lang)))
        story += [para(x(note), "small") for note in notes]
    if view.audit_head:
        story.append(heading(t("s_integrity", lang)))
        story.append(para(x(t("audit_head", lang, head=view.audit_head)), "small"))
    data = render(info, story)
    with atomic_file(path) as fh:
        fh.write(data)
    return 1
