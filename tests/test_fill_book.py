"""The same plan applied to an open workbook through xlwings gives the same cells as the file route.

The Book is built from the template's values as Excel would send them to xlwings Server (the
remote engine, shared/reference/xlwings.md section 3); its writes come back as actions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlwings as xw
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from s75xl.demo import read_shipped_csv
from s75xl.fill import fill
from s75xl.fill.book import fill_book

TEMPLATES = Path(__file__).parent.parent / "templates"
RESULTS = read_shipped_csv("norfolk_results_2016_17.csv")
TARGETS = read_shipped_csv("norfolk_targets_2016_17.csv")


def payload(template: Path) -> dict:
    """The JSON an Excel client sends: every sheet's used range from A1, "" for empty cells."""
    book = load_workbook(template, data_only=True)
    sheets = []
    for ws in book.worksheets:
        values = [["" if v is None else (v.isoformat() if isinstance(v, dt.datetime) else v) for v in row]
                  for row in ws.iter_rows(values_only=True)] or [[""]]
        sheets.append({"name": ws.title, "values": values})
    return {"version": xw.__version__, "book": {"name": template.name, "active_sheet_index": 0}, "sheets": sheets}


def test_book_and_file_routes_write_the_same_cells(tmp_path):
    template = TEMPLATES / "vital_signs_dashboard.xlsx"
    book = xw.Book(json=payload(template))
    report = fill_book(book, RESULTS, TEMPLATES / "vital_signs_dashboard.layout.toml", targets=TARGETS)
    actions = book.json()["actions"]
    out = tmp_path / "filled.xlsx"
    file_report = fill(template, RESULTS, targets=TARGETS, out=out)
    assert report.written == file_report.written == 162
    filled = load_workbook(out)["Dashboard"]
    cells = 0
    for action in actions:
        if action["func"] != "setValues":
            continue
        assert action["sheet_position"] == 0
        for i, row in enumerate(action["values"]):
            for j, value in enumerate(row):
                ref = f"{get_column_letter(action['start_column'] + j + 1)}{action['start_row'] + i + 1}"
                expected = filled[ref].value
                assert (value in ("", None) and expected is None) or value == expected, ref
                cells += 1
    assert cells == 162
    colours = [a for a in actions if a["func"] == "setRangeColor"]
    assert {a["args"][0] for a in colours} <= {"#FFC7CE", "#C6EFCE", "#FFEB9C"} and colours
