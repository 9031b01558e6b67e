"""Amounts as finance exports write them: "£1,234.50", "(1,234.50)" (negative), "-£5", "1234.5".

Anything else ("n/a", "TBC") is refused with the file, row and column, never guessed at.
A blank is missing, not zero: the caller decides what missing means.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..safety.messages import cell_text
from .errors import SourceError

AMOUNT = re.compile(r"^(?P<neg1>-)?(?P<open>\()?\s*(?P<neg2>-)?\s*[£$€]?\s*(?P<num>\d[\d,]*(?:\.\d*)?|\.\d+)\s*(?P<close>\))?$")


def parse_amount(text: object) -> float | None:
    """One amount, or None for a blank; raises ValueError for anything that is not an amount."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return float(text)
    raw = str(text).strip().replace("\u00a3", "£").replace(" ", "")
    if raw == "":
        return None
    match = AMOUNT.match(raw)
    if match is None or bool(match.group("open")) != bool(match.group("close")) or \
            (match.group("neg1") and match.group("neg2")):
        raise ValueError(raw)
    number = match.group("num").replace(",", "")
    if "," in match.group("num") and not re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d*)?", match.group("num")):
        raise ValueError(raw)
    value = float(number)
    negative = bool(match.group("neg1")) + bool(match.group("open")) + bool(match.group("neg2"))
    return -value if negative % 2 else value


def amount_column(frame: pd.DataFrame, column: str, where: str) -> pd.Series:
    """A column as floats; `where` names the table and file for the error ("ledger.csv")."""
    series = frame[column]
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    out = []
    for position, value in enumerate(series):
        try:
            out.append(parse_amount(value))
        except ValueError:
            raise SourceError(f"{where}, row {position + 2}, column {column!r}: {cell_text(value)} is not an amount "
                              "(amounts look like 1234.50, £1,234.50 or (1,234.50)).") from None
    return pd.Series(out, index=series.index, dtype=float)
