"""Ledger periods: one month each, written "2017-03", "2017-03-31", "Mar-17", "March 2017",
"03/2017", "2017/03" or as a date; the financial year starts in April."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"], start=1)}


def month(value) -> pd.Period | None:
    """The month a value names, or None if it names none."""
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Period(pd.Timestamp(value), "M")
    text = str(value).strip().lower()
    for pattern, order in ((r"(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?(?:[ t].*)?", "ym"), (r"(\d{1,2})[-/](\d{4})", "my"),
                           (r"([a-z]{3})[a-z]*[ -]?(\d{2}|\d{4})", "Ny")):
        match = re.fullmatch(pattern, text)
        if not match:
            continue
        a, b = match.groups()
        if order == "ym":
            year, number = int(a), int(b)
        elif order == "my":
            number, year = int(a), int(b)
        else:
            if a not in MONTHS:
                return None
            number, year = MONTHS[a], int(b) + (2000 if len(b) == 2 else 0)
        if 1 <= number <= 12:
            return pd.Period(year=year, month=number, freq="M")
    return None


def year_start(period: pd.Period, first_month: int = 4) -> pd.Period:
    """The first month of the financial year holding `period` (April by default)."""
    year = period.year if period.month >= first_month else period.year - 1
    return pd.Period(year=year, month=first_month, freq="M")


def label(period: pd.Period) -> str:
    """ "March 2017" """
    return period.strftime("%B %Y")
