"""A1 references: splitting "B5", "A4:I10" and "'Budget lines'!$A$5:$A$10" into numbers and back.

Tables, defined names, chart series and conditional-format ranges all point at cells this way;
the table refresh resizes every such reference that covers a table column, so they share one
reader and one writer here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils.cell import column_index_from_string, get_column_letter

CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
SHEET_RANGE = re.compile(r"^(?P<sheet>'(?:[^']|'')+'|[^'!]+)!(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$")


@dataclass(frozen=True)
class Box:
    """A rectangle of cells, 1-based and inclusive."""

    min_col: int
    min_row: int
    max_col: int
    max_row: int

    def a1(self, absolute: bool = False) -> str:
        d = "$" if absolute else ""
        first = f"{d}{get_column_letter(self.min_col)}{d}{self.min_row}"
        last = f"{d}{get_column_letter(self.max_col)}{d}{self.max_row}"
        return first if (self.min_col, self.min_row) == (self.max_col, self.max_row) and not absolute else f"{first}:{last}"


def cell(ref: str) -> tuple[int, int]:
    """ "B5" -> (row 5, column 2)."""
    match = CELL.match(ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(match.group(2)), column_index_from_string(match.group(1))


def box(ref: str) -> Box:
    """ "A4:I10" (or one cell) -> Box."""
    first, _, last = ref.partition(":")
    r1, c1 = cell(first)
    r2, c2 = cell(last) if last else (r1, c1)
    return Box(min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2))


def split_sheet_ref(text: str) -> tuple[str, Box] | None:
    """ "'Budget lines'!$A$5:$A$10" -> ("Budget lines", Box); None if it is not one plain range."""
    match = SHEET_RANGE.match(text.strip().lstrip("="))
    if match is None:
        return None
    sheet = match.group("sheet")
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, box(match.group("ref"))


def sheet_ref(sheet: str, where: Box) -> str:
    """The absolute reference a defined name or chart series holds: Budget!$A$5:$A$10."""
    quoted = sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{where.a1(absolute=True)}"
