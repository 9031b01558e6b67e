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
====================  =====================================================================

Targets table, one row per area, measure and financial year: ``area`` (blank: every area),
``measure``, ``year`` ("2016-17"), ``annual_target`` (year-end), ``baseline`` (last year's
outturn), ``profile`` (flat, linear, quarterly, seasonal, monthly, cumulative; default flat),
``tolerance_pct`` (Amber band, default 5), twelve optional monthly columns ``apr`` to ``mar``
(explicit targets, or last year's shape for seasonal/cumulative), and ``polarity`` for a local
measure not in the catalogue.

Errors name the file, the row as a spreadsheet shows it (the header is row 1) and the column.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .catalogue.codes import code_key, financial_year_start
from .errors import S75Error
from .safety.formulas import neutralise_frame
from .safety.messages import clip
from .safety.outputs import write_atomically
from .safety.zipguard import check_file, xml_refusal
from .targets import MONTH_COLUMNS, PROFILES

TRUE_WORDS = {"yes", "y", "true", "1", "x"}


class TableError(S75Error):
    """A results or targets table that cannot be used as it is."""


def read_table(path: str | Path, role: str) -> pd.DataFrame:
    """A CSV or Excel (first sheet) file as a DataFrame with lower-case, trimmed column names.

    CSV may be UTF-8 (with or without a BOM), Windows-1252 or UTF-16, delimited by commas,
    semicolons, tabs or pipes. Excel files must pass the safety limits (s75xl/safety/zipguard.py)."""
    path = Path(path)
    if not path.exists():
        raise TableError(f"The {role} file {path} does not exist.")
    if path.is_dir():
        raise TableError(f"The {role} file {path} is a folder, not a file.")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            check_file(path, f"{role} file")
            frame = pd.read_excel(path, sheet_name=0, engine="openpyxl")
        else:
            encoding = _text_encoding(path)
            with path.open(encoding=encoding, newline="") as handle:
                first = handle.readline()
            frame = pd.read_csv(path, encoding=encoding, sep=_delimiter(first), dtype=object)
            frame = _numbers_where_numeric(frame)
    except S75Error:
        raise
    except (ValueError, UnicodeError, pd.errors.ParserError, OSError, zipfile.BadZipFile, KeyError, TypeError,
            IndexError, AttributeError) as exc:
        raise TableError(f"The {role} file {path} cannot be read as a table ({type(exc).__name__}).") from None
    except Exception as exc:  # openpyxl and defusedxml raise their own kinds for a damaged or hostile file
        refusal = xml_refusal(exc, path, f"{role} file")
        if refusal is not None:
            raise refusal from None
        raise TableError(f"The {role} file {path} cannot be read as a table ({type(exc).__name__}).") from None
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    if frame.empty:
        raise TableError(f"The {role} file {path} has no rows.")
    repeated = pd.Index(frame.columns)[pd.Index(frame.columns).duplicated()]
    if len(repeated):
        raise TableError(f"The {role} file {path} has two columns headed {clip(repeated[0])}; remove one.")
    frame.attrs["source"] = str(path)
    return frame


def _text_encoding(path: Path) -> str:
    """UTF-16 (by its byte-order mark), UTF-8 (with or without one), else Windows-1252."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the sample
            return "utf-8-sig"
        return "cp1252"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _numbers_where_numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns whose every value is a plain number become numbers (as pandas would read them);
    the rest stay text, so "89,9%" or "1,234" reach the checks below as written."""
    for column in frame.columns:
        converted = pd.to_numeric(frame[column], errors="coerce")
        if converted.notna().sum() == frame[column].notna().sum():
            frame[column] = converted
    return frame


def _where(frame: pd.DataFrame, index, column: str) -> str:
    source = frame.attrs.get("source", "the table")
    row = frame.index.get_loc(index) + 2
    return f"{source}, row {row}, column {column!r}"


# Thousands separators only in groups of three ("1,234,567"); "89,9%" is a decimal comma, not 899.
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*%?\s*$")
LARGEST = 1e15  # Excel keeps 15 significant digits; a figure beyond this is a mistake or a placeholder


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    raw = frame[column]
    written = raw.astype(str).str.strip()
    commas = raw.map(lambda v: isinstance(v, str) and "," in v) & ~written.str.match(_DECIMAL_COMMA)
    if commas.any():
        raise TableError(f"{_where(frame, commas.idxmax(), column)}: not a number (a decimal comma? write 89.9, "
                         "and thousands as 1,234).")
    text = written.str.replace(",", "", regex=False).str.replace("%", "", regex=False).str.strip()
    text = text.where(~raw.isna(), "")
    numbers = pd.to_numeric(text.replace({"": np.nan, "/": np.nan, "-": np.nan, "nan": np.nan}), errors="coerce")
    bad = numbers.isna() & text.ne("") & ~text.isin(["/", "-", "nan"])
    if bad.any():
        raise TableError(f"{_where(frame, bad.idxmax(), column)}: not a number.")
    huge = numbers.abs() > LARGEST
    if huge.any():
        raise TableError(f"{_where(frame, huge.idxmax(), column)}: {'infinite' if np.isinf(numbers[huge.idxmax()]) else 'too large'} "
                         f"(s75xl accepts figures up to {LARGEST:,.0f}).")
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
    out["period_start"] = _dates(frame, out["period_start"], "period_start")
    if "period_end" in out:
        out["period_end"] = _dates(frame, out["period_end"], "period_end")
    else:
        out["period_end"] = out["period_start"] + pd.offsets.MonthEnd(0)
    for column in ("numerator", "denominator", "value", "ci_lower", "ci_upper"):
        if column in out:
            out[column] = _numeric(frame, column)
    for column in [c for c in out.columns if c.startswith("benchmark_")]:
        out[column] = _numeric(frame, column)
    for column in ("budget_flag", "risk_flag"):
        out[column] = (out[column].fillna("").astype(str).str.strip().str.lower().isin(TRUE_WORDS)
                       if column in out else False)
    for column in ("numerator", "denominator"):
        if column in out and (out[column] < 0).any():
            raise TableError(f"{_where(frame, (out[column] < 0).idxmax(), column)}: a count cannot be negative.")
    keys = ["area", "measure", "period_start"] + [c for c in ("breakdown",) if c in out]
    repeated = out.assign(_m=out["measure"].map(code_key)).duplicated(["_m", *[k for k in keys if k != "measure"]])
    if repeated.any():
        first = out.index[repeated.to_numpy()][0]
        raise TableError(f"{_where(frame, first, 'measure')}: a second row for the same area, measure "
                         f"{clip(out.at[first, 'measure'])} and period; keep one.")
    out.attrs = dict(frame.attrs)
    return out


def _dates(frame: pd.DataFrame, column: pd.Series, name: str) -> pd.Series:
    parsed = pd.to_datetime(column, errors="coerce", format="mixed", dayfirst=True)
    bad = parsed.isna()
    if bad.any():
        raise TableError(f"{_where(frame, bad.idxmax(), name)}: not a date (use 2016-03 or 01/03/2016).")
    return parsed


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


def write_table(frame: pd.DataFrame, path: str | Path, *, inputs=(), mode_from=None) -> None:
    """Write CSV or XLSX (by extension) safely (s75xl/safety): never over one of `inputs`,
    atomically, with text that would read as a formula made inert; XLSX through XlsxWriter."""
    safe = neutralise_frame(frame)
    xlsx = Path(path).suffix.lower() in (".xlsx", ".xlsm")

    def write(temporary: Path) -> None:
        if xlsx:
            with pd.ExcelWriter(temporary, engine="xlsxwriter",
                                engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False,
                                                           "nan_inf_to_errors": True}}) as writer:
                safe.to_excel(writer, index=False)
        else:
            # CRLF rows (RFC 4180): a carriage return inside a text cell is then quoted, not read as
            # a row break that would start a new row with "=..."
            safe.to_csv(temporary, index=False, lineterminator="\r\n")

    write_atomically(path, write, inputs=inputs, mode_from=mode_from)
