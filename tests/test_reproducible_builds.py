"""Rebuilding the shipped templates and the demo workbook from their sources changes no byte, so
the committed files are exactly what the build scripts make (and a rebuild is not a change)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def rebuild(script: Path, function_call: str, out: Path) -> None:
    code = (f"import sys, pathlib; sys.path.insert(0, {str(script.parent)!r}); "
            f"import {script.stem} as b; b.{function_call.format(out=repr(str(out)))}")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "templates").glob("*.xlsx")))
def test_rebuilding_a_template_changes_no_byte(name, tmp_path_factory):
    out = tmp_path_factory.getbasetemp() / "templates"
    if not out.exists():
        out.mkdir()
        rebuild(ROOT / "templates" / "build_templates.py", "build(pathlib.Path({out}))", out)
    assert (out / name).read_bytes() == (ROOT / "templates" / name).read_bytes(), \
        f"templates/{name} is not what build_templates.py makes: run python templates/build_templates.py and commit"


def test_rebuilding_the_demo_workbook_changes_no_byte(tmp_path):
    rebuild(ROOT / "workbooks" / "build_demo_workbook.py", "build(pathlib.Path({out}))", tmp_path / "demo.xlsx")
    assert (tmp_path / "demo.xlsx").read_bytes() == (ROOT / "workbooks" / "s75xl_functions_demo.xlsx").read_bytes()


def test_make_reproducible_fixes_the_clock_and_keeps_every_part(tmp_path):
    import zipfile

    from openpyxl import Workbook

    from s75xl.xlsx.reproducible import make_reproducible

    paths = []
    for i in range(2):
        wb = Workbook()
        wb.active["A1"] = "same"
        wb.properties.created = __import__("datetime").datetime(2020 + i, 1, 1)  # different clocks
        wb.save(tmp_path / f"{i}.xlsx")
        before = zipfile.ZipFile(tmp_path / f"{i}.xlsx").namelist()
        paths.append(make_reproducible(tmp_path / f"{i}.xlsx"))
        assert zipfile.ZipFile(paths[-1]).namelist() == before
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert b"2000-01-01T00:00:00Z" in zipfile.ZipFile(paths[0]).read("docProps/core.xml")
