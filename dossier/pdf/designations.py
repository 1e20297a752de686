"""Section 8 of a dossier (existing designations and the gap), and the overview's gap table."""

from __future__ import annotations

from reportlab.platypus import Flowable

from dossier.pdf.blocks import Context, heading, para, table
from dossier.pdf.text import t, tn, x
from evidence_maps.designations import DesignationReport, TargetDesignations


def _lists(report: DesignationReport, target: TargetDesignations, lang: str) -> list[str]:
    lines = []
    for run in report.runs:
        if run.list_name not in target.screened_lists:
            continue
        values = {"name": run.list_name, "date": run.screened_at[:10],
                  "threshold": f"{run.threshold:.2f}"}
        if run.mode == "local":
            lines.append(t("list_line", lang, entries=f"{run.entries:,}",
                           sha=run.list_sha256[:16] + "…", **values))
        else:
            lines.append(t("remote_line", lang, **values))
    return lines


#: what a listed entity without a Sanction is, by its FtM topic (most telling first)
_TOPICS = ("sanction.linked", "sanction.counter", "debarment", "role.pep", "role.rca",
           "crime", "poi")


def _not_designated(topics: list[str], lang: str) -> str:
    """Words for a match that is no designation: "listed as linked to a sanctioned
    entity", "politically exposed person" — never a designation."""
    known = [t for t in _TOPICS if t in topics]
    key = known[0].replace(".", "_") if known else "other"
    return t(f"topic_{key}", lang)


def designation_section(ctx: Context) -> list[Flowable]:
    out: list[Flowable] = [ctx.section("s_designations")]
    report = ctx.screening
    if report is None or not report.screened:
        return [*out, para(x(ctx.t("screening_not_run")))]
    target = report.targets.get(ctx.target.id)
    if target is None or not target.screened:
        return [*out, para(x(ctx.t("target_not_screened")))]
    out.append(heading(ctx.t("lists_screened"), 2))
    out += [para(x(line), "small") for line in _lists(report, target, ctx.lang)]
    out.append(heading(ctx.t("gap_table"), 2))
    rows = [[x(j.name(ctx.lang)), x(ctx.t(f"status_{j.status}")),
             x(j.describe(ctx.lang) if j.status == "designated"
               else ", ".join(j.lists) or "—")]
            for j in target.jurisdictions]
    out.append(table([ctx.t("jurisdiction"), ctx.t("status"), ctx.t("details")], rows,
                     [2.5, 2, 7]))
    out.append(para(x(target.gap_sentence(ctx.lang))))
    out.append(heading(ctx.t("matches"), 2))
    if not target.matches:
        out.append(para(x(ctx.t("no_matches"))))
    else:
        rows = []
        for match, confirmed in target.matches:
            designations = "<br/>".join(
                x(f"{d.authority or d.country.upper() or '?'}: {d.program or '—'}"
                  + (f" ({d.listing_date})" if d.listing_date else ""))
                for d in match.sanctions) or x(_not_designated(match.topics, ctx.lang))
            rows.append([f"{x(match.name)}<br/>{x(match.id)} ({x(match.source_list)})",
                         f"{match.score:.2f}", "<br/>".join(x(a) for a in match.agreed) or "—",
                         "<br/>".join(x(c) for c in match.conflicts) or "—", designations,
                         x(ctx.t("confirmed" if confirmed else "unconfirmed"))])
        out.append(table([ctx.t("listed_entry"), ctx.t("score"), ctx.t("agreed"),
                          ctx.t("conflicts"), ctx.t("designations"), ctx.t("review")], rows,
                         [3, 1, 3.5, 2.5, 3, 2], wrap_anywhere=frozenset({0})))
    if target.rejected:
        out.append(para(x(tn("rejected_note", target.rejected, ctx.lang)), "small"))
    out.append(para(x(ctx.t("automated_caveat")), "small"))
    return out


def overview_gaps(report: DesignationReport | None, target_ids: list[str],
                  lang: str) -> list[Flowable]:
    """The overview's table: every target × jurisdiction."""
    out: list[Flowable] = [heading(t("s_gaps", lang))]
    if report is None or not report.screened:
        return [*out, para(x(t("screening_not_run", lang)))]
    codes = report.jurisdictions
    marks = {"designated": "✓", "not_found": "✗", "not_screened": "?"}
    rows = []
    for target_id in target_ids:
        target = report.targets.get(target_id)
        if target is None:
            continue
        cells = {j.code: marks[j.status] + (f" {', '.join(j.programs)}" if j.programs else "")
                 for j in target.jurisdictions}
        rows.append([x(target.name), *[x(cells.get(c, "?")) for c in codes]])
    out.append(table([t("target", lang), *[c.upper() for c in codes]], rows,
                     [4, *[1.5] * len(codes)]))
    legend = (f"✓ {t('status_designated', lang)}; ✗ {t('status_not_found', lang)}; "
              f"? {t('status_not_screened', lang)}")
    out += [para(x(legend), "small"), para(x(t("automated_caveat", lang)), "small")]
    return out
