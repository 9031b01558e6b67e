"""Running a ribbon macro the way xlwings Server runs it, on a Book made from a real workbook file.

`payload` is the JSON an Excel client sends for a workbook (every sheet's used range from A1,
"" for empty cells, dates as ISO text, the defined names); `run` calls the macro's @script through
xlwings' own `custom_scripts_call` and returns the actions Excel would apply; `apply_actions` applies
those actions to a copy of the file with the project's surgical writer, so the result can be
compared cell for cell with what the command line writes (shared/reference/xlwings.md section 3).
The tests at the end check the helpers themselves.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import shutil
from pathlib import Path

import xlwings as xw
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from s75xl.excel import scripts
from s75xl.fill.apply import apply_writes
from s75xl.fill.plan import CellWrite
from s75xl.xlsx.package import Package
from s75xl.xlsx.styles import RAG_COLOURS

ROOT = Path(__file__).parent.parent
TEMPLATES = ROOT / "templates"
COLOUR_RAG = {"#" + rgb[2:]: rag for rag, rgb in RAG_COLOURS.items()}


def _json_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat() + ".000Z"
    return value


def payload(path: Path, extra_sheets: dict[str, list[list]] | None = None, names: list[dict] | None = None) -> dict:
    """The request body an Excel client sends for the workbook at `path`, with optional extra
    sheets (for example an S75 Settings sheet) and defined names."""
    book = load_workbook(path, data_only=True)
    sheets = [{"name": ws.title,
               "values": [[_json_value(v) for v in row] for row in ws.iter_rows(values_only=True)] or [[""]],
               "tables": [_table_json(t) for t in ws.tables.values()]}
              for ws in book.worksheets]
    titles = [ws.title for ws in book.worksheets]
    names = list(names or []) + [
        {"name": name, "sheet_index": titles.index(sheet), "address": ref.replace("$", ""), "scope_sheet_name": None,
         "scope_sheet_index": None, "book_scope": True}
        for name, defined in book.defined_names.items() for sheet, ref in defined.destinations if sheet in titles]
    for name, rows in (extra_sheets or {}).items():
        width = max(len(r) for r in rows)
        sheets.append({"name": name, "values": [[_json_value(v) for v in r] + [""] * (width - len(r)) for r in rows],
                       "tables": []})
    return {"client": "Office.js", "version": xw.__version__, "book": {"name": path.name, "active_sheet_index": 0},
            "names": names, "sheets": sheets}


def _table_json(table) -> dict:
    """An Excel table as the client describes it (header row, data body, totals row if shown)."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    col = lambda c: get_column_letter(c)
    totals = bool(table.totalsRowCount)
    body_end = max_row - 1 if totals else max_row
    return {"name": table.displayName, "range_address": table.ref,
            "header_row_range_address": f"{col(min_col)}{min_row}:{col(max_col)}{min_row}",
            "data_body_range_address": f"{col(min_col)}{min_row + 1}:{col(max_col)}{body_end}",
            "total_row_range_address": f"{col(min_col)}{max_row}:{col(max_col)}{max_row}" if totals else None,
            "show_headers": True, "show_totals": totals, "table_style": "TableStyleMedium2", "show_autofilter": True}


def run(script: str, body: dict) -> list[dict]:
    """The actions the @script `script` sends back for the workbook in `body`."""
    book = xw.Book(json=copy.deepcopy(body))  # the engine adds new sheets to the payload it is given
    asyncio.run(xw.server.custom_scripts_call(scripts, script, typehint_to_value={xw.Book: book}))
    return book.json()["actions"]


def sheet_names(body: dict, actions: list[dict]) -> list[str]:
    """The workbook's sheet names after the actions (addSheet inserts at its position)."""
    names = [s["name"] for s in body["sheets"]]
    for action in actions:
        if action["func"] == "addSheet":
            names.insert(action["args"][0], action["args"][1])
    return names


def cell_values(body: dict, actions: list[dict]) -> dict[tuple[str, str], object]:
    """Every cell each setValues action writes: (sheet, ref) -> value ("" for an emptied cell)."""
    names = sheet_names(body, actions)
    out = {}
    for action in actions:
        if action["func"] != "setValues":
            continue
        sheet = names[action["sheet_position"]]
        for i, row in enumerate(action["values"]):
            for j, value in enumerate(row):
                out[(sheet, f"{get_column_letter(action['start_column'] + j + 1)}{action['start_row'] + i + 1}")] = value
    return out


def writes_of(body: dict, actions: list[dict]) -> list[CellWrite]:
    """The actions on the workbook's own sheets as the file writer's cell writes."""
    names = sheet_names(body, actions)
    original = {s["name"] for s in body["sheets"]}
    colours = {}
    for action in actions:
        if action["func"] == "setRangeColor":
            assert action["row_count"] == action["column_count"] == 1, action
            ref = f"{get_column_letter(action['start_column'] + 1)}{action['start_row'] + 1}"
            colours[(names[action["sheet_position"]], ref)] = COLOUR_RAG[action["args"][0].upper()]
    writes = []
    for (sheet, ref), value in cell_values(body, actions).items():
        if sheet in original:
            if isinstance(value, str) and value.endswith(".000Z"):
                value = dt.datetime.fromisoformat(value[:-5])
            writes.append(CellWrite(sheet, ref, None if value == "" else value, colours.get((sheet, ref))))
    return writes


def apply_actions(template: Path, body: dict, actions: list[dict], out: Path) -> Path:
    """A copy of the template with the actions on its own sheets applied by the surgical writer."""
    shutil.copy(template, out)
    package = Package.open(out)
    apply_writes(package, writes_of(body, actions))
    package.save(out)
    return out


def cells(path: Path) -> dict[tuple[str, str], tuple]:
    """Every non-empty cell of a workbook: (sheet, ref) -> (value, fill colour)."""
    book = load_workbook(path)
    out = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
                if cell.value is not None or fill:
                    out[(ws.title, cell.coordinate)] = (cell.value, fill)
    return out


def test_the_payload_reads_back_as_the_file_values():
    template = TEMPLATES / "vital_signs_dashboard.xlsx"
    book = xw.Book(json=payload(template))
    on_file = load_workbook(template, data_only=True)["Dashboard"]
    assert book.sheets["Dashboard"]["A1"].value == on_file["A1"].value
    assert book.sheets["Dashboard"].used_range.shape == (on_file.max_row, on_file.max_column)


def test_applying_no_actions_leaves_every_cell_as_it_was(tmp_path):
    template = TEMPLATES / "vital_signs_dashboard.xlsx"
    out = apply_actions(template, payload(template), [], tmp_path / "copy.xlsx")
    assert cells(out) == cells(template)


def test_an_applied_action_shows_in_the_copy(tmp_path):
    template = TEMPLATES / "vital_signs_dashboard.xlsx"
    body = payload(template)
    actions = [{"func": "setValues", "args": [None], "values": [[123.5]], "sheet_position": 0, "start_row": 0,
                "start_column": 0, "row_count": 1, "column_count": 1}]
    out = apply_actions(template, body, actions, tmp_path / "copy.xlsx")
    assert cells(out)[("Dashboard", "A1")][0] == 123.5 and cells(out) != cells(template)
