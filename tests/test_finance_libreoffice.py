"""The refreshed budget monitor opens in LibreOffice, and its structured-reference formulas,
calculated columns and chart recompute the engine's own figures (after a refresh that grew the
budget table by 40 rows and shrank the movements table to one)."""

from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook

from s75xl.finance import refresh_budget

from .finance_data import TEMPLATE, as_csv, grown
from .libreoffice import convert

SUMMARY_ROWS = {7: "annual_budget", 8: "actual_to_date", 9: "forecast_outturn", 10: "variance"}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lo")
    report = refresh_budget(TEMPLATE, as_csv(grown(), folder / "ledger"), period="2017-03", out=folder / "grown.xlsx")
    (xlsx,) = convert([report.out], "xlsx", folder / "recalculated")
    (pdf,) = convert([report.out], "pdf", folder / "pdf")
    return report, xlsx, pdf


def test_the_summary_formulas_recalculate_to_the_engine_totals(recalculated):
    report, xlsx, _ = recalculated
    tables = report.plan.monitor.tables
    budget = tables["budget"]
    summary = load_workbook(xlsx, data_only=True)["Summary"]
    for row, column in SUMMARY_ROWS.items():
        assert summary.cell(row=row, column=2).value == pytest.approx(budget[column].sum(), abs=0.005), row
    assert summary["B11"].value == pytest.approx(budget["variance"].sum() / budget["annual_budget"].sum())
    assert summary["B12"].value == (budget["flag"] != "").sum() == 2
    assert summary["B13"].value == tables["movements"]["opening"].sum() == 28
    assert summary["B14"].value == tables["movements"]["closing"].sum() == 23
    assert summary["B15"].value == 0
    assert summary["B19"].value == pytest.approx(17.48)
    assert (summary["B20"].value, summary["B21"].value, summary["B22"].value) == (86_320, 31_680, 118_000)
    assert summary["B3"].value == "March 2017"


def test_the_calculated_columns_and_totals_row_recalculate_to_the_engine_values(recalculated):
    report, xlsx, _ = recalculated
    budget = report.plan.monitor.tables["budget"]
    sheet = load_workbook(xlsx, data_only=True)["Budget"]
    for offset, line in enumerate(budget.itertuples()):
        row = 4 + offset
        assert sheet.cell(row=row, column=1).value == line.cost_centre
        assert sheet.cell(row=row, column=7).value == pytest.approx(line.variance, abs=0.005)
        assert sheet.cell(row=row, column=8).value == pytest.approx(line.variance_pct)
        assert (sheet.cell(row=row, column=9).value or "") == line.flag
    assert sheet["A50"].value == "Total"
    assert sheet["D50"].value == pytest.approx(budget["annual_budget"].sum())
    assert sheet["G50"].value == pytest.approx(budget["variance"].sum(), abs=0.005)
    movements = load_workbook(xlsx, data_only=True)["Movements"]
    assert [c.value for c in movements[4]] == ["Adult mental health", "Community based support", 28, 5, 10, 23, 0]


def test_the_chart_plots_all_46_budget_lines_as_the_engine_has_them(recalculated):
    report, xlsx, pdf = recalculated
    budget = report.plan.monitor.tables["budget"]
    with zipfile.ZipFile(xlsx) as z:
        chart = z.read(next(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))).decode()
    refs = re.findall(r"<c:f>(.*?)</c:f>", chart)
    assert any(r.endswith("$D$4:$D$49") for r in refs) and any(r.endswith("$F$4:$F$49") for r in refs)
    caches = re.findall(r"<c:numCache>(.*?)</c:numCache>", chart, re.S)
    values = [[float(v) for v in re.findall(r"<c:v>(.*?)</c:v>", cache)] for cache in caches]
    assert values == [pytest.approx(budget["annual_budget"].tolist()), pytest.approx(budget["forecast_outturn"].tolist())]
    assert pdf.stat().st_size > 10_000
