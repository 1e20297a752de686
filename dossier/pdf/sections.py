"""One function per dossier section; each takes the target's :class:`Context` and
returns a list of flowables. What the audience may see is the view's business: every
record a section names comes from it (``ctx.view.posts``, ``ctx.view.shown``)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from dossier.pdf import narrative
from dossier.pdf.blocks import Context, heading, para, table
from dossier.pdf.designations import designation_section
from dossier.pdf.document import WIDTH, table_of_contents
from dossier.pdf.drawing import drawing
from dossier.pdf.picture import picture
from dossier.pdf.text import script_of, tn, x
from entities.case import vocab
from entities.case.model import (
    Actor,
    Attribution,
    Collection,
    Evidence,
    Identifier,
    Incident,
    OrganisationRecord,
    Person,
    Position,
    Relation,
    Source,
)
from entities.i18n import render
from entities.i18n.words import country_name, human_date, language_name, period
from evidence_maps.identification import checklist

#: the tallest a picture may print: a page's frame less its heading (a taller evidence
#: map, of a target with very many incidents or sources, prints smaller)
MAX_IMAGE_HEIGHT = 680.0


def cover(ctx: Context) -> list[Flowable]:
    org = ctx.case.meta.organisation
    contact = org.contact
    details = ", ".join(v for v in (contact.name, contact.email, contact.phone) if v)
    return [
        Spacer(1, 30 * mm),
        para(x(ctx.t("dossier_title")), "subtitle"),
        para(x(ctx.target.name), "title"),
        para(f"{x(ctx.t('case'))}: {x(ctx.case.meta.title)}"),
        para(f"{x(ctx.t('date'))}: {x(ctx.case.meta.date or '')}"),
        para(f"{x(ctx.t('submitted_by'))}: {x(org.name)}"),
        para(f"{x(ctx.t('contact'))}: {x(details or '—')}"),
        para(x(ctx.t(f"marking_{ctx.audience}")), "marking"),
        PageBreak(),
        para(x(ctx.t("contents")), "subtitle"),
        table_of_contents(),
        PageBreak(),
    ]


def summary(ctx: Context) -> list[Flowable]:
    out: list[Flowable] = [ctx.section("s_summary")]
    out += [para(x(p)) for p in narrative.summary(ctx.case, ctx.target, ctx.lang)]
    return out


def identification(ctx: Context) -> list[Flowable]:
    """Everything the case knows that a listing carries: every name by script and
    language, and for a person gender, birth, death, nationality, citizenship; for an
    organisation its country, website, parent and subsidiaries; for both the identifiers
    with issuer and dates, addresses, posts with dates, ownership, directorships and
    employment; then the identification checklist."""
    actor = ctx.case.index[ctx.target.id]
    assert isinstance(actor, Actor)
    lang = ctx.lang
    out: list[Flowable] = [ctx.section("s_identification")]
    rows = [[x(n.name), x(script_of(n.name, lang)), x(language_name(n.lang, lang) or "—"),
             x(ctx.t(f"name_type_{n.type}"))] for n in actor.names]
    out.append(table([ctx.t("name"), ctx.t("script"), ctx.t("language"), ctx.t("kind")],
                     rows, [5, 2.5, 2, 2]))
    facts: list[tuple[str, list[str]]] = []
    if isinstance(actor, Person):
        born = [v for v in (human_date(actor.birth_date, lang), actor.birth_place) if v]
        facts += [(ctx.t("gender"), [ctx.t(f"gender_{actor.gender}")] if actor.gender else []),
                  (ctx.t("birth"), [", ".join(born)] if born else []),
                  (ctx.t("died"), [human_date(actor.death_date, lang)]
                   if actor.death_date else []),
                  (ctx.t("nationality"), [country_name(c, lang) for c in actor.nationality]),
                  (ctx.t("citizenship"), [country_name(c, lang) for c in actor.citizenship])]
    if isinstance(actor, OrganisationRecord):
        facts += [(ctx.t("country"), [country_name(actor.country, lang)]
                   if actor.country else []),
                  (ctx.t("website"), [actor.website] if actor.website else [])]
    facts.append((ctx.t("identifiers") if isinstance(actor, Person) else ctx.t("registration"),
                  [_identifier(ctx, i) for i in actor.identifiers]))
    facts.append((ctx.t("addresses"), list(actor.addresses)))
    if isinstance(actor, Person):
        posts = []
        for post in ctx.view.posts(actor.id):
            when = period(post.tenure.start, post.tenure.end, lang, ctx.t("since_date"),
                          ctx.t("until_date"))
            where = f", {post.organisation.names[0].name}" if post.organisation else ""
            posts.append(f"{post.title}{where}" + (f" ({when})" if when else ""))
        facts.append((ctx.t("positions"), posts))
    else:
        parent = ctx.case.index.get(actor.parent or "") if isinstance(
            actor, OrganisationRecord) else None
        facts.append((ctx.t("parent"), [parent.names[0].name] if isinstance(parent, Actor)
                      and parent.id in ctx.view.shown else []))
        facts.append((ctx.t("subsidiaries"),
                      [o.names[0].name for o in ctx.view.subsidiaries(actor.id)]))
        facts.append((ctx.t("officers"), _officers(ctx, actor.id)))
    facts.append((ctx.t("links" if isinstance(actor, Person) else "relations"),
                  [_relation(ctx, r, actor.id) for r in ctx.view.relations(actor.id)]))
    out.append(Spacer(1, 3 * mm))
    out.append(table([ctx.t("field"), ctx.t("details")],
                     [[x(k), "<br/>".join(x(v) for v in values) or "—"]
                      for k, values in facts], [1, 3]))
    photo = getattr(actor, "photo", None)
    if photo and (ctx.case.root / photo).is_file():
        out.append(picture(ctx.case.root / photo, 40 * mm, 10_000, max_scale=10_000))
    out += identification_checklist(ctx)
    return out


def _identifier(ctx: Context, ident: Identifier) -> str:
    bits = [country_name(ident.country, ctx.lang)] if ident.country else []
    if ident.authority:
        bits.append(ctx.t("issued_by", authority=ident.authority))
    if ident.issued:
        bits.append(ctx.t("issued_on", date=human_date(ident.issued, ctx.lang)))
    if ident.expires:
        bits.append(ctx.t("expires_on", date=human_date(ident.expires, ctx.lang)))
    label = vocab.label("identifier_types", ident.type, ctx.lang)
    return f"{label}: {ident.number}" + (f" ({', '.join(bits)})" if bits else "")


def _officers(ctx: Context, org_id: str) -> list[str]:
    """The posts at an organisation and who holds them, as the audience may see them."""
    out = []
    for tenure in ctx.case.tenures_at.get(org_id, []):
        position = ctx.case.index.get(tenure.position)
        holder = ctx.case.index.get(tenure.person)
        if not (isinstance(position, Position) and isinstance(holder, Actor)
                and tenure.id in ctx.view.shown):
            continue
        when = period(tenure.start, tenure.end, ctx.lang, ctx.t("since_date"),
                      ctx.t("until_date"))
        out.append(f"{position.title[0].name}: {holder.names[0].name}"
                   + (f" ({when})" if when else ""))
    return out


def _relation(ctx: Context, relation: Relation, actor_id: str) -> str:
    outward = relation.subject == actor_id
    other = ctx.case.index[relation.organisation if outward else relation.subject]
    name = other.names[0].name if isinstance(other, Actor) else other.id
    text = ctx.t(f"rel_{relation.type}_{'out' if outward else 'in'}", org=name, who=name)
    extra = [v for v in (relation.share, relation.role) if v]
    when = period(relation.start, relation.end, ctx.lang, ctx.t("since_date"),
                  ctx.t("until_date"))
    if when:
        extra.append(when)
    return text + (f" ({', '.join(extra)})" if extra else "")


def identification_checklist(ctx: Context) -> list[Flowable]:
    """Which fields listings carry the case gives for the target, and who lists them."""
    items = checklist(ctx.view, ctx.target.id)

    def carried(value: int | bool | None) -> str:
        if value is None:
            return ctx.t("not_known")
        return ctx.t("reported") if value is True else f"{value}%"

    rows = [[x(ctx.t(f"chk_{item.key}")),
             x(ctx.t("present" if item.present else "absent")),
             *[x(carried(v)) for _, v in item.carried]] for item in items]
    missing = sum(1 for item in items if not item.present)
    return [heading(ctx.t("checklist"), 2), para(x(ctx.t("checklist_intro")), "small"),
            table([ctx.t("field"), ctx.t("in_case"), "OFAC", "UK", "EU"], rows,
                  [5, 2, 1.5, 1.5, 1.5]),
            para(x(tn("checklist_missing", missing, ctx.lang) if missing
                   else ctx.t("checklist_complete")))]


def incidents(ctx: Context) -> list[Flowable]:
    out: list[Flowable] = [ctx.section("s_incidents")]
    for incident_id in dict.fromkeys(a.incident for a in ctx.target.attributions):
        incident = ctx.case.index[incident_id]
        assert isinstance(incident, Incident)
        when = human_date(incident.date, ctx.lang) or ctx.t("undated")
        if incident.end_date:
            when += f" – {human_date(incident.end_date, ctx.lang)}"
        out.append(heading(incident.title, 2))
        country = country_name(incident.country, ctx.lang) if incident.country else ""
        place = ", ".join(v for v in (incident.place, country) if v)
        out.append(para(f"<b>{x(ctx.t('date'))}:</b> {x(when)}; <b>{x(ctx.t('place'))}:</b> "
                        f"{x(place or '—')}; <font size=7>{x(ctx.t('id'))}: "
                        f"{x(incident.id)}</font>"))
        out.append(para(x(incident.description)))
        labels = [vocab.label("violation_types", v, ctx.lang) for v in incident.violations]
        out.append(para(f"<b>{x(ctx.t('violations'))}:</b> {x('; '.join(labels))}"))
        names = []
        for victim in incident.victims:
            record = ctx.case.index[victim]
            assert isinstance(record, Actor)
            if victim in ctx.view.shown:
                names.append(record.names[0].name)
            elif victim in ctx.view.pseudonyms:
                names.append(ctx.pseudonym(victim))
        text = "; ".join(names) or "—"
        out.append(para(f"<b>{x(ctx.t('victims'))}:</b> {x(text)}"))
    return out


def role(ctx: Context) -> list[Flowable]:
    out: list[Flowable] = [ctx.section("s_role")]
    for att in ctx.target.attributions:
        incident = ctx.case.index[att.incident]
        assert isinstance(incident, Incident)
        mode = vocab.label("modes_of_responsibility", att.mode, ctx.lang)
        label = f"{x(incident.title)} — {x(mode)}"
        if att.inferred:
            label = f"<b>[{x(ctx.t('inferred'))}]</b> " + label
        if att.status != "reviewed":
            label = f"<b>[{x(ctx.t('draft_watermark'))}]</b> " + label
        out.append(para(label, "h2"))
        if att.why is not None:
            out.append(para(f"<i>{x(render(att.why, ctx.lang))}</i>"))
        cited = [*att.evidence, *(ctx.withheld(key) for key in att.withheld)]
        out.append(para(f"<b>{x(ctx.t('evidence'))}:</b> {x(', '.join(cited))} "
                        f"({x(att.id)})"))
        reasons = "; ".join(render(m, ctx.lang) for m in att.grade.why)
        out.append(para(f"<b>{x(ctx.t('grade'))}:</b> {x(reasons)}", "small"))
    return out


def cited_evidence(ctx: Context) -> list[Evidence]:
    ids: list[str] = []
    for att in ctx.target.attributions:
        ids += [*att.evidence, *att.contrary]
    items = [ctx.case.index[i] for i in dict.fromkeys(ids)]
    return [i for i in items if isinstance(i, Evidence)]


def evidence_register(ctx: Context) -> list[Flowable]:
    out: list[Flowable] = [ctx.section("s_evidence")]
    rows = []
    for item in cited_evidence(ctx):
        source = ctx.case.index[item.source]
        assert isinstance(source, Source)
        excerpt = x(item.excerpt)
        if item.translation:
            excerpt += f"<br/><i>{x(ctx.t('translation'))}: {x(item.translation)}</i>"
        first = (f"<b>{x(item.id)}</b><br/>{x(vocab.label('evidence_types', item.type, ctx.lang))}"
                 f"<br/>{x(ctx.t('admiralty'))}: {x(source.reliability)}{item.credibility}")
        details = [
            (ctx.t("source"), ", ".join(v for v in (source.title, source.publisher,
                                                   source.published) if v)),
            (ctx.t("locator"), item.locator),
            *([(ctx.t("web"), source.url)] if source.url else []),
            *([(ctx.t("archive"), source.archive_url)] if source.archive_url else []),
            *([] if source.url or source.archive_url else [(ctx.t("web"), "—")]),
            (ctx.t("accessed"), source.accessed or "—"),
            (ctx.t("sha256"), _file_hash(ctx, source)),
            *collection_lines(ctx, item.collection or source.collection),
        ]
        second = "<br/>".join(f"<b>{x(k)}:</b> {x(v)}" for k, v in details)
        rows.append([first, second, excerpt])
    supporting = [w for a in ctx.target.attributions for w in a.withheld]
    against = [w for a in ctx.target.attributions for w in a.withheld_contrary]
    for key in dict.fromkeys([*supporting, *against]):
        grade = ctx.analysis.withheld.get(key, "?")
        note = "withheld_contrary_excerpt" if key in against else "withheld_excerpt"
        level = vocab.label("sensitivities", ctx.analysis.withheld_levels.get(
            key, "confidential"), ctx.lang).lower()
        rows.append([f"<b>{x(ctx.withheld(key))}</b><br/>{x(ctx.t('admiralty'))}: {x(grade)}",
                     x(ctx.t("withheld_source")), x(ctx.t(note, level=level))])
    header = [f"{ctx.t('id')} / {ctx.t('type')} / {ctx.t('admiralty')}", ctx.t("source"),
              f"{ctx.t('excerpt')} / {ctx.t('translation')}"]
    out.append(table(header, rows, [3.1, 4.3, 5.1], wrap_anywhere=frozenset({1})))
    return out


def collection_lines(ctx: Context, collection: Collection | None) -> list[tuple[str, str]]:
    """An item's collection record for the register: for the government audience who
    collected it, when, how, with what and from where, each verification step and each
    transfer of custody; for the others only when and how (the people, places and
    devices of an investigation stay with the authorities)."""
    if collection is None:
        return []
    method = vocab.label("collection_methods", collection.method, ctx.lang)
    if ctx.audience != "government":
        return [(ctx.t("collected"), ctx.t("collected_public", when=collection.at[:10],
                                           method=method))]
    parts = [ctx.t("collected_full", when=collection.at, by=collection.by, method=method)]
    if collection.tool:
        parts.append(ctx.t("collected_tool", tool=collection.tool))
    if collection.location:
        parts.append(ctx.t("collected_from", place=collection.location))
    out = [(ctx.t("collected"), " ".join(parts))]
    for step in collection.verification:
        what = ctx.t("verified_step", step=vocab.label("verification_steps", step.step,
                                                       ctx.lang), by=step.by, date=step.date)
        out.append((ctx.t("verified"), what + (f": {step.result}" if step.result else "")))
    for move in collection.custody:
        line = ctx.t("custody_step", giver=move.giver, to=move.to, at=move.at)
        out.append((ctx.t("custody"), line + (f" ({move.how})" if move.how else "")))
    return out


def legal(ctx: Context) -> list[Flowable]:
    """Per regime: the outcome, the grounds with the provisions relied on, what is still
    missing (or which other regime could apply); then each regime's standard of proof,
    decision-maker and where to submit, and whether its text was read for this tool.
    A reason shared by several incidents is printed once, with their titles."""
    lang = ctx.lang
    out: list[Flowable] = [ctx.section("s_legal")]
    rows = []
    for finding in ctx.target.findings:
        shown = [g for g in finding.grounds if finding.outcome == "not_met"
                 or g.outcome == finding.outcome]
        by_reason: dict[str, list[str]] = {}
        for ground in shown:
            by_reason.setdefault(render(ground.why, lang), []).append(
                ctx.title(ground.incident))
        grounds = "<br/>".join(x(f"{reason} ({'; '.join(dict.fromkeys(titles))})")
                               for reason, titles in by_reason.items())
        further = list(dict.fromkeys(render(m, lang) for m in [*finding.needs, *finding.routes]))
        rows.append([x(finding.regime.say("name", lang)),
                     x(ctx.t(f"outcome_{finding.outcome}")),
                     grounds or "—", "<br/>".join(x(a) for a in further) or "—"])
    out.append(table([ctx.t("regime"), ctx.t("outcome"), ctx.t("grounds"),
                      f"{ctx.t('missing')} / {ctx.t('alternatives')}"], rows,
                     [2.5, 1.6, 4.8, 3.6]))
    rows = []
    for finding in ctx.target.findings:
        if finding.outcome == "not_applicable":
            continue
        regime = finding.regime
        words = ctx.t("standard_line", words=regime.say("standard", lang),
                      provision=regime.standard.provision,
                      decider=regime.say("decision_maker", lang),
                      where=regime.say("submit_to", lang))
        if not regime.standard.verified:
            words += " " + ctx.t("standard_unverified")
        if not regime.verified:
            words += " " + ctx.t("unverified")
        if regime.unpublished:
            words += " " + ctx.t("unpublished", text=regime.say("unpublished", lang))
        rows.append([x(f"{regime.short}: {regime.instrument}"), x(words)])
    if rows:
        out.append(table([ctx.t("regime"), ctx.t("standard")], rows, [5.0, 7.5]))
    return out


def contrary(ctx: Context) -> list[Flowable]:
    """The contrary evidence of every attribution: the items this audience may see, and a
    placeholder for each it may not (never "none recorded" when some is withheld)."""
    out: list[Flowable] = [ctx.section("s_contrary")]
    items = [(a, c) for a in ctx.target.attributions for c in a.contrary]
    withheld = [(a, w) for a in ctx.target.attributions for w in a.withheld_contrary]
    if ctx.audience == "public" and not items:
        # never "none recorded": the public version leaves withheld items out entirely
        return [*out, para(x(ctx.t("no_contrary_public")))]
    if not items and not withheld:
        return [*out, para(x(ctx.t("no_contrary")))]
    for att, evidence_id in items:
        item = ctx.case.index[evidence_id]
        assert isinstance(item, Evidence)
        out.append(para(f"<b>{x(evidence_id)}</b> ({x(att.id)}): {x(item.excerpt)}"))
    for att, key in withheld:
        grade = ctx.analysis.withheld.get(key, "?")
        out.append(para(f"<b>{x(ctx.withheld(key))}</b> ({x(att.id)}): "
                        f"{x(ctx.t('withheld_contrary', grade=grade))}"))
    return out


def designations(ctx: Context) -> list[Flowable]:
    return designation_section(ctx)


def manifest(ctx: Context, sources: list[Source]) -> list[Flowable]:
    """The evidence manifest: each cited source's file with size, SHA-256, when and how
    it was collected and when it was registered (only files of sources this audience may
    see are cited; the redacted copy for the parliament and the public where there is
    one)."""
    rows = []
    for source in sources:
        entry = ctx.files.get(source.file_for(ctx.audience) or "")
        if entry is None:
            continue
        found = source.collection
        collected = ctx.t("collected_public", when=found.at[:10], method=vocab.label(
            "collection_methods", found.method, ctx.lang)) if found else "—"
        rows.append([x(source.id), x(entry.path), f"{entry.size:,}", x(entry.sha256),
                     x(collected), x(entry.registered_at[:10])])
    if not rows:
        return []
    return [heading(ctx.t("manifest"), 2),
            table([ctx.t("source"), ctx.t("file"), ctx.t("size"), "SHA-256",
                   ctx.t("collected"), ctx.t("registered")], rows, [2, 3, 1.4, 4.6, 2.4, 1.9],
                  wrap_anywhere=frozenset({1, 3}))]


def reasons(ctx: Context) -> list[Flowable]:
    lines = narrative.statement_of_reasons(ctx.view, ctx.target, ctx.lang)
    return [ctx.section("s_reasons"), *[para(x(line)) for line in lines]]


def annex(ctx: Context) -> list[Flowable]:
    out: list[Flowable] = [ctx.section("s_annex"), heading(ctx.t("sources"), 2)]
    sources = {ctx.case.index[e.source].id: ctx.case.index[e.source]
               for e in cited_evidence(ctx)}
    for source in sources.values():
        assert isinstance(source, Source)
        bits = [source.title, source.publisher, source.author, source.published,
                source.url, source.archive_url]
        out.append(para(f"<b>{x(source.id)}</b>: {x('; '.join(b for b in bits if b))}", "small"))
    out += manifest(ctx, [s for s in sources.values() if isinstance(s, Source)])
    if ctx.audience == "government":
        out += review_record(ctx)
    if ctx.pictures is not None:
        for key, scene in (("map", ctx.pictures.map), ("timeline", ctx.pictures.timeline)):
            if scene is not None:
                # laid out at this width: full size where it fits, smaller where not
                out += [heading(ctx.t(key), 2), drawing(scene, WIDTH, MAX_IMAGE_HEIGHT)]
    return out


def review_record(ctx: Context) -> list[Flowable]:
    """Who reviewed each direct attribution of the target and when (government only: the
    team's workflow is not for the public or parliament)."""
    rows = []
    for att in ctx.target.attributions:
        record = ctx.case.index.get(att.id)
        if att.inferred or not isinstance(record, Attribution):
            continue
        rows.append([x(att.id), x(vocab.label("attribution_statuses", record.status,
                                              ctx.lang)),
                     x(record.reviewed_by or "—"), x(record.reviewed_on or "—")])
    if not rows:
        return []
    return [heading(ctx.t("review_record"), 2),
            table([ctx.t("id"), ctx.t("status"), ctx.t("reviewed_by"), ctx.t("date")], rows,
                  [3, 2.5, 4, 2])]


def _file_hash(ctx: Context, source: Source) -> str:
    """The registered SHA-256 of a source's file (else the one written in the case)."""
    name = source.file_for(ctx.audience)
    entry = ctx.files.get(name or "")
    if entry:
        return entry.sha256
    return (source.sha256 or "—") if name == source.file else "—"
