"""Filling a workbook that is open in Excel, through xlwings: the same plan, the same cells.

`fill` (apply.py) patches a file; this module applies the same list of `CellWrite`s to an xlwings
Book, which is what a ribbon button does in the performance officer's own open workbook. Both
start from the same plan, so in-Excel and headless results are the same by construction
(tests/test_fill_book.py checks it through the xlwings remote engine, as xlwings Server runs it).
Only this module imports xlwings; the engine never does.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..assess import assess
from ..catalogue import default_catalogue
from ..safety.formulas import neutralise
from ..xlsx.styles import RAG_COLOURS
from .layout import Layout, find
from .linked import with_linked_measures
from .plan import CellWrite, FillReport, plan


def book_grid(book, layout: Layout) -> dict[str, list[list]]:
    """The layout's sheet's values from an open Book (other sheets map to empty lists)."""
    names = [sheet.name for sheet in book.sheets]
    from .layout import _sheet

    wanted = _sheet(layout, names)
    out = {}
    for sheet in book.sheets:
        if sheet.name != wanted:
            out[sheet.name] = []
            continue
        used = sheet.used_range
        values = used.options(ndim=2).value if used is not None else [[]]
        # pad so that row r, column c of the grid is cell (r, c) of the sheet
        first_row, first_col = used.row, used.column
        rows = [[None] * (first_col - 1) + list(row) for row in values]
        out[sheet.name] = [[] for _ in range(first_row - 1)] + rows
    return out


def apply_to_book(book, writes: list[CellWrite], *, rag_fill: bool = True) -> None:
    """Write each planned cell into the Book: its value, and its RAG colour as the cell fill."""
    for write in writes:
        target = book.sheets[write.sheet].range(write.ref)
        value = neutralise(write.value)  # xlwings would enter "=..." text as a live formula
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        target.value = value if not isinstance(value, dt.date) or isinstance(value, dt.datetime) else \
            dt.datetime(value.year, value.month, value.day)
        if rag_fill and write.rag:
            target.color = "#" + RAG_COLOURS[write.rag][2:]


def plan_book(book, results: pd.DataFrame, layout: str | Layout, *, targets: pd.DataFrame | None = None,
              grid: dict[str, list[list]] | None = None) -> tuple[list[CellWrite], FillReport]:
    """The cell writes that fill an open xlwings Book with the results (nothing is written yet)."""
    chosen = layout if isinstance(layout, Layout) else Layout.load(layout)
    grid = grid if grid is not None else book_grid(book, chosen)
    found = find(chosen, grid)
    results = with_linked_measures(results, default_catalogue(), set(found.measure_rows))
    assessed = assess(results, targets, spc=any(c.startswith("spc_") for c in chosen.columns))
    return plan(assessed, chosen, found, grid[found.sheet], book_percent_cells(book, found))


def fill_book(book, results: pd.DataFrame, layout: str | Layout, *, targets: pd.DataFrame | None = None) -> FillReport:
    """Fill an open xlwings Book with the results, finding everything by the layout's labels."""
    writes, report = plan_book(book, results, layout, targets=targets)
    apply_to_book(book, writes)
    return report


def book_percent_cells(book, found) -> set[str]:
    """The cells of the measure rows formatted as percentages, as the open Book reports them.

    Where the xlwings engine cannot give number formats (some remote engines), none are found
    and the layout's ``percent_cells`` setting decides."""
    from openpyxl.utils import get_column_letter

    from .layout import is_percent_format

    sheet = book.sheets[found.sheet]
    columns = sorted(set(found.period_columns.values()) | set(found.columns.values()))
    out = set()
    for row in found.measure_rows.values():
        for col in columns:
            ref = f"{get_column_letter(col)}{row}"
            try:
                number_format = sheet.range(ref).number_format
            except Exception:  # noqa: BLE001 - an engine without number formats
                return set()
            if isinstance(number_format, str) and is_percent_format(number_format):
                out.add(ref)
    return out
