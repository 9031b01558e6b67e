"""RAG ratings, exceptions, direction of travel, benchmarks and the overall performance rating.

Defaults come from the seeds and are settings, not constants buried in code:

- RAG: Green at or better than target; Amber when worse by less than the tolerance; Red when
  worse by the tolerance or more. The default tolerance is 5% of the target, so that Red means
  exactly Norfolk's "off target: Red RAG rating or variance of 5% or more" (seed 002 4.3).
- Negative exceptions (seed 002 4.3): off target; deteriorated for three consecutive periods;
  adversely affecting the budget; adversely affecting a corporate risk (columns the user fills).
- Positive exceptions, reported separately (seed 000, "areas of exception, positive or negative"):
  beating the target by 5% or more; improved for three consecutive periods.
- Overall rating (seed 000): the percentage of measures with a target at or above target.
- Work-plan ratings (seed 001): G, A, R and B (pipeline); B is not ranked, so a move to or from
  B is neither a decline nor an improvement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError
from .rounding import snap_significant

GREEN, AMBER, RED = "Green", "Amber", "Red"
POLARITY_SIGN = {"higher": 1, "lower": -1, "none": 0}


@dataclass(frozen=True)
class Thresholds:
    """The exception and rating settings, with the seeds' values as defaults."""

    amber_tolerance_pct: float = 5.0  # worse than target by less than this: Amber
    off_target_variance_pct: float = 5.0  # seed 002 4.3
    beating_target_pct: float = 5.0  # positive exception
    consecutive_periods: int = 3  # seed 002 4.3: "deteriorated for three consecutive" periods

    def __post_init__(self):
        for name in ("amber_tolerance_pct", "off_target_variance_pct", "beating_target_pct"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e6:
                raise InputError(f"The {name.replace('_pct', '').replace('_', ' ')} must be a percentage of 0 or more, "
                                 f"not {value}.")
        value = self.consecutive_periods
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            raise InputError(f"The number of consecutive periods must be a whole number of 1 or more, not {value}.")


# Variances are compared with the 5% thresholds at 12 significant digits. Binary arithmetic puts
# "5.7 against a target of 6.0" at 4.9999999999999964%, and cancellation in (target - value)
# can magnify that noise twentyfold, to the 14th digit; a variance from published figures (a few
# decimals, targets below a billion) that truly differs from a threshold differs long before the
# 12th digit, so rounding there removes only the noise. tests/test_ratings.py checks every
# one-decimal target from 0.1 to 1000 at exactly 5% worse and better.
VARIANCE_SIGNIFICANT_DIGITS = 12


def polarity_sign(polarity) -> np.ndarray:
    """+1 (higher is better), -1 (lower) or 0 for each polarity, in polarity's shape; each distinct
    polarity looked up once (a region's table has three polarities and thousands of rows)."""
    polarity = np.asarray(polarity, dtype=object)
    codes, names = pd.factorize(polarity.ravel(), use_na_sentinel=False)
    return np.array([POLARITY_SIGN.get(p, 0) for p in names] + [0], dtype=float)[codes].reshape(polarity.shape)


def adverse_variance_pct(value, target, polarity) -> np.ndarray:
    """How far worse than target, in % of the target (negative when better); NaN without polarity.

    Rounded to 12 significant digits, so that a value exactly 5% off its target (in the decimal
    figures people read) is exactly 5.0 here.
    """
    return variance_of_signed(value, target, polarity_sign(polarity))


def variance_of_signed(value, target, sign: np.ndarray) -> np.ndarray:
    """adverse_variance_pct with the polarity already turned into its sign (+1, -1 or 0)."""
    value = np.asarray(value, dtype=float)
    target = np.asarray(target, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        worse_by = (target - value) * sign
        pct = worse_by / np.abs(target) * 100
        pct = np.where(target == 0, np.sign(worse_by) * np.inf, pct)
        pct = np.where(worse_by == 0, 0.0, pct)
    return np.where(sign == 0, np.nan, snap_significant(pct, VARIANCE_SIGNIFICANT_DIGITS))


def rag(value, target, polarity, tolerance_pct=5.0) -> np.ndarray:
    """Green, Amber or Red per element; None where value, target or polarity is missing."""
    return rag_of_variance(adverse_variance_pct(value, target, polarity), tolerance_pct)


RAG_LABELS = np.array([None, GREEN, AMBER, RED], dtype=object)  # what rag_codes count in


def rag_of_variance(variance: np.ndarray, tolerance_pct=5.0) -> np.ndarray:
    """rag from the adverse variance already worked out (adverse_variance_pct)."""
    return RAG_LABELS[rag_codes(variance, tolerance_pct)]


def rag_codes(variance: np.ndarray, tolerance_pct=5.0) -> np.ndarray:
    """0 (no rating), 1 Green, 2 Amber or 3 Red per element: positions in RAG_LABELS."""
    tolerance = np.broadcast_to(np.asarray(tolerance_pct, dtype=float), variance.shape)
    out = np.zeros(variance.shape, dtype=np.int8)
    known = ~np.isnan(variance)
    out[known & (variance <= 0)] = 1
    out[known & (variance > 0) & (variance < tolerance)] = 2
    out[known & (variance > 0) & (variance >= tolerance)] = 3  # on target is Green even with no Amber band
    return out


BUDGET_REASON = "adversely affecting the budget"
RISK_REASON = "adversely affecting a corporate risk"


def exception_reasons(value: float, target: float, variance_pct: float, rating: str | None, run: int,
                      budget_flag: bool = False, risk_flag: bool = False,
                      thresholds: Thresholds = Thresholds()) -> tuple[str, str]:
    """("negative" | "positive" | "", the reasons in words) for one period of one measure.

    `run` is the signed count of consecutive improvements (+) or deteriorations (-) up to the
    period (`consecutive_changes`). Negative reasons win over positive ones.
    """
    negative, positive = [], []
    n = thresholds.consecutive_periods
    known = variance_pct is not None and not np.isnan(variance_pct)
    if rating == RED or (known and variance_pct >= thresholds.off_target_variance_pct):
        negative.append(f"off target: {value:g} against a target of {target:g} ({variance_pct:.1f}% worse)")
    if run <= -n:
        negative.append(f"deteriorated for {int(-run)} consecutive periods")
    if budget_flag:
        negative.append(BUDGET_REASON)
    if risk_flag:
        negative.append(RISK_REASON)
    if known and -variance_pct >= thresholds.beating_target_pct:
        positive.append(f"beating target by {-variance_pct:.1f}%")
    if run >= n:
        positive.append(f"improved for {int(run)} consecutive periods")
    kind = "negative" if negative else "positive" if positive else ""
    return kind, "; ".join(negative or positive)


def consecutive_changes(values: pd.Series, polarity: str) -> pd.Series:
    """Per period, how many consecutive periods up to it have got better (+n) or worse (-n)."""
    sign = POLARITY_SIGN.get(polarity, 0)
    steps = np.sign(values.diff()) * sign
    out, run = [], 0
    for step in steps:
        if step > 0:
            run = run + 1 if run > 0 else 1
        elif step < 0:
            run = run - 1 if run < 0 else -1
        else:
            run = 0
        out.append(run)
    return pd.Series(out, index=values.index)


def compare_to(value, other, polarity, decimals=1, ci_lower=None, ci_upper=None) -> np.ndarray:
    """better / similar / worse against another figure, or significantly better / worse when a
    confidence interval lies wholly on one side of it; None where anything is missing."""
    value = np.asarray(value, dtype=float)
    other = np.broadcast_to(np.asarray(other, dtype=float), value.shape)
    sign = np.vectorize(lambda p: POLARITY_SIGN.get(p, 0), otypes=[float])(
        np.broadcast_to(np.asarray(polarity, dtype=object), value.shape))
    decimals = np.broadcast_to(np.asarray(decimals), value.shape)
    out = np.full(value.shape, None, dtype=object)
    have_ci = ci_lower is not None and ci_upper is not None
    lower = np.broadcast_to(np.asarray(ci_lower, dtype=float), value.shape) if have_ci else None
    upper = np.broadcast_to(np.asarray(ci_upper, dtype=float), value.shape) if have_ci else None
    for i in range(value.size):
        if np.isnan(value[i]) or np.isnan(other[i]) or sign[i] == 0:
            continue
        if have_ci and not (np.isnan(lower[i]) or np.isnan(upper[i])):
            if lower[i] > other[i]:
                out[i] = "significantly better" if sign[i] > 0 else "significantly worse"
            elif upper[i] < other[i]:
                out[i] = "significantly worse" if sign[i] > 0 else "significantly better"
            else:
                out[i] = "similar"
            continue
        difference = round(value[i] - other[i], int(decimals[i])) * sign[i]
        out[i] = "better" if difference > 0 else "worse" if difference < 0 else "similar"
    return out


def overall_rating(assessed: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """% of measures with a target that are at or above target, with the counts behind it.

    Uses each (area, measure)'s latest period that has a rating. `by` groups the result
    (for example "group" for the headline group, or "area").
    """
    rated = assessed.dropna(subset=["rag"]).sort_values("period_start")
    series = ["area", "measure"] + (["breakdown"] if "breakdown" in rated else [])
    latest = rated.groupby(series, sort=False, dropna=False).tail(1)
    keys = [by] if isinstance(by, str) else list(by or [])
    grouped = latest.groupby(keys, sort=True) if keys else [((), latest)]
    rows = []
    for key, part in grouped:
        with_target = len(part)
        at_or_above = int((part["rag"] == GREEN).sum())
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        row.update(measures_with_target=with_target, at_or_above_target=at_or_above,
                   percent_at_or_above=round(100 * at_or_above / with_target, 1) if with_target else np.nan)
        rows.append(row)
    return pd.DataFrame(rows)


WORKPLAN_RANK = {"G": 3, "A": 2, "R": 1}
WORKPLAN_NAMES = {"G": "On track", "A": "Imminent action expected", "R": "Off track", "B": "Pipeline"}


def compare_ratings(table: pd.DataFrame, before: str, after: str, item: str = "item") -> pd.DataFrame:
    """Work-plan items now Red, and items whose G/A/R rating declined between two columns.

    >>> t = pd.DataFrame({"item": ["1h", "2c", "2j"], "Q2": ["G", "A", "G"], "Year End": ["R", "G", "A"]})
    >>> compare_ratings(t, "Q2", "Year End")[["item", "now_red", "declined"]].values.tolist()
    [['1h', True, True], ['2j', False, True]]
    """
    ratings = table[[item, before, after]].copy()
    for column in (before, after):
        ratings[column] = ratings[column].astype(object).where(ratings[column].notna(), "").astype(str).str.strip().str.upper().str[:1]
    rank_before = ratings[before].map(WORKPLAN_RANK)
    rank_after = ratings[after].map(WORKPLAN_RANK)
    ratings["now_red"] = ratings[after] == "R"
    ratings["declined"] = (rank_after < rank_before).fillna(False)
    return ratings[ratings["now_red"] | ratings["declined"]].reset_index(drop=True)


def year_summary(values, summary: str) -> float:
    """A template's "Total / average" figure for a year of period values: their sum, their mean,
    or the latest (the catalogue's `year_summary`, read off Cambridgeshire's table, seed 001)."""
    series = pd.Series(values, dtype=float).dropna()
    if series.empty:
        return float("nan")
    if summary == "sum":
        return float(series.sum())
    if summary == "mean":
        return float(series.mean())
    if summary == "latest":
        return float(series.iloc[-1])
    raise ValueError(f"Unknown year summary {summary!r}: use sum, mean or latest.")
