"""Reading the dates people put in results and targets tables, whatever form they come in.

A council's results file may hold real date cells (from Excel), ISO text (``2024-04-01``, what
``s75xl compute`` writes), a month (``2024-04``), UK text (``01/04/2024``, ``1.4.2024``), Excel
serial numbers (``45383``) or month names (``Apr 2024``, ``April-2024``). Each form is read by a
rule of its own, so that an ISO date is always year-month-day: pandas 3 reads ``2024-04-01`` as
4 January when asked for day-first text, which once moved every period of a results file.

Only slash, dot or dash text with the year last is ambiguous (``01/04/2024``). A column in which
some such date can only be day-first (``13/04/2024``) is read day-first, one that can only be
month-first (``04/13/2024``) month-first, and one that is ambiguous throughout is read day-first,
as UK councils write dates; in that case, and where a column mixes forms, the reading used comes
back as a note for the user. A column holding both day-first-only and month-first-only dates is
an error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 on the 1900 system (after its 1900 leap-year bug)
FIRST_TRUE_SERIAL = 61  # 01/03/1900: below it Excel counts its phantom 29/02/1900
LAST_EXCEL_SERIAL = 2958465  # 31/12/9999
FIRST_YEAR, LAST_YEAR = 1900, 2261  # pandas' nanosecond dates end in 2262

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
_ISO_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.0+)?$")
_MONTH_NAME = re.compile(r"^([A-Za-z]{3,9})[\s-]+(\d{4}|\d{2})$")
_MONTHS = {name: number for number in range(1, 13)
           for name in (dt.date(2000, number, 1).strftime("%b").lower(), dt.date(2000, number, 1).strftime("%B").lower())}
_MONTHS["sept"] = 9


class DateReadError(ValueError):
    """A value that is not a date, with its position in the column."""

    def __init__(self, position: int, message: str):
        super().__init__(message)
        self.position = position


@dataclass
class DateReading:
    """The dates read from a column, and what the user should be told about how."""

    dates: pd.Series
    notes: list[str] = field(default_factory=list)


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _make(year: int, month: int, day: int) -> pd.Timestamp | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return pd.Timestamp(dt.date(year, month, day))
    except (ValueError, OverflowError):
        return None


def _form_of(value) -> tuple[str, object]:
    """(form, parts) for one cell: form names the rule that reads it."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return "blank", None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date, np.datetime64)):
        return "date", pd.Timestamp(value)
    if isinstance(value, (bool, np.bool_)):
        return "bad", None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "serial", float(value)
    text = str(value).strip()
    if not text:
        return "blank", None
    for form, pattern in (("iso", _ISO), ("iso", _ISO_SLASH), ("month", _MONTH), ("year_last", _YEAR_LAST),
                          ("month_name", _MONTH_NAME)):
        match = pattern.match(text)
        if match:
            return form, match.groups()
    if _SERIAL.match(text):
        return "serial", float(text)
    return "bad", None


def read_dates(values, column: str = "date") -> DateReading:
    """Dates from a column of mixed cells; raises DateReadError at the first value that is not one.

    Each distinct value is read once (a results table repeats its 13 period labels thousands of
    times), in order of first appearance, so errors and notes name the same first values."""
    values = pd.Series(values)
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=False)
    try:
        reading = _read_distinct(pd.Series(distinct, dtype=object), column)
    except DateReadError as exc:
        raise DateReadError(int(np.argmax(codes == exc.position)), str(exc)) from None
    dates = pd.Series(reading.dates.to_numpy()[codes], index=values.index, name=values.name)
    return DateReading(dates.astype("datetime64[ns]"), reading.notes)


def _read_distinct(values: pd.Series, column: str) -> DateReading:
    forms = [_form_of(v) for v in values.tolist()]
    year_last = [parts for form, parts in forms if form == "year_last"]
    day_first_only = any(int(a) > 12 and int(b) <= 12 for a, b, _ in year_last)
    month_first_only = any(int(b) > 12 and int(a) <= 12 for a, b, _ in year_last)
    if day_first_only and month_first_only:
        position = next(i for i, (form, parts) in enumerate(forms)
                        if form == "year_last" and int(parts[1]) > 12 and int(parts[0]) <= 12)
        raise DateReadError(position, "mixes day/month/year and month/day/year dates, so neither reading can be trusted")
    day_first = not month_first_only
    out: list[pd.Timestamp | None] = []
    for position, (form, parts) in enumerate(forms):
        if form == "blank":
            out.append(None)
            continue
        stamp = None
        if form == "date":
            stamp = parts if FIRST_YEAR <= parts.year <= LAST_YEAR else None
        elif form == "serial":
            if FIRST_TRUE_SERIAL <= parts <= LAST_EXCEL_SERIAL and float(parts).is_integer():
                day = dt.date(1899, 12, 30) + dt.timedelta(days=int(parts))  # no nanosecond overflow
                stamp = pd.Timestamp(day) if day.year <= LAST_YEAR else None
        elif form == "iso":
            stamp = _make(int(parts[0]), int(parts[1]), int(parts[2]))
        elif form == "month":
            stamp = _make(int(parts[0]), int(parts[1]), 1)
        elif form == "year_last":
            first, second, year = int(parts[0]), int(parts[1]), _year(parts[2])
            stamp = _make(year, second, first) if day_first else _make(year, first, second)
        elif form == "month_name":
            month = _MONTHS.get(parts[0].lower())
            stamp = _make(_year(parts[1]), month, 1) if month else None
        if stamp is None:
            raise DateReadError(position, "not a date")
        out.append(stamp)
    notes = []
    kinds = {form for form, _ in forms if form not in ("blank",)}
    if year_last and not day_first_only and not month_first_only:
        notes.append(f"{column}: dates such as {'/'.join(year_last[0])} could be day/month or month/day; "
                     "they were read as day/month/year, as UK dates are written")
    elif month_first_only:
        notes.append(f"{column}: dates were read as month/day/year (US order), because some, such as "
                     f"{'/'.join(next(p for p in year_last if int(p[1]) > 12))}, can only be read that way")
    if len(kinds) > 1:
        names = {"date": "date cells", "serial": "Excel serial numbers", "iso": "ISO dates (yyyy-mm-dd)",
                 "month": "months (yyyy-mm)", "year_last": "dd/mm/yyyy text", "month_name": "month names"}
        notes.append(f"{column}: the column mixes {', '.join(names[k] for k in sorted(kinds))}; each was read by its own form")
    dates = pd.Series(pd.to_datetime(pd.Series(out, dtype=object)).to_numpy(), index=values.index, name=values.name)
    return DateReading(dates.astype("datetime64[ns]"), notes)
