"""The demo workbook is a fixture: every formula in it, evaluated through the worksheet functions
as Excel would call them, gives the published figure beside it."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from .udf_calls import call

WORKBOOKS = Path(__file__).parent.parent / "workbooks"
DEMO = WORKBOOKS / "s75xl_functions_demo.xlsx"
EPOCH = dt.datetime(1899, 12, 30)


def _excel_value(value):
    return (value - EPOCH).days if isinstance(value, dt.datetime) else value


def evaluate(ws, formula):
    """Evaluate '=NAME(arg, ...)' where each arg is a cell, a range, a number or "text"."""
    match = re.fullmatch(r"=([A-Z0-9_]+)\((.*)\)", formula)
    assert match, formula
    name, raw_args = match.groups()
    args = []
    for raw in re.findall(r'"[^"]*"|[^,]+', raw_args):
        raw = raw.strip()
        if raw.startswith('"'):
            args.append(raw[1:-1])
        elif re.fullmatch(r"-?\d+(\.\d+)?", raw):
            args.append(float(raw))
        else:
            lo_col, lo_row, hi_col, hi_row = range_boundaries(raw)
            args.append([[_excel_value(ws.cell(row=r, column=c).value) for c in range(lo_col, hi_col + 1)]
                         for r in range(lo_row, hi_row + 1)])
    return call(name.lower(), *args)


@pytest.fixture(scope="module")
def book():
    return load_workbook(DEMO)


def test_the_committed_workbook_is_what_the_builder_makes(tmp_path):
    """Rebuild it and compare every cell, so the committed file cannot drift from its source."""
    fresh = tmp_path / "demo.xlsx"
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(WORKBOOKS)!r}); "
                           f"import build_demo_workbook as b; b.build(__import__('pathlib').Path({str(fresh)!r}))"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    old, new = load_workbook(DEMO), load_workbook(fresh)
    assert old.sheetnames == new.sheetnames == ["About", "Functions", "Tables"]
    for name in old.sheetnames:
        assert [[c.value for c in r] for r in old[name].iter_rows()] == [[c.value for c in r] for r in new[name].iter_rows()]


def test_about_sheet_explains_every_function(book):
    about = " ".join(str(c.value) for row in book["About"].iter_rows() for c in row if c.value)
    for name in ("ASCOF_RATE", "ASCOF_ROUND", "ASCOF_CI", "ASCOF_TARGET", "ASCOF_RAG", "ASCOF_EXCEPTION", "S75_RATING",
                 "ASCOF_INFO", "SPC_LIMITS", "SPC_POINTS", "SPC_VARIATION", "SPC_ASSURANCE", "ASCOF_RATES",
                 "ASCOF_ASSESS", "ASCOF_REASON"):
        assert name + "(" in about, name


def test_every_example_on_the_functions_sheet(book):
    ws = book["Functions"]
    checked = 0
    for row in range(2, ws.max_row + 1):
        formula, expected = ws.cell(row=row, column=3).value, ws.cell(row=row, column=4).value
        result = evaluate(ws, formula)[0][0]
        if isinstance(expected, (int, float)):
            assert result == pytest.approx(expected, rel=1e-12), formula
        else:
            assert result == expected, formula
        checked += 1
    assert checked == 12


def test_the_tables_sheet(book):
    ws = book["Tables"]
    rates = evaluate(ws, ws["F2"].value)
    published = [ws.cell(row=r, column=4).value for r in range(2, 12)]
    assert rates[0][-1] == "value"
    assert [round(row[-1], 1) for row in rates[1:]] == published
    assert evaluate(ws, ws["C15"].value)[0][0].startswith("negative: off target: 3.56 against a target of 1.5")
    assert evaluate(ws, ws["C16"].value) == [["concern_high"]]
    assert evaluate(ws, ws["C17"].value) == [["consistent_fail"]]
    assert len(evaluate(ws, ws["C18"].value)) == 13 and len(evaluate(ws, ws["C19"].value)) == 13
    assert evaluate(ws, ws["E31"].value)[0][0] == pytest.approx(16.7)
