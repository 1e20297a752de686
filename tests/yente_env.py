"""yente in an environment of its own, for the tests that run its code.

yente pins its own followthemoney, nomenklatura and rigour (older than ours), so it
cannot share our environment: :func:`yente_python` makes ``.venv-yente`` beside the
checkout with ``yente==`` :data:`YENTE_VERSION` (once; about two minutes) and returns its
Python. ``DOSSIER_YENTE_PYTHON`` names an existing one instead. If it cannot be made, the
tests fail, saying why — unless ``DOSSIER_SKIP_YENTE=1``, when they are skipped.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

YENTE_VERSION = "5.5.0"
ROOT = Path(__file__).resolve().parent.parent
HARNESS = Path(__file__).resolve().parent / "yente_harness"


def yente_python() -> Path:
    """The Python of an environment with yente installed (made if missing)."""
    if os.environ.get("DOSSIER_SKIP_YENTE") == "1":
        pytest.skip("DOSSIER_SKIP_YENTE=1: the tests through yente's own code are skipped")
    named = os.environ.get("DOSSIER_YENTE_PYTHON")
    if named:
        return Path(named)
    venv = ROOT / ".venv-yente"
    python = venv / "bin" / "python"
    marker = venv / f"yente-{YENTE_VERSION}.installed"
    with open(ROOT / ".venv-yente.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.is_file():
            steps = [[sys.executable, "-m", "venv", "--clear", str(venv)],
                     [str(python), "-m", "pip", "install", "--quiet",
                      f"yente=={YENTE_VERSION}"]]
            for step in steps:
                done = subprocess.run(step, capture_output=True, text=True, check=False)
                if done.returncode:
                    pytest.fail(f"could not install yente {YENTE_VERSION} for the tests "
                                f"({' '.join(step[:4])}…): {done.stderr[-2000:]}\n"
                                "Set DOSSIER_YENTE_PYTHON to a Python that has it, or "
                                "DOSSIER_SKIP_YENTE=1 to skip these tests.")
            marker.write_text(YENTE_VERSION + "\n", "utf-8")
    return python
