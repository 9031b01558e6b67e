"""Build the report templates in templates/, modelled on the councils' own published reports.

Run ``python templates/build_templates.py`` after changing them. Each is a clean .xlsx with a
title block, merged headings, number formats, fills, frozen panes, print set-up, conditional
formatting and a chart, filled with the report's published figures, and has a layout file beside
it (written by hand, not here) that says how s75xl finds its measures and periods by label.
A hidden sheet "s75xl styles" holds each value style with each RAG fill, so filling a template
reuses those styles and never has to add to styles.xml.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

# openpyxl writes different (equally valid) XML when lxml is installed; the plain writer keeps
# every rebuild byte-identical whichever packages the machine has.
os.environ["OPENPYXL_LXML"] = "False"

from openpyxl import Workbook  # noqa: E402
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from s75xl.xlsx.reproducible import make_reproducible

HERE = Path(__file__).parent
NHS_BLUE, PALE = "005EB8", "E8EDEE"
TITLE = Font(bold=True, size=14, color=NHS_BLUE)
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor=NHS_BLUE)
THIN = Side(style="thin", color="AEB7BD")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
RAG = {"Green": "FFC6EFCE", "Amber": "FFFFEB9C", "Red": "FFFFC7CE", "Blue": "FFBDD7EE"}
PERCENT, RATE, WHOLE = '0.0"%"', "0.0", "#,##0"


def _title(ws, title: str, subtitle: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws["A1"], ws["A2"] = title, subtitle
    ws["A1"].font = TITLE
    ws["A2"].font = Font(italic=True, color="425563")


def _heading(ws, row: int, titles: list, widths: dict[int, float] | None = None) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font, cell.fill, cell.border = HEAD, HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col, width in (widths or {}).items():
        ws.column_dimensions[get_column_letter(col)].width = width


def _value(cell, value, number_format: str) -> None:
    cell.value = value
    cell.number_format = number_format
    cell.border = BOX
    cell.alignment = Alignment(horizontal="right")


def _chart(ws, kind, title: str, row: int, first_col: int, last_col: int, heading_row: int, anchor: str) -> None:
    """A one-series chart of a row of figures against the period headings above them."""
    chart = kind()
    chart.title = title
    chart.add_data(Reference(ws, min_col=first_col, max_col=last_col, min_row=row, max_row=row), from_rows=True,
                   titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=first_col, max_col=last_col, min_row=heading_row, max_row=heading_row))
    ws.add_chart(chart, anchor)


def _print(ws, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P of &N"


def _style_sheet(wb: Workbook, formats: list[str]) -> None:
    """A hidden sheet with every value format in every RAG fill (see the module docstring)."""
    ws = wb.create_sheet("s75xl styles")
    ws.sheet_state = "hidden"
    ws["A1"] = "RAG styles used when s75xl fills this template. Do not delete."
    for row, fmt in enumerate(formats, start=2):
        for col, rgb in enumerate(RAG.values(), start=1):
            cell = ws.cell(row=row, column=col)
            _value(cell, None, fmt)
            cell.fill = PatternFill("solid", fgColor=rgb)


def _rag_rules(ws, cells: str) -> None:
    for word, rgb in RAG.items():
        ws.conditional_formatting.add(cells, CellIsRule(operator="equal", formula=[f'"{word}"'],
                                                        fill=PatternFill("solid", fgColor=rgb)))


# --------------------------------------------------------------------------- monthly vital signs

DASHBOARD_MONTHS = [dt.date(2016, 3, 1)] + [dt.date(2016, m, 1) for m in range(4, 13)] + [dt.date(2017, m, 1) for m in (1, 2, 3)]
DASHBOARD = [  # (label, bigger/smaller, values Mar 16..Mar 17, counts, target, format)
    ("% of people who require no ongoing formal service after completing reablement", "Bigger",
     [86.3, 87.2, 91.8, 89.9, 89.1, 89.4, 91.6, 92.9, 91.0, 91.9, 84.2, 85.8, 88.6],
     ["334 / 387", "387 / 444", "367 / 400", "357 / 397", "342 / 384", "371 / 415", "380 / 415", "352 / 379",
      "365 / 401", "340 / 370", "362 / 430", "387 / 451", "413 / 466"], None, PERCENT),
    ("Decreasing the rate of admissions of people to residential and nursing care per 100,000 population (18-64 years)",
     "Smaller", [21.7, 21.1, 19.7, 18.7, 17.7, 18.3, 17.0, 16.6, 16.6, 16.4, 18.5, 18.1, 19.3], None, 16.5, RATE),
    ("Decreasing the rate of admissions of people to residential and nursing care per 100,000 population (65+ years)",
     "Smaller", [623, 616, 622, 614, 613, 613, 621, 630, 637, 628, 627, 625, 633], None, 573, WHOLE),
    ("% of people still at home 91 days after completing reablement", "Bigger",
     [90.7, 92.2, 91.9, 93.3, 94.3, 93.2, 94.5, 94.1, 93.0, 93.1, 93.1, 93.5, 94.2],
     ["675 / 744", "650 / 705", "682 / 742", "699 / 749", "779 / 826", "744 / 798", "750 / 794", "732 / 778",
      "771 / 829", "828 / 889", "825 / 886", "839 / 897", "861 / 914"], 90.0, PERCENT),
    ("Number of days delay in transfers of care per 100,000 population (attributable to social care)", "Smaller",
     [1.5, 2.9, 2.6, 2.4, 2.6, 3.0, 3.1, 3.1, 3.1, 3.2, 3.4, 3.5, 3.56], None, 1.5, "0.00"),
    ("% People receiving Learning Disabilities services in paid employment", "Bigger",
     [3.7, 3.3, 3.3, 3.2, 3.2, 3.3, 3.3, 3.3, 3.3, 3.3, 3.3, 3.3, 3.3],
     ["77 / 2095", "71 / 2127", "69 / 2120", "69 / 2128", "69 / 2126", "70 / 2133", "71 / 2127", "71 / 2136",
      "70 / 2138", "70 / 2135", "69 / 2122", "69 / 2113", "69 / 2122"], 4.0, PERCENT),
    ("% People receiving Mental Health services in paid employment", "Bigger",
     [2.1, 1.9, 2.1, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3, 2.1, 2.0, 2.0],
     ["16 / 768", "15 / 770", "16 / 773", "18 / 778", "18 / 776", "18 / 772", "18 / 783", "18 / 790", "18 / 787",
      "18 / 782", "17 / 798", "16 / 806", "17 / 832"], 3.7, PERCENT),
]


def vital_signs_dashboard(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Dashboard"
    width = 3 + len(DASHBOARD_MONTHS)
    _title(ws, "Adult Social Services Dashboard", "Vital signs, rolling 13 months (after Norfolk County Council, Adult Social Care Committee performance report, June 2017)", width)
    headings = ["Monthly", "Bigger or Smaller is better"] + [m.strftime("%b %y") for m in DASHBOARD_MONTHS] + ["Target"]
    _heading(ws, 4, headings, {1: 58, 2: 12, **{c: 9 for c in range(3, width + 1)}})
    row = 5
    for label, better, values, counts, target, fmt in DASHBOARD:
        ws.cell(row=row, column=1, value=label).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 30
        ws.cell(row=row, column=2, value=better)
        for col, value in enumerate(values, start=3):
            _value(ws.cell(row=row, column=col), value, fmt)
        _value(ws.cell(row=row, column=width), target, fmt)
        row += 1
        if counts:
            for col, text in enumerate(counts, start=3):
                cell = ws.cell(row=row, column=col, value=text)
                cell.font = Font(size=8, color="425563")
                cell.alignment = Alignment(horizontal="right")
            row += 1
    ws.freeze_panes = "C5"
    ws["A4"].comment = Comment("Results without colouring have no target yet. Targets are profiled month by month.", "s75xl")
    ws.conditional_formatting.add(f"C5:{get_column_letter(width - 1)}{row - 1}",
                                  CellIsRule(operator="lessThan", formula=["0"], font=Font(color="FF0000")))
    _chart(ws, LineChart, "Admissions 65+ per 100,000", 8, 3, width - 1, 4, f"A{row + 2}")
    wb.defined_names["DashboardMonths"] = DefinedName("DashboardMonths", attr_text=f"Dashboard!$C$4:${get_column_letter(width - 1)}$4")
    _print(ws)
    _style_sheet(wb, [PERCENT, RATE, WHOLE, "0.00"])
    wb.save(path)


# --------------------------------------------------------------------------- Cambridgeshire top level figures

TOP_LEVEL = [  # ID, source, indicator, measure, frequency, data source, target, Jun-16..Mar-17, summary, format
    ("2", "CCC", "AS1", "Number of assessments completed within 28 days of referral (From AIS)", "Monthly", "AIS", 65.7,
     [100, 100, 100, 100], "AVERAGE", PERCENT),
    ("4", "CCC", "1C Part 1 Local", "Proportion of eligible social care users receiving self-directed support.", "Monthly", "AIS", 93,
     [73, 72, 72, 86], "AVERAGE", PERCENT),
    ("5", "CCC", "1C Part 2 Local", "Proportion of eligible social care users receiving direct payment.", "Monthly", "AIS", 24,
     [9, 8, 9, 8], "AVERAGE", PERCENT),
    ("8", "CCC", "RV1", "Proportion of planned service user re-assessments actioned by the due date - (Statutory Reviews)",
     "Monthly", "AIS", 50.1, [98, 91, 96, 75], "AVERAGE", PERCENT),
    ("9a", "CPFT", "1F", "Proportion of Adults in contact with secondary mental health care services in paid employment - On CPA, Aged 18-69",
     "Monthly", "RiO", 12.5, [12.3, 11.8, 11.7, 12.1], "LATEST", PERCENT),
    ("11", "CPFT", "Complaints", "Number of Complaints - social workers only", "Quarterly", "RiO", None, [3, 0, 1, 2], "SUM", WHOLE),
    ("13", "CPFT", "Carers", "No. of Carers assessments completed for carers of CCC patients", "Monthly", "RiO", None,
     [6, 8, 14, 23], "SUM", WHOLE),
]


def top_level_figures(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Top Level Figures"
    _title(ws, "Section 75 Report - Top Level Figures - CCC", "Cambridgeshire and Peterborough NHS Foundation Trust, 2016/17 annual report on the Council's delegated duties, Appendix 2", 12)
    quarters = ["Jun-16", "Sep-16", "Dec-16", "Mar-17"]
    _heading(ws, 4, ["ID", "Source", "Indicator", "Performance Measure", "Frequency", "Data Source", "Target", *quarters,
                     "Total/ average"], {1: 6, 2: 8, 3: 14, 4: 60, 5: 11, 6: 11, 7: 9, **{c: 9 for c in range(8, 13)}})
    for row, (ident, source, indicator, name, freq, data, target, values, summary, fmt) in enumerate(TOP_LEVEL, start=5):
        for col, value in enumerate((ident, source, indicator, name, freq, data), start=1):
            ws.cell(row=row, column=col, value=value).border = BOX
        ws.cell(row=row, column=4).alignment = Alignment(wrap_text=True)
        ws.row_dimensions[row].height = 30
        _value(ws.cell(row=row, column=7), target, fmt)
        for col, value in enumerate(values, start=8):
            _value(ws.cell(row=row, column=col), value, fmt)
        formula = {"AVERAGE": f"=AVERAGE(H{row}:K{row})", "SUM": f"=SUM(H{row}:K{row})", "LATEST": f"=K{row}"}[summary]
        _value(ws.cell(row=row, column=12), formula, fmt)
    last = 4 + len(TOP_LEVEL)
    ws.freeze_panes = "H5"
    ws.conditional_formatting.add(f"H5:K{last}", CellIsRule(operator="lessThan", formula=["$G5"], font=Font(color="C00000")))
    _chart(ws, BarChart, "Self-directed support by quarter (%)", 6, 8, 11, 4, f"D{last + 3}")
    _print(ws)
    _style_sheet(wb, [PERCENT, WHOLE])
    wb.save(path)


# --------------------------------------------------------------------------- Havering quarterly framework grid

def havering_grid(path: Path) -> None:
    from s75xl.catalogue import default_catalogue

    wb = Workbook()
    ws = wb.active
    ws.title = "S75 Framework"
    _title(ws, "Section 75 Partnership: quarterly performance pack", "London Borough of Havering and NELFT Section 75 performance framework, 2024/25", 10)
    quarters = ["Q1 2024/25", "Q2 2024/25", "Q3 2024/25", "Q4 2024/25"]
    _heading(ws, 4, ["No.", "Headline", "Measure / Information", "Comments", *quarters, "Target", "RAG"],
             {1: 5, 2: 14, 3: 70, 4: 20, **{c: 11 for c in range(5, 11)}})
    rows = default_catalogue().select(framework="Havering")
    for row, measure in enumerate(rows, start=5):
        number = int(measure.id.split("-")[1])
        fmt = PERCENT if measure.unit == "percent" else RATE if measure.unit == "dtoc_per_100k" else WHOLE
        for col, value in enumerate((number, measure.group, measure.name, measure.comments), start=1):
            ws.cell(row=row, column=col, value=value).border = BOX
        ws.cell(row=row, column=3).alignment = Alignment(wrap_text=True)
        if len(measure.name) > 75:
            ws.row_dimensions[row].height = 30
        for col in range(5, 10):
            _value(ws.cell(row=row, column=col), None, fmt)
        ws.cell(row=row, column=10).border = BOX
    last = 4 + len(rows)
    _rag_rules(ws, f"J5:J{last}")
    validation = DataValidation(type="list", formula1='"Green,Amber,Red,Blue"', allow_blank=True)
    ws.add_data_validation(validation)
    validation.add(f"J5:J{last}")
    ws.freeze_panes = "E5"
    _chart(ws, BarChart, "Mental Health Act assessments by quarter", 26, 5, 8, 4, f"C{last + 3}")
    ws.cell(row=last + 2, column=3, value="Overall rating: % of measures with a target at or above target")
    _value(ws.cell(row=last + 2, column=9), f'=IFERROR(COUNTIF(J5:J{last},"Green")/(COUNTA(J5:J{last}))*100,"")', PERCENT)
    _print(ws)
    _style_sheet(wb, [PERCENT, RATE, WHOLE])
    wb.save(path)


# --------------------------------------------------------------------------- ASCOF annual summary

def ascof_summary(path: Path) -> None:
    import pandas as pd

    from s75xl.demo import read_shipped_csv

    table = read_shipped_csv("norfolk_ascof_2016_17.csv")
    wb = Workbook()
    ws = wb.active
    ws.title = "ASCOF"
    _title(ws, "Provisional ASCOF Results 2016/17", "Norfolk County Council, Adult Social Care Committee performance report, June 2017, section 5: result and comparators", 11)
    _heading(ws, 4, ["Indicator Reference", "Indicator Name", "Good is", "Numerator", "Denominator", "Current Target",
                     "Result", "Previous year", "Family Group", "Eastern Region", "England"],
             {1: 11, 2: 60, 3: 8, **{c: 12 for c in range(4, 12)}})
    from s75xl.catalogue import default_catalogue

    catalogue = default_catalogue()
    for row, r in enumerate(table.itertuples(), start=5):
        measure = catalogue.find(r.measure)
        ws.cell(row=row, column=1, value=r.measure).border = BOX
        ws.cell(row=row, column=2, value=measure.name).border = BOX
        ws.cell(row=row, column=3, value="High" if measure.polarity == "higher" else "Low").border = BOX
        _value(ws.cell(row=row, column=4), int(r.numerator), WHOLE)
        _value(ws.cell(row=row, column=5), int(r.denominator), WHOLE)
        _value(ws.cell(row=row, column=6), None if pd.isna(r.current_target) else float(r.current_target), RATE)
        _value(ws.cell(row=row, column=7), None, RATE)
        for col, value in enumerate((r.norfolk_previous, r.family_group, r.eastern_region, r.england), start=8):
            _value(ws.cell(row=row, column=col), None if pd.isna(value) else float(value), RATE)
    last = 4 + len(table)
    ws.conditional_formatting.add(f"G5:G{last}", CellIsRule(operator="greaterThan", formula=["$K5"], font=Font(bold=True)))
    ws.freeze_panes = "C5"
    _chart(ws, BarChart, "Self-directed support: Norfolk and comparators", 5, 7, 11, 4, f"B{last + 3}")
    _print(ws)
    _style_sheet(wb, [RATE, WHOLE])
    wb.save(path)


# --------------------------------------------------------------------------- Leicestershire SLA targets and penalties

def sla_targets(path: Path) -> None:
    from s75xl.catalogue import default_catalogue

    wb = Workbook()
    ws = wb.active
    ws.title = "SLA"
    _title(ws, "SLA performance targets 2008-09", "Leicestershire Partnership NHS Trust, briefing on SLA targets, 2008: penalties for non-delivery", 7)
    _heading(ws, 4, ["Service", "Target", "Position at year end", "RAG", "Penalty for non-delivery (Counties)",
                     "Penalty for non-delivery (City)", "Risk"], {1: 40, 2: 40, 3: 16, 4: 8, 5: 16, 6: 16, 7: 36})
    measures = default_catalogue().select(framework="Leicestershire")
    for row, m in enumerate(measures, start=5):
        ws.cell(row=row, column=1, value=m.name).border = BOX
        ws.cell(row=row, column=2, value=m.extra.get("target_text")).border = BOX
        _value(ws.cell(row=row, column=3), None, RATE if m.unit == "percent" else WHOLE)
        ws.cell(row=row, column=4).border = BOX
        _value(ws.cell(row=row, column=5), m.extra["penalty_county_gbp"], '"£"#,##0')
        _value(ws.cell(row=row, column=6), m.extra["penalty_city_gbp"], '"£"#,##0')
        ws.cell(row=row, column=7, value=m.extra.get("risk")).border = BOX
    last = 4 + len(measures)
    ws.cell(row=last + 1, column=1, value="Total").font = Font(bold=True)
    _value(ws.cell(row=last + 1, column=5), f"=SUM(E5:E{last})", '"£"#,##0')
    _value(ws.cell(row=last + 1, column=6), f"=SUM(F5:F{last})", '"£"#,##0')
    _rag_rules(ws, f"D5:D{last}")
    ws.freeze_panes = "B5"
    chart = BarChart()
    chart.title = "Penalties at risk (£)"
    chart.add_data(Reference(ws, min_col=5, max_col=6, min_row=4, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=last))
    ws.add_chart(chart, f"A{last + 4}")
    _print(ws)
    _style_sheet(wb, [RATE, WHOLE])
    wb.save(path)


BUILDERS = {
    "vital_signs_dashboard.xlsx": vital_signs_dashboard,
    "s75_top_level_figures.xlsx": top_level_figures,
    "havering_quarterly_grid.xlsx": havering_grid,
    "ascof_annual_summary.xlsx": ascof_summary,
    "sla_targets.xlsx": sla_targets,
}


def build(folder: Path = HERE) -> list[Path]:
    """Build every template into `folder`; the same source gives the same bytes."""
    out = []
    for name, builder in BUILDERS.items():
        builder(folder / name)
        out.append(make_reproducible(folder / name))
    return out


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
