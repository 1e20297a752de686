"""``dossier submit``: the submission packs of a case, one PDF per target and regime where
the target meets the regime's criteria or meets them subject to conditions.

Writes ``OUT/<regime>/<target name>-<short id>.pdf`` and the pictures the packs print
(``OUT/maps/``), for one audience (by default the government: a submission goes to a
government office), from the same validated view a build makes. Nothing is stored in the
case database. The folder is staged and replaced whole, like a build's
(:mod:`dossier.outdir`); packs of an earlier run that no longer apply disappear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dossier.build import prepare
from dossier.outdir import check_place, staged_folder
from dossier.pdf.pack import write_pack_pdf
from entities.db.database import CaseDatabase
from entities.progress import QUIET, Progress
from evidence_maps.regime_data import regimes as all_regimes
from evidence_maps.submissions import Pack, packs
from exports.pictures import Pictures, target_pictures, write_target_pictures


@dataclass
class SubmitResult:
    """The packs written, and the regimes asked about (one with no pack: no target met
    its criteria)."""

    packs: list[tuple[Pack, Path]] = field(default_factory=list)
    regimes: list[str] = field(default_factory=list)


def submit_case(root: Path, out: Path, regimes: list[str] | None = None,
                audience: str = "government", lang: str = "en", replace: bool = False,
                progress: Progress = QUIET, arguable: bool = False) -> SubmitResult:
    """Write the packs of the case at ``root`` into ``out`` (for ``regimes``, default
    every regime; with ``arguable`` also where the criteria are met only by
    interpretation).

    Raises:
        InvalidCase: the case has mistakes (nothing written).
        KeyError: a regime key is unknown.
        OutputError: ``out`` cannot be written, or holds outputs of another audience.
    """
    known = all_regimes()
    for key in regimes or []:
        if key not in known:
            raise KeyError(key)
    check_place(out, Path(root))
    with CaseDatabase.for_case(Path(root)) as db:
        view = prepare(db, root, audience, progress=progress, lang=lang).view
    chosen = packs(view, regimes, arguable)
    result = SubmitResult(regimes=list(regimes or known))
    progress.step("writing the submission packs")
    # fresh: a pack that no longer applies must go
    with staged_folder(out, view.case.meta.id, audience, replace, fresh=True) as staging:
        maps = staging / "maps"
        maps.mkdir()
        drawn: dict[str, Pictures] = {}
        for pack in chosen:
            if pack.target.id not in drawn:
                drawn[pack.target.id] = target_pictures(view, pack.target, lang)
                write_target_pictures(maps, view, pack.target, lang, drawn[pack.target.id])
            folder = staging / pack.regime
            folder.mkdir(exist_ok=True)
            path = folder / f"{view.target_stem(pack.target.id)}.pdf"
            write_pack_pdf(path, view, pack, lang, drawn[pack.target.id])
            result.packs.append((pack, out / path.relative_to(staging)))
    return result
