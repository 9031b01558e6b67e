"""The pack as an Excel workbook, written with XlsxWriter: native charts that stay live, colours
for RAG and icons, and print settings (A4 landscape, one report card per page) so that the PDF
LibreOffice makes from it has good pages.

Sheets, in the order `PackOptions.sections` gives: Summary, All measures, Exceptions, one card
per exception ("Card 1 NFK-VS-09", ...), Benchmarks, Notes; the chart data sits on a hidden
sheet. Values keep their measure's decimals and unit as number formats, never rounded text.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from .. import __version__
from ..safety.formulas import neutralise
from ..safety.outputs import write_atomically
from . import labels
from .charts import LIMIT_LINE, ChartSpec, card_chart
from .commentary import FIELDS
from .content import AreaContent, Card
from .options import PackOptions

RAG_FILL = {"Green": "#C6EFCE", "Amber": "#FFEB9C", "Red": "#FFC7CE"}
RAG_FONT = {"Green": "#006100", "Amber": "#9C5700", "Red": "#9C0006"}
EXCEPTION_FILL = {"negative": "#FFC7CE", "positive": "#C6EFCE"}
HEADER = "#005EB8"
GROUP_FILL = "#DCE6F1"
A4 = 9
CHART_HEIGHT = 400  # pixels
DASH = {"solid": "solid", "dash": "dash", "round_dot": "round_dot"}


class Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 16, "font_color": HEADER})
        self.title_wrap = book.add_format({"bold": True, "font_size": 16, "font_color": HEADER, "text_wrap": True,
                                           "valign": "top"})
        self.subtitle = book.add_format({"italic": True, "font_color": "#404040"})
        self.note = book.add_format({"italic": True, "font_color": "#404040", "text_wrap": True, "valign": "top"})
        self.heading = book.add_format({"bold": True, "font_size": 12, "font_color": HEADER, "bottom": 1})
        self.header = book.add_format({"bold": True, "font_color": "white", "bg_color": HEADER, "text_wrap": True,
                                       "valign": "top", "border": 1, "border_color": "#BFBFBF"})
        self.group = book.add_format({"bold": True, "bg_color": GROUP_FILL})
        self.text = book.add_format({"text_wrap": True, "valign": "top", "border": 1, "border_color": "#D9D9D9"})
        self.label = book.add_format({"bold": True, "valign": "top", "text_wrap": True, "border": 1,
                                      "border_color": "#D9D9D9", "bg_color": "#F2F2F2"})
        self.big = book.add_format({"bold": True, "font_size": 14})
        self.prompt = book.add_format({"italic": True, "font_color": "#595959", "valign": "top", "text_wrap": True,
                                       "border": 1, "border_color": "#BFBFBF"})
        self.blank_box = book.add_format({"border": 1, "border_color": "#BFBFBF"})
        self.cell = book.add_format({"valign": "top", "border": 1, "border_color": "#D9D9D9"})
        self.center = book.add_format({"align": "center", "valign": "vcenter", "text_wrap": True, "border": 1,
                                       "border_color": "#BFBFBF"})
        self.matrix_head = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                                            "bg_color": GROUP_FILL, "border": 1, "border_color": "#BFBFBF"})
        self._numbers: dict = {}
        self._fills: dict = {}

    def number(self, decimals: int, unit: str, fill: str | None = None):
        key = (decimals, unit, fill)
        if key not in self._numbers:
            places = "0" if decimals <= 0 else "0." + "0" * decimals
            pattern = f'{places}"%"' if unit == "percent" else f"#,##{places}"
            spec = {"num_format": pattern, "valign": "top", "border": 1, "border_color": "#D9D9D9"}
            if fill:
                spec["bg_color"] = fill
            self._numbers[key] = self.book.add_format(spec)
        return self._numbers[key]

    def filled(self, fill: str, font: str | None = None, bold: bool = False):
        key = (fill, font, bold)
        if key not in self._fills:
            spec = {"bg_color": fill, "valign": "top", "text_wrap": True, "border": 1, "border_color": "#D9D9D9",
                    "bold": bold}
            if font:
                spec["font_color"] = font
            self._fills[key] = self.book.add_format(spec)
        return self._fills[key]

    def rag(self, rating):
        if rating in RAG_FILL:
            return self.filled(RAG_FILL[rating], RAG_FONT[rating], bold=True)
        return self.text


def _print_setup(sheet, title: str, one_page: bool) -> None:
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.fit_to_pages(1, 1 if one_page else 0)
    sheet.set_footer(f"&L{_header_text(title)}&RPage &P of &N")
    sheet.hide_gridlines(2)


def _header_text(text: str) -> str:
    return text.replace("&", "&&")[:200]


def _write_value(sheet, row: int, col: int, value, fmt, blank_fmt) -> None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        sheet.write_blank(row, col, None, blank_fmt)
    else:
        sheet.write_number(row, col, float(value), fmt)


def _clean(text) -> str:
    """Text for a cell: never a live formula copied from input data."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return neutralise(str(text))


def _t(value) -> str:
    """A text cell's content from a table value: blank for None and NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def sheet_name(text: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", "", text)[:31].strip()
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def write_area_workbook(content: AreaContent, path: Path, options: PackOptions, *, inputs: list[str] = (),
                        protect=(), mode_from: str | Path | None = None) -> list[str]:
    """Write one area's pack workbook; returns the card sheets' names in order.

    `inputs` are listed on the Notes sheet. The file is written through
    `s75xl.safety.outputs.write_atomically`: never over one of `inputs` or `protect` (the input
    files), whole or not at all, under the output's lock, with the mode of `mode_from`.
    """
    card_names: list[str] = []

    def write(temporary: Path) -> None:
        card_names.extend(_write_book(content, temporary, options, inputs))

    write_atomically(path, write, inputs=[*inputs, *protect], mode_from=mode_from, what="pack workbook")
    return card_names


def _write_book(content: AreaContent, temporary: Path, options: PackOptions, inputs) -> list[str]:
    book = xlsxwriter.Workbook(str(temporary), {"nan_inf_to_errors": True, "strings_to_formulas": False, "in_memory": True,
                                           "strings_to_urls": False})
    book.set_properties({"title": f"Performance pack: {content.label}", "author": "s75xl",
                         "comments": f"Made by s75xl {__version__}"})
    formats = Formats(book)
    taken: set[str] = set()
    names = {"summary": sheet_name("Summary", taken), "measures": sheet_name("All measures", taken),
             "exceptions": sheet_name("Exceptions", taken), "benchmarks": sheet_name("Benchmarks", taken),
             "notes": sheet_name("Notes", taken)}
    card_names = [sheet_name(f"Card {i} {card.measure}", taken) for i, card in enumerate(content.cards, 1)]
    data_sheet = None
    for section in options.sections:
        if section == "summary":
            _summary(book.add_worksheet(names["summary"]), content, formats, card_names)
        elif section == "measures":
            _measures(book.add_worksheet(names["measures"]), content, formats)
        elif section == "exceptions":
            _exceptions(book.add_worksheet(names["exceptions"]), content, formats, card_names)
        elif section == "cards":
            data_sheet = data_sheet or DataSheet(book.add_worksheet(sheet_name("Chart data", taken)))
            for i, (card, name) in enumerate(zip(content.cards, card_names)):
                _card(book, book.add_worksheet(name), card, content, formats, data_sheet, i, options)
        elif section == "benchmarks":
            _benchmarks(book.add_worksheet(names["benchmarks"]), content, formats)
        elif section == "notes":
            _notes(book.add_worksheet(names["notes"]), content, formats, options, inputs)
    if data_sheet is not None:
        data_sheet.sheet.hide()
    book.worksheets()[0].activate()
    book.close()
    return card_names


def _title(sheet, formats: Formats, title: str, subtitle: str, width: int) -> None:
    sheet.merge_range(0, 0, 0, width - 1, _clean(title), formats.title)  # titles start with the area's name
    sheet.merge_range(1, 0, 1, width - 1, _clean(subtitle), formats.subtitle)
    sheet.set_row(0, 24)


def _summary(sheet, content: AreaContent, formats: Formats, card_names: list[str]) -> None:
    title = f"{content.area or 'Performance'}: performance pack, {content.period:%B %Y}"
    _print_setup(sheet, title, one_page=False)
    for col, width in enumerate((20, 44, 22, 22, 22, 22)):
        sheet.set_column(col, col, width)
    _title(sheet, formats, title, "Overall rating, RAG by headline, Making Data Count summary and the exceptions at a glance.", 6)
    row = 3
    sheet.write(row, 0, "Overall rating", formats.heading)
    row += 1
    if content.rating:
        r = content.rating
        sheet.merge_range(row, 0, row, 5, f"{r['at_or_above']} of {r['with_target']} measures with a target are at or "
                          f"above target ({r['percent']:g}%).", formats.big)
        sheet.set_row(row, 24)
    else:
        sheet.merge_range(row, 0, row, 5, "No overall rating: no measure has a target for this period.", formats.big)
        sheet.set_row(row, 24)
    row += 1
    for note in content.notes:
        if note.startswith("No targets"):
            sheet.merge_range(row, 0, row, 5, note, formats.subtitle)
            row += 1
    row += 1
    sheet.write(row, 0, "RAG by headline", formats.heading)
    row += 1
    for col, text in enumerate(("Headline", "", "Green", "Amber", "Red", "No rating")):
        sheet.write(row, col, text, formats.header)
    sheet.merge_range(row, 0, row, 1, "Headline", formats.header)
    row += 1
    for _, group in content.rag_by_group.iterrows():
        sheet.merge_range(row, 0, row, 1, _clean(group["group"]), formats.text)
        for col, name in enumerate(("Green", "Amber", "Red", "No rating"), start=2):
            count = int(group[name])
            fmt = formats.rag(name) if count and name in RAG_FILL else formats.center
            sheet.write_number(row, col, count, fmt)
        row += 1
    row += 1
    sheet.write(row, 0, "Making Data Count summary: variation against assurance", formats.heading)
    row += 1
    sheet.merge_range(row, 0, row, 1, "Variation \\ Assurance", formats.header)
    for col, name in enumerate(content.matrix.columns, start=2):
        sheet.write(row, col, name, formats.header)
    sheet.set_row(row, 18)
    row += 1
    for name, cells in content.matrix.iterrows():
        sheet.merge_range(row, 0, row, 1, name, formats.matrix_head)
        for col, text in enumerate(cells, start=2):
            sheet.write(row, col, text, formats.center)
        longest = max(len(text) for text in cells)
        sheet.set_row(row, max(20, 13 * (longest // 19 + 1)))
        row += 1
    row += 1
    sheet.write(row, 0, "Exceptions at a glance", formats.heading)
    row += 1
    for col, text in enumerate(("Measure", "Name", "Exception", "Reasons")):
        sheet.write(row, col, text, formats.header)
    sheet.merge_range(row, 3, row, 5, "Reasons", formats.header)
    row += 1
    if content.exceptions.empty:
        sheet.merge_range(row, 0, row, 5, "No exceptions this period.", formats.text)
    for i, ex in enumerate(content.exceptions.itertuples()):
        link = next((n for n, c in zip(card_names, content.cards) if c.measure == ex.measure), None)
        if link:
            sheet.write_url(row, 0, f"internal:'{link}'!A1", formats.filled("#FFFFFF", "#0563C1"), string=ex.measure)
        else:
            sheet.write(row, 0, ex.measure, formats.text)
        sheet.write(row, 1, _clean(ex.measure_name), formats.text)
        sheet.write(row, 2, ex.exception.capitalize(), formats.filled(EXCEPTION_FILL[ex.exception]))
        sheet.merge_range(row, 3, row, 5, _clean(ex.exception_reasons), formats.text)
        sheet.set_row(row, 15 * max(2, len(str(ex.measure_name)) // 45 + 1))
        row += 1


def _benchmark_columns(content: AreaContent) -> list[str]:
    return content.benchmark_names


def bench_label(name: str) -> str:
    """benchmark_<name> as a heading: 'previous_year' -> 'Previous year', 'england' -> 'England'."""
    text = name.replace("_", " ")
    return "England" if text.lower() == "england" else text[:1].upper() + text[1:]


def _measures(sheet, content: AreaContent, formats: Formats) -> None:
    title = f"{content.area or 'Performance'}: all measures, {content.period:%B %Y}"
    _print_setup(sheet, title, one_page=False)
    headers = ["Measure", "Name", "Value", "Target", "RAG", "Variance (% worse)", "Vs previous period",
               "Vs same period last year", "Variation", "Assurance", "Exception", "Forecast (year end, band)"]
    widths = [17, 38, 9, 9, 8, 9, 10, 10, 18, 18, 30, 32]
    bench = _benchmark_columns(content)
    if bench:
        headers.append("Benchmarks (figures on the Benchmarks sheet)")
        widths.append(30)
    sheet.merge_range(0, 0, 0, len(headers) - 1, _clean(title), formats.title)
    sheet.merge_range(1, 0, 1, len(headers) - 1, "Grouped by headline. Variance is how far worse than target, as % of it "
                      "(negative when better). Forecasts always come with their band (see Notes).", formats.subtitle)
    for col, (text, width) in enumerate(zip(headers, widths)):
        sheet.set_column(col, col, width)
        sheet.write(3, col, text, formats.header)
    sheet.set_row(3, 32)
    sheet.freeze_panes(4, 2)
    sheet.repeat_rows(3)
    row = 4
    for group, part in content.measures.groupby("group", sort=False):
        sheet.merge_range(row, 0, row, len(headers) - 1, _clean(group), formats.group)
        row += 1
        for r in part.itertuples():
            _write_measure_cells(sheet, row, r, formats)
            variance = r.variance_pct if np.isfinite(r.variance_pct) else np.nan
            _write_value(sheet, row, 5, variance, formats.number(1, ""), formats.cell)
            sheet.write(row, 6, _t(r.direction), formats.text)
            sheet.write(row, 7, _t(r.direction_last_year), formats.text)
            sheet.write(row, 8, r.variation, formats.filled(_variation_fill(r.spc_variation)))
            sheet.write(row, 9, r.assurance, formats.text)
            exception = f"{r.exception.capitalize()}: {r.exception_reasons}" if _t(r.exception) else ""
            sheet.write(row, 10, exception, formats.filled(EXCEPTION_FILL[r.exception]) if r.exception else formats.text)
            sheet.write(row, 11, r.forecast, formats.text)
            verdicts = "; ".join(f"{bench_label(name)}: {_t(getattr(r, f'vs_{name}', ''))}" for name in bench
                                 if _t(getattr(r, f"vs_{name}", "")))
            if bench:
                sheet.write(row, 12, verdicts, formats.text)
            sheet.set_row(row, 15 * max(2, len(str(r.measure_name)) // 36 + 1, len(exception) // 28 + 1,
                                        len(r.forecast) // 30 + 1, len(verdicts) // 28 + 1))
            row += 1


def _write_measure_cells(sheet, row: int, r, formats: Formats) -> None:
    """The first five cells of a measure's row on the All measures and Exceptions sheets: code,
    name, value and target in the measure's own number format, and the RAG in its colour."""
    fmt = formats.number(int(r.decimals), r.unit)
    sheet.write(row, 0, r.measure, formats.text)
    sheet.write(row, 1, _clean(r.measure_name), formats.text)
    _write_value(sheet, row, 2, r.value, fmt, formats.cell)
    _write_value(sheet, row, 3, r.target, fmt, formats.cell)
    sheet.write(row, 4, _t(r.rag), formats.rag(_t(r.rag)))


def _variation_fill(icon) -> str:
    if not isinstance(icon, str):
        return "#FFFFFF"
    if icon.startswith("improvement"):
        return "#DDEFFA"
    if icon.startswith("concern"):
        return "#FDE9CC"
    if icon.startswith("neutral"):
        return "#E6D9F0"
    return "#F2F2F2"


def _exceptions(sheet, content: AreaContent, formats: Formats, card_names: list[str]) -> None:
    title = f"{content.area or 'Performance'}: exceptions, {content.period:%B %Y}"
    _print_setup(sheet, title, one_page=False)
    headers = ("Measure", "Name", "Value", "Target", "RAG", "Reasons", "Forecast (year end, band)", "Report card")
    widths = (11, 42, 9, 9, 8, 44, 36, 16)
    _title(sheet, formats, title, "Negative exceptions (off target: Red or 5% or more worse; deteriorated for three "
           "consecutive periods; budget; corporate risk) and positive ones, each with its reasons.", len(headers))
    row = 3
    for kind in ("negative", "positive"):
        part = content.exceptions[content.exceptions["exception"] == kind]
        sheet.merge_range(row, 0, row, len(headers) - 1, f"{kind.capitalize()} exceptions: {len(part)}", formats.heading)
        row += 1
        for col, (text, width) in enumerate(zip(headers, widths)):
            sheet.set_column(col, col, width)
            sheet.write(row, col, text, formats.header)
        row += 1
        for r in part.itertuples():
            _write_measure_cells(sheet, row, r, formats)
            sheet.write(row, 5, _clean(r.exception_reasons), formats.filled(EXCEPTION_FILL[kind]))
            sheet.write(row, 6, r.forecast, formats.text)
            link = next((n for n, c in zip(card_names, content.cards) if c.measure == r.measure), None)
            if link:
                sheet.write_url(row, 7, f"internal:'{link}'!A1", string=link)
            sheet.set_row(row, 15 * max(2, len(str(r.measure_name)) // 40 + 1, len(str(r.exception_reasons)) // 42 + 1))
            row += 1
        row += 1


def _card(book, sheet, card: Card, content: AreaContent, formats: Formats, data_sheet, index: int,
          options: PackOptions) -> None:
    title = f"Report card: {card.measure} {card.name}"
    heights = _Heights(sheet)
    _print_setup(sheet, f"{content.label}: {card.measure}", one_page=True)
    widths = (22, 16, 16, 16, 2, 13, 13, 13, 13, 13, 13)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    row_data = card.row
    kind = _t(row_data["exception"])
    reason = f"{kind.capitalize()} exception: {row_data['exception_reasons']}" if kind else "Not an exception this period"
    sheet.merge_range(0, 0, 0, len(widths) - 1, _clean(title), formats.title_wrap)
    heights.set(0, 42 if len(title) > 100 else 24)
    sheet.merge_range(1, 0, 1, len(widths) - 1, _clean(f"{content.area or ''} · {content.period:%B %Y} · {card.group} · {reason}"),
                      formats.filled(EXCEPTION_FILL.get(kind, "#F2F2F2")))
    heights.set(1, 30 if len(reason) > 110 else 18)
    # left: what it is, then the figures
    row = 3
    sheet.merge_range(row, 0, row, 3, "What it is and why it matters", formats.heading)
    row += 1
    for label, text in card.definition:
        sheet.write(row, 0, label, formats.label)
        sheet.merge_range(row, 1, row, 3, _clean(text), formats.text)
        heights.set(row, 15 * max(1, len(str(text)) // 52 + 1))
        row += 1
    row += 1
    sheet.merge_range(row, 0, row, 3, "The figures", formats.heading)
    row += 1
    fmt = formats.number(card.decimals, card.unit)
    figures = [("Value", row_data["value"], fmt), ("Target", row_data["target"], fmt)]
    for label, value, f in figures:
        sheet.write(row, 0, label, formats.label)
        _write_value(sheet, row, 1, value, f, formats.cell)
        row += 1
    rag = _t(row_data["rag"])
    lines = [("RAG", rag or "no target", formats.rag(rag)),
             ("Vs previous period", _t(row_data["direction"]), formats.text),
             ("Vs same period last year", _t(row_data["direction_last_year"]), formats.text),
             ("Variation (SPC)", _t(row_data["variation"]) or "too few points", formats.filled(_variation_fill(row_data["spc_variation"]))),
             ("Assurance (SPC)", _t(row_data["assurance"]) or "no target", formats.text)]
    for label, text, f in lines:
        sheet.write(row, 0, label, formats.label)
        sheet.merge_range(row, 1, row, 3, text, f)
        row += 1
    forecast = card.forecast
    sheet.write(row, 0, "Forecast", formats.label)
    forecast_text = forecast.text(card.decimals)
    sheet.merge_range(row, 1, row, 3, forecast_text, formats.text)
    heights.set(row, 15 * max(1, len(forecast_text) // 50 + 1))
    row += 1
    if forecast.made:
        sheet.write(row, 0, "Back on track", formats.label)
        sheet.merge_range(row, 1, row, 3, forecast.on_track or "no target ahead", formats.text)
        row += 1
    for name, value, verdict in card.benchmarks:
        sheet.write(row, 0, bench_label(name), formats.label)
        _write_value(sheet, row, 1, value, fmt, formats.cell)
        sheet.merge_range(row, 2, row, 3, verdict, formats.text)
        row += 1
    left_end = row
    # right: the chart
    spec = card_chart(card)
    chart = _chart(book, spec, data_sheet, index)
    sheet.insert_chart(3, 5, chart, {"x_offset": 4, "y_offset": 2, "object_position": 3})
    chart_rows = heights.rows_for(3, CHART_HEIGHT + 8)
    row = max(left_end, 3 + chart_rows) + 1
    parts = ["Chart: values in blue"]
    if card.spc_shown:
        parts.append("special-cause points coloured (blue improvement, orange concern)")
    if any(s.name == "Target" for s in spec.series):
        parts.append("target red dashed")
    parts.append("SPC mean and process limits grey" if card.spc_shown
                 else f"SPC lines need {options.spc_min_points} points")
    note = "; ".join(parts)
    if forecast.made:
        note += f"; forecast dotted with its {forecast.level:.0%} band dashed"
    if card.forecast_note:
        note += ". " + card.forecast_note
    sheet.merge_range(3 + chart_rows, 5, 3 + chart_rows, len(widths) - 1, note.rstrip(".") + ".", formats.note)
    heights.set(3 + chart_rows, 15 * (len(note) // 95 + 1))
    row = max(row, 5 + chart_rows)
    # bottom: commentary, or the six prompts left blank
    sheet.merge_range(row, 0, row, len(widths) - 1, "Commentary", formats.heading)
    row += 1
    if card.commentary:
        for key, label in FIELDS.items():
            text = card.commentary.get(key)
            if text:
                sheet.write(row, 0, label, formats.label)
                sheet.merge_range(row, 1, row, len(widths) - 1, _clean(text), formats.text)
                heights.set(row, 15 * max(len(label) // 22 + 1, len(text) // 120 + 1 + text.count("\n")))
                row += 1
    else:
        negative = kind == "negative"
        sheet.merge_range(row, 0, row, len(widths) - 1, "No commentary was supplied for this measure: the "
                          + ("discussion prompts" if negative else "report card's headings")
                          + " are left blank for the lead officer.", formats.subtitle)
        row += 1
        for i, prompt in enumerate(labels.PROMPTS if negative else labels.CARD_HEADINGS, 1):
            sheet.write(row, 0, f"{i}. {prompt}", formats.prompt)
            sheet.merge_range(row, 1, row, len(widths) - 1, "", formats.blank_box)
            heights.set(row, 30)
            row += 1
    sheet.print_area(0, 0, row, len(widths) - 1)


class _Heights:
    """Row heights set on a sheet, so a note can be placed just under a chart of known height."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.points: dict[int, float] = {}

    def set(self, row: int, height: float) -> None:
        self.points[row] = height
        self.sheet.set_row(row, height)

    def rows_for(self, first: int, pixels: float) -> int:
        """How many rows from `first` it takes to cover `pixels` (a point is 4/3 pixel)."""
        covered, n = 0.0, 0
        while covered < pixels:
            covered += self.points.get(first + n, 15) * 4 / 3
            n += 1
        return n


def _chart(book, spec: ChartSpec, data_sheet, index: int):
    """A native line chart from a spec; its data go to the hidden data sheet, block `index`."""
    frame = spec.frame()
    first_col = data_sheet.add(frame)
    name = data_sheet.sheet.name
    n = len(frame)
    chart = book.add_chart({"type": "line"})
    cats = [name, 1, first_col, n, first_col]
    for j, s in enumerate(spec.series, start=1):
        col = first_col + j
        series = {"name": [name, 0, col], "categories": cats, "values": [name, 1, col, n, col],
                  "line": {"color": s.colour, "width": s.width, "dash_type": DASH[s.dash]},
                  "marker": {"type": "none"}, "smooth": False}
        if s.markers:
            series["marker"] = {"type": "circle", "size": 6 if s.line else 8, "border": {"color": s.colour},
                                "fill": {"color": s.colour}}
        if not s.line:
            series["line"] = {"none": True}
        chart.add_series(series)
    chart.set_title({"name": spec.title, "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis({"num_font": {"size": 8, "rotation": -45}, "major_tick_mark": "none",
                      "line": {"color": LIMIT_LINE}})
    chart.set_y_axis({"name": spec.y_title, "num_font": {"size": 8}, "name_font": {"size": 9, "bold": False},
                      "major_gridlines": {"visible": True, "line": {"color": "#E7E7E7"}}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 560, "height": CHART_HEIGHT})
    chart.set_chartarea({"border": {"color": "#BFBFBF"}})
    return chart


class DataSheet:
    """The hidden sheet holding every chart's table side by side."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.next_column = 0

    def add(self, frame: pd.DataFrame) -> int:
        """Write a chart's table after the previous one; returns its first column."""
        col = self.next_column
        self.next_column += len(frame.columns) + 1
        for j, column in enumerate(frame.columns):
            self.sheet.write_string(0, col + j, column)
            for i, value in enumerate(frame[column]):
                if isinstance(value, str):
                    self.sheet.write_string(i + 1, col + j, value)
                elif value is not None and not (isinstance(value, float) and np.isnan(value)):
                    self.sheet.write_number(i + 1, col + j, float(value))
        return col


def _benchmarks(sheet, content: AreaContent, formats: Formats) -> None:
    title = f"{content.area or 'Performance'}: benchmarks, {content.period:%B %Y}"
    _print_setup(sheet, title, one_page=False)
    bench = content.benchmark_names
    headers = ["Measure", "Name", "Value"]
    for name in bench:
        headers += [bench_label(name), f"Vs {bench_label(name) if name == 'england' else bench_label(name).lower()}"]
    widths = [11, 44, 10] + [12, 16] * len(bench)
    _title(sheet, formats, title, "Better, similar or worse than each comparator; 'significantly' where the value's "
           "confidence interval lies wholly on one side of it.", max(3, len(headers)))
    for col, (text, width) in enumerate(zip(headers, widths)):
        sheet.set_column(col, col, width)
        sheet.write(3, col, text, formats.header)
    if not bench:
        sheet.merge_range(4, 0, 4, 2, "No benchmarks were given (use --benchmarks with the national ASCOF data "
                          "file or a table of benchmark_<name> columns).", formats.text)
        return
    row = 4
    rows = content.measures.dropna(subset=[f"benchmark_{n}" for n in bench], how="all")
    for r in rows.itertuples():
        fmt = formats.number(int(r.decimals), r.unit)
        sheet.write(row, 0, r.measure, formats.text)
        sheet.write(row, 1, _clean(r.measure_name), formats.text)
        _write_value(sheet, row, 2, r.value, fmt, formats.cell)
        for i, name in enumerate(bench):
            _write_value(sheet, row, 3 + 2 * i, getattr(r, f"benchmark_{name}"), fmt, formats.cell)
            verdict = _t(getattr(r, f"vs_{name}", ""))
            fill = "#C6EFCE" if "better" in verdict else "#FFC7CE" if "worse" in verdict else None
            sheet.write(row, 4 + 2 * i, verdict, formats.filled(fill) if fill else formats.text)
        sheet.set_row(row, 15 * max(1, len(str(r.measure_name)) // 44 + 1))
        row += 1


def _notes(sheet, content: AreaContent, formats: Formats, options: PackOptions, inputs) -> None:
    title = f"{content.area or 'Performance'}: notes on this pack"
    _print_setup(sheet, title, one_page=False)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 110)
    _title(sheet, formats, title, f"Made by s75xl {__version__}.", 2)
    first = next((c.forecast for c in content.cards if c.forecast.made), None)
    method = first.method if first else (
        f"Straight-line trend (ordinary least squares) over the latest {options.forecast_window} months, projected "
        f"to the year end; the band is the {options.forecast_level:.0%} prediction interval of that line.")
    lines = [
        ("Reporting period", f"{content.period:%B %Y}"),
        ("Inputs", "; ".join(inputs) or "tables passed from Python"),
        ("RAG", f"Green at or better than target; Amber worse by less than {options.thresholds.amber_tolerance_pct:g}% "
                f"of target; Red worse by {options.thresholds.amber_tolerance_pct:g}% or more."),
        ("Exceptions", f"Negative: off target (Red, or {options.thresholds.off_target_variance_pct:g}% or more worse); "
                       f"deteriorated for {options.thresholds.consecutive_periods} consecutive periods; budget or "
                       f"corporate-risk flags. Positive: beating target by {options.thresholds.beating_target_pct:g}% "
                       f"or more; improved for {options.thresholds.consecutive_periods} consecutive periods."),
        ("Overall rating", "The % of measures with a target whose latest rating is at or above target (Green)."),
        ("SPC", "Making Data Count XmR charts: mean ± 2.66 × mean moving range"
                + (" (moving ranges screened)" if options.spc.screen_outliers else " (no screening)")
                + f"; lines on the charts from {options.spc_min_points} points."),
        ("Forecasts", method + " Assumes the recent straight-line trend carries on and the scatter around it is "
                      "random; rolling twelve-month figures make the band too narrow. A guide, not a promise: "
                      "see the project's docs/forecasts.md."),
    ]
    lines += [("Note", n) for n in content.notes]
    row = 3
    for label, text in lines:
        sheet.write(row, 0, label, formats.label)
        sheet.write(row, 1, _clean(text), formats.text)
        sheet.set_row(row, 15 * max(1, len(text) // 105 + 1))
        row += 1
