"""Turning Excel arguments into engine inputs and engine results into Excel values.

Worksheet functions receive cells as 2-D lists (a single cell is a 1×1 list), with blank cells as
None or "", dates as serial numbers, and error cells as None or error text. They must return
2-D lists in which every problem is an Excel error value, element by element, so one bad row
gives one error cell, not a failed column (DESIGN.md: errors are values at the Excel edge).
This module is plain Python: both the classic xlwings route and xlwings Server/Lite use it.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import pandas as pd

from .dates import DateReadError, read_dates
from .errors import S75Error
from .rates import NEGATIVE_DENOMINATOR, NEGATIVE_NUMERATOR, NUMERATOR_ABOVE_DENOMINATOR, ZERO_DENOMINATOR

DIV0, NA, VALUE, NUM = "#DIV/0!", "#N/A", "#VALUE!", "#NUM!"
PROBLEM_TO_ERROR = {ZERO_DENOMINATOR: DIV0, NEGATIVE_NUMERATOR: VALUE, NEGATIVE_DENOMINATOR: VALUE,
                    NUMERATOR_ABOVE_DENOMINATOR: VALUE}
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 = 1900-01-01, allowing for Excel's 1900 leap day


def grid(value) -> list[list]:
    """Any argument as a 2-D list: a scalar becomes [[value]], a flat list one column."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [[v] for v in value]
    return [list(row) for row in value]


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or (
        isinstance(value, float) and np.isnan(value))


def numbers(value) -> tuple[np.ndarray, np.ndarray]:
    """A float array of the cells (NaN for blanks) and a mask of cells that are not numbers.

    A flat list is one column. Text holding a number ("1,234", "90%") is read as that number.
    """
    fast = _all_numbers(value)
    if fast is not None:
        return fast, np.zeros(fast.shape, dtype=bool)
    rows = grid(value)
    out = np.full((len(rows), max((len(r) for r in rows), default=0)), np.nan)
    bad = np.zeros(out.shape, dtype=bool)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            out[i, j], bad[i, j] = _cell_number(cell)
    return out, bad


def _all_numbers(value) -> np.ndarray | None:
    """The common case, every cell a number or blank (None), converted in C; None otherwise."""
    flat = isinstance(value, list) and bool(value) and not isinstance(value[0], (list, tuple))
    try:
        out = np.array(value if flat or isinstance(value, list) else [[value]], dtype=float)
    except (TypeError, ValueError):
        return None
    cells = value if flat else (c for row in value for c in row) if isinstance(value, list) else [value]
    if any(isinstance(c, (bool, np.bool_)) for c in cells):
        return None
    out = out[:, None] if flat else out
    return out if out.ndim == 2 else None


def _cell_number(cell) -> tuple[float, bool]:
    """(the number, False), (NaN, False) for a blank, or (NaN, True) for anything else."""
    if is_blank(cell):
        return np.nan, False
    if isinstance(cell, (bool, np.bool_, dict)):
        return np.nan, True
    if isinstance(cell, Real):
        return float(cell), False
    if isinstance(cell, str):
        text = cell.strip().replace(",", "")
        if text.startswith("#"):  # an error value passed in as text
            return np.nan, True
        try:
            return (float(text[:-1]) if text.endswith("%") else float(text)), False  # "90%" text is 90
        except ValueError:
            return np.nan, True
    return np.nan, True


def texts(value) -> list[list[str | None]]:
    """The cells as stripped text, None for blanks."""
    return [[None if is_blank(c) else str(c).strip() for c in row] for row in grid(value)]


def excel_date(value) -> pd.Timestamp:
    """A date from an Excel serial number, a date or datetime, or text such as 2016-09 or 30/09/2016."""
    if isinstance(value, (list, tuple)):
        value = grid(value)[0][0]
    if is_blank(value):
        raise S75Error("A date is needed.")
    if isinstance(value, bool):
        raise S75Error("A date is needed, not TRUE or FALSE.")
    if isinstance(value, Real) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise S75Error(f"{value} is not an Excel date.")
        return EXCEL_EPOCH + pd.Timedelta(days=float(value))
    try:
        stamp = read_dates([value]).dates.iloc[0]
    except DateReadError:
        stamp = pd.NaT
    if pd.isna(stamp):
        raise S75Error(f"{value!r} is not a date (use a date cell, 2016-09 or 30/09/2016).")
    return pd.Timestamp(stamp)


def with_errors(values: np.ndarray, *, codes: np.ndarray | None = None, bad: np.ndarray | None = None,
                decimals: int | None = None) -> list[list]:
    """A 2-D list of the values with Excel errors where a value cannot be given.

    Non-numeric inputs give #VALUE!, unusable counts the error their problem code names
    (#DIV/0! for a zero denominator), and missing inputs #N/A.
    """
    values = np.atleast_2d(values)
    if decimals is not None:
        values = np.round(values, decimals)
    out = values.astype(object)
    out[np.isnan(values)] = NA
    if codes is not None:
        for code, error in PROBLEM_TO_ERROR.items():
            out[codes == code] = error
    if bad is not None:
        out[bad] = VALUE
    return out.tolist()


def text_grid(labels) -> list[list]:
    """A column of labels, with "" where there is none (an empty cell, not an error)."""
    return [["" if label is None or (isinstance(label, float) and np.isnan(label)) else label]
            for label in labels]
