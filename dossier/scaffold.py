"""``dossier init``: a commented, fictional case to start from."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from entities.exc import OutputError

_RENAMES = {"gitignore": ".gitignore"}


def init_case(target: Path) -> list[Path]:
    """Create a new case folder at ``target``; refuse to touch a non-empty folder."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OutputError(f"'{target}' already exists and is not empty; choose a new folder")
    written = []
    scaffold = resources.files("dossier").joinpath("scaffold")
    with resources.as_file(scaffold) as src:
        for path in sorted(Path(src).rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(src)
            dest = target / rel.parent / _RENAMES.get(rel.name, rel.name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            written.append(dest)
    return written
