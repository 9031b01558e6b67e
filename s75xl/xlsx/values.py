"""One sheet's cell values read from a `Package`, without loading the rest of the workbook.

openpyxl's read-only `load_workbook` sizes every worksheet when it opens the file, and a sheet
without a `<dimension>` record (as XlsxWriter's constant-memory mode and openpyxl's write-only
mode leave them) is parsed from end to end to find its size: a template's 20 MB data tab cost
seconds before the dashboard was read. Here only the workbook, its relationships, the styles,
the shared strings and the one sheet a layout names are inflated, and the sheet is parsed by
openpyxl's own cell parser (`openpyxl.worksheet._reader.WorkSheetParser`, the one its read-only
worksheets use), so values come out exactly as before: numbers as int or float, dates in date
formats as datetimes (1900 or 1904 epoch), formulas as their text with "=", booleans, errors as
their text, shared and inline strings as plain text.
"""

from __future__ import annotations

import io
import re

from defusedxml import ElementTree
from openpyxl.reader.strings import read_string_table
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
from openpyxl.worksheet._reader import WorkSheetParser

from .package import Package, TemplateError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def number_formats(package: Package) -> list[str]:
    """The number format code of each cell style (cellXfs), by style index."""
    if "xl/styles.xml" not in package:
        return ["General"]
    root = _parse(package, "xl/styles.xml")
    custom = {int(f.get("numFmtId")): f.get("formatCode") for f in root.iter(f"{MAIN}numFmt")}
    xfs = root.find(f"{MAIN}cellXfs")
    codes = []
    for xf in ([] if xfs is None else xfs.findall(f"{MAIN}xf")):
        number = int(xf.get("numFmtId", 0))
        codes.append(custom.get(number) or BUILTIN_FORMATS.get(number, "General"))
    return codes or ["General"]


def sheet_values(package: Package, part: str, formats: list[str] | None = None) -> tuple[list[list], dict[str, str]]:
    """Rows of values from row 1 and column 1 (None where empty), and cell reference -> number
    format for every cell the sheet's XML holds (a styled empty cell included)."""
    formats = number_formats(package) if formats is None else formats
    strings = read_string_table(io.BytesIO(package.read("xl/sharedStrings.xml"))) if "xl/sharedStrings.xml" in package else []
    dates = {i for i, code in enumerate(formats) if is_date_format(code)}
    spans = {i for i in dates if is_timedelta_format(formats[i])}
    workbook = package.read("xl/workbook.xml")
    epoch = CALENDAR_MAC_1904 if re.search(rb'date1904="(1|true)"', workbook) else CALENDAR_WINDOWS_1900
    parser = WorkSheetParser(io.BytesIO(package.read(part)), strings, data_only=False, epoch=epoch,
                             date_formats=dates, timedelta_formats=spans)
    cells: dict[tuple[int, int], object] = {}
    cell_formats: dict[str, str] = {}
    max_row = max_col = 0
    try:
        for row_number, row in parser.parse():
            for cell in row:
                r, c = cell["row"], cell["column"]
                cells[r, c] = cell["value"]
                style = cell["style_id"] or 0
                cell_formats[_ref(r, c)] = formats[style] if style < len(formats) else "General"
                max_row, max_col = max(max_row, r), max(max_col, c)
            max_row = max(max_row, row_number)
    except ElementTree.ParseError as exc:
        raise TemplateError(f"The template {package.path} has an unreadable sheet {part} ({exc}).") from None
    dimension = re.search(rb'<dimension\s+ref="([A-Z]+\d+:[A-Z]+\d+)"', package.read(part)[:4096])
    if dimension:
        _, _, dim_col, dim_row = range_boundaries(dimension.group(1).decode())
        max_row, max_col = max(max_row, dim_row), max(max_col, dim_col)
    rows = [[None] * max_col for _ in range(max_row)]
    for (r, c), value in cells.items():
        rows[r - 1][c - 1] = value
    return rows, cell_formats


def _parse(package: Package, part: str):
    try:
        return ElementTree.fromstring(package.read(part))
    except ElementTree.ParseError as exc:
        raise TemplateError(f"The template {package.path} has an unreadable part {part} ({exc}).") from None


def _ref(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"
