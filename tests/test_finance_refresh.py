"""Refreshing the budget monitor: tables grow and shrink, what covers them follows, nothing else
changes; a council's own workbook refreshes with the same layout; the template is reproducible."""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from openpyxl import load_workbook

from s75xl.finance import refresh_budget
from s75xl.finance.errors import BudgetError

from .finance_data import TEMPLATE, as_csv, as_sqlite, grown, tables

ROOT = Path(__file__).parent.parent


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def grown_refresh(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grown")
    out = folder / "grown.xlsx"
    report = refresh_budget(TEMPLATE, as_csv(grown(), folder / "ledger"), period="2017-03", out=out)
    return report, out


def test_a_table_grown_by_40_rows_and_one_shrunk_to_1_move_their_ref_autofilter_and_totals_row(grown_refresh):
    _, out = grown_refresh
    p = parts(out)
    budget = p["xl/tables/table1.xml"].decode()
    assert 'ref="A3:I50"' in budget and '<autoFilter ref="A3:I49"/>' in budget  # 46 lines from row 4, totals at 50
    movements = p["xl/tables/table2.xml"].decode()
    assert 'ref="A3:G5"' in movements and '<autoFilter ref="A3:G4"/>' in movements
    wb = load_workbook(out)
    sheet = wb["Budget"]
    assert sheet["A49"].value == "GR039" and sheet["A50"].value == "Total"
    assert sheet["D50"].value == "=SUBTOTAL(109,Budget[Annual budget])"
    assert sheet["G49"].value == "=Budget[[#This Row],[Forecast outturn]]-Budget[[#This Row],[Annual budget]]"
    assert sheet["A51"].value is None
    moved = wb["Movements"]
    assert moved["B4"].value == "Community based support" and moved["A5"].value == "Total"
    assert all(moved.cell(row=r, column=c).value is None for r in range(6, 20) for c in range(1, 8))
    assert sheet["D49"].style_id == sheet["D4"].style_id  # new rows take the first row's styles


def test_names_chart_series_and_conditional_formats_over_a_table_column_follow_it(grown_refresh):
    report, out = grown_refresh
    p = parts(out)
    assert report.resized_names == ["CostCentres"]
    assert "<definedName name=\"CostCentres\">Budget!$A$4:$A$49</definedName>" in p["xl/workbook.xml"].decode()
    assert "<definedName name=\"Threshold\">Summary!$B$4</definedName>" in p["xl/workbook.xml"].decode()
    chart = p["xl/charts/chart1.xml"].decode()
    assert re.findall(r"<c:f>(.*?)</c:f>", chart) == ["Budget!$D$3", "Budget!$A$4:$A$49", "Budget!$D$4:$D$49",
                                                      "Budget!$F$3", "Budget!$A$4:$A$49", "Budget!$F$4:$F$49"]
    assert chart.count('<c:ptCount val="46"/>') == 4
    assert '<c:pt idx="45"><c:v>GR039</c:v></c:pt>' in chart
    assert 'sqref="I4:I49"' in p["xl/worksheets/sheet2.xml"].decode()


def test_every_other_part_is_byte_identical_to_the_template(grown_refresh):
    report, out = grown_refresh
    before, after = parts(TEMPLATE), parts(out)
    assert list(after) == list(before)  # same parts, same order
    tables_and_sheets = {"xl/tables/table1.xml", "xl/tables/table2.xml", "xl/charts/chart1.xml", "xl/workbook.xml"} | \
        {f"xl/worksheets/sheet{i}.xml" for i in range(1, 7)}
    assert set(report.changed_parts) <= tables_and_sheets
    for name in set(before) - tables_and_sheets:
        assert after[name] == before[name], name
    # same-sized tables keep their table part exactly
    for name in ("xl/tables/table3.xml", "xl/tables/table4.xml", "xl/tables/table5.xml"):
        assert after[name] == before[name]
    # rows above each table are untouched text
    for i in range(2, 7):
        head = lambda xml: re.search(r"<sheetData>.*?(?=<row r=\"4\")", xml.decode(), re.S).group(0)  # noqa: E731
        assert head(after[f"xl/worksheets/sheet{i}.xml"]) == head(before[f"xl/worksheets/sheet{i}.xml"]).replace(
            ' spans="1:9"', ' spans="1:9"')


def test_the_input_workbook_and_ledger_are_not_changed(tmp_path):
    ledger = as_sqlite(tables(), tmp_path / "ledger.sqlite")
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    before = digest(TEMPLATE), digest(ledger)
    refresh_budget(TEMPLATE, ledger, out=tmp_path / "out.xlsx")
    assert (digest(TEMPLATE), digest(ledger)) == before


def test_the_same_refresh_twice_gives_the_same_bytes(tmp_path):
    ledger = as_csv(tables(), tmp_path / "ledger")
    one = refresh_budget(TEMPLATE, ledger, out=tmp_path / "one.xlsx").out.read_bytes()
    assert refresh_budget(TEMPLATE, ledger, out=tmp_path / "two.xlsx").out.read_bytes() == one


def test_refreshing_a_refreshed_workbook_back_to_the_demo_gives_the_demo_tables(tmp_path, grown_refresh):
    _, grown_out = grown_refresh
    ledger = as_csv(tables(), tmp_path / "ledger")
    back = refresh_budget(grown_out, ledger, out=tmp_path / "back.xlsx").out
    direct = refresh_budget(TEMPLATE, ledger, out=tmp_path / "direct.xlsx").out
    b, d = parts(back), parts(direct)
    for name in ("xl/tables/table1.xml", "xl/tables/table2.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"):
        assert b[name] == d[name], name


def test_the_output_may_not_be_the_workbook_itself_unless_in_place_which_keeps_a_backup(tmp_path):
    copy = tmp_path / "monitor.xlsx"
    copy.write_bytes(TEMPLATE.read_bytes())
    ledger = as_csv(tables(), tmp_path / "ledger")
    with pytest.raises(BudgetError, match="is the workbook itself"):
        refresh_budget(copy, ledger, out=copy)
    refresh_budget(copy, ledger, out=copy, in_place=True)
    assert len(list(tmp_path.glob("monitor.backup-*.xlsx"))) == 1


def test_a_table_that_would_grow_over_other_cells_is_refused(tmp_path):
    crowded = tmp_path / "crowded.xlsx"
    council_workbook(crowded, note_below=True)
    with pytest.raises(BudgetError, match=r"Table BudgetLines on sheet Money would grow over cell B12"):
        refresh_budget(crowded, as_csv(grown(), tmp_path / "ledger"), out=tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def council_workbook(path: Path, note_below: bool = False) -> Path:
    """A council's own monitor: other sheet order, an extra table, renamed headings within the
    aliases, columns in another order, an extra column of notes, no totals row on the budget."""
    wb = xlsxwriter.Workbook(str(path))
    notes = wb.add_worksheet("Read me")
    notes.write(0, 0, "Our budget monitor")
    contacts = wb.add_worksheet("Contacts")
    contacts.add_table(0, 0, 2, 1, {"name": "Contacts", "columns": [{"header": "Name"}, {"header": "Role"}],
                                    "data": [["Finance lead", "Accountant"], ["Head of service", "Budget holder"]]})
    money = wb.add_worksheet("Money")
    money.write(0, 0, "Budget lines")
    headings = ["Projected outturn", "Cost Center", "Full year budget", "Notes", "Actual YTD", "Subjective",
                "Forecast variance", "Reporting flag"]
    data = [[100.0, "MH100", 90.0, "keep me", 50.0, "Employees", None, None],
            [50.0, "OLD01", 50.0, "gone", 10.0, "Supplies", None, None]]
    money.add_table(3, 1, 3 + len(data), len(headings), {
        "name": "BudgetLines", "data": data,
        "columns": [{"header": h} for h in headings[:6]] +
                   [{"header": "Forecast variance", "formula": "=[@[Projected outturn]]-[@[Full year budget]]"},
                    {"header": "Reporting flag"}]})
    money.write(4, 10, "a note beside the table")
    if note_below:
        money.write(11, 1, "a note below the table")
    staff = wb.add_worksheet("Staff")
    staff.add_table(1, 0, 2, 2, {"name": "Establishment", "columns": [{"header": "Post"}, {"header": "Employer"},
                                                                        {"header": "Vacancies"}],
                                 "data": [["Social workers", "CCC", 1.0]]})
    wb.define_name("Threshold", "=Money!$A$2")
    money.write_number(1, 0, 0.05)
    wb.close()
    return path


def test_a_council_workbook_with_its_own_order_names_and_extra_columns_refreshes_without_code_changes(tmp_path):
    workbook = council_workbook(tmp_path / "council.xlsx")
    report = refresh_budget(workbook, as_csv(tables(), tmp_path / "ledger"), out=tmp_path / "out.xlsx")
    wb = load_workbook(tmp_path / "out.xlsx")
    money = wb["Money"]
    rows = [[c.value for c in row] for row in money.iter_rows(min_row=5, max_row=10, min_col=2, max_col=9)]
    assert [r[1] for r in rows] == ["MH100", "MH200", "MH210", "OP300", "MH400", "MH500"]
    assert rows[0][0] == 2_869_761 and rows[0][2] == 3_072_633 and rows[0][4] == 2_869_761
    assert rows[0][3] == "keep me" and rows[1][3] is None        # notes follow their cost centre
    assert rows[0][6].startswith("=BudgetLines[[#This Row],[Projected outturn]]")
    assert rows[3][7] == "" and rows[1][7] == "Underspend: report to the council now"  # the workbook's 5% threshold
    assert rows[0][7] == "Underspend: report to the council now"                         # 6.6% > 5%
    assert money["K5"].value == "a note beside the table"
    assert money["C11"].value is None
    staff = wb["Staff"]
    assert [[c.value for c in row] for row in staff.iter_rows(min_row=3, max_row=9, max_col=3)][-1] == \
        ["North Finance & Admin Support", "CPFT", 1]
    assert parts(tmp_path / "out.xlsx")["xl/tables/table1.xml"] == parts(workbook)["xl/tables/table1.xml"]  # Contacts
    assert any("no movements table" in note for note in report.plan.notes)


def test_the_template_is_built_reproducibly_and_matches_the_shipped_file(tmp_path):
    sys.path.insert(0, str(ROOT / "templates"))
    try:
        import build_budget_monitor
    finally:
        sys.path.pop(0)
    one = build_budget_monitor.build(tmp_path / "one.xlsx").read_bytes()
    two = build_budget_monitor.build(tmp_path / "two.xlsx").read_bytes()
    assert one == two
    if xlsxwriter.__version__ == build_budget_monitor.BUILT_WITH_XLSXWRITER:
        assert one == TEMPLATE.read_bytes()
    else:  # the lowest-versions run: the same workbook, in that version's bytes
        assert sorted(parts(tmp_path / "one.xlsx")) == sorted(parts(TEMPLATE))


def test_the_template_has_the_five_tables_with_calculated_columns_and_structured_reference_formulas():
    p = parts(TEMPLATE)
    names = sorted(re.search(r'name="(\w+)"', p[n].decode()).group(1) for n in p if n.startswith("xl/tables/"))
    assert names == ["Budget", "Movements", "Penalties", "Savings", "Staffing"]
    assert "<calculatedColumnFormula>" in p["xl/tables/table1.xml"].decode()
    summary = p["xl/worksheets/sheet1.xml"].decode()
    for formula in ("SUM(Budget[Variance])", "COUNTIF(Budget[Flag],\"?*\")", "SUM(Movements[Closing])",
                    "SUM(Staffing[Vacant WTE])", "SUM(Penalties[County at risk])"):
        assert formula.replace('"', "&quot;") in summary or formula in summary


def test_the_api_gives_the_plan_an_open_workbook_adapter_would_apply(tmp_path):
    from s75xl.finance import TableInfo, plan_refresh

    info = TableInfo("Budget", "Budget", ["Cost centre", "Annual budget", "Variance"],
                     {"Variance": "Budget[[#This Row],[Forecast outturn]]-Budget[[#This Row],[Annual budget]]"})
    plan = plan_refresh([info], as_csv(tables(), tmp_path / "ledger"), period="2017-03")
    write = plan.tables[0]
    assert write.table == "Budget" and write.headings == ("Cost centre", "Annual budget", "Variance")
    assert write.rows[0] == ("MH100", 3_072_633.0, -202_872.0)
    assert write.formulas["Variance"].startswith("Budget[[#This Row]")
    assert pd.Period("2017-03", "M") == plan.period


def test_a_threshold_given_to_the_refresh_is_written_to_the_workbook_so_its_formulas_agree(tmp_path):
    report = refresh_budget(TEMPLATE, as_csv(tables(), tmp_path / "ledger"), out=tmp_path / "out.xlsx", threshold_pct=5)
    summary = load_workbook(tmp_path / "out.xlsx")["Summary"]
    assert summary["B4"].value == 0.05
    assert report.plan.monitor.tables["budget"].set_index("cost_centre").loc["MH100", "flag"].startswith("Underspend")
    assert summary["A25"].value == "Adult mental health social work, Employees"  # now among the lines to report


def test_a_source_table_with_no_rows_leaves_one_empty_row_as_excel_requires(tmp_path):
    empty = tables()["savings"].iloc[0:0]
    refresh_budget(TEMPLATE, as_csv(tables(savings=empty), tmp_path / "ledger"), out=tmp_path / "out.xlsx")
    p = parts(tmp_path / "out.xlsx")
    assert 'ref="A3:F5"' in p["xl/tables/table3.xml"].decode()
    savings = load_workbook(tmp_path / "out.xlsx")["Savings"]
    assert savings["A4"].value is None and savings["B4"].value is None and savings["A5"].value == "Total"
