"""Text from input must never become a live formula in a file s75xl writes.

An area code, measure label or catalogue name that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is read by Excel (and by LibreOffice) as a formula when the CSV is opened,
and by openpyxl as a formula when written to XLSX: "=HYPERLINK(...)" in a results file would
become a live link in the assessed workbook. Following OWASP's CSV injection guidance, such text
gets a leading apostrophe, which keeps it readable and makes it plain text. Text that is a plain
number ("-5", "+3.2", "-1e3") is left alone: it cannot be a formula and a negative figure written as
text must still read as itself.
"""

from __future__ import annotations

import re

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def neutralise(value):
    """The value, with a leading apostrophe if it is text Excel would take for a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def is_live(value) -> bool:
    """Whether the value would be read as a formula (what the tests check every writer against)."""
    return neutralise(value) is not value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table with every text cell and column name neutralised (numbers untouched)."""
    out = frame.copy()
    out.columns = [neutralise(c) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            if isinstance(series.dtype, pd.CategoricalDtype):
                series = series.astype(object)
            out[column] = series.map(neutralise, na_action="ignore")
    out.attrs = dict(frame.attrs)
    return out
