"""A submission pack: one target's submission under one regime, addressed the way the
regime's guidance asks (:mod:`evidence_maps.submissions`), reusing the general dossier's
sections for the identification, the conduct, the evidence, the contrary information,
the designations and the annex.

Order: cover sheet, cover letter, legal basis, standard of proof, submitting
organisation, identification, incidents, role and responsibility, the regime's own
considerations (the analyst's arguments, or a plain note where one is missing; victims'
status, where the conduct took place, what can be disclosed), contrary information,
existing designations, statement of reasons, evidence register, annex, and the guidance
followed.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from dossier.pdf import sections as s
from dossier.pdf.blocks import Context, heading, para, table
from dossier.pdf.document import render as render_pdf
from dossier.pdf.document import table_of_contents
from dossier.pdf.text import x
from dossier.pdf.writer import doc_info
from entities.case import vocab
from entities.files import atomic_file
from entities.i18n import render, text
from entities.i18n.words import human_date, join
from evidence_maps.submissions import Pack
from evidence_maps.view import CaseView
from exports.pictures import Pictures


def _provisions(pack: Pack) -> list[str]:
    """The provisions of the grounds that carry the pack's outcome."""
    out: list[str] = []
    for ground in pack.finding.grounds:
        if ground.outcome == pack.finding.outcome:
            out += [p for p in ground.provisions if p not in out]
    return out


def cover(ctx: Context, pack: Pack) -> list[Flowable]:
    org = ctx.case.meta.organisation
    regime = pack.finding.regime
    return [
        Spacer(1, 24 * mm),
        para(x(ctx.t("pack_title", regime=regime.say("name", ctx.lang))), "subtitle"),
        para(x(ctx.target.name), "title"),
        para(f"<b>{x(ctx.t('pack_to'))}:</b> {x(_sub(ctx, pack, 'address'))}"),
        para(f"<b>{x(ctx.t('pack_from'))}:</b> {x(org.name)}"),
        para(f"<b>{x(ctx.t('date'))}:</b> {x(human_date(ctx.case.meta.date, ctx.lang))}"),
        para(f"<b>{x(ctx.t('pack_outcome'))}:</b> "
             f"{x(ctx.t('outcome_' + pack.finding.outcome))}"),
        para(f"<b>{x(ctx.t('case'))}:</b> {x(ctx.case.meta.title)}"),
        para(x(ctx.t(f"marking_{ctx.audience}")), "marking"),
        PageBreak(),
        para(x(ctx.t("contents")), "subtitle"),
        table_of_contents(),
        PageBreak(),
    ]


def letter(ctx: Context, pack: Pack) -> list[Flowable]:
    org = ctx.case.meta.organisation
    name, lang = ctx.target.name, ctx.lang
    provisions = join(_provisions(pack), lang)
    out: list[Flowable] = [ctx.section("s_letter"),
                           para(x(ctx.t("letter_to", address=_sub(ctx, pack, "address")))),
                           para(x(ctx.t("letter_request", org=org.name,
                                         request=_sub(ctx, pack, "request"), name=name)))]
    if pack.finding.outcome == "met":
        out.append(para(x(ctx.t("letter_met", name=name, provisions=provisions,
                                 measures=join([render(m, lang) for m in
                                                pack.finding.measure_msgs()], lang)))))
    elif pack.finding.outcome == "interpretation":
        reasons = [render(g.why, lang) for g in pack.finding.grounds
                   if g.outcome == "interpretation"]
        out.append(para(x(ctx.t("letter_interpretation", name=name, provisions=provisions,
                                reasons="; ".join(dict.fromkeys(reasons))))))
    else:
        missing = "; ".join(dict.fromkeys(render(m, lang) for m in pack.finding.needs))
        out.append(para(x(ctx.t("letter_conditional", name=name, provisions=provisions,
                                 missing=missing))))
    out.append(para(x(ctx.t("letter_body", name=name))))
    contact = org.contact
    details = ", ".join(v for v in (contact.name, contact.email, contact.phone) if v)
    out.append(para(x(ctx.t("letter_contact", contact=details) if details
                       else ctx.t("letter_no_contact"))))
    out.append(para(f"<b>{x(org.name)}</b>"))
    return out


def basis(ctx: Context, pack: Pack) -> list[Flowable]:
    regime = pack.finding.regime
    provisions = set(_provisions(pack))
    out: list[Flowable] = [ctx.section("s_basis"),
                           table(["", ""], [[x(ctx.t("instrument")), x(regime.instrument)],
                                            [x(ctx.t("decision_maker")),
                                             x(regime.say("decision_maker", ctx.lang))]],
                                 [1, 3]),
                           heading(ctx.t("criteria_relied"), 2)]
    rows = [[x(c.provision), x(regime.say(f"criterion.{key}", ctx.lang)),
             x(ctx.t("answer_yes" if c.verified else "answer_no"))]
            for key, c in regime.criteria.items() if c.provision in provisions]
    out.append(table([ctx.t("provision"), ctx.t("criterion"), ctx.t("text_read")], rows,
                     [2.2, 8, 1.6]))
    if not regime.verified:
        out.append(para(x(ctx.t("unverified")), "small"))
    return out


def standard(ctx: Context, pack: Pack) -> list[Flowable]:
    std = pack.finding.regime.standard
    key = "standard_verified" if std.verified else "standard_unread"
    return [ctx.section("s_standard"),
            para(x(ctx.t(key, provision=std.provision,
                         words=pack.finding.regime.say("standard", ctx.lang))))]


def submitter(ctx: Context) -> list[Flowable]:
    org = ctx.case.meta.organisation
    out: list[Flowable] = [ctx.section("s_submitter"), para(f"<b>{x(org.name)}</b>")]
    out.append(para(x(org.description) if org.description else x(ctx.t("no_description"))))
    if org.website:
        out.append(para(f"{x(ctx.t('website'))}: {x(org.website)}"))
    out.append(heading(ctx.t("partners"), 2))
    if not org.partners:
        out.append(para(x(ctx.t("no_partners"))))
    for partner in org.partners:
        bits = [partner.description or "", partner.website or ""]
        text = "; ".join(b for b in bits if b)
        out.append(para(f"<b>{x(partner.name)}</b>" + (f": {x(text)}" if text else "")))
    return out


def argument(ctx: Context, pack: Pack) -> list[Flowable]:
    """The regime's own considerations: every field it asks for (the analyst's text, or
    a plain note that it is missing), then what the case itself can say."""
    out: list[Flowable] = [ctx.section("s_argument")]
    for key in pack.rule.fields:
        out.append(heading(_sub(ctx, pack, f"field.{key}.title"), 2))
        if key in pack.arguments:
            out += [para(x(p)) for p in pack.arguments[key].split("\n\n")]
        else:
            out.append(para(x(ctx.t("field_missing",
                                    guidance=_sub(ctx, pack, f"field.{key}.guidance"),
                                     target=ctx.target.id, regime=pack.regime, field=key)),
                            "gap"))
    if pack.rule.victims:
        out.append(heading(ctx.t("victims_status"), 2))
        for incident_id, statuses in pack.victims.items():
            title = ctx.title(incident_id)
            if statuses:
                labels = [vocab.label("person_statuses", v, ctx.lang) for v in statuses]
                out.append(para(x(ctx.t("victims_line", incident=title,
                                         statuses=join(labels, ctx.lang)))))
            else:
                out.append(para(x(ctx.t("victims_none", incident=title))))
    if pack.rule.outside is not None:
        out.append(heading(ctx.t("outside_title"), 2))
        country = pack.rule.outside.upper()
        state = pack.conduct_outside
        codes = sorted({c.upper() for c in pack.countries.values() if c})
        text = ctx.t("outside_unknown") if state is None else \
            ctx.t("outside_yes", countries=join(codes, ctx.lang), country=country) if state \
            else ctx.t("outside_no", country=country)
        out.append(para(x(text)))
    if pack.rule.disclosure:
        out += [heading(ctx.t("disclosure_title"), 2), para(x(ctx.t("disclosure_intro")))]
        rows = [[x(d.evidence), x(ctx.title(d.source)),
                 x(vocab.label("sensitivities", d.level, ctx.lang)),
                 x(ctx.t("answer_yes" if d.disclosable else "answer_no"))]
                for d in pack.disclosure]
        out.append(table([ctx.t("evidence"), ctx.t("source"), ctx.t("sensitivity"),
                          ctx.t("disclosable")], rows, [2.6, 6, 2, 1.6]))
    if pack.rule.notes:
        out.append(heading(ctx.t("procedure_notes"), 2))
        out += [para(x(_sub(ctx, pack, f"note.{i}"))) for i in range(len(pack.rule.notes))]
    return out


def guidance(ctx: Context, pack: Pack) -> list[Flowable]:
    g = pack.rule.guidance
    out: list[Flowable] = [ctx.section("s_guidance"), para(f"<b>{x(g.title)}</b>")]
    if g.url:
        out.append(para(x(g.url), "small"))
    key = "guidance_read" if g.read else "guidance_not_read"
    out.append(para(x(ctx.t(key, what=_sub(ctx, pack, "guidance")))))
    return out


def _sub(ctx: Context, pack: Pack, field: str) -> str:
    """A text of the pack's submission rule in the dossier's language."""
    return text(f"submission.{pack.regime}.{field}", ctx.lang)


def pack_story(ctx: Context, pack: Pack) -> list[Flowable]:
    story = [*cover(ctx, pack), *letter(ctx, pack), *basis(ctx, pack),
             *standard(ctx, pack), *submitter(ctx), *s.identification(ctx),
             *s.incidents(ctx), *s.role(ctx), *argument(ctx, pack), *s.contrary(ctx),
             *s.designations(ctx), *s.reasons(ctx), *s.evidence_register(ctx),
             PageBreak(), *s.annex(ctx), *guidance(ctx, pack)]
    return story


def write_pack_pdf(path: Path, view: CaseView, pack: Pack, lang: str,
                   pictures: Pictures | None = None) -> Path:
    """The pack as a PDF at ``path``, written atomically."""
    ctx = Context(view, pack.target, lang, pictures)
    title = f"{ctx.t('pack_title', regime=pack.finding.regime.short)}: {pack.target.name}"
    info = doc_info(view.case, title, view.case.meta.title, view.audience, lang,
                 any(a.status != "reviewed" for a in pack.target.attributions))
    data = render_pdf(info, pack_story(ctx, pack))
    with atomic_file(path) as fh:
        fh.write(data)
    return path
