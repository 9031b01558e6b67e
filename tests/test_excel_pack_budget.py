"""Build pack and Refresh budget give what their commands give (when those parts of s75xl are
installed; until then each button says what is missing, tested in test_excel_macros.py)."""

from __future__ import annotations


import pytest
from openpyxl import load_workbook

from s75xl.cli import main
from tests.test_excel_macros import DASHBOARD, RESULTS, TARGETS, alerts, settings_sheet, writes
from tests.test_excel_remote import payload, run

def workbook_cells(path):
    book = load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


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


def test_build_pack_without_a_pack_folder_says_so_and_writes_nothing(tmp_path):
    actions = run("s75_build_pack", payload(DASHBOARD, settings_sheet(results=RESULTS)))
    assert writes(actions) == [] and alerts(actions)[0].startswith("Build pack needs the pack folder setting")


def _budget_case(tmp_path):
    from pathlib import Path

    import s75xl.finance

    template = Path(__file__).parent.parent / "templates" / "budget_monitor.xlsx"
    ledger = Path(s75xl.finance.__file__).parent / "data" / "demo_ledger"
    body = payload(template, settings_sheet(ledger=ledger, period="2017-03"))
    assert main(["budget", "refresh", str(template), "--ledger", str(ledger), "--period", "2017-03",
                 "--out", str(tmp_path / "cli.xlsx")]) == 0
    return template, body, tmp_path / "cli.xlsx"


def test_refresh_budget_writes_the_cells_and_table_sizes_budget_refresh_writes(tmp_path):
    from tests.test_excel_remote import cell_values, sheet_names

    template, body, cli_file = _budget_case(tmp_path)
    actions = run("s75_refresh_budget", body)
    assert not alerts(actions), alerts(actions)
    refreshed = load_workbook(cli_file)
    names = sheet_names(body, actions)
    resized = {(names[a["sheet_position"]], a["args"][0]): a["args"][1].replace("$", "") for a in actions
               if a["func"] == "resizeTable"}
    for (sheet, index), ref in resized.items():
        table = list(refreshed[sheet].tables.values())[index]
        assert table.ref == ref, (sheet, table.name)
    written = cell_values(body, actions)
    assert len(written) > 50
    for (sheet, ref), value in written.items():
        expected = refreshed[sheet][ref].value
        if isinstance(expected, str) and expected.startswith("="):
            # a calculated column: the remote engine sends no formulas, so this route writes the
            # column's figures where the file keeps the formula (desktop Excel reports formulas)
            assert not (isinstance(value, str) and value.startswith("=")), (sheet, ref, value)
            continue
        if value in ("", None):
            assert expected in ("", None), (sheet, ref, expected)
        else:
            assert value == (pytest.approx(expected) if isinstance(value, float) else expected), (sheet, ref, value)
    cleared = [a for a in actions if a["func"] == "rangeClearContents"]
    for a in cleared:  # rows below a shrunk table are empty in the file too
        sheet = refreshed[names[a["sheet_position"]]]
        for r in range(a["start_row"] + 1, a["start_row"] + a["row_count"] + 1):
            assert all(sheet.cell(r, c + 1).value is None for c in range(a["start_column"], a["start_column"] +
                                                                           a["column_count"])), r


def test_refresh_budget_without_a_ledger_says_so_and_writes_nothing(tmp_path):
    template, body, _ = _budget_case(tmp_path)
    body["sheets"] = [s for s in body["sheets"] if s["name"] != "S75 Settings"]
    body["sheets"].append({"name": "S75 Settings", "values": [["Setting", "Value"], ["period", "2017-03"]], "tables": []})
    actions = run("s75_refresh_budget", body)
    assert writes(actions) == [] and alerts(actions)[0].startswith("Refresh budget needs the ledger setting")
