"""Installing the add-in for one user: copy it to Excel's start-up folder and write its config.

Excel opens every workbook in the user's XLSTART folder when it starts (xlwings' own ``addin
install`` copies add-ins there too). That XLSTART is a trusted location by default is not verified
here: docs/ribbon.md tells IT how to make sure. The add-in's
xlwings module reads its settings from ``%USERPROFILE%\\.s75xl\\s75xl.conf`` (macOS:
``~/.s75xl/s75xl.conf``): one ``"KEY","VALUE"`` line each, as xlwings' own config file. The only
setting needed is the Python that has s75xl installed, which is the Python running this command.

On other systems (Linux has no desktop Excel) nothing is written: `steps` says what to do on the
PC that has Excel.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import S75Error

ADDIN_NAME = "s75xl.xlam"
MAC_STARTUP = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"


@dataclass(frozen=True)
class Plan:
    """Where the add-in and its config go on this system, and the config's lines."""

    startup: Path
    config: Path
    lines: tuple[str, ...]


def plan(platform: str = sys.platform, *, home: Path | None = None, appdata: str | None = None,
         python: str = sys.executable) -> Plan | None:
    """The install plan for Windows and macOS; None elsewhere."""
    home = Path(home or Path.home())
    if platform.startswith("win"):
        appdata = appdata if appdata is not None else os.environ.get("APPDATA")
        if not appdata:
            raise S75Error("APPDATA is not set, so Excel's start-up folder cannot be found; use --dir.")
        pythonw = Path(python).with_name("pythonw.exe")
        return Plan(Path(appdata) / "Microsoft" / "Excel" / "XLSTART", home / ".s75xl" / "s75xl.conf",
                    (f'"Interpreter_Win","{pythonw if pythonw.exists() else python}"',))
    if platform == "darwin":
        return Plan(home / MAC_STARTUP, home / ".s75xl" / "s75xl.conf", (f'"Interpreter_Mac","{python}"',))
    return None


def install(addin: Path, target: Plan) -> list[str]:
    """Copy the add-in and write the config; the lines to tell the user."""
    if not addin.is_file():
        raise S75Error(f"The add-in {addin} does not exist; build it with s75xl addin build.")
    target.startup.mkdir(parents=True, exist_ok=True)
    if (target.startup / ADDIN_NAME).resolve() != addin.resolve():  # copied whole or not at all
        from ..safety.outputs import write_atomically

        write_atomically(target.startup / ADDIN_NAME, lambda temporary: shutil.copyfile(addin, temporary), what="add-in")
    target.config.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.config.with_name(f".{target.config.name}.tmp")
    temporary.write_text("\n".join(target.lines) + "\n", encoding="utf-8")
    temporary.replace(target.config)
    return [f"Copied the add-in to {target.startup / ADDIN_NAME}.",
            f"Wrote {target.config} ({'; '.join(target.lines)}).",
            "Restart Excel: the S75 tab appears. On macOS, also run: xlwings runpython install"
            if "Interpreter_Mac" in target.lines[0] else "Restart Excel: the S75 tab appears."]


def steps(addin: Path) -> list[str]:
    """What to do on a Windows PC with Excel, for systems where this command cannot install."""
    return [
        "Desktop Excel runs only on Windows and macOS, so nothing was installed here. On the PC with Excel:",
        "  1. pip install s75xl   (into the Python that Excel should use)",
        "  2. s75xl addin install  (copies the add-in to Excel's start-up folder and writes ~/.s75xl/s75xl.conf)",
        f"  or by hand: copy {addin} to %APPDATA%\\Microsoft\\Excel\\XLSTART and put the line",
        '     "Interpreter_Win","C:\\path\\to\\pythonw.exe"   in %USERPROFILE%\\.s75xl\\s75xl.conf',
        "Then restart Excel; the S75 tab appears. See docs/ribbon.md for trusted locations and macro security.",
    ]
