"""Reporting periods: a financial year, a month, a quarter, or rolling twelve months.

``2024-25`` (April 2024 to March 2025), ``2024-09`` (September 2024), ``Q2-2024-25`` (July to
September 2024), ``rolling-12:2025-03`` (April 2024 to March 2025, the twelve months to March).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..catalogue.codes import financial_year_start
from ..errors import S75Error
from ..targets import financial_year_of


@dataclass(frozen=True)
class Period:
    label: str
    start: pd.Timestamp
    end: pd.Timestamp  # the last day, inclusive

    @property
    def year_start(self) -> pd.Timestamp:
        """The start of the financial year the period ends in (ASCOF's annual windows)."""
        return pd.Timestamp(financial_year_of(self.end), 4, 1)


def _month_end(stamp: pd.Timestamp) -> pd.Timestamp:
    return stamp + pd.offsets.MonthEnd(0)


def parse_period(text: str) -> Period:
    """A Period from its label; one clear error for anything else."""
    value = str(text).strip()
    if (m := re.fullmatch(r"(?i)rolling-12:(\d{4})-(\d{2})", value)) and 1 <= int(m.group(2)) <= 12:
        end = _month_end(pd.Timestamp(int(m.group(1)), int(m.group(2)), 1))
        return Period(value, (end - pd.offsets.MonthBegin(12)).normalize(), end)
    if m := re.fullmatch(r"(?i)Q([1-4])-(\d{4}[-/]\d{2})", value):
        year = financial_year_start(m.group(2))
        start = pd.Timestamp(year, 4, 1) + pd.DateOffset(months=3 * (int(m.group(1)) - 1))
        return Period(value.upper(), start, _month_end(start + pd.DateOffset(months=2)))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        first, second = int(m.group(1)), int(m.group(2))
        if second == (first + 1) % 100:  # a financial year; "2011-12" would read as December 2011
            return Period(value, pd.Timestamp(first, 4, 1), pd.Timestamp(first + 1, 3, 31))  # otherwise, but predates CLD
        if 1 <= second <= 12:
            start = pd.Timestamp(first, second, 1)
            return Period(value, start, _month_end(start))
    raise S75Error(f"{text!r} is not a period: use 2024-25, 2024-09, Q2-2024-25 or rolling-12:2025-03.")


def months_of(period: Period) -> list[Period]:
    """The calendar months inside a period."""
    out = []
    start = period.start
    while start <= period.end:
        end = _month_end(start)
        out.append(Period(f"{start:%Y-%m}", start, end))
        start = end + pd.Timedelta(days=1)
    return out
