"""Writing outputs: ``build`` (every output for an audience) and ``export`` (one format)."""

from __future__ import annotations

from pathlib import Path

import click

from dossier.cli.group import (
    CASE_DIR,
    audience_option,
    cli,
    drafts_option,
    lang_option,
    replace_option,
    writing,
)
from exports.registry import EXPORTERS, names


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the outputs (created if missing).")
@audience_option("Who the outputs are for; withholds what they may not see.")
@drafts_option("Include draft attributions for the public and parliament audiences too.")
@lang_option("Language of every fixed and generated text of the outputs.")
@replace_option("OUT holds the outputs of another audience or case: delete them and "
                "start afresh (without it, such a folder is refused).")
@click.option("--accept-changes", is_flag=True,
              help="Accept evidence files that changed since they were registered: register "
                   "their new content as a working copy of the original (which stays the "
                   "evidentiary copy), in the audit log, instead of stopping. Needs --reason.")
@click.option("--reason", "change_reason", default="", metavar="TEXT",
              help="Why the files changed (with --accept-changes), e.g. \"faces blurred for "
                   "publication\"; kept with each working copy in the audit log.")
@click.option("--base-url", metavar="URL",
              help="Where OUT/opensanctions/ will be published: the start of the URLs in "
                   "its index.json and catalog.json (default: DOSSIER_PUBLISH_URL, else "
                   "http://localhost:8080/ for the folder served locally).")
def build(directory: Path, out: Path, audience: str, include_drafts: bool | None,
          lang: str, replace: bool, accept_changes: bool, change_reason: str,
          base_url: str | None) -> None:
    """Validate the case, store it, and write its outputs.

    Writes OUT/entities.ftm.json (FollowTheMoney JSON lines), OUT/evidence_map.json
    (graded attributions, person x incident matrix, regime findings), OUT/workbook.xlsx
    (for parliamentarians), OUT/opensanctions/ (an OpenSanctions-compatible dataset),
    OUT/maps/ (diagrams and timelines) and OUT/dossiers/ (one PDF per target and
    overview.pdf). The case database in DIRECTORY/.dossier/ (or DOSSIER_DATABASE_URL)
    receives every record. Draft attributions are held back from the public and
    parliament audiences; the build says which. The checks of "dossier check" run too
    and are summarised.

    \b
    Example:
      dossier build examples/kazakhstan-2020-2021 --out out
    """
    from dossier.build import build_case
    from dossier.progress import StepProgress

    with StepProgress() as progress:
        result = build_case(directory, out, audience, include_drafts or None, lang, progress,
                            accept_changes, replace=replace, base_url=base_url,
                            change_reason=change_reason)
    click.echo(f"audience: {audience}")
    for name, path in result.outputs.items():
        unit = result.units.get(name)
        suffix = f" ({result.counts.get(name, 0)} {unit})" if unit else ""
        click.echo(f"wrote {path}{suffix}")
    if result.targets:
        click.echo(f"target dossiers: {result.targets['written']} written, "
                   f"{result.targets['kept']} unchanged since the last build")
    for held in result.held_back:
        click.echo(f"held back {held.attribution}: {held.reason}")
    levels = [f.level for f in result.findings]
    if levels:
        click.echo(f"checks: {levels.count('error')} errors, {levels.count('warning')} "
                   f"warnings (see: dossier check {directory})")


FORMATS_HELP = "; ".join(f"{e.name}: {e.title}" for e in EXPORTERS) + "."


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--format", "fmt", required=True, type=click.Choice(names()),
              help=FORMATS_HELP)
@click.option("--out", "out", required=True, type=click.Path(allow_dash=True, path_type=Path),
              help="File (or, for opensanctions, folder) to write; - for standard output "
                   "(a file format).")
@audience_option("Who the export is for (not for authoring-xlsx, which is the full case "
                 "for its editors).")
@drafts_option("Include draft attributions for the public and parliament audiences.")
@lang_option("Language of the fixed text, where the format has any.")
@replace_option("For a folder format: the folder holds outputs of another audience or "
                "case; delete them and start afresh.")
@click.option("--base-url", metavar="URL",
              help="For opensanctions: where the folder will be published (the start of "
                   "its URLs; default: DOSSIER_PUBLISH_URL, else http://localhost:8080/).")
def export(directory: Path, fmt: str, out: Path, audience: str,
           include_drafts: bool | None, lang: str, replace: bool,
           base_url: str | None) -> None:
    """Write the case in one format.

    \b
    Examples:
      dossier export my-case --format authoring-xlsx --out my-case.xlsx
      dossier export my-case --format xlsx --audience parliament --out briefing.xlsx
      dossier export my-case --format opensanctions --out dataset/
      dossier export my-case --format gexf --out graph.gexf
    """
    from dossier.build import export_case
    from exports.registry import exporter

    if str(out) == "-" and exporter(fmt).folder:
        raise click.BadParameter(f"{fmt} writes a folder; give a folder, not -",
                                 param_hint="--out")
    with writing(out, Path(exporter(fmt).path).name) as target:
        export_case(directory, fmt, target, audience, include_drafts or None, lang, replace,
                    base_url)
    click.echo(f"wrote {out} ({fmt})", err=str(out) == "-")


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the packs (created if missing; replaced whole).")
@click.option("--regime", "regimes", multiple=True, metavar="KEY",
              help="Only this regime (repeat for several): "
                   "us_glomag, us_7031c, uk_ghr, uk_gac, eu_ghr, ca_jvcfoa, ca_sema, "
                   "au_magnitsky. Default: every regime.")
@audience_option("Who the packs are for; a submission usually goes to a government.",
                 "government")
@lang_option("Language of the fixed and generated text of the packs.")
@click.option("--arguable", is_flag=True,
              help="Also write packs where the criteria are met only by interpretation "
                   "(the pack then argues the reading, and says so).")
@replace_option("OUT holds outputs of another audience or case: delete them and start "
                "afresh.")
def submit(directory: Path, out: Path, regimes: tuple[str, ...], audience: str, lang: str,
           arguable: bool, replace: bool) -> None:
    """Write submission packs: one PDF per target and regime whose criteria the target
    meets, or meets subject to conditions.

    Each pack is addressed to the regime's office and carries a cover letter, the legal
    basis and standard of proof, the submitting organisation and its partners, the
    identification, the conduct and role with the evidence, the regime's own
    considerations (the arguments you write in case.yml under submissions:, or a plain
    note where one is missing), the contrary information, the existing designations and
    the annexes. Writes OUT/<regime>/<target name>-<short id>.pdf and OUT/maps/.

    \b
    Examples:
      dossier submit examples/kazakhstan-2020-2021 --out packs
      dossier submit my-case --regime uk_ghr --regime eu_ghr --lang ru --out packs-ru
    """
    from dossier.progress import StepProgress
    from dossier.submit import submit_case

    try:
        with StepProgress() as progress:
            result = submit_case(directory, out, list(regimes) or None, audience, lang,
                                 replace, progress, arguable)
    except KeyError as exc:
        raise click.BadParameter(f"{exc.args[0]!r} is not a regime", param_hint="--regime"
                                 ) from None
    click.echo(f"audience: {audience}")
    for pack, path in result.packs:
        todo = len(pack.missing)
        click.echo(f"wrote {path} ({pack.finding.regime.short}: "
                   f"{pack.finding.summary.split(': ', 1)[1]}"
                   + (f"; {todo} argument{'' if todo == 1 else 's'} to write" if todo else "")
                   + ")")
    given = {pack.regime for pack, _ in result.packs}
    for key in result.regimes:
        if key not in given:
            click.echo(f"no pack under {key}: no target meets its criteria, even "
                       + ("by interpretation" if arguable else "subject to conditions "
                          "(--arguable adds those met by interpretation)"))
