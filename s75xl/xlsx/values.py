"""One sheet's cell values read from a `Package`, without loading the rest of the workbook.

openpyxl's read-only `load_workbook` sizes every worksheet when it opens the file, and a sheet
without a `<dimension>` record (as XlsxWriter's constant-memory mode and openpyxl's write-only
mode leave them) is parsed from end to end to find its size: a template's 20 MB data tab cost
seconds before the dashboard was read. Here only the workbook, its relationships, the styles,
the shared strings and the one sheet a layout names are inflated. The sheet's cells are taken by
a fast scan (sheet_scan.py) that applies the rules of openpyxl's own cell parser
(`openpyxl.worksheet._reader.WorkSheetParser`, the one its read-only worksheets use), and by
that parser itself wherever the scan could not be exact, so values come out as openpyxl reads
them: numbers as int or float, dates in date formats as datetimes (1900 or 1904 epoch), formulas
as their text with "=", booleans, errors as their text, shared and inline strings as plain text.
"""

from __future__ import annotations

import io
import re

from defusedxml import ElementTree
from openpyxl.reader.strings import read_string_table
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601
from openpyxl.worksheet._reader import WorkSheetParser

from ..safety.zipguard import UnsafeFileError
from .package import Package, TemplateError
from .sheet_scan import Declared, ExpatError, Scan, SharedStrings, scan_cells, well_formed

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
    rows, styles = sheet_cells(package, part, formats)
    return rows, {cell_ref(r, c): formats[style] if style < len(formats) else "General" for (r, c), style in styles.items()}


def sheet_cells(package: Package, part: str, formats: list[str]) -> tuple[list[list], dict[tuple[int, int], int]]:
    """Rows of values as `sheet_values` gives them, and (row, column) -> style index for every
    cell the sheet's XML holds. The fast scan (sheet_scan.py) where it is exact, else openpyxl's
    parser."""
    data = package.read(part)
    try:
        well_formed(data)
    except Declared:
        raise UnsafeFileError(f"The template {package.path}: part {part} declares XML entities or a DOCTYPE, which "
                              "Excel never writes; it is refused as unsafe.") from None
    except ExpatError as exc:
        raise TemplateError(f"The template {package.path} has an unreadable sheet {part} ({exc}).") from None
    dates = {i for i, code in enumerate(formats) if is_date_format(code)}
    epoch = _epoch(package)
    scan = _fast(package, data, dates, formats, epoch)
    if scan is None:
        scan = _openpyxl(package, data, part, dates, formats, epoch)
    max_row, max_col = scan.max_row, scan.max_col
    dimension = re.search(rb'<dimension\s+ref="([A-Z]+\d+:[A-Z]+\d+)"', data[:4096])
    if dimension:
        _, _, dim_col, dim_row = range_boundaries(dimension.group(1).decode())
        max_row, max_col = max(max_row, dim_row), max(max_col, dim_col)
    rows = [[None] * max_col for _ in range(max_row)]
    for (r, c), value in scan.cells.items():
        rows[r - 1][c - 1] = value
    return rows, scan.styles


def _epoch(package: Package):
    workbook = package.read("xl/workbook.xml")
    return CALENDAR_MAC_1904 if re.search(rb'date1904="(1|true)"', workbook) else CALENDAR_WINDOWS_1900


def _fast(package: Package, data: bytes, dates: set[int], formats: list[str], epoch) -> Scan | None:
    table = package.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in package else None
    try:
        text = data.decode("utf-8")
        if table is not None:
            well_formed(table)  # a damaged table: openpyxl's parser says so, as it always did
        strings = SharedStrings(table)
    except (UnicodeDecodeError, ExpatError, Declared):
        return None
    spans = {i for i in dates if is_timedelta_format(formats[i])}

    def convert(kind: str, raw: str, style: int, ref: str | None):
        # openpyxl.worksheet._reader.WorkSheetParser.parse_cell's rules, kind by kind
        if kind == "n":
            number = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
            if style not in dates:
                return number
            try:
                return from_excel(number, epoch, timedelta=style in spans)
            except (OverflowError, ValueError):
                return "#VALUE!"  # openpyxl: a date serial beyond the calendar reads as an error
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw

    return scan_cells(text, strings, convert, dates)


def _openpyxl(package: Package, data: bytes, part: str, dates: set[int], formats: list[str], epoch) -> Scan:
    strings = read_string_table(io.BytesIO(package.read("xl/sharedStrings.xml"))) if "xl/sharedStrings.xml" in package else []
    spans = {i for i in dates if is_timedelta_format(formats[i])}
    parser = WorkSheetParser(io.BytesIO(data), strings, data_only=False, epoch=epoch,
                             date_formats=dates, timedelta_formats=spans)
    scan = Scan()
    try:
        for row_number, row in parser.parse():
            for cell in row:
                r, c = cell["row"], cell["column"]
                scan.cells[r, c] = cell["value"]
                scan.styles[r, c] = cell["style_id"] or 0
                scan.max_row, scan.max_col = max(scan.max_row, r), max(scan.max_col, c)
            scan.max_row = max(scan.max_row, row_number)
    except ElementTree.ParseError as exc:
        raise TemplateError(f"The template {package.path} has an unreadable sheet {part} ({exc}).") from None
    return scan


def _parse(package: Package, part: str):
    try:
        return ElementTree.fromstring(package.read(part))
    except ElementTree.ParseError as exc:
        raise TemplateError(f"The template {package.path} has an unreadable part {part} ({exc}).") from None


def cell_ref(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"
