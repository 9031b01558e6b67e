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
from ..safety.formulas import neutralise
from ..xlsx.styles import RAG_COLOURS
from .layout import Layout, find
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


def fill_book(book, results: pd.DataFrame, layout: str | Layout, *, targets: pd.DataFrame | None = None) -> FillReport:
    """Fill an open xlwings Book with the results, finding everything by the layout's labels."""
    chosen = layout if isinstance(layout, Layout) else Layout.load(layout)
    grid = book_grid(book, chosen)
    found = find(chosen, grid)
    assessed = assess(results, targets, spc=any(c.startswith("spc_") for c in chosen.columns))
    writes, report = plan(assessed, chosen, found, grid[found.sheet])
    apply_to_book(book, writes)
    return report
