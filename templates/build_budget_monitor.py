"""Build templates/budget_monitor.xlsx: the Section 75 budget monitor, filled from the demo ledger.

Run ``python templates/build_budget_monitor.py`` after changing it; it writes the same bytes on
every run (XlsxWriter stamps zip entries with a fixed date, and the document's creation date is
set here). The workbook is what a finance officer keeps by hand: five Excel tables (Budget,
Movements, Savings, Staffing, Penalties), each on its own sheet with calculated columns and a
totals row, and a Summary sheet whose formulas use structured references
(``=SUM(Budget[Variance])``) and whose chart plots the Budget table's columns. The tables are
found by ``budget_monitor.layout.toml`` beside it, by name or heading, never by address.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from s75xl.finance.demo import SQLITE  # noqa: E402
from s75xl.finance.engine import build_monitor  # noqa: E402
from s75xl.finance.periods import label  # noqa: E402
from s75xl.finance.sources import open_source  # noqa: E402

NHS_BLUE = "#005EB8"
BUILT_WITH_XLSXWRITER = "3.3.1"  # the shipped file's bytes are this version's; another writes the same workbook in other bytes
REPORT_LINES = 10  # rows on the Summary for the budget lines to report

# heading, field, format, calculated formula, totals function
TABLES = {
    "Budget": ("Budget lines: annual budget, actual to date and forecast outturn", "budget", [
        ("Cost centre", "cost_centre", "text", None, "Total"),
        ("Service", "service", "text", None, None),
        ("Subjective", "subjective", "text", None, None),
        ("Annual budget", "annual_budget", "money", None, "sum"),
        ("Actual to date", "actual_to_date", "money", None, "sum"),
        ("Forecast outturn", "forecast_outturn", "money", None, "sum"),
        ("Variance", "variance", "money", "=[@[Forecast outturn]]-[@[Annual budget]]", "sum"),
        ("Variance %", "variance_pct", "pct", '=IF([@[Annual budget]]=0,"",[@[Variance]]/[@[Annual budget]])', None),
        ("Flag", "flag", "text", '=IF(ROUND(ABS([@[Variance]])-Threshold*ABS([@[Annual budget]]),2)>0,'
                                 'IF([@[Variance]]>0,"Overspend","Underspend")&": report to the council now","")', None),
    ]),
    "Movements": ("Care-package movements by package type: opening + new - ended = closing", "movements", [
        ("Client group", "client_group", "text", None, "Total"),
        ("Package type", "package_type", "text", None, None),
        ("Opening", "opening", "whole", None, "sum"),
        ("New", "new", "whole", None, "sum"),
        ("Ended", "ended", "whole", None, "sum"),
        ("Closing", "closing", "whole", None, "sum"),
        ("Check", "check", "whole", "=[@[Opening]]+[@[New]]-[@[Ended]]-[@[Closing]]", "sum"),
    ]),
    "Savings": ("Savings delivered against target and stretch target", "savings", [
        ("Scheme", "scheme", "text", None, "Total"),
        ("Target", "target", "money", None, "sum"),
        ("Stretch target", "stretch_target", "money", None, "sum"),
        ("Delivered", "delivered", "money", None, "sum"),
        ("Against target", "against_target", "money", "=[@[Delivered]]-[@[Target]]", "sum"),
        ("Status", "status", "text", '=IF(AND([@[Stretch target]]<>"",[@[Delivered]]>=[@[Stretch target]]),'
                                     '"Stretch target met",IF([@[Delivered]]>=[@[Target]],"Target met","Short of target"))', None),
    ]),
    "Staffing": ("Staffing establishment and vacancies (whole-time equivalents)", "staffing", [
        ("Organisation", "organisation", "text", None, "Total"),
        ("Post", "post", "text", None, None),
        ("Establishment WTE", "establishment_wte", "wte", None, "sum"),
        ("In post WTE", "in_post_wte", "wte", "=[@[Establishment WTE]]-[@[Vacant WTE]]", "sum"),
        ("Vacant WTE", "vacant_wte", "wte", None, "sum"),
    ]),
    "Penalties": ("SLA targets with financial penalties for non-delivery, County and City", "penalties", [
        ("Measure", "measure", "text", None, "Total"),
        ("Service", "service", "text", None, None),
        ("Target", "target", "text", None, None),
        ("Position", "position", "text", None, None),
        ("County penalty", "county_penalty", "money", None, "sum"),
        ("City penalty", "city_penalty", "money", None, "sum"),
        ("Status", "status", "text", None, None),
        ("County at risk", "county_at_risk", "money", None, "sum"),
        ("City at risk", "city_at_risk", "money", None, "sum"),
    ]),
}
WIDTHS = {"text": 30, "money": 16, "pct": 11, "whole": 10, "wte": 18}

SUMMARY = [  # label, formula, format
    ("Annual budget", "=SUM(Budget[Annual budget])", "money"),
    ("Actual to date", "=SUM(Budget[Actual to date])", "money"),
    ("Forecast outturn", "=SUM(Budget[Forecast outturn])", "money"),
    ("Forecast variance (overspend +, underspend -)", "=SUM(Budget[Variance])", "money"),
    ("Forecast variance, % of budget", '=IF(B7=0,"",B10/B7)', "pct"),
    ("Budget lines to report to the council now", '=COUNTIF(Budget[Flag],"?*")', "whole"),
    ("Care packages at the start of the year", "=SUM(Movements[Opening])", "whole"),
    ("Care packages now", "=SUM(Movements[Closing])", "whole"),
    ("Package types that do not reconcile", '=COUNTIF(Movements[Check],"<>0")', "whole"),
    ("Savings target", "=SUM(Savings[Target])", "money"),
    ("Savings delivered", "=SUM(Savings[Delivered])", "money"),
    ("Establishment (WTE)", "=SUM(Staffing[Establishment WTE])", "wte"),
    ("Vacancies (WTE)", "=SUM(Staffing[Vacant WTE])", "wte"),
    ("SLA penalties at risk: County", "=SUM(Penalties[County at risk])", "money"),
    ("SLA penalties at risk: City", "=SUM(Penalties[City at risk])", "money"),
    ("SLA penalties at risk: total", "=B20+B21", "money"),
]


def build(path: Path = HERE / "budget_monitor.xlsx") -> Path:
    monitor = build_monitor(open_source(SQLITE), period="2017-03")
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "Section 75 budget monitor", "author": "s75xl", "created": dt.datetime(2017, 4, 1)})
    wb.set_calc_mode("auto")
    f = {
        "title": wb.add_format({"bold": True, "font_size": 14, "font_color": NHS_BLUE}),
        "sub": wb.add_format({"italic": True, "font_color": "#425563"}),
        "head": wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": NHS_BLUE}),
        "label": wb.add_format({"valign": "top"}),
        "text": wb.add_format({"valign": "top"}),
        "money": wb.add_format({"num_format": "#,##0.00;[Red]-#,##0.00"}),
        "pct": wb.add_format({"num_format": "0.0%;[Red]-0.0%"}),
        "whole": wb.add_format({"num_format": "#,##0"}),
        "wte": wb.add_format({"num_format": "0.00"}),
        "threshold": wb.add_format({"num_format": "0%", "bg_color": "#FFF2CC", "border": 1}),
        "red": wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
    }
    summary = wb.add_worksheet("Summary")
    sheets = {name: wb.add_worksheet(name) for name in TABLES}
    _summary(wb, summary, f, monitor)
    for name, (title, kind, columns) in TABLES.items():
        _table(sheets[name], name, title, columns, monitor.tables[kind], f)
    budget_rows = len(monitor.tables["budget"])
    sheets["Budget"].conditional_format(3, 8, 2 + budget_rows, 8, {"type": "no_blanks", "format": f["red"]})
    wb.define_name("Threshold", "=Summary!$B$4")
    wb.define_name("ReportPeriod", "=Summary!$B$3")
    wb.define_name("CostCentres", f"=Budget!$A$4:$A${3 + budget_rows}")
    wb.close()
    return path


def _summary(wb, ws, f, monitor) -> None:
    ws.set_column(0, 0, 58)
    ws.set_column(1, 3, 15)
    ws.write(0, 0, "Section 75 budget monitor", f["title"])
    ws.write(1, 0, "For the Partnership Board: the budget position, the 10% rule, care packages, savings, "
                   "staffing and contract penalties", f["sub"])
    ws.write(2, 0, "Position at")
    ws.write(2, 1, label(monitor.period))
    ws.write(3, 0, "Report any forecast over- or underspend above (% of budget)")
    ws.write_number(3, 1, monitor.threshold_pct / 100, f["threshold"])
    ws.write_row(5, 0, ["Budget and activity", "Amount"], f["head"])
    budget = monitor.tables["budget"]
    values = _summary_values(monitor)
    for row, ((text, formula, fmt), value) in enumerate(zip(SUMMARY, values), start=6):
        ws.write(row, 0, text, f["label"])
        ws.write_formula(row, 1, formula, f[fmt], value)
    top = 6 + len(SUMMARY) + 1
    ws.write_row(top, 0, ["Budget lines to report to the council now", "Variance", "Variance %", "Cost centre"],
                 f["head"])
    flagged = budget[budget["flag"] != ""]
    for index in range(REPORT_LINES):
        row = top + 1 + index
        if index < len(flagged):
            line = flagged.iloc[index]
            ws.write(row, 0, f"{line['service']}, {line['subjective']}", f["label"])
            ws.write_number(row, 1, line["variance"], f["money"])
            ws.write_number(row, 2, line["variance_pct"], f["pct"])
            ws.write(row, 3, line["cost_centre"])
        else:
            ws.write_blank(row, 0, None, f["label"])
            ws.write_blank(row, 1, None, f["money"])
            ws.write_blank(row, 2, None, f["pct"])
            ws.write_blank(row, 3, None)
    wb.define_name("ReportLines", f"=Summary!$A${top + 2}:$D${top + 1 + REPORT_LINES}")
    chart = wb.add_chart({"type": "bar"})
    rows = len(budget)
    for column, colour in ((3, "#AEB7BD"), (5, NHS_BLUE)):
        chart.add_series({"name": ["Budget", 2, column], "categories": ["Budget", 3, 0, 2 + rows, 0],
                          "values": ["Budget", 3, column, 2 + rows, column], "fill": {"color": colour}})
    chart.set_title({"name": "Annual budget and forecast outturn by cost centre"})
    chart.set_x_axis({"num_format": "#,##0"})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 440})
    ws.insert_chart(1, 4, chart, {"x_offset": 15})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _summary_values(monitor) -> list:
    b, m, s, st, p = (monitor.tables[k] for k in ("budget", "movements", "savings", "staffing", "penalties"))
    total, forecast = b["annual_budget"].sum(), b["forecast_outturn"].sum()
    return [total, b["actual_to_date"].sum(), forecast, b["variance"].sum(),
            (b["variance"].sum() / total) if total else "", int((b["flag"] != "").sum()), m["opening"].sum(),
            m["closing"].sum(), int((m["check"] != 0).sum()), s["target"].sum(), s["delivered"].sum(),
            st["establishment_wte"].sum(), st["vacant_wte"].sum(), p["county_at_risk"].sum(), p["city_at_risk"].sum(),
            p["county_at_risk"].sum() + p["city_at_risk"].sum()]


def _table(ws, name, title, columns, frame, f) -> None:
    ws.write(0, 0, title, f["title"])
    first, rows = 2, max(1, len(frame))
    spec = []
    for heading, field, fmt, formula, total in columns:
        column = {"header": heading, "format": f[fmt], "header_format": f["head"]}
        if formula:
            column["formula"] = formula
        if total == "Total":
            column["total_string"] = "Total"
        elif total:
            # written with the table's name: XlsxWriter's own SUBTOTAL(109,[Col]) is not read by LibreOffice
            column["total_function"] = f"=SUBTOTAL(109,{name}[{heading}])"
            column["total_value"] = float(frame[field].sum())
        spec.append(column)
    data = [[None if (isinstance(v, float) and v != v) else v for v in row]
            for row in frame[[c[1] for c in columns]].itertuples(index=False, name=None)]
    ws.add_table(first, 0, first + rows + 1, len(columns) - 1,
                 {"name": name, "columns": spec, "data": data, "total_row": True, "style": "Table Style Medium 2"})
    for r, row in enumerate(data, start=first + 1):
        for c, (heading, field, fmt, formula, total) in enumerate(columns):
            if formula:  # the cached result, so viewers that do not recalculate show the figures
                value = row[c]
                ws.write_formula(r, c, _this_row(name, formula), f[fmt], "" if value is None else value)
    for c, (heading, field, fmt, formula, total) in enumerate(columns):
        ws.set_column(c, c, 44 if field in ("service", "target", "position", "scheme", "post", "package_type")
                      else 38 if field in ("flag", "status") else WIDTHS[fmt])
    ws.freeze_panes(first + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _this_row(table: str, formula: str) -> str:
    """XlsxWriter's own conversion of [@Col] in a cell formula: Table[[#This Row],[Col]]."""
    import re

    text = formula.lstrip("=")
    text = re.sub(r"\[@\[([^\]]+)\]\]", rf"{table}[[#This Row],[\1]]", text)
    return re.sub(r"\[@([^\[\]]+)\]", rf"{table}[[#This Row],[\1]]", text)


if __name__ == "__main__":
    print(build())
