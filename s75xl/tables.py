"""The results and targets table formats: reading CSV or Excel files and checking them.

Results table, one row per area, measure and period (DESIGN.md "One table flows through the house"):

====================  =====================================================================
column                meaning
====================  =====================================================================
area                  optional; the council or trust (one area if absent)
measure               a catalogue code, alias or name (matched forgivingly), or a local id
period_start          the period's first day (a date, or "2016-03" for a month); ``period``
                      is accepted as its name
period_end            optional; the period's last day (default: end of period_start's month)
numerator             optional when value is given
denominator           optional for counts
value                 optional; computed from numerator and denominator where missing
ci_lower, ci_upper    optional confidence limits
budget_flag,          optional; yes/true/1/x marks the period as adversely affecting the budget
risk_flag             or a corporate risk (seed 002 4.3)
benchmark_<name>      optional comparators, e.g. benchmark_england, benchmark_family_group
polarity, unit        optional; for a local measure that is not in the catalogue
period                optional; the period's label ("2024-25", "rolling-12:2025-03")
note                  optional; why a value is blank (a period with no events, say)
====================  =====================================================================

Dates may be date cells, ISO text, months ("2016-03"), dd/mm/yyyy text, Excel serial numbers or
month names (`s75xl.dates`). Each row gets a ``period_kind`` (month, quarter, year, rolling 12
months or "N days"): rows of different kinds are separate series.

Targets table, one row per area, measure and financial year: ``area`` (blank: every area),
``measure``, ``year`` ("2016-17"), ``annual_target`` (year-end), ``baseline`` (last year's
outturn), ``profile`` (flat, linear, quarterly, seasonal, monthly, cumulative; default flat),
``tolerance_pct`` (Amber band, default 5), twelve optional monthly columns ``apr`` to ``mar``
(explicit targets, or last year's shape for seasonal/cumulative), and ``polarity`` for a local
measure not in the catalogue.

Errors name the file, the row as a spreadsheet shows it (the header is row 1) and the column.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .catalogue.codes import financial_year_start
from .dates import DateReadError, read_dates
from .errors import S75Error
from .targets import MONTH_COLUMNS, PROFILES

TRUE_WORDS = {"yes", "y", "true", "1", "x"}
NO_EVENTS_NOTE = "no events in this period (0 of 0), so there is no rate"


class TableError(S75Error):
    """A results or targets table that cannot be used as it is."""


def read_table(path: str | Path, role: str) -> pd.DataFrame:
    """A CSV or Excel (first sheet) file as a DataFrame with lower-case, trimmed column names."""
    path = Path(path)
    if not path.exists():
        raise TableError(f"The {role} file {path} does not exist.")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, sheet_name=0, engine="openpyxl")
        elif path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError, zipfile.BadZipFile, KeyError) as exc:
        raise TableError(f"The {role} file {path} cannot be read as a table: {type(exc).__name__}.") from None
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    if frame.empty:
        raise TableError(f"The {role} file {path} has no rows.")
    frame.attrs["source"] = str(path)
    return frame


def _where(frame: pd.DataFrame, index, column: str) -> str:
    source = frame.attrs.get("source", "the table")
    row = frame.index.get_loc(index) + 2
    return f"{source}, row {row}, column {column!r}"


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    raw = frame[column]
    text = raw.astype(str).str.replace(",", "", regex=False).str.replace("%", "", regex=False).str.strip()
    text = text.where(~raw.isna(), "")
    numbers = pd.to_numeric(text.replace({"": np.nan, "/": np.nan, "-": np.nan, "nan": np.nan}), errors="coerce")
    bad = numbers.isna() & text.ne("") & ~text.isin(["/", "-", "nan"])
    if bad.any():
        raise TableError(f"{_where(frame, bad.idxmax(), column)}: not a number.")
    return numbers


def normalise_results(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a results table and give it its documented column types."""
    out = frame.copy()
    if "period_start" not in out and "period" in out:
        out = out.rename(columns={"period": "period_start"})
    for column in ("measure", "period_start"):
        if column not in out:
            raise TableError(f"{frame.attrs.get('source', 'The results table')}: the column {column!r} is missing.")
    if not any(c in out for c in ("value", "numerator")):
        raise TableError(f"{frame.attrs.get('source', 'The results table')}: needs a 'value' or 'numerator' column.")
    if "area" not in out:
        out["area"] = ""
    out["area"] = out["area"].fillna("").astype(str).str.strip()
    blank = out["measure"].isna() | (out["measure"].astype(str).str.strip() == "")
    if blank.any():
        raise TableError(f"{_where(frame, blank.idxmax(), 'measure')}: the measure is blank.")
    out["measure"] = out["measure"].astype(str).str.strip()
    notes: list[str] = []
    out["period_start"] = _dates(frame, out["period_start"], "period_start", notes)
    if "period_end" in out:
        out["period_end"] = _dates(frame, out["period_end"], "period_end", notes)
    else:
        out["period_end"] = out["period_start"] + pd.offsets.MonthEnd(0)
    backwards = out["period_end"] < out["period_start"]
    if backwards.any():
        raise TableError(f"{_where(frame, backwards.idxmax(), 'period_end')}: the period ends before it starts.")
    out["period_kind"] = period_kinds(out["period_start"], out["period_end"], out.get("period"))
    for column in ("numerator", "denominator", "value", "ci_lower", "ci_upper"):
        if column in out:
            out[column] = _numeric(frame, column)
    for column in [c for c in out.columns if c.startswith("benchmark_")]:
        out[column] = _numeric(frame, column)
    for column in ("budget_flag", "risk_flag"):
        out[column] = (out[column].fillna("").astype(str).str.strip().str.lower().isin(TRUE_WORDS)
                       if column in out else False)
    out.attrs = dict(frame.attrs)
    out.attrs["notes"] = notes
    return out


def period_kinds(starts: pd.Series, ends: pd.Series, labels: pd.Series | None = None) -> pd.Series:
    """What kind of period each row covers: month, quarter, year, rolling 12 months or "N days".

    Rows of different kinds are different series (a year and its months are not one trend). The
    length decides; a label such as ``rolling-12:2025-03`` (what ``s75xl compute`` writes) marks
    a rolling year apart from the financial year with the same dates.
    """
    days = (ends - starts).dt.days + 1
    kinds = np.select([days <= 31, days.between(89, 92), days.between(365, 366)], ["month", "quarter", "year"],
                      default="")
    kinds = pd.Series(kinds, index=starts.index, dtype=object)
    other = kinds == ""
    kinds[other] = days[other].astype(int).astype(str) + " days"
    if labels is not None:
        rolling = labels.astype(str).str.strip().str.lower().str.startswith("rolling")
        kinds[rolling] = "rolling 12 months"
    return kinds


def _dates(frame: pd.DataFrame, column: pd.Series, name: str, notes: list[str]) -> pd.Series:
    """Dates in any of the forms `s75xl.dates` reads; what the user should know goes to `notes`."""
    try:
        reading = read_dates(column, name)
    except DateReadError as exc:
        where = _where(frame, column.index[exc.position], name)
        raise TableError(f"{where}: {exc} (use 2016-03-01, 2016-03 or 01/03/2016).") from None
    blank = reading.dates.isna()
    if blank.any():
        raise TableError(f"{_where(frame, blank.idxmax(), name)}: the date is blank.")
    source = frame.attrs.get("source", "the table")
    notes.extend(f"{source}: {note}" for note in reading.notes)
    return reading.dates


def normalise_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a targets table and give it its documented column types."""
    out = frame.copy()
    for column in ("measure", "year", "annual_target"):
        if column not in out:
            raise TableError(f"{frame.attrs.get('source', 'The targets table')}: the column {column!r} is missing.")
    if "area" not in out:
        out["area"] = ""
    out["area"] = out["area"].fillna("").astype(str).str.strip()
    out["measure"] = out["measure"].astype(str).str.strip()
    starts = []
    for index, year in out["year"].items():
        try:
            starts.append(financial_year_start(year))
        except ValueError as exc:
            raise TableError(f"{_where(frame, index, 'year')}: {exc}.") from None
    out["year_start"] = starts
    out["annual_target"] = _numeric(frame, "annual_target")
    out["baseline"] = _numeric(frame, "baseline") if "baseline" in out else np.nan
    out["tolerance_pct"] = _numeric(frame, "tolerance_pct") if "tolerance_pct" in out else np.nan
    profiles = out["profile"].fillna("flat").astype(str).str.strip().str.lower() if "profile" in out else "flat"
    out["profile"] = profiles
    bad = ~out["profile"].isin(PROFILES)
    if bad.any():
        raise TableError(f"{_where(frame, bad.idxmax(), 'profile')}: must be one of {', '.join(PROFILES)}.")
    for column in MONTH_COLUMNS:
        out[column] = _numeric(frame, column) if column in out else np.nan
    duplicated = out.duplicated(["area", "measure", "year_start"])
    if duplicated.any():
        raise TableError(f"{_where(frame, duplicated.idxmax(), 'measure')}: a second target for the same area, measure and year.")
    out.attrs = dict(frame.attrs)
    return out


OUTPUT_SUFFIXES = (".csv", ".xlsx", ".parquet")


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write CSV, XLSX or Parquet (by extension), atomically: a temporary file, then a rename."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise TableError(f"Cannot write {path}: the name must end in {', '.join(OUTPUT_SUFFIXES)}.")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        if suffix == ".xlsx":
            frame.to_excel(temporary, index=False, engine="openpyxl")
        elif suffix == ".parquet":
            frame.to_parquet(temporary, index=False)
        else:
            frame.to_csv(temporary, index=False)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise TableError(f"Cannot write {path}: {exc.strerror}.") from None
