"""Each S75 button gives, cell for cell, what the command line gives from the same files.

Every macro runs through xlwings' remote engine on a Book made from a real template file (as
xlwings Server runs it); its actions are applied to a copy of the file and compared with the
command's output. A wrong setting gives its message and no write action.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from s75xl.cli import main
from s75xl.excel.settings import SETTINGS_SHEET, shipped_data
from tests.test_excel_remote import TEMPLATES, apply_actions, cell_values, cells, payload, run, sheet_names

DASHBOARD = TEMPLATES / "vital_signs_dashboard.xlsx"
RESULTS = shipped_data("norfolk_results_2016_17.csv")
TARGETS = shipped_data("norfolk_targets_2016_17.csv")


def settings_sheet(**values) -> dict[str, list[list]]:
    return {SETTINGS_SHEET: [["Setting", "Value"]] + [[k.replace("_", " "), str(v)] for k, v in values.items()]}


def cli(*args) -> None:
    assert main([str(a) for a in args]) == 0


def writes(actions):
    return [a for a in actions if a["func"] not in ("alert",)]


def alerts(actions):
    return [a["args"][0] for a in actions if a["func"] == "alert"]


@pytest.fixture(scope="module")
def demo_extract(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extract")
    cli("demo-data", "--people", 300, "--out", folder)
    return folder


# --- Refresh ---------------------------------------------------------------------------------

def test_refresh_on_the_demo_dashboard_gives_the_cells_s75xl_fill_gives(tmp_path):
    body = payload(DASHBOARD)  # no settings: the demo defaults, Norfolk's 2016/17 results
    actions = run("s75_refresh", body)
    assert not alerts(actions)
    mine = apply_actions(DASHBOARD, body, actions, tmp_path / "macro.xlsx")
    cli("fill", DASHBOARD, "--results", RESULTS, "--out", tmp_path / "cli.xlsx")
    assert cells(mine) == cells(tmp_path / "cli.xlsx")
    assert cells(mine) != cells(DASHBOARD)
    assert len(cell_values(body, actions)) == 156  # as the command reports: "Wrote 156 cells for 7 measures."


def test_refresh_for_a_chosen_month_gives_the_cells_of_the_results_up_to_that_month(tmp_path):
    shutil.copy(RESULTS, tmp_path / "results.csv")
    body = payload(DASHBOARD, settings_sheet(results=tmp_path / "results.csv", period="2017-01"))
    actions = run("s75_refresh", body)
    mine = apply_actions(DASHBOARD, body, actions, tmp_path / "macro.xlsx")
    table = pd.read_csv(RESULTS)
    table[table["period"] <= "2017-01"].to_csv(tmp_path / "upto.csv", index=False)
    cli("fill", DASHBOARD, "--results", tmp_path / "upto.csv", "--out", tmp_path / "cli.xlsx")
    assert cells(mine) == cells(tmp_path / "cli.xlsx")
    headings = [load_workbook(tmp_path / "macro.xlsx")["Dashboard"].cell(4, c).value for c in (3, 15)]
    assert headings == ["Jan 16", "Jan 17"]  # the rolling 13 months now end at the chosen month


def test_refresh_from_an_extract_gives_what_compute_then_fill_give(tmp_path, demo_extract):
    template = TEMPLATES / "ascof_annual_summary.xlsx"
    body = payload(template, settings_sheet(extract=demo_extract / "cld.csv", population=demo_extract / "population.csv",
                                            period="2024-25"))
    actions = run("s75_refresh", body)
    assert not alerts(actions)
    mine = apply_actions(template, body, actions, tmp_path / "macro.xlsx")
    cli("compute", demo_extract / "cld.csv", "--period", "2024-25", "--population", demo_extract / "population.csv",
        "--out", tmp_path / "results.csv")
    cli("fill", template, "--results", tmp_path / "results.csv", "--out", tmp_path / "cli.xlsx")
    assert cells(mine) == cells(tmp_path / "cli.xlsx") != cells(template)


def test_refresh_settings_may_be_defined_names(tmp_path):
    body = payload(DASHBOARD)
    body["sheets"].append({"name": "Config", "values": [["results", str(RESULTS)], ["period", "2016-12"]]})
    config = len(body["sheets"]) - 1
    body["names"] = [{"name": "S75_RESULTS", "sheet_index": config, "address": "B1", "scope_sheet_name": None,
                      "scope_sheet_index": None, "book_scope": True},
                     {"name": "S75_PERIOD", "sheet_index": config, "address": "B2", "scope_sheet_name": None,
                      "scope_sheet_index": None, "book_scope": True}]
    actions = run("s75_refresh", body)
    assert not alerts(actions)
    assert cell_values(body, actions)[("Dashboard", "O4")] == "Dec 16"  # the window ends at the named period


# --- Flag exceptions -------------------------------------------------------------------------

def test_flag_exceptions_gives_the_cells_of_fill_with_targets_and_lists_assess_exceptions(tmp_path):
    body = payload(DASHBOARD)
    actions = run("s75_flag_exceptions", body)
    assert not alerts(actions)
    mine = apply_actions(DASHBOARD, body, actions, tmp_path / "macro.xlsx")
    cli("fill", DASHBOARD, "--results", RESULTS, "--targets", TARGETS, "--out", tmp_path / "cli.xlsx")
    assert cells(mine) == cells(tmp_path / "cli.xlsx")
    # the Exceptions sheet: the latest month's exceptions as s75xl assess flags them
    cli("assess", RESULTS, "--targets", TARGETS, "--out", tmp_path / "assessed.csv")
    assessed = pd.read_csv(tmp_path / "assessed.csv", parse_dates=["period_end"])
    latest = assessed[(assessed["period_end"] == assessed["period_end"].max()) & assessed["exception"].notna()]
    assert "Exceptions" in sheet_names(body, actions)
    sheet = {ref: v for (name, ref), v in cell_values(body, actions).items() if name == "Exceptions"}
    assert sheet["A1"] == "Exceptions for Mar 2017: 6 (from norfolk_targets_2016_17.csv)"
    header = [sheet[f"{c}3"] for c in "ABCDEFGHI"]
    assert header == ["area", "measure", "measure_name", "period_end", "value", "target", "rag", "exception",
                      "exception_reasons"]
    listed = [(sheet[f"B{r}"], sheet[f"H{r}"], sheet[f"I{r}"]) for r in range(4, 4 + len(latest))]
    assert listed == list(zip(latest["measure"], latest["exception"], latest["exception_reasons"]))
    assert sheet.get(f"B{4 + len(latest)}", "") == ""  # the published five negatives and one positive
    assert sorted(m for m, kind, _ in listed if kind == "negative") == [
        "NFK-VS-02", "NFK-VS-03", "NFK-VS-09", "NFK-VS-10", "NFK-VS-11"]


def test_flag_exceptions_clears_an_old_exceptions_sheet_rather_than_adding_another():
    body = payload(DASHBOARD, {"Exceptions": [["old"], ["stale row"]]})
    actions = run("s75_flag_exceptions", body)
    assert not [a for a in actions if a["func"] == "addSheet"]
    cleared = [a for a in actions if a["func"] == "sheetClearContents"]
    assert [a["sheet_position"] for a in cleared] == [2]
    assert cell_values(body, actions)[("Exceptions", "A1")].startswith("Exceptions for Mar 2017")


# --- Check data ------------------------------------------------------------------------------

def test_check_data_shows_what_s75xl_check_reports(tmp_path, demo_extract, capsys):
    body = payload(DASHBOARD, settings_sheet(extract=demo_extract / "cld.csv"))
    actions = run("s75_check_data", body)
    assert not alerts(actions)
    capsys.readouterr()
    cli("check", demo_extract / "cld.csv", "--out", tmp_path / "quality.csv")
    report = pd.read_csv(tmp_path / "quality.csv")
    sheet = {ref: v for (name, ref), v in cell_values(body, actions).items() if name == "Data quality"}
    assert sheet["A1"] == capsys.readouterr().out.splitlines()[0]  # "1,164 rows read; 1,126 events kept."
    assert [sheet[f"{c}3"] for c in "ABCD"] == list(report.columns)
    shown = [[sheet[f"{c}{r}"] for c in "ABCD"] for r in range(4, 4 + len(report))]
    assert shown == report.values.tolist() and len(report) >= 2
    assert sheet.get(f"A{4 + len(report)}", "") == ""


# --- Settings --------------------------------------------------------------------------------

def test_settings_shows_the_demo_defaults_on_a_new_settings_sheet():
    body = payload(DASHBOARD)
    actions = run("s75_settings", body)
    assert sheet_names(body, actions)[-1] == SETTINGS_SHEET
    sheet = {ref: v for (name, ref), v in cell_values(body, actions).items() if name == SETTINGS_SHEET}
    assert sheet["A1"] == "Setting" and sheet["D1"] == "Read from the demo defaults"
    rows = {sheet[f"A{r}"]: sheet[f"B{r}"] for r in range(2, 10)}
    assert rows["results"] == str(RESULTS) and rows["targets"] == str(TARGETS) and rows["period"] == "latest"


def test_settings_read_back_what_the_sheet_says(tmp_path):
    body = payload(DASHBOARD, settings_sheet(results=RESULTS, period="2016-12"))
    actions = run("s75_settings", body)
    sheet = {ref: v for (name, ref), v in cell_values(body, actions).items() if name == SETTINGS_SHEET}
    rows = {sheet[f"A{r}"]: sheet[f"B{r}"] for r in range(2, 10)}
    assert rows["period"] == "2016-12" and rows["targets"] == "" and sheet["D1"] == f"Read from {SETTINGS_SHEET} sheet"


# --- A wrong setting: its message, and nothing written -----------------------------------------

WRONG = [
    ("s75_refresh", settings_sheet(results="nowhere.csv"), "The results setting (S75 Settings sheet, row 2): the file"),
    ("s75_refresh", settings_sheet(results=RESULTS, period="2019-03"),
     "has no figures for the period 2019-03 (its latest period ends 31 Mar 2017)"),
    ("s75_refresh", settings_sheet(results=RESULTS, period="March"), "'March' is not a period"),
    ("s75_refresh", settings_sheet(results=RESULTS, layout=TEMPLATES / "sla_targets.layout.toml"),
     "The layout sla_targets.layout.toml does not match this workbook"),
    ("s75_refresh", settings_sheet(colour="blue"), "'colour' is not a setting"),
    ("s75_flag_exceptions", settings_sheet(results=RESULTS), "Flag exceptions needs the targets setting"),
    ("s75_flag_exceptions", settings_sheet(results=RESULTS, targets="missing_targets.csv"),
     "The targets setting (S75 Settings sheet, row 3): the file"),
    ("s75_check_data", settings_sheet(results=RESULTS), "Check data needs the extract setting"),
    ("s75_check_data", settings_sheet(extract="a.csv;b.csv"), "The extract setting (S75 Settings sheet, row 2)"),
    ("s75_settings", settings_sheet(period="2017-13"), "'2017-13' is not a period"),
    ("s75_build_pack", settings_sheet(results=RESULTS), "Build pack needs"),
    ("s75_refresh_budget", settings_sheet(results=RESULTS), "Refresh budget needs"),
]


@pytest.mark.parametrize("script, extra, message", WRONG, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_a_wrong_setting_gives_its_message_and_no_write(script, extra, message):
    actions = run(script, payload(DASHBOARD, extra))
    assert len(alerts(actions)) == 1 and message in alerts(actions)[0], alerts(actions)
    assert writes(actions) == [], writes(actions)


def test_a_workbook_no_layout_matches_is_refused_by_name(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "My own sheet"
    book.active["A1"] = "nothing s75xl knows"
    book.save(tmp_path / "own.xlsx")
    actions = run("s75_refresh", payload(tmp_path / "own.xlsx"))
    assert writes(actions) == []
    assert alerts(actions) == ["None of s75xl's layouts matches this workbook's sheets ('My own sheet'); set the layout "
                               "on the S75 Settings sheet (layout file saying where measures, periods and targets sit "
                               "in this workbook (blank: found from the sheets))."]


# --- Tables on the workbook's own sheets (xlwings Lite cannot read files) ------------------------

def _sheet_of(csv: Path) -> list[list]:
    table = pd.read_csv(csv)
    return [list(table.columns)] + [["" if pd.isna(v) else v for v in row] for row in table.itertuples(index=False)]


def test_results_and_targets_on_sheets_give_what_the_files_give(tmp_path):
    extra = {**settings_sheet(results="sheet:Results", targets="sheet:Targets"),
             "Results": _sheet_of(RESULTS), "Targets": _sheet_of(TARGETS)}
    body = payload(DASHBOARD, extra)
    actions = run("s75_flag_exceptions", body)
    assert not alerts(actions)
    mine = apply_actions(DASHBOARD, body, actions, tmp_path / "macro.xlsx")
    cli("fill", DASHBOARD, "--results", RESULTS, "--targets", TARGETS, "--out", tmp_path / "cli.xlsx")
    assert cells(mine) == cells(tmp_path / "cli.xlsx")
    assert cell_values(body, actions)[("Exceptions", "A1")] == "Exceptions for Mar 2017: 6 (from sheet 'Targets')"


def test_a_table_sheet_the_workbook_lacks_is_named_and_nothing_is_written():
    actions = run("s75_refresh", payload(DASHBOARD, settings_sheet(results="sheet:Results")))
    assert writes(actions) == []
    assert alerts(actions) == ["The results setting (S75 Settings sheet, row 2): this workbook has no sheet 'Results'."]


def test_progress_goes_to_the_status_bar_and_is_cleared_afterwards():
    from s75xl.excel.book import Progress

    class App:
        shown: list = []

        @property
        def status_bar(self):
            return None

        @status_bar.setter
        def status_bar(self, value):
            self.shown.append(value)

    class Book:
        app = App()

    progress = Progress(Book(), "Refresh")
    progress("reading results.csv")
    progress.clear()
    assert App.shown == ["S75 Refresh: reading results.csv", False]


def test_a_period_excel_turned_into_a_date_reads_as_its_month():
    import datetime as dt

    typed = run("s75_refresh", payload(DASHBOARD, settings_sheet(results=RESULTS, period="2016-12")))
    as_date = run("s75_refresh", payload(DASHBOARD, {SETTINGS_SHEET: [["Setting", "Value"], ["results", str(RESULTS)],
                                                                      ["period", dt.datetime(2016, 12, 1)]]}))
    assert as_date == typed and not alerts(as_date)
