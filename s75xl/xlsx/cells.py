"""Patching cells in one worksheet's XML, leaving every other byte of it as it was.

Only the rows that gain or change a cell are rebuilt, and within them only the changed cells;
everything else in the part (column widths, conditional formats, data validations, x14
extensions, sparklines, drawings, page set-up) is untouched text. A written cell keeps its
style (so its number format and borders stay), unless a style is given, as for a RAG fill.
Text is written as an inline string, so sharedStrings.xml never changes.
"""

from __future__ import annotations

import math
import re
from xml.sax.saxutils import escape

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

from ..safety.formulas import neutralise
from .package import TemplateError

ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
ROW_NUMBER = re.compile(r'\br="(\d+)"')
# a cell, and its head's reference and style
CELL_AND_REF = re.compile(r'(<c\b(?=[^>]*?\br="([A-Z]+\d+)")?(?=[^>]*?\bs="(\d+)")?[^>]*?(?:/>|>.*?</c>))', re.S)
CELL_OPEN = re.compile(r"<c\b[^>]*>")
CELL_OPEN_WITH_REF = re.compile(r'<c\b[^>]*?\br="[A-Z]+\d+"[^>]*>')
PLAIN_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_REFS: dict[str, tuple[int, int]] = {}


def _split(ref: str) -> tuple[int, int]:
    """(row, column) of "B12"."""
    known = _REFS.get(ref)
    if known is not None:
        return known
    plain = PLAIN_REF.fullmatch(ref)
    if plain is None:
        letters, row = coordinate_from_string(ref)
        return row, column_index_from_string(letters)
    if len(_REFS) > 200_000:  # a bound on the cache, for a long-running session
        _REFS.clear()
    _REFS[ref] = found = int(plain.group(2)), column_index_from_string(plain.group(1))
    return found


class SheetEditor:
    """Set cell values in a worksheet part; `to_bytes()` gives the patched XML.

    Opening finds the rows (and checks every row and cell has its reference); a row's cells are
    split only when a write touches that row, and rows no write touches are copied as they were.
    """

    def __init__(self, xml: bytes, part: str = "sheet"):
        self.part = part
        self.text = xml.decode("utf-8")
        match = re.search(r"<sheetData\s*/>|<sheetData\b[^>]*>(.*?)</sheetData>", self.text, re.S)
        if match is None:
            if re.search(r"<\w+:sheetData\b", self.text):
                raise TemplateError(f"{part} uses namespace prefixes, which s75xl cannot patch safely.")
            raise TemplateError(f"{part} has no sheetData: it is not a worksheet.")
        self.span = match.span()
        body = match.group(1) or ""
        self.rows: dict[int, dict] = {}  # row number -> {"xml"} until touched, then also open, cells, dirty
        for row_match in ROW.finditer(body):
            row_xml = row_match.group(0)
            number = ROW_NUMBER.search(row_xml, 0, row_xml.index(">"))
            if number is None:
                raise TemplateError(f"{part} has rows without numbers, which s75xl cannot patch safely.")
            self.rows[int(number.group(1))] = {"xml": row_xml}
        if len(CELL_OPEN.findall(body)) != len(CELL_OPEN_WITH_REF.findall(body)):
            raise TemplateError(f"{part} has cells without references, which s75xl cannot patch safely.")
        self._merged: dict[int, list] | None = None
        self._may_merge = "<mergeCell" in self.text
        self._tall_merges: list = []
        self.formulas_overwritten = False
        self.changed = False

    def _row(self, number: int) -> dict | None:
        """The row's state with its cells split out (once), or None if the sheet has no such row."""
        row = self.rows.get(number)
        if row is not None and "cells" not in row:
            row_xml = row["xml"]
            row["open"] = re.match(r"<row\b[^>]*?/?>", row_xml).group(0)
            by_ref, styles = {}, {}
            for cell, ref, style in CELL_AND_REF.findall(row_xml):
                if not ref:
                    raise TemplateError(f"{self.part} has cells without references, which s75xl cannot patch safely.")
                by_ref[ref] = cell
                styles[ref] = int(style) if style else 0
            row["cells"], row["styles"], row["dirty"] = by_ref, styles, False
        return row

    def style(self, ref: str) -> int:
        """The style index (s attribute) of a cell, 0 if it has none or does not exist."""
        row, _ = _split(ref)
        state = self._row(row)
        return state["styles"].get(ref, 0) if state else 0

    def _merges_at(self, row: int) -> list:
        if self._merged is None:
            self._merged = {}
            for bounds in (range_boundaries(m) for m in re.findall(r'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', self.text)):
                min_col, min_row, max_col, max_row = bounds
                if max_row - min_row > 1000:  # a tall range: checked for every row rather than listed per row
                    self._tall_merges.append(bounds)
                    continue
                for r in range(min_row, max_row + 1):
                    self._merged.setdefault(r, []).append(bounds)
        return self._merged.get(row, []) + self._tall_merges

    def anchor(self, ref: str) -> str:
        """The top-left cell of the merged range holding ref (ref itself if not merged)."""
        row, col = _split(ref)
        for min_col, min_row, max_col, max_row in self._merges_at(row):
            if min_row <= row <= max_row and min_col <= col <= max_col and (row, col) != (min_row, min_col):
                from openpyxl.utils import get_column_letter

                return f"{get_column_letter(min_col)}{min_row}"
        return ref

    def set(self, ref: str, value, style: int | None = None) -> None:
        """Write a number, text, True/False or None (an empty cell) to ref, keeping its style."""
        row_number, _ = _REFS.get(ref) or _split(ref)
        if self._may_merge and self._merges_at(row_number) and self.anchor(ref) != ref:
            raise TemplateError(f"{self.part}: cell {ref} is inside a merged range; write to {self.anchor(ref)}.")
        row = self.rows.get(row_number)
        if row is None:
            row = self.rows[row_number] = {"xml": "", "open": f'<row r="{row_number}">', "cells": {}, "styles": {},
                                           "dirty": True}
        elif "cells" not in row:
            self._row(row_number)
        old = row["cells"].get(ref)
        if old is not None and "<f" in old:
            self.formulas_overwritten = True
        if style is None:  # the cell's own style
            style = row["styles"].get(ref, 0)
        new = _cell_xml(ref, value, style)
        if old != new:
            row["cells"][ref] = new
            row["styles"][ref] = style
            row["dirty"] = True
            self.changed = True

    def to_bytes(self) -> bytes:
        if not self.changed:
            return self.text.encode("utf-8")
        parts = []
        for number in sorted(self.rows):
            row = self.rows[number]
            if not row.get("dirty"):
                parts.append(row["xml"])
                continue
            cells = sorted(row["cells"].items(), key=_column_of)
            open_tag = re.sub(r'\s+spans="[^"]*"', "", row["open"]).rstrip("/>").rstrip() + ">"
            parts.append(open_tag + "".join(c for _, c in cells) + "</row>")
        start, end = self.span
        body = "<sheetData>" + "".join(parts) + "</sheetData>"
        return (self.text[:start] + body + self.text[end:]).encode("utf-8")


def _column_of(item: tuple[str, str]) -> int:
    return (_REFS.get(item[0]) or _split(item[0]))[1]


def _cell_xml(ref: str, value, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if type(value) is float and value - value == 0:  # finite: the usual cell, the same text as below
        text = repr(value)
        return f'<c r="{ref}"{s}><v>{text[:-2] if text.endswith(".0") else text}</v></c>'
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise TemplateError(f"Cannot write {value} to cell {ref}.")
        text = repr(float(value)) if isinstance(value, float) else str(value)
        return f'<c r="{ref}"{s}><v>{text.removesuffix(".0") if text.endswith(".0") else text}</v></c>'
    text = neutralise(str(value))  # text from input never reads as a formula (s75xl/safety/formulas.py)
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
