"""Type into a workbook with LibreOffice, as a user would, and save it (run with the
system Python, which has LibreOffice's ``uno`` module; used by the tests)::

    /usr/bin/python3 tests/lo_type.py IN.xlsx OUT.xlsx People!E2=1971-03 ...

Each ``Sheet!CELL=TEXT`` is entered through the ``.uno:EnterString`` command, the input
line's path that typing takes: a number or date typed into a general cell becomes a
number or date, into a text cell stays text. The file is saved as Excel 2007+ by LibreOffice itself.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def main(source: str, target: str, entries: list[str]) -> int:
    pipe = f"dossier-{uuid.uuid4().hex}"
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    office = subprocess.Popen(
        ["soffice", "--headless", "--norestore", "--nologo",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        for _ in range(360):  # a first start in a fresh profile can be slow on a busy machine
            try:
                context = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - office still starting
                time.sleep(0.5)
        if context is None:
            print("LibreOffice did not answer on its pipe within 180 s", file=sys.stderr)
            return 1
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)),
                                           "_blank", 0, (_prop("Hidden", True),))
        controller = doc.getCurrentController()
        dispatcher = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", context)
        for entry in entries:
            where, value = entry.split("=", 1)
            sheet_name, cell_name = where.split("!")
            sheet = doc.Sheets.getByName(sheet_name)
            controller.setActiveSheet(sheet)
            controller.select(sheet.getCellRangeByName(cell_name))
            # the input line's path: what a user's typing goes through
            dispatcher.executeDispatch(controller.getFrame(), ".uno:EnterString", "", 0,
                                       (_prop("StringName", value),))
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                       (_prop("FilterName", "Calc MS Excel 2007 XML"),))
        # the file is written; the office may drop the bridge while it closes the document
        # or quits (seen once in CI: DisposedException from close) — the result stands
        with contextlib.suppress(Exception):
            doc.close(True)
        with contextlib.suppress(Exception):  # the bridge closes as the office quits
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0 if Path(target).is_file() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
