"""Writing one of s75xl's tables as a formatted workbook with XlsxWriter.

Sheets: the table (named after what it is), then "Notes": what was run on what, how to read
the figures, and the words for every code. Numbers are stored unrounded; each cell's number
format shows the measure's published decimals in its unit (see ``number_format``). A workbook
is written to a temporary file and renamed, so a run stopped half way leaves no damaged file.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..errors import S75Error
from .columns import HIDDEN, LABEL_HEADINGS, LABEL_WIDTH, column
from .labels import LABELS, label

KINDS = {"results": "Results", "assessed": "Assessed", "check": "Data quality"}
# Columns in the order a reader wants them; any others follow in the table's own order.
ORDER = ["area", "measure", "measure_name", "breakdown", "period", "period_start", "period_end", "numerator",
         "denominator", "value", "ci_lower", "ci_upper", "target", "target_profile", "variance_pct", "rag",
         "direction", "direction_last_year", "exception", "exception_reasons", "spc_variation", "spc_assurance"]
PAGE_WIDTH = 190  # characters of column width that fit across a landscape A4 page at a readable size
LINE_HEIGHT = 15  # points per line of Calibri 11
RAG_FILLS = {"Green": ("#C6EFCE", "#006100"), "Amber": ("#FFEB9C", "#9C5700"), "Red": ("#FFC7CE", "#9C0006")}
EXCEPTION_FILLS = {"negative": RAG_FILLS["Red"], "positive": RAG_FILLS["Green"]}
HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#005EB8", "text_wrap": True, "valign": "top",
          "border": 1, "border_color": "#AEB7BD"}


class ReportError(S75Error):
    """A workbook that cannot be written."""


def number_format(unit: str | None, decimals: int) -> str:
    """The Excel number format for a figure in `unit` shown to `decimals` places.

    A percentage holds the percentage itself (95.93), so its format adds the sign rather than
    multiplying by 100.

    >>> number_format("percent", 1), number_format("per_100k", 1), number_format("count", 0)
    ('0.0"%"', '#,##0.0', '#,##0')
    """
    places = "." + "0" * decimals if decimals > 0 else ""
    if unit == "percent":
        return f'0{places}"%"'
    return f"#,##0{places}"


def _measure_looks(frame: pd.DataFrame) -> dict[str, tuple[str | None, int, str]]:
    """measure code -> (unit, decimals, name) from the catalogue; a local code gets 1 place."""
    from ..catalogue import default_catalogue

    catalogue = default_catalogue()
    looks = {}
    for code in frame["measure"].dropna().astype(str).unique() if "measure" in frame else []:
        try:
            m = catalogue.find(code)
            looks[code] = (m.unit, int(m.decimals), m.name)
        except S75Error:
            looks[code] = (None, 1, "")
    return looks


def _with_labels(frame: pd.DataFrame, looks: dict) -> pd.DataFrame:
    """The table to show: engine-only columns dropped, words put beside the codes."""
    table = frame.drop(columns=[c for c in HIDDEN if c in frame])
    table = table[[c for c in ORDER if c in table] + [c for c in table if c not in ORDER]]
    if "measure" in table and "measure_name" not in table:
        table.insert(table.columns.get_loc("measure") + 1, "measure_name",
                     table["measure"].astype(str).map(lambda c: looks.get(c, (None, 1, ""))[2]))
    for code_column, heading in LABEL_HEADINGS.items():
        if code_column in table:
            words = table[code_column].map(lambda v, c=code_column: label(c, v))
            table.insert(table.columns.get_loc(code_column) + 1, heading, words)
    return table


class _Formats:
    """XlsxWriter formats, made once each."""

    def __init__(self, book):
        self.book = book
        self.cache = {}

    def get(self, num_format: str | None = None, fill: tuple[str, str] | None = None, wrap: bool = False,
            code: bool = False):
        key = (num_format, fill, wrap, code)
        if key not in self.cache:
            spec = {"valign": "top"}
            if num_format:
                spec["num_format"] = num_format
            if fill:
                spec.update(bg_color=fill[0], font_color=fill[1])
            if wrap:
                spec["text_wrap"] = True
            if code:
                spec.update(font_color="#425563", font_size=9)
            self.cache[key] = self.book.add_format(spec)
        return self.cache[key]


SUPPRESSION_MARKS = ("[c]", "[x]")  # s75xl.suppression: suppressed, zero denominator


def _cell(sheet, formats: _Formats, row: int, col: int, name: str, value, look) -> None:
    """Write one cell of column `name` in the format its kind and the row's measure ask for."""
    kind = column(name).kind if name not in LABEL_HEADINGS.values() else "wrap"
    unit, decimals, _ = look
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT \
            or (not isinstance(value, str) and pd.isna(value)):
        fill = None
        sheet.write_blank(row, col, None, formats.get())
        return
    if isinstance(value, str) and value in SUPPRESSION_MARKS:  # a figure suppressed for publication
        sheet.write_string(row, col, value, formats.get())
    elif kind == "date":
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats.get("dd mmm yyyy"))
    elif kind == "measure_value":
        sheet.write_number(row, col, float(value), formats.get(number_format(unit, decimals)))
    elif kind == "whole":
        number = float(value)
        sheet.write_number(row, col, number, formats.get("#,##0" if number.is_integer() else "#,##0.0#"))
    elif kind == "percent_change":
        sheet.write_number(row, col, float(value), formats.get('0.0"%"'))
    elif kind == "flag":
        sheet.write_string(row, col, "yes" if bool(value) else "", formats.get())
    elif kind == "rag":
        sheet.write_string(row, col, str(value), formats.get(fill=RAG_FILLS.get(str(value))))
    elif name == "exception":
        sheet.write_string(row, col, str(value), formats.get(fill=EXCEPTION_FILLS.get(str(value)), code=True))
    elif kind == "code":
        sheet.write_string(row, col, str(value), formats.get(code=True))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, float(value), formats.get())
    else:
        sheet.write_string(row, col, str(value), formats.get(wrap=kind == "wrap"))


def _width(key: str, values: pd.Series) -> float:
    """A column's width: its kind's width, or for short text the longest entry (codes are never cut)."""
    if key in LABEL_HEADINGS.values():
        return LABEL_WIDTH
    spec = column(key)
    if spec.kind not in ("text", "code") or values.empty:
        return spec.width
    lengths = values.dropna().astype(str).str.len()
    longest = int(lengths.max()) if len(lengths) else 0
    return float(min(max(longest + 2, len(spec.heading) + 2, 8), 30))


def _lines(value, width: float) -> int:
    """Roughly how many lines `value` takes wrapped in a column `width` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    return max(1, math.ceil(len(value) / max(width * 1.1, 1)))


def _table_sheet(book, formats: _Formats, name: str, table: pd.DataFrame, looks: dict) -> None:
    sheet = book.add_worksheet(name)
    header = book.add_format(HEADER)
    names = list(table.columns)
    widths = [_width(key, table[key]) for key in names]
    for col, key in enumerate(names):
        heading = key if key in LABEL_HEADINGS.values() else column(key).heading
        sheet.write_string(0, col, heading, header)
        sheet.set_column(col, col, widths[col])
    measures = table["measure"].astype(str).tolist() if "measure" in table else [""] * len(table)
    default_look = (None, 1, "")
    wrapped = [i for i, key in enumerate(names) if key in LABEL_HEADINGS.values() or column(key).kind == "wrap"]
    for row, values in enumerate(table.itertuples(index=False, name=None), start=1):
        look = looks.get(measures[row - 1], default_look)
        for col, (key, value) in enumerate(zip(names, values)):
            _cell(sheet, formats, row, col, key, value, look)
        lines = max([_lines(values[i], widths[i]) for i in wrapped] or [1])
        if lines > 1:  # neither Excel nor LibreOffice grows a row for wrapped text written by a program
            sheet.set_row(row, LINE_HEIGHT * lines)
    sheet.set_row(0, 30)
    frozen_cols = names.index("measure_name") + 1 if "measure_name" in names else (1 if names else 0)
    sheet.freeze_panes(1, frozen_cols)
    if len(table):
        sheet.autofilter(0, 0, len(table), max(len(names) - 1, 0))
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(max(1, math.ceil(sum(widths) / PAGE_WIDTH)), 0)
    sheet.repeat_rows(0)
    if frozen_cols:
        sheet.repeat_columns(0, frozen_cols - 1)
    sheet.set_footer("&CPage &P of &N")


def _notes_sheet(book, formats: _Formats, notes: dict[str, str], table: pd.DataFrame) -> None:
    sheet = book.add_worksheet("Notes")
    bold = book.add_format({"bold": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14, "font_color": "#005EB8"})
    wrap = formats.get(wrap=True)
    sheet.set_column(0, 0, 38)
    sheet.set_column(1, 1, 100)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.write_string(0, 0, "What was run on what", title)
    row = 2
    for key, value in notes.items():
        sheet.write_string(row, 0, key, bold)
        sheet.write_string(row, 1, str(value), wrap)
        sheet.set_row(row, LINE_HEIGHT * _lines(str(value), 100))
        row += 1
    row += 1
    sheet.write_string(row, 0, "How to read the figures", title)
    row += 2
    for key, value in (
        ("Figures", "Each figure is stored unrounded in its measure's unit and shown to the measure's "
                    "published decimal places. Percentages hold the percentage itself (95.9 shows as 95.9%)."),
        ("Rates", "Per 100,000 rates are per 100,000 of the measure's population (see docs/measures.md)."),
        ("Intervals", "CI lower and CI upper are 95% confidence limits: Wilson score for percentages, exact "
                      "Poisson below 10 events and Byar's method from 10 for rates and counts "
                      "(see docs/spc-and-intervals.md)."),
        ("RAG", "Green at or better than target; Amber worse by less than the tolerance (5% of the target "
                "unless set); Red worse by the tolerance or more."),
        ("Variance pct", "How far the value is worse than its target, as a percentage of the target."),
    ):
        sheet.write_string(row, 0, key, bold)
        sheet.write_string(row, 1, value, wrap)
        sheet.set_row(row, LINE_HEIGHT * _lines(value, 100))
        row += 1
    shown = [c for c in LABELS if c in table]
    if shown:
        row += 1
        sheet.write_string(row, 0, "Codes and their words", title)
        row += 2
        for code_column in shown:
            for code, words in LABELS[code_column].items():
                sheet.write_string(row, 0, code, formats.get(code=True))
                sheet.write_string(row, 1, words, wrap)
                row += 1


def write_workbook(frame: pd.DataFrame, out: str | Path, kind: str, notes: dict[str, str]) -> Path:
    """Write `frame` (a results, assessed or check table) as a formatted workbook at `out`."""
    import xlsxwriter

    if kind not in KINDS:
        raise ValueError(f"unknown kind of table {kind!r}; expected one of {', '.join(KINDS)}")
    out = Path(out)
    temporary = out.with_name(f".{out.name}.tmp")
    looks = _measure_looks(frame)
    table = _with_labels(frame, looks)
    book = xlsxwriter.Workbook(str(temporary), {"strings_to_formulas": False, "strings_to_urls": False,
                                                "strings_to_numbers": False})
    book.set_properties({"title": f"s75xl {KINDS[kind].lower()}", "creator": "s75xl"})
    formats = _Formats(book)
    try:
        _table_sheet(book, formats, KINDS[kind], table, looks)
        _notes_sheet(book, formats, notes, frame)
        book.close()
        temporary.replace(out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ReportError(f"Cannot write {out}: {exc.strerror or exc}.") from None
    return out
