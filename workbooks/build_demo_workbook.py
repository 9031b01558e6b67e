"""Build workbooks/s75xl_functions_demo.xlsx: every worksheet function on published figures.

Run ``python workbooks/build_demo_workbook.py`` after changing the functions. The workbook has
an "About" sheet explaining each function in plain English, a "Functions" sheet with one worked
example per function (inputs, formula, the published figure it should give, and where that
figure comes from), and a "Tables" sheet with the whole-range functions on Norfolk's ASCOF
2016/17 table and dashboard. tests/test_demo_workbook.py evaluates every formula in it through
the worksheet functions and checks it against the "expected" column.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

# openpyxl writes different (equally valid) XML when lxml is installed; the plain writer keeps
# every rebuild byte-identical whichever packages the machine has.
os.environ["OPENPYXL_LXML"] = "False"

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from s75xl.xlsx.reproducible import make_reproducible

HERE = Path(__file__).parent
OUT = HERE / "s75xl_functions_demo.xlsx"
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="005EB8")  # NHS blue

ABOUT = [
    ("ASCOF_RATE(numerator, denominator, measure, [months])",
     "The measure's value in its own unit: a percentage, a rate per 100,000 people, or a mean score. "
     "Give single cells or whole columns. A zero denominator shows #DIV/0!, a blank #N/A, text #VALUE!."),
    ("ASCOF_ROUND(value, measure_or_decimals)",
     "Rounds the way the national tables and Excel's ROUND do: halves away from zero, to the measure's published places."),
    ("ASCOF_CI(numerator, denominator, measure, [level])",
     "The confidence interval, lower and upper side by side. Wilson for percentages; exact Poisson or Byar's for rates."),
    ("ASCOF_REASON(numerator, denominator, measure)",
     "Why ASCOF_RATE gives an error, in words (for example 'the denominator is zero'). Empty when all is well."),
    ("ASCOF_TARGET(measure, annual_target, baseline, period, [profile], [year_start], [shape])",
     "This month's profiled target: flat, linear from last year's outturn, quarterly steps, seasonal, monthly or cumulative."),
    ("ASCOF_RAG(value, target, measure_or_polarity, [tolerance])",
     "Green at or better than target, Amber within the tolerance (5% by default), Red beyond it."),
    ("ASCOF_EXCEPTION(values, targets, measure_or_polarity)",
     "Whether the latest value is an exception (off target, three periods worse, or beating target) and why."),
    ("S75_RATING(values, targets, polarities)",
     "The overall performance rating: the % of measures with a target that are at or above it."),
    ("ASCOF_INFO(measure, [field])", "What a measure means: its name, definition, unit, polarity or source."),
    ("SPC_LIMITS(values)", "The centre line and process limits of an XmR chart, for each point (NHS Making Data Count)."),
    ("SPC_POINTS(values, [direction])", "Each point's type: common cause, special cause improvement or concern."),
    ("SPC_VARIATION(values, [direction])", "The variation icon for the latest point."),
    ("SPC_ASSURANCE(values, target, [direction])", "Whether the process will consistently pass or fail the target, or is hit and miss."),
    ("ASCOF_RATES(table)", "A whole results range in, the same range with a value column out: the fast way for many rows."),
    ("ASCOF_ASSESS(table, targets)", "Results and targets in; target, RAG, exception, reasons, direction and SPC columns out."),
]

# (function, inputs, formula template over the input cells, expected, where the expected figure comes from)
EXAMPLES = [
    ("ASCOF_RATE", [80, 507180, "2A(1)"], "=ASCOF_RATE({0},{1},{2})", 15.773492645609053,
     "Norfolk 2016/17, 2A(1): 80 admissions, 507,180 people aged 18-64 (published 15.8)"),
    ("ASCOF_ROUND", [15.773492645609053, "2A(1)"], "=ASCOF_ROUND({0},{1})", 15.8, "Norfolk 2016/17, 2A(1) published"),
    ("ASCOF_RATE", [7244, 7968, "1C(1A)"], "=ASCOF_RATE({0},{1},{2})", 90.91365461847389,
     "Norfolk 2016/17, 1C(1A) (published 90.9)"),
    ("ASCOF_RATE", [996, 720945, "2C(1)"], "=ASCOF_RATE({0},{1},{2})", 11.512667401812898,
     "Norfolk 2016/17, 2C(1): 996 delays over 12 months (published 11.5)"),
    ("ASCOF_RATE", [3, 0, "1E"], "=ASCOF_RATE({0},{1},{2})", "#DIV/0!", "A zero denominator"),
    ("ASCOF_REASON", [3, 0, "1E"], "=ASCOF_REASON({0},{1},{2})", "1E: the denominator is zero, so there is no rate.",
     "The reason behind the error above"),
    ("ASCOF_CI", [80, 507180, "2A(1)"], "=ASCOF_CI({0},{1},{2})", 12.506974095747223,
     "Byar's 95% interval 12.5 to 19.6 (see docs/spc-and-intervals.md); the upper limit spills right"),
    ("ASCOF_TARGET", ["2B(1)", 90, 84, dt.datetime(2016, 9, 30)], "=ASCOF_TARGET({0},{1},{2},{3})", 87.0,
     "Linear profile from 84 to 90: September is month 6 of 12"),
    ("ASCOF_RAG", [19.3, 16.5, "2A(1)"], "=ASCOF_RAG({0},{1},{2})", "Red",
     "Norfolk March 2017: admissions 18-64 at 19.3 against 16.5 (lower is better)"),
    ("ASCOF_RAG", [94.2, 90, "2B(1)"], "=ASCOF_RAG({0},{1},{2})", "Green",
     "Norfolk March 2017: still at home after 91 days, 94.2% against 90%"),
    ("ASCOF_INFO", ["2A(1)", "polarity"], "=ASCOF_INFO({0},{1})", "lower", "The catalogue: admissions, lower is better"),
    ("ASCOF_INFO", ["HAV-24", "name"], "=ASCOF_INFO({0},{1})", "% of those admitted under Section",
     "Havering Section 75 framework, measure 24"),
]

NORFOLK_SALT = [
    ("1C(1A)", 7244, 7968, 90.9), ("1C(1B)", 1315, 1531, 85.9), ("1C(2A)", 2427, 7968, 30.5),
    ("1C(2B)", 1305, 1531, 85.2), ("1E", 74, 2178, 3.4), ("1G", 1622, 2178, 74.5),
    ("2A(1)", 80, 507180, 15.8), ("2A(2)", 1321, 213765, 618.0), ("2B(1)", 722, 772, 93.5), ("2D", 2552, 3028, 84.3),
]
RATING_INPUTS = [(19.3, 16.5, "lower"), (633, 573, "lower"), (94.2, 90, "higher"), (3.56, 1.5, "lower"),
                 (3.3, 4.0, "higher"), (2.0, 3.7, "higher")]
DTOC = [1.5, 2.9, 2.6, 2.4, 2.6, 3.0, 3.1, 3.1, 3.1, 3.2, 3.4, 3.5, 3.56]  # Norfolk NFK-VS-09, Mar 16 to Mar 17


def _header(ws, row, titles, widths=None):
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font, cell.fill = HEADER, HEADER_FILL
    for col, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def build(path: Path = OUT) -> Path:
    wb = Workbook()
    about = wb.active
    about.title = "About"
    about["A1"] = "s75xl worksheet functions"
    about["A1"].font = Font(bold=True, size=14)
    about["A2"] = ("Each function below is used on real published figures on the Functions and Tables sheets. "
                   "Install the functions as the s75xl README says (desktop add-in, xlwings Server or xlwings Lite).")
    _header(about, 4, ["Function", "What it does"], [62, 110])
    for row, (signature, text) in enumerate(ABOUT, start=5):
        about.cell(row=row, column=1, value=signature)
        about.cell(row=row, column=2, value=text).alignment = Alignment(wrap_text=True)

    ws = wb.create_sheet("Functions")
    _header(ws, 1, ["Function", "Formula", "Result", "Expected", "Source", "Input 1", "Input 2", "Input 3", "Input 4"],
            [16, 42, 14, 16, 70, 16, 12, 10, 14])
    for row, (name, inputs, template, expected, source) in enumerate(EXAMPLES, start=2):
        refs = []
        for offset, value in enumerate(inputs):
            cell = ws.cell(row=row, column=6 + offset, value=value)
            refs.append(cell.coordinate)
        formula = template.format(*refs)
        ws.cell(row=row, column=1, value=name)
        ws.cell(row=row, column=2, value=formula[1:])
        ws.cell(row=row, column=3, value=formula)
        ws.cell(row=row, column=4, value=expected)
        ws.cell(row=row, column=5, value=source)

    tables = wb.create_sheet("Tables")
    _header(tables, 1, ["measure", "numerator", "denominator", "published"], [10, 12, 12, 10])
    for row, values in enumerate(NORFOLK_SALT, start=2):
        for col, value in enumerate(values, start=1):
            tables.cell(row=row, column=col, value=value)
    last = 1 + len(NORFOLK_SALT)
    tables["F1"] = "ASCOF_RATES over Norfolk's SALT rows (the value column should round to 'published'):"
    tables["F2"] = f"=ASCOF_RATES(A1:C{last})"
    tables["F14"] = "Norfolk NFK-VS-09, delayed transfers per 100,000 (Mar 16 to Mar 17), target 1.5:"
    for offset, value in enumerate(DTOC):
        tables.cell(row=15 + offset, column=1, value=value)
    end = 15 + len(DTOC) - 1
    tables["C15"] = f'=ASCOF_EXCEPTION(A15:A{end},1.5,"NFK-VS-09")'
    tables["C16"] = f'=SPC_VARIATION(A15:A{end},"NFK-VS-09")'
    tables["C17"] = f'=SPC_ASSURANCE(A15:A{end},1.5,"NFK-VS-09")'
    tables["C18"] = f"=SPC_LIMITS(A15:A{end})"
    tables["C19"] = f'=SPC_POINTS(A15:A{end},"NFK-VS-09")'
    tables["E30"] = "Norfolk March 2017, the six vital signs with a target: value, target, polarity"
    for offset, (value, target, polarity) in enumerate(RATING_INPUTS):
        for col, item in enumerate((value, target, polarity), start=1):
            tables.cell(row=31 + offset, column=col, value=item)
    tables["E31"] = "=S75_RATING(A31:A36,B31:B36,C31:C36)"
    tables.freeze_panes = "A2"
    wb.save(path)
    return make_reproducible(path)


if __name__ == "__main__":
    print(f"wrote {build()}")
