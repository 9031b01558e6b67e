"""s75xl worksheet functions: =ASCOF_RATE(), =ASCOF_CI(), =ASCOF_TARGET(), =ASCOF_RAG() and the rest.

One module for every route (docs/worksheet-functions.md):

- classic xlwings (desktop Excel on Windows, through the xlwings add-in): put this folder on the
  add-in's PYTHONPATH, set "UDF Modules" to ``s75xl_functions`` and press Import Functions.
  ``xw.func`` / ``xw.arg`` are then the classic decorators.
- xlwings Server and xlwings Lite (Office.js custom functions, desktop, Mac and web): with
  ``XLWINGS_ON_SERVER=true`` set before xlwings is imported, the same ``xw.func`` / ``xw.arg``
  are the Office.js decorators; point the server's custom functions at this module.

Every function takes single cells or ranges (a column of numerators gives a column of rates),
treats blank cells as missing and accepts Excel dates. Errors are Excel error values, cell by
cell: a zero denominator gives #DIV/0!, a missing input #N/A, a bad number #VALUE!. A bad
measure code gives #VALUE!; on xlwings Server/Lite a single-cell call raises instead, so Excel
shows the engine's reason on hover. =ASCOF_REASON() gives that reason as text on every route.
Classic xlwings cannot return real error values (xlwings issue #776), so there the cell shows the
error's text. Nothing here does arithmetic: each function hands its arguments to the engine.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import numpy as np
import pandas as pd
import xlwings as xw

from s75xl import excel_values as X
from s75xl.assess import assess
from s75xl.catalogue import Measure, default_catalogue
from s75xl.errors import MeasureNotFoundError, S75Error
from s75xl.intervals import confidence_interval
from s75xl.rates import OK, compute_rates, problem_error
from s75xl.ratings import (Thresholds, adverse_variance_pct, consecutive_changes, exception_reasons,
                           overall_rating, rag)
from s75xl.rounding import round_half_away
from s75xl.spc import assurance_type, spc, variation_icon
from s75xl.targets import month_of_year, profiled_target

ON_SERVER = os.environ.get("XLWINGS_ON_SERVER") == "true"

# xlwings 0.37.8 tries `from pyodide.ffi import JsNull` for every cell it converts
# (pro/udfs_officejs.py js_to_none). On CPython that import fails after searching the whole
# path, about 90 microseconds a cell: 11 s for a 100,000-row range (bench/bench_udfs.py).
# A None entry in sys.modules is Python's way of saying "this module is absent", so the import
# fails at once. Only where pyodide really is absent; xlwings Lite (Pyodide) is untouched.
if sys.platform != "emscripten" and "pyodide" not in sys.modules and importlib.util.find_spec("pyodide") is None:
    sys.modules["pyodide"] = None
POLARITY_WORDS = {"higher": "higher", "bigger": "higher", "high": "higher", "increase": "higher",
                  "lower": "lower", "smaller": "lower", "low": "lower", "decrease": "lower",
                  "none": "none", "neutral": "none"}
SPC_DIRECTION = {"higher": "increase", "lower": "decrease", "none": "neutral"}


# ---------------------------------------------------------------- helpers (not worksheet functions)

def _run(implementation, *args):
    """Call an implementation; a user error becomes #VALUE! (raised with its reason on Server/Lite,
    where Excel shows it on hover; classic xlwings would show a traceback, so it returns the text)."""
    try:
        return implementation(*args)
    except S75Error as exc:
        if ON_SERVER:
            raise xw.XlwingsError(str(exc)) from None
        return [[X.VALUE]]


def _measure(code) -> Measure:
    text = X.texts(code)[0][0]
    if text is None:
        raise S75Error("A measure code is needed, for example \"2A(1)\".")
    return default_catalogue().find(text)


def _polarity(measure_or_polarity) -> str:
    text = X.texts(measure_or_polarity)[0][0]
    if text is None:
        raise S75Error("A measure code or a polarity (higher, lower) is needed.")
    return POLARITY_WORDS.get(text.lower()) or default_catalogue().find(text).polarity


def _codes_like(code, shape) -> np.ndarray:
    """Measure codes as an array of the given shape (one code, or one per cell)."""
    codes = np.array(X.texts(code), dtype=object)
    return np.broadcast_to(codes, shape) if codes.size == 1 else codes


def _counts(numerator, denominator):
    num, bad_n = X.numbers(numerator)
    den, bad_d = X.numbers(denominator)
    num, den = np.broadcast_arrays(num, den)
    bad = np.broadcast_to(bad_n, num.shape) | np.broadcast_to(bad_d, num.shape)
    return num.copy(), den.copy(), bad


def _rates_by_measure(num, den, codes, months=None):
    """Values and problem codes for cells that may name different measures."""
    values = np.full(num.shape, np.nan)
    problems = np.zeros(num.shape, dtype=np.int8)
    unknown = np.zeros(num.shape, dtype=bool)
    for code in {c for c in codes.ravel() if c is not None}:
        where = codes == code
        try:
            measure = default_catalogue().find(code)
        except MeasureNotFoundError:
            unknown |= where
            continue
        v, p = compute_rates(num[where], den[where], measure, months)
        values[where], problems[where] = v, p
    return values, problems, unknown | (codes == None)  # noqa: E711 (element-wise on an object array)


def _series(values) -> np.ndarray:
    return X.numbers(values)[0].ravel()


def _spc_frame(values) -> pd.DataFrame:
    y = _series(values)
    return pd.DataFrame({"date": pd.date_range("2000-01-01", periods=y.size, freq="D"), "y": y})


def _direction(direction) -> str:
    text = X.texts(direction)[0][0] if direction is not None else None
    if text is None:
        return "increase"
    if text.lower() in ("increase", "decrease", "neutral"):
        return text.lower()
    return SPC_DIRECTION[_polarity(direction)]


def _table(values) -> pd.DataFrame:
    rows = X.grid(values)
    if len(rows) < 2:
        raise S75Error("The table needs a header row and at least one row of data.")
    header = [str(h).strip().lower().replace(" ", "_") for h in rows[0]]
    frame = pd.DataFrame(rows[1:], columns=header)
    return frame.replace({"": None})


def _excel_dates(column: pd.Series) -> pd.Series:
    return column.map(lambda v: None if X.is_blank(v) else X.excel_date(v))


def _cells(frame: pd.DataFrame) -> list[list]:
    """A DataFrame as a 2-D list with a header row; missing values become empty cells."""
    body = frame.astype(object).where(frame.notna(), "")
    return [list(frame.columns)] + body.values.tolist()


# ---------------------------------------------------------------- rates, rounding, intervals

def _rate(numerator, denominator, measure, months):
    num, den, bad = _counts(numerator, denominator)
    codes = _codes_like(measure, num.shape)
    months_value = None if X.is_blank(months) else X.numbers(months)[0].ravel()[0]
    if codes.size == 1 or len(set(codes.ravel())) == 1:
        _measure(codes.ravel()[0])  # one code for every cell: a bad one fails the formula, with its reason
    values, problems, unknown = _rates_by_measure(num, den, codes, months_value)
    return X.with_errors(values, codes=problems, bad=bad | unknown)


@xw.func
@xw.arg("numerator", ndim=2, doc="The count of people or events (a cell or a column).")
@xw.arg("denominator", ndim=2, doc="The population or cohort (a cell or a column); leave blank for a count measure.")
@xw.arg("measure", ndim=2, doc="The measure code, e.g. \"2A(1)\" or \"1C(1A)\" (a cell, or one per row).")
@xw.arg("months", doc="ASCOF 2C only: the months the numerator sums (default 12).")
def ascof_rate(numerator, denominator, measure, months=None):
    """The measure's value in its own unit: a percentage, a rate per 100,000 or a mean score."""
    return _run(_rate, numerator, denominator, measure, months)


def _round(value, measure_or_decimals):
    values, bad = X.numbers(value)
    decimals_cell = X.grid(measure_or_decimals)[0][0]
    if isinstance(decimals_cell, (int, float)) and not isinstance(decimals_cell, bool):
        decimals = int(decimals_cell)
    else:
        decimals = _measure(measure_or_decimals).decimals
    return X.with_errors(round_half_away(values, decimals), bad=bad)


@xw.func
@xw.arg("value", ndim=2, doc="The value or values to round.")
@xw.arg("measure_or_decimals", doc="A measure code (its published decimal places) or a number of decimal places.")
def ascof_round(value, measure_or_decimals=1):
    """Rounds as the ASCOF tables and Excel's ROUND do: halves away from zero."""
    return _run(_round, value, measure_or_decimals)


def _ci(numerator, denominator, measure, level):
    m = _measure(measure)
    num, den, bad = _counts(numerator, denominator)
    values, problems = compute_rates(num, den, m)
    usable = ~bad & (problems == OK) & ~np.isnan(values)
    lower = np.full(num.shape, np.nan)
    upper = np.full(num.shape, np.nan)
    if usable.any():
        ci = confidence_interval(num[usable], den[usable] if m.unit_info.needs_denominator else None, m,
                                 0.95 if X.is_blank(level) else level)
        lower[usable], upper[usable] = ci.lower, ci.upper
    lo = X.with_errors(lower, codes=problems, bad=bad)
    hi = X.with_errors(upper, codes=problems, bad=bad)
    return [[cell for pair in zip(lo_row, hi_row) for cell in pair] for lo_row, hi_row in zip(lo, hi)]


@xw.func
@xw.arg("numerator", ndim=2, doc="The count (a cell or a column).")
@xw.arg("denominator", ndim=2, doc="The population or cohort (a cell or a column).")
@xw.arg("measure", doc="The measure code, e.g. \"2A(1)\".")
@xw.arg("level", doc="Confidence level, 0.9 to 0.999 or 90 to 99.9 (default 0.95).")
def ascof_ci(numerator, denominator, measure, level=0.95):
    """Lower and upper confidence limits side by side: Wilson for percentages, Poisson/Byar's for rates."""
    return _run(_ci, numerator, denominator, measure, level)


def _reason(numerator, denominator, measure):
    m = _measure(measure)
    num, den, bad = _counts(numerator, denominator)
    if bad.any():
        return [["A numerator or denominator is not a number."]]
    _, problems = compute_rates(num, den, m)
    flat = problems.ravel()
    if (flat != OK).any():
        first = int(np.flatnonzero(flat != OK)[0])
        return [[str(problem_error(int(flat[first]), m, first + 1 if flat.size > 1 else None))]]
    if np.isnan(num).any() or (m.unit_info.needs_denominator and np.isnan(den).any()):
        return [["A numerator or denominator is missing."]]
    return [[""]]


@xw.func
@xw.arg("numerator", ndim=2, doc="The count (a cell or a column).")
@xw.arg("denominator", ndim=2, doc="The population or cohort (a cell or a column).")
@xw.arg("measure", doc="The measure code.")
def ascof_reason(numerator, denominator, measure):
    """Why ASCOF_RATE gives an error for these inputs, in words; empty when there is none."""
    try:
        return _reason(numerator, denominator, measure)
    except S75Error as exc:
        return [[str(exc)]]


# ---------------------------------------------------------------- targets and ratings

def _target(measure, annual_target, baseline, period, profile, year_start, shape):
    _measure(measure)
    annual = X.numbers(annual_target)[0].ravel()[0]
    base = None if X.is_blank(baseline) else X.numbers(baseline)[0].ravel()[0]
    profile_name = (X.texts(profile)[0][0] or "linear").lower()
    start = 4 if X.is_blank(year_start) else int(X.numbers(year_start)[0].ravel()[0])
    months_shape = None if shape is None or all(X.is_blank(c) for r in X.grid(shape) for c in r) else _series(shape)
    out = []
    for row in X.grid(period):
        out_row = []
        for cell in row:
            if X.is_blank(cell):
                out_row.append(X.NA)
                continue
            month = month_of_year(X.excel_date(cell), start)
            out_row.append(profiled_target(profile_name, annual, month, baseline=base, shape=months_shape))
        out.append(out_row)
    return out


@xw.func
@xw.arg("measure", doc="The measure code.")
@xw.arg("annual_target", doc="The year-end target from the Annual Plan.")
@xw.arg("baseline", doc="Last year's outturn, where the linear and quarterly profiles start.")
@xw.arg("period", ndim=2, doc="The month or months (dates, or text such as 2016-09).")
@xw.arg("profile", doc="flat, linear (default), quarterly, seasonal, monthly or cumulative.")
@xw.arg("year_start", doc="The month the financial year starts (default 4, April).")
@xw.arg("shape", ndim=2, doc="Twelve monthly values, April to March: last year's (seasonal, cumulative) or the targets (monthly).")
def ascof_target(measure, annual_target, baseline, period, profile="linear", year_start=4, shape=None):
    """The profiled target for the month: targets change month by month towards the year end."""
    return _run(_target, measure, annual_target, baseline, period, profile, year_start, shape)


def _rag(value, target, measure_or_polarity, tolerance):
    polarity = _polarity(measure_or_polarity)
    values, bad_v = X.numbers(value)
    targets, bad_t = X.numbers(target)
    values, targets = np.broadcast_arrays(values, targets)
    tol = 5.0 if X.is_blank(tolerance) else float(X.numbers(tolerance)[0].ravel()[0])
    ratings = rag(values, targets, np.full(values.shape, polarity, dtype=object), tol)
    bad = np.broadcast_to(bad_v, values.shape) | np.broadcast_to(bad_t, values.shape)
    return [[X.VALUE if b else (r or "") for r, b in zip(row, brow)] for row, brow in zip(ratings, bad)]


@xw.func
@xw.arg("value", ndim=2, doc="The value or values.")
@xw.arg("target", ndim=2, doc="The target or targets for the same periods.")
@xw.arg("measure_or_polarity", doc="A measure code, or higher / lower (bigger / smaller is better).")
@xw.arg("tolerance", doc="The Amber band: % worse than target that is still Amber (default 5).")
def ascof_rag(value, target, measure_or_polarity, tolerance=5):
    """Green at or better than target, Amber within the tolerance, Red beyond it."""
    return _run(_rag, value, target, measure_or_polarity, tolerance)


def _exception(values, targets, measure_or_polarity):
    polarity = _polarity(measure_or_polarity)
    series = pd.Series(_series(values))
    target_values = np.broadcast_to(_series(targets), series.shape) if X.grid(targets) != [[None]] else np.full(series.shape, np.nan)
    run = int(consecutive_changes(series, polarity).iloc[-1])
    value, target = series.iloc[-1], float(target_values[-1])
    variance = float(adverse_variance_pct(value, target, polarity))
    rating = rag([value], [target], [polarity])[0]
    kind, text = exception_reasons(value, target, variance, rating, run)
    return [[f"{kind}: {text}" if kind else ""]]


@xw.func
@xw.arg("values", ndim=2, doc="The measure's values over time, oldest first (a row or a column).")
@xw.arg("targets", ndim=2, doc="The targets for the same periods, or one target.")
@xw.arg("measure_or_polarity", doc="A measure code, or higher / lower.")
def ascof_exception(values, targets, measure_or_polarity):
    """Whether the latest value is an exception, negative or positive, and why; empty if not."""
    return _run(_exception, values, targets, measure_or_polarity)


def _rating(values, targets, polarities):
    vals, _ = X.numbers(values)
    tgts, _ = X.numbers(targets)
    pols = np.array([[POLARITY_WORDS.get(str(p).lower(), None) or (_polarity(p) if p else "none")
                      for p in row] for row in X.texts(polarities)], dtype=object)
    vals, tgts, pols = np.broadcast_arrays(vals, tgts, pols)
    frame = pd.DataFrame({"area": "", "measure": np.arange(vals.size), "period_start": 0,
                          "rag": rag(vals.ravel(), tgts.ravel(), pols.ravel())})
    rating = overall_rating(frame)
    if rating.empty or rating.iloc[0]["measures_with_target"] == 0:
        return [[X.NA]]
    return [[float(rating.iloc[0]["percent_at_or_above"])]]


@xw.func
@xw.arg("values", ndim=2, doc="Each measure's latest value (a column).")
@xw.arg("targets", ndim=2, doc="Each measure's target (blank where there is none).")
@xw.arg("polarities", ndim=2, doc="Each measure's code or polarity (higher / lower), or one for all.")
def s75_rating(values, targets, polarities):
    """The overall performance rating: % of measures with a target at or above target."""
    return _run(_rating, values, targets, polarities)


def _info(measure, field):
    m = _measure(measure)
    name = (X.texts(field)[0][0] or "name").lower()
    if name == "definition":
        return [[f"Numerator: {m.numerator}. Denominator: {m.denominator or 'none'}."]]
    if name == "unit":
        return [[m.unit_info.label]]
    values = m.as_dict()
    if name not in values or name in ("extra", "origin"):
        raise S75Error(f"ASCOF_INFO has no field {name!r}; try name, definition, unit, polarity, source.")
    value = values[name]
    return [["; ".join(value) if isinstance(value, list) else value]]


@xw.func
@xw.arg("measure", doc="The measure code, alias or name.")
@xw.arg("field", doc="name (default), definition, unit, polarity, group, source, numerator, denominator, decimals...")
def ascof_info(measure, field="name"):
    """What a measure means: its name, definition, unit, polarity or source."""
    return _run(_info, measure, field)


# ---------------------------------------------------------------- SPC (NHS Making Data Count)

def _spc_limits(values):
    points = spc(_spc_frame(values)).points
    return X.with_errors(points[["mean", "lpl", "upl"]].to_numpy())


@xw.func
@xw.arg("values", ndim=2, doc="The series, oldest first (a column).")
def spc_limits(values):
    """Mean, lower and upper process limits for each point (XmR chart, NHS Making Data Count)."""
    return _run(_spc_limits, values)


def _spc_points(values, direction):
    return X.text_grid(spc(_spc_frame(values), improvement_direction=_direction(direction)).points["point_type"])


@xw.func
@xw.arg("values", ndim=2, doc="The series, oldest first (a column).")
@xw.arg("direction", doc="increase (default), decrease, neutral, or a measure code.")
def spc_points(values, direction="increase"):
    """Each point's type: common_cause, special_cause_improvement or special_cause_concern."""
    return _run(_spc_points, values, direction)


def _spc_variation(values, direction):
    chosen = _direction(direction)
    return [[variation_icon(spc(_spc_frame(values), improvement_direction=chosen).points["point_type"].iloc[-1], chosen)]]


@xw.func
@xw.arg("values", ndim=2, doc="The series, oldest first (a column).")
@xw.arg("direction", doc="increase (default), decrease, neutral, or a measure code.")
def spc_variation(values, direction="increase"):
    """The variation icon for the latest point: common_cause, improvement_high, concern_low..."""
    return _run(_spc_variation, values, direction)


def _spc_assurance(values, target, direction):
    chosen = _direction(direction)
    last = spc(_spc_frame(values), improvement_direction=chosen).points.iloc[-1]
    goal = X.numbers(target)[0].ravel()[0]
    kind = assurance_type(None if np.isnan(goal) else goal, last["lpl"], last["upl"], chosen)
    return [[kind or ""]]


@xw.func
@xw.arg("values", ndim=2, doc="The series, oldest first (a column).")
@xw.arg("target", doc="The target.")
@xw.arg("direction", doc="increase (default), decrease, or a measure code.")
def spc_assurance(values, target, direction="increase"):
    """Whether the process will meet the target: consistent_pass, consistent_fail or inconsistent."""
    return _run(_spc_assurance, values, target, direction)


# ---------------------------------------------------------------- whole tables (the fast path)

def _rates_table(table):
    rows = X.grid(table)
    header = [str(h).strip().lower() for h in rows[0]]
    for column in ("measure", "numerator"):
        if column not in header:
            raise S75Error(f"ASCOF_RATES needs a {column!r} column in the header row.")
    body = rows[1:]

    def column(name):
        index = header.index(name)
        return [row[index] for row in body]

    num, bad = X.numbers(column("numerator"))
    den = X.numbers(column("denominator"))[0] if "denominator" in header else np.full(num.shape, np.nan)
    codes = np.array([c.strip() or None if isinstance(c, str) else None if c is None else str(c)
                      for c in column("measure")], dtype=object)[:, None]
    values, problems, unknown = _rates_by_measure(num, den, codes)
    added = X.with_errors(values, codes=problems, bad=bad | unknown)
    return [rows[0] + ["value"]] + [row + cell for row, cell in zip(body, added)]


@xw.func
@xw.arg("table", ndim=2, doc="A results range with a header row naming measure, numerator and denominator columns.")
def ascof_rates(table):
    """The table with each row's value added: one call for a whole results range."""
    return _run(_rates_table, table)


def _assess_table(table, targets):
    results = _table(table)
    if "period" in results and "period_start" not in results:
        results = results.rename(columns={"period": "period_start"})
    for column in ("period_start", "period_end"):
        if column in results:
            results[column] = _excel_dates(results[column])
    target_frame = None if targets is None or X.grid(targets) == [[None]] else _table(targets)
    assessed = assess(results, target_frame, thresholds=Thresholds())
    keep = [c for c in results.columns if c in assessed.columns] + [
        "target", "rag", "exception", "exception_reasons", "direction", "spc_variation", "spc_assurance"]
    return _cells(assessed[list(dict.fromkeys(keep))])


@xw.func
@xw.arg("table", ndim=2, doc="A results range with a header row: measure, period, value or numerator and denominator.")
@xw.arg("targets", ndim=2, doc="A targets range with a header row: measure, year, annual_target, baseline, profile.")
def ascof_assess(table, targets=None):
    """The results with target, RAG, exception, reasons, direction and SPC columns added."""
    return _run(_assess_table, table, targets)
