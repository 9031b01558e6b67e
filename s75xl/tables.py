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

import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .catalogue.codes import financial_year_start
from .dates import DateReadError, read_dates
from .errors import S75Error
from .safety.formulas import neutralise_frame
from .safety.messages import clip, first_ragged_line
from .safety.outputs import write_atomically
from .safety.zipguard import check_file, xml_refusal
from .targets import MONTH_COLUMNS, PROFILES

TRUE_WORDS = {"yes", "y", "true", "1", "x"}
NO_EVENTS_NOTE = "no events in this period (0 of 0), so there is no rate"


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
        elif path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            encoding = _text_encoding(path)
            with path.open(encoding=encoding, newline="") as handle:
                first = handle.readline()
            delimiter = _delimiter(first)
            with warnings.catch_warnings():  # a row longer than the header: pandas would drop its end
                warnings.simplefilter("error", pd.errors.ParserWarning)
                try:
                    frame = pd.read_csv(path, encoding=encoding, sep=delimiter, dtype=object, index_col=False)
                except (pd.errors.ParserWarning, pd.errors.ParserError):
                    line = first_ragged_line(path, delimiter, "utf-8" if encoding == "utf-8-sig" else encoding)
                    if line is None:
                        raise TableError(f"The {role} file {path} cannot be read as a table (unbalanced quotes?).") from None
                    raise TableError(f"The {role} file {path}, line {line}: more fields than the header has "
                                     "(an unquoted comma, or a decimal comma such as 89,9?).") from None
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


def per_distinct(column: pd.Series, transform) -> pd.Series:
    """transform(column), worked out on its distinct values only (a region's table repeats a few
    areas and measures thousands of times): the same values, dtype and index. Only for text
    columns: in an object column 1, 1.0 and True are one distinct value but three different texts."""
    if not isinstance(column.dtype, pd.StringDtype) and pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
        return transform(column)
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    return transform(pd.Series(distinct, dtype=column.dtype)).take(codes).set_axis(column.index)


def blank_for_missing(column: pd.Series) -> pd.Series:
    """The column as text, "" where a value is missing: what ``.fillna("").astype(str)`` gave
    before pandas began to warn about filling a float column (an empty one) with text."""
    return column.astype(object).where(column.notna(), "").astype(str)


def _where(frame: pd.DataFrame, index, column: str) -> str:
    source = frame.attrs.get("source", "the table")
    row = frame.index.get_loc(index) + 2
    return f"{source}, row {row}, column {column!r}"


# Thousands separators only in groups of three ("1,234,567"); "89,9%" is a decimal comma, not 899.
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*%?\s*$")
LARGEST = 1e15  # Excel keeps 15 significant digits; a figure beyond this is a mistake or a placeholder


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    raw = frame[column]
    if raw.dtype in (np.float64, np.int64):  # numbers already (a CSV's numeric columns are read as these)
        return _checked_size(frame, raw.copy(), column)
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
    return _checked_size(frame, numbers, column)


def _checked_size(frame: pd.DataFrame, numbers: pd.Series, column: str) -> pd.Series:
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
    out["area"] = per_distinct(out["area"], lambda c: blank_for_missing(c).str.strip())
    measure = per_distinct(out["measure"], lambda c: c.astype(str).str.strip())
    blank = out["measure"].isna() | (measure == "")
    if blank.any():
        raise TableError(f"{_where(frame, blank.idxmax(), 'measure')}: the measure is blank.")
    out["measure"] = measure
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
        out[column] = (blank_for_missing(out[column]).str.strip().str.lower().isin(TRUE_WORDS)
                       if column in out else False)
    for column in ("numerator", "denominator"):
        if column in out and (out[column] < 0).any():
            raise TableError(f"{_where(frame, (out[column] < 0).idxmax(), column)}: a count cannot be negative.")
    out.attrs = dict(frame.attrs)
    out.attrs["notes"] = notes
    return out


def period_kinds(starts: pd.Series, ends: pd.Series, labels: pd.Series | None = None) -> pd.Series:
    """What kind of period each row covers: month, quarter, year, rolling 12 months or "N days".

    Rows of different kinds are different series (a year and its months are not one trend). The
    length decides; a label such as ``rolling-12:2025-03`` (what ``s75xl compute`` writes) marks
    a rolling year apart from the financial year with the same dates.
    """
    days = (ends.to_numpy() - starts.to_numpy()) // np.timedelta64(1, "D") + 1  # whole days, as .dt.days
    code = np.select([days <= 31, (days >= 89) & (days <= 92), (days >= 365) & (days <= 366)], [0, 1, 2], default=3)
    kinds = pd.Series(np.array(["month", "quarter", "year", ""], dtype=object)[code], index=starts.index, dtype=object)
    other = code == 3
    if other.any():
        kinds[other] = pd.Series(days[other]).astype(int).astype(str).to_numpy(dtype=object) + " days"
    if labels is not None:
        rolling = labels.astype(str).str.strip().str.lower().str.startswith("rolling")
        kinds[rolling] = "rolling 12 months"
    return kinds


def _dates(frame: pd.DataFrame, column: pd.Series, name: str, notes: list[str]) -> pd.Series:
    """Dates in any of the forms `s75xl.dates` reads; what the user should know goes to `notes`."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)  # read_dates reads each distinct value once too
    try:
        reading = read_dates(pd.Series(distinct).astype(object), name)
    except DateReadError as exc:
        where = _where(frame, column.index[int(np.argmax(codes == exc.position))], name)
        raise TableError(f"{where}: {exc} (use 2016-03-01, 2016-03 or 01/03/2016).") from None
    dates = pd.Series(reading.dates.to_numpy()[codes], index=column.index, name=column.name)
    blank = dates.isna()
    if blank.any():
        raise TableError(f"{_where(frame, blank.idxmax(), name)}: the date is blank.")
    source = frame.attrs.get("source", "the table")
    notes.extend(f"{source}: {note}" for note in reading.notes)
    return dates


def normalise_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a targets table and give it its documented column types."""
    out = frame.copy()
    for column in ("measure", "year", "annual_target"):
        if column not in out:
            raise TableError(f"{frame.attrs.get('source', 'The targets table')}: the column {column!r} is missing.")
    if "area" not in out:
        out["area"] = ""
    out["area"] = per_distinct(out["area"], lambda c: blank_for_missing(c).str.strip())
    out["measure"] = per_distinct(out["measure"], lambda c: c.astype(str).str.strip())
    years = out["year"].to_numpy(dtype=object)  # financial_year_start reads str(year): each distinct text once
    codes, texts = pd.factorize(np.array([str(year) for year in years.tolist()], dtype=object))
    _, first = np.unique(codes, return_index=True)
    starts = []
    for row in first:  # in order of first appearance, so the first bad row is named
        try:
            starts.append(financial_year_start(years[row]))
        except ValueError as exc:
            raise TableError(f"{_where(frame, out.index[row], 'year')}: {exc}.") from None
    out["year_start"] = np.array(starts, dtype=object)[codes].tolist()
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


def _readable_columns(sheet, frame: pd.DataFrame) -> None:
    """Columns wide enough for their heading and values (dates otherwise show as ###), capped at
    50 characters, and the heading row frozen."""
    sample = frame.head(1000)
    for number, column in enumerate(frame.columns):
        values = sample[column]
        lengths = values.map(lambda v: len(str(v)), na_action="ignore")
        longest = 12 if pd.api.types.is_datetime64_any_dtype(values) else int(lengths.max()) if lengths.notna().any() else 0
        sheet.set_column(number, number, min(max(len(str(column)), longest) + 2, 50))
    sheet.freeze_panes(1, 0)


def write_table(frame: pd.DataFrame, path: str | Path, *, inputs=(), mode_from=None) -> None:
    """Write CSV, XLSX or Parquet (by extension) safely (s75xl/safety): never over one of
    `inputs`, atomically, with text that would read as a formula made inert; XLSX through XlsxWriter."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise TableError(f"Cannot write {path}: the name must end in {', '.join(OUTPUT_SUFFIXES)}.")
    safe = neutralise_frame(frame)

    def write(temporary: Path) -> None:
        if suffix == ".xlsx":
            with pd.ExcelWriter(temporary, engine="xlsxwriter", date_format="yyyy-mm-dd", datetime_format="yyyy-mm-dd",
                                engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False,
                                                           "nan_inf_to_errors": True}}) as writer:
                safe.to_excel(writer, index=False)
                _readable_columns(writer.sheets["Sheet1"], safe)
        elif suffix == ".parquet":
            frame.to_parquet(temporary, index=False)  # data for programs, not a sheet: kept as it is
        else:
            # CRLF rows (RFC 4180): a carriage return inside a text cell is then quoted, not read as
            # a row break that would start a new row with "=..."
            safe.to_csv(temporary, index=False, lineterminator="\r\n")

    write_atomically(path, write, inputs=inputs, mode_from=mode_from)
