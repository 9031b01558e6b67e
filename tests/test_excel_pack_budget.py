"""Build pack and Refresh budget give what their commands give (when those parts of s75xl are
installed; until then each button says what is missing, tested in test_excel_macros.py)."""

from __future__ import annotations

import importlib.util

import pytest
from openpyxl import load_workbook

from s75xl.cli import main
from tests.test_excel_macros import DASHBOARD, RESULTS, TARGETS, alerts, settings_sheet, writes
from tests.test_excel_remote import payload, run

needs_pack = pytest.mark.skipif(importlib.util.find_spec("s75xl.pack") is None,
                                reason="the board pack (s75xl.pack) is not in this checkout yet")


def workbook_cells(path):
    book = load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


@needs_pack
def test_build_pack_writes_the_pack_the_pack_command_writes(tmp_path):
    body = payload(DASHBOARD, settings_sheet(results=RESULTS, targets=TARGETS, period="2017-03",
                                             pack_folder=tmp_path / "macro"))
    actions = run("s75_build_pack", body)
    assert writes(actions) == [] and len(alerts(actions)) == 1
    assert alerts(actions)[0].startswith(f"The quarterly pack is in {tmp_path / 'macro'}: pack_Norfolk_2017-03.xlsx")
    assert main(["pack", "--results", str(RESULTS), "--targets", str(TARGETS), "--period", "2017-03",
                 "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    made = sorted(p.name for p in (tmp_path / "macro").iterdir())
    assert made == sorted(p.name for p in (tmp_path / "cli").iterdir()) and "pack_Norfolk_2017-03.xlsx" in made
    for name in made:
        if name.endswith(".xlsx"):
            assert workbook_cells(tmp_path / "macro" / name) == workbook_cells(tmp_path / "cli" / name), name


@needs_pack
def test_build_pack_without_a_pack_folder_says_so_and_writes_nothing(tmp_path):
    actions = run("s75_build_pack", payload(DASHBOARD, settings_sheet(results=RESULTS)))
    assert writes(actions) == [] and alerts(actions)[0].startswith("Build pack needs the pack folder setting")
