"""The budget monitor open in Excel: its tables and names for s75xl.finance's planner, and the plan
applied back through xlwings (the file route is s75xl.finance.apply).

`s75xl.finance.plan_refresh` plans from a description of the workbook's Excel tables (name,
sheet, headings, calculated-column formulas, current rows) and its defined names; this module
makes that description from an open Book and applies the plan: each table resized to its new
rows (Excel moves what lies below, and extends its charts and names), values written into the
data columns, each calculated column's formula written down its column, old rows below a shrunk
table cleared, and the Summary's cells written as the file writer writes them.

Excel on the desktop reports each calculated column's formula, and the formula is written down
the column. The remote engine (xlwings Server and Lite) sends no formulas, so there a calculated
column is written with its figures from the monitor (the same numbers, but no longer formulas).
"""

from __future__ import annotations

from ..safety.formulas import neutralise
from .book import _cell, apply_to_book


def _formula(cell) -> str | None:
    try:
        text = cell.formula
    except (NotImplementedError, AttributeError):  # the remote engine does not send formulas
        return None
    return text[1:] if isinstance(text, str) and text.startswith("=") else None


def book_tables(book) -> list:
    """A TableInfo (s75xl.finance.plan) for every Excel table in the open workbook."""
    from ..finance.plan import TableInfo

    out = []
    for sheet in book.sheets:
        for table in sheet.tables:
            headings = [str(h) for h in table.header_row_range.options(ndim=1).value]
            body = table.data_body_range
            calculated = {}
            if body is not None:
                for index, heading in enumerate(headings):
                    formula = _formula(body[0, index])
                    if formula:
                        calculated[heading] = formula

            def read_rows(body=body):
                return [] if body is None else body.options(ndim=2).value

            out.append(TableInfo(table.name, sheet.name, headings, calculated, read_rows))
    return out


def book_names(book) -> dict[str, tuple[str, str, object]]:
    """Defined names that refer to cells: name -> (sheet, address without $, value of its first cell)."""
    out = {}
    for name in book.names:
        try:
            target = name.refers_to_range
        except Exception:  # noqa: BLE001 - a name that is a constant or a formula, not cells
            continue
        if target is None:
            continue
        first = target[0, 0].value
        out[name.name.split("!")[-1]] = (target.sheet.name, target.address.replace("$", ""), first)
    return out


def apply_plan(book, plan) -> None:
    """Apply a RefreshPlan to the open Book."""
    for write in plan.tables:
        sheet = book.sheets[write.sheet]
        table = sheet.tables[write.table]
        top = table.header_row_range
        old_rows = table.data_body_range.rows.count if table.data_body_range is not None else 0
        totals = 1 if table.show_totals else 0  # a totals row stays the table's last row
        new_rows = max(len(write.rows), 1)
        first_row, first_col, width = top.row, top.column, len(write.headings)
        table.resize(sheet.range((first_row, first_col), (first_row + new_rows + totals, first_col + width - 1)))
        for index, heading in enumerate(write.headings):
            column = sheet.range((first_row + 1, first_col + index), (first_row + new_rows, first_col + index))
            formula = write.formulas.get(heading)
            if formula:
                column.formula = "=" + formula
            elif write.rows:
                column.value = [[neutralise(_cell(row[index]))] for row in write.rows]  # no live formula from the ledger
        if old_rows > new_rows:
            sheet.range((first_row + new_rows + totals + 1, first_col),
                        (first_row + old_rows + totals, first_col + width - 1)).clear_contents()
    apply_to_book(book, plan.cells, rag_fill=False)
