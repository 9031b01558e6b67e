"""The ribbon's settings, broken: the S75 Settings sheet and S75_ defined names with wrong types,
paths that do not exist, folders where files belong, and outputs that are inputs (docs/bad-input.md,
"Ribbon settings"). Each button runs through xlwings' remote engine as in test_excel_macros.py.

An error is one message box naming the setting and where it was read, and nothing is written to
the workbook; a case that works writes no live formula copied from its input.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from s75xl.excel.settings import SETTINGS_SHEET, shipped_data
from s75xl.safety.formulas import is_live

from .bad_input_kit import registrar
from .test_excel_remote import TEMPLATES, cell_values, payload, run

DASHBOARD = TEMPLATES / "vital_signs_dashboard.xlsx"
RESULTS = shipped_data("norfolk_results_2016_17.csv")
TARGETS = shipped_data("norfolk_targets_2016_17.csv")
ERROR, OK = "error", "ok"

RIBBON_CASES: dict[str, tuple[str, str, object, str, str]] = {}  # id -> (button, what, build, expect, pattern)
case = registrar(RIBBON_CASES)


def sheet(**values) -> dict:
    """An S75 Settings sheet holding the values as typed (numbers, dates and booleans kept)."""
    return {"sheets": {SETTINGS_SHEET: [["Setting", "Value"]] + [[k.replace("_", " "), v] for k, v in values.items()]}}


def names(**values) -> dict:
    """S75_ defined names, each referring to one cell of a Config sheet."""
    rows = [[k, v] for k, v in values.items()]
    return {"sheets": {"Config": rows}, "names": [f"S75_{k.upper()}" for k in values]}


@case("ribbon-results-missing", "s75_refresh", "results setting naming a file that does not exist", ERROR,
      r"The results setting \(S75 Settings sheet, row 2\): the file .*nowhere.csv does not exist")
def _(d):
    return sheet(results=str(d / "nowhere.csv"))


@case("ribbon-results-number", "s75_refresh", "results setting holding a number", ERROR,
      r"The results setting \(S75 Settings sheet, row 2\) holds 5, not a file")
def _(d):
    return sheet(results=5)


@case("ribbon-results-boolean", "s75_refresh", "results setting holding TRUE", ERROR, r"The results setting .* holds TRUE, not a file")
def _(d):
    return sheet(results=True)


@case("ribbon-results-folder", "s75_refresh", "results setting naming a folder", ERROR, r"The results setting .* is a folder; give a file")
def _(d):
    return sheet(results=str(d))


@case("ribbon-results-binary", "s75_refresh", "results setting naming a binary file", ERROR, r"x\.csv")
def _(d):
    (d / "x.csv").write_bytes(bytes(range(256)) * 20)
    return sheet(results=str(d / "x.csv"))


@case("ribbon-results-duplicates", "s75_refresh", "results with one (area, measure, period) twice", ERROR, "two rows for")
def _(d):
    table = pd.read_csv(RESULTS)
    pd.concat([table, table.iloc[:1]]).to_csv(d / "r.csv", index=False)
    return sheet(results=str(d / "r.csv"))


@case("ribbon-period-number", "s75_refresh", "period setting holding the number 13", ERROR, "'13' is not a period")
def _(d):
    return sheet(results=str(RESULTS), period=13)


@case("ribbon-period-fraction", "s75_refresh", "period setting holding 2017.5", ERROR, "'2017.5' is not a period")
def _(d):
    return sheet(results=str(RESULTS), period=2017.5)


@case("ribbon-period-date", "s75_refresh", "period setting Excel turned into a date (1 Jan 2017)", OK, "")
def _(d):
    return sheet(results=str(RESULTS), period=dt.datetime(2017, 1, 1))


@case("ribbon-unknown-setting", "s75_refresh", "a setting s75xl does not have", ERROR, "'colour' is not a setting")
def _(d):
    return sheet(colour="blue")


@case("ribbon-extract-and-results", "s75_refresh", "both an extract and a results table", ERROR, "either an extract or")
def _(d):
    return sheet(extract=str(RESULTS), results=str(RESULTS))


@case("ribbon-layout-not-toml", "s75_refresh", "layout setting naming a CSV file", ERROR, "is not a layout file")
def _(d):
    return sheet(results=str(RESULTS), layout=str(RESULTS))


@case("ribbon-sheet-missing", "s75_refresh", "results on a sheet the workbook does not have", ERROR, "has no sheet 'Nope'")
def _(d):
    return sheet(results="sheet:Nope")


@case("ribbon-sheet-empty", "s75_refresh", "results on a sheet with a header only", ERROR, "has no table")
def _(d):
    built = sheet(results="sheet:Mine")
    built["sheets"]["Mine"] = [["area", "measure", "period", "value"]]
    return built


@case("ribbon-formula-area", "s75_refresh", "results whose area starts with = (written through xlwings)", OK, "")
def _(d):
    pd.read_csv(RESULTS).assign(area='=HYPERLINK("http://x.example")').to_csv(d / "r.csv", index=False)
    return sheet(results=str(d / "r.csv"))


@case("ribbon-pack-folder-is-file", "s75_build_pack", "pack folder setting naming a file", ERROR, "is a file")
def _(d):
    return sheet(results=str(RESULTS), pack_folder=str(RESULTS))


@case("ribbon-pack-over-input", "s75_build_pack", "a pack file name that is the results workbook", ERROR,
      "would overwrite an input")
def _(d):
    (d / "pack").mkdir()
    pd.read_csv(RESULTS).to_excel(d / "pack" / "pack_Norfolk_2017-03.xlsx", index=False)
    return sheet(results=str(d / "pack" / "pack_Norfolk_2017-03.xlsx"), pack_folder=str(d / "pack"))


@case("ribbon-ledger-missing", "s75_refresh_budget", "ledger setting naming a file that does not exist", ERROR,
      r"The ledger setting .*does not exist")
def _(d):
    return sheet(ledger=str(d / "nowhere.sqlite"))


@case("ribbon-pack-folder-number", "s75_build_pack", "pack folder setting holding a date", ERROR,
      r"The pack folder setting \(S75 Settings sheet, row 3\) holds .*, not a file")
def _(d):
    return sheet(results=str(RESULTS), pack_folder=dt.datetime(2017, 3, 1))


@case("ribbon-ledger-bad-url", "s75_refresh_budget", "ledger setting with a database URL whose driver is missing",
      ERROR, "cannot be used|no budget table")
def _(d):
    return sheet(ledger="mysql+mysqldb://x/y")


@case("ribbon-name-period-number", "s75_refresh", "S75_PERIOD naming a cell that holds 13", ERROR,
      r"The period setting \(defined names, name S75_PERIOD\): '13' is not a period")
def _(d):
    return names(results=str(RESULTS), period=13)


@case("ribbon-name-results-missing", "s75_refresh", "S75_RESULTS naming a file that does not exist", ERROR,
      r"The results setting \(defined names, name S75_RESULTS\): the file .* does not exist")
def _(d):
    return names(results=str(d / "nowhere.csv"))


@case("ribbon-name-unknown", "s75_refresh", "an S75_ defined name that is not a setting", ERROR, "is not a setting")
def _(d):
    return names(colour="blue")


def body_for(built: dict) -> dict:
    body = payload(DASHBOARD, built.get("sheets"))
    if "names" in built:
        index = next(i for i, s in enumerate(body["sheets"]) if s["name"] == "Config")
        body["names"] = [{"name": name, "sheet_index": index, "address": f"B{row}", "scope_sheet_name": None,
                          "scope_sheet_index": None, "book_scope": True}
                         for row, name in enumerate(built["names"], start=1)]
    return body


@pytest.mark.parametrize("ident", list(RIBBON_CASES))
def test_bad_ribbon_setting(ident, tmp_path):
    button, what, build, expect, pattern = RIBBON_CASES[ident]
    folder = tmp_path / "c"
    folder.mkdir()
    built = build(folder)
    before = sorted(p.name for p in folder.rglob("*"))
    body = body_for(built)
    actions = run(button, body)  # a Python error out of the macro would fail here
    alerts = [a["args"][0] for a in actions if a["func"] == "alert"]
    written = [a for a in actions if a["func"] != "alert"]
    if expect == ERROR:
        assert len(alerts) == 1, actions
        assert re.search(pattern, alerts[0]), alerts[0]
        assert "Traceback" not in alerts[0] and len(alerts[0]) < 600
        assert written == [], written
        assert sorted(p.name for p in folder.rglob("*")) == before  # nothing written beside the inputs
    else:
        assert alerts == [], alerts
        values = cell_values(body, actions)
        assert values, "nothing written"
        assert not any(isinstance(v, str) and is_live(v) for v in values.values())


def test_the_catalogue_counts_the_ribbon_cases():
    assert len(RIBBON_CASES) >= 20
