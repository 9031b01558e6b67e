"""Running LibreOffice headless in tests: recalculating workbooks and exporting PDFs.

Tests that need it skip where it is absent, except where S75XL_REQUIRE_LIBREOFFICE is set (CI
sets it), where its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("S75XL_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here (S75XL_REQUIRE_LIBREOFFICE is set) but not installed.")
        pytest.skip("LibreOffice is not installed")
    return path


def convert(files: list[Path], target: str, outdir: Path) -> list[Path]:
    """Open each file in LibreOffice (which recalculates formulas without cached values) and save
    it as `target` ("xlsx" or "pdf") in outdir."""
    outdir.mkdir(parents=True, exist_ok=True)
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf"}
    done = subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{outdir}/profile",
                           "--convert-to", filters[target], "--outdir", str(outdir), *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    out = [outdir / (f.stem + "." + target) for f in files]
    missing = [p.name for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {done.stdout} {done.stderr}"
    return out
