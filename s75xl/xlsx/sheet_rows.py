"""Replacing a block of rows within some columns of a worksheet part, keeping everything else.

A table refresh rewrites the cells of the table's columns from its first data row down to
whichever is lower, its old or its new end; cells of other columns in those rows (a note
beside the table, a second table side by side) are kept, and rows above and below are copied
as text. Conditional formats and data validations whose range covers a table column follow it
(rule in resize.py), and the sheet's ``<dimension>`` is brought up to date.
"""

from __future__ import annotations

import math
import re
from xml.sax.saxutils import escape

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from .refs import Box, box
from .resize import Resize, follow

ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
CELL_REF = re.compile(r'\br="([A-Z]+)(\d+)"')
ROW_NUMBER = re.compile(r'\br="(\d+)"')


def number_text(value: float | int) -> str:
    text = repr(float(value)) if isinstance(value, float) else str(int(value))
    return text[:-2] if text.endswith(".0") else text


def cell_xml(ref: str, value, style: int = 0, formula: str | None = None) -> str:
    """One cell: a number, text (inline, so sharedStrings never changes), True/False or empty;
    with a formula, the value is its cached result."""
    s = f' s="{style}"' if style else ""
    f = f"<f>{escape(formula)}</f>" if formula else ""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f'<c r="{ref}"{s}>{f}</c>' if f else f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b">{f}<v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} to cell {ref}")
        return f'<c r="{ref}"{s}>{f}<v>{number_text(value)}</v></c>'
    if f:
        return f'<c r="{ref}"{s} t="str">{f}<v>{escape(str(value))}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def split_cells(row_xml: str) -> tuple[str, list[tuple[int, str]]]:
    """(the row's opening tag, [(column number, cell XML), ...])"""
    end = row_xml.index(">") + 1
    open_tag = row_xml[:end]
    if open_tag.endswith("/>"):
        return open_tag[:-2].rstrip() + ">", []
    cells = []
    for match in CELL.finditer(row_xml, end):
        ref = CELL_REF.search(match.group(0), 0, match.group(0).index(">") + 1)
        if ref is None:
            raise ValueError("a cell without a reference")
        cells.append((column_index_from_string(ref.group(1)), match.group(0)))
    return open_tag, cells


def is_empty(cell: str) -> bool:
    return "<v" not in cell and "<f" not in cell and "<is>" not in cell


class SheetRows:
    """The sheetData of one worksheet part, ready for blocks of rows to be replaced."""

    def __init__(self, xml: bytes):
        self.text = xml.decode("utf-8")
        match = re.search(r"<sheetData\s*/>|<sheetData\b[^>]*>(.*?)</sheetData>", self.text, re.S)
        if match is None:
            raise ValueError("no sheetData")
        self.span = match.span()
        body = match.group(1) or ""
        self.rows: list[tuple[int, str]] = [(int(ROW_NUMBER.search(m.group(0), 0, m.group(0).index(">")).group(1)),
                                             m.group(0)) for m in ROW.finditer(body)]

    def cells(self, row: int, min_col: int, max_col: int) -> dict[int, str]:
        """The cell XML of one row within some columns, by column number."""
        for number, row_xml in self.rows:
            if number == row:
                return {c: x for c, x in split_cells(row_xml)[1] if min_col <= c <= max_col}
        return {}

    def occupied(self, first: int, last: int, min_col: int, max_col: int) -> list[str]:
        """References of non-empty cells in a block (where a growing table would write)."""
        out = []
        for number, row_xml in self.rows:
            if first <= number <= last:
                out += [f"{get_column_letter(c)}{number}" for c, x in split_cells(row_xml)[1]
                        if min_col <= c <= max_col and not is_empty(x)]
        return out

    def replace(self, first: int, last_old: int, min_col: int, max_col: int,
                new_rows: dict[int, str], row_tags: dict[int, str], default_tag: str) -> None:
        """Rows first..max(last_old, new end): cells in min_col..max_col become new_rows[r]
        (cell XML, in column order); other cells stay. A row left with no cells is dropped."""
        last = max([last_old, *new_rows]) if new_rows else last_old
        before = [r for r in self.rows if r[0] < first]
        after = [r for r in self.rows if r[0] > last]
        old = {n: split_cells(x) for n, x in self.rows if first <= n <= last}
        block = []
        # a new row's tag is the default tag with its own number: split once, not once per row
        before_r, _, after_r = re.sub(r'\s+spans="[^"]*"', "", default_tag).partition(
            ROW_NUMBER.search(default_tag).group(0) if ROW_NUMBER.search(default_tag) else 'r=""')
        for number in range(first, last + 1):
            open_tag, cells = old.get(number, (None, []))
            left = "".join(x for c, x in cells if c < min_col)
            right = "".join(x for c, x in cells if c > max_col)
            middle = new_rows.get(number, "")
            if not (left or middle or right):
                continue
            tag = row_tags.get(number) or open_tag
            if tag:
                tag = ROW_NUMBER.sub(f'r="{number}"', re.sub(r'\s+spans="[^"]*"', "", tag), count=1)
            else:
                tag = f'{before_r}r="{number}"{after_r}'
            block.append((number, f"{tag}{left}{middle}{right}</row>"))
        self.rows = before + block + after

    def to_bytes(self, sheet: str, resizes: list[Resize]) -> bytes:
        start, end = self.span
        body = "<sheetData>" + "".join(x for _, x in self.rows) + "</sheetData>"
        head, tail = self.text[:start], self.text[end:]
        head = _dimension(head, self.rows)
        tail = _follow_sqrefs(tail, sheet, resizes)
        return (head + body + tail).encode("utf-8")


def row_tag(row: int, attrs_from: str | None) -> str:
    """An opening row tag for a new row, with another row's height and style."""
    if not attrs_from:
        return f'<row r="{row}">'
    return ROW_NUMBER.sub(f'r="{row}"', re.sub(r'\s+spans="[^"]*"', "", attrs_from), count=1)


def _dimension(head: str, rows: list[tuple[int, str]]) -> str:
    match = re.search(r'<dimension ref="([^"]*)"\s*/>', head)
    if match is None or not rows:
        return head
    old = box(match.group(1))
    last_row = max(n for n, _ in rows)
    new = Box(old.min_col, old.min_row, old.max_col, max(last_row, old.min_row))
    return head[: match.start(1)] + new.a1() + head[match.end(1):]


def _follow_sqrefs(tail: str, sheet: str, resizes: list[Resize]) -> str:
    def one(match: re.Match) -> str:
        parts = []
        for ref in match.group(2).split():
            moved = follow(sheet, box(ref), resizes)
            parts.append(moved.a1() if moved else ref)
        return match.group(1) + " ".join(parts) + match.group(3)

    tail = re.sub(r'(<(?:conditionalFormatting|dataValidation)\b[^>]*?\bsqref=")([^"]*)(")', one, tail)
    return re.sub(r"(<xm:sqref>)([^<]*)(</xm:sqref>)", one, tail)
