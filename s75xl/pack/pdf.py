"""The pack's PDF: LibreOffice, headless, prints the workbook as its print settings say (A4
landscape, each report card fitted to one page; the hidden chart-data sheet is not printed).

Where LibreOffice is not installed, `to_pdf` returns None and `HOW_TO_GET` says how to get it;
everything else in the pack is still built.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import S75Error
from ..safety.outputs import write_atomically

HOW_TO_GET = ("LibreOffice is not installed, so no PDF was made: install it (Debian/Ubuntu: "
              "apt-get install libreoffice-calc-nogui; Windows/macOS: libreoffice.org) and run the pack again.")


def soffice_path() -> str | None:
    """LibreOffice's command, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(workbook: Path, timeout: int = 300, *, inputs=()) -> Path | None:
    """Convert the workbook to a PDF beside it; None when LibreOffice is missing. The PDF is put
    in place atomically and never over one of `inputs` (s75xl.safety.outputs)."""
    command = soffice_path()
    if command is None:
        return None
    target = Path(workbook).with_suffix(".pdf")
    workbook = Path(workbook).resolve()
    with tempfile.TemporaryDirectory(prefix="s75xl-lo-") as profile, tempfile.TemporaryDirectory(prefix="s75xl-pdf-") as out:
        # a private profile, so concurrent runs (and a user's open LibreOffice) do not collide
        try:
            done = subprocess.run([command, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                                   "--convert-to", "pdf", "--outdir", out, str(workbook)],
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise S75Error(f"LibreOffice took more than {timeout} s to make a PDF of {workbook.name}.") from None
        made = Path(out) / (workbook.stem + ".pdf")
        if not made.exists():
            raise S75Error(f"LibreOffice could not make a PDF of {workbook.name} "
                           f"(exit status {done.returncode}).")
        write_atomically(target, lambda temporary: shutil.copyfile(made, temporary), inputs=inputs,
                         mode_from=workbook, what="pack PDF")
    return target
