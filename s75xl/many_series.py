"""Many time series at once: what `assess` works out per series, in whole-array operations.

A region's results (150 areas x 40 measures x 13 months) are thousands of short series. Looping
over them in Python, one pandas slice each, cost more than everything else in `assess`; here
every series is a stretch of one array sorted by (series, period), and each rule is a few numpy
operations over the whole array that respect the stretches' edges:

- `Ordered`: the sort, where each series starts, and each row's previous row;
- `runs`: the signed count of consecutive improvements or deteriorations (ratings.consecutive_changes);
- `compare`: better / similar / worse (ratings.compare_to), rounding exactly as numpy does;
- `exact_means` (in exact_means.py): each stretch's mean exactly as spc.exact_mean.

The per-series versions stay the reference: tests/test_assess_vectorised.py checks this module's
results against them on random tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .exact_means import exact_means  # noqa: F401  (the SPC means, here with the other per-series rules)
from .ratings import POLARITY_SIGN


class Ordered:
    """Rows sorted by series then date; `start[i]` is True where a new series begins."""

    def __init__(self, series_id: np.ndarray, dates: np.ndarray):
        self.order = np.lexsort((dates, series_id))
        self.series = np.asarray(series_id)[self.order]
        self.dates = np.asarray(dates)[self.order]
        self.start = np.ones(len(self.order), dtype=bool)
        self.start[1:] = self.series[1:] != self.series[:-1]
        self.first_row = np.flatnonzero(self.start)  # where each series begins, in sorted order

    def take(self, values) -> np.ndarray:
        return np.asarray(values)[self.order]

    def back(self, sorted_values: np.ndarray) -> np.ndarray:
        """Values in sorted order put back in the table's row order."""
        out = np.empty_like(sorted_values)
        out[self.order] = sorted_values
        return out

    def previous(self, sorted_values: np.ndarray) -> np.ndarray:
        """Each row's previous value in its series (NaN for the first)."""
        out = np.empty(len(sorted_values), dtype=float)
        out[1:] = sorted_values[:-1]
        out[self.start] = np.nan
        return out


def run_lengths(flags: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    """For each position, how many consecutive True values end there (0 where False); a True
    `start` begins a new count (the first row of a series)."""
    flags = np.asarray(flags, dtype=bool)
    count = np.cumsum(flags)
    breaks = np.where(flags, 0, count)
    if start is not None:
        breaks = np.where(flags & start, count - 1, breaks)
    return count - np.maximum.accumulate(breaks)


def runs(values: np.ndarray, previous: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Signed consecutive improvements (+n) or deteriorations (-n) up to each period; a step
    from or to a missing value, or no change, is 0 (as ratings.consecutive_changes)."""
    with np.errstate(invalid="ignore"):
        step = np.sign(values - previous) * sign
    better, worse = step > 0, step < 0
    return np.where(better, run_lengths(better), np.where(worse, -run_lengths(worse), 0))


def polarity_signs(polarity) -> np.ndarray:
    codes, names = pd.factorize(pd.Series(polarity, dtype=object))
    table = np.array([POLARITY_SIGN.get(p, 0) for p in names] + [0], dtype=float)
    return table[codes]


def rounds_to_zero(x: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """round(x, d) == 0 for numpy floats (what ratings.compare_to computes element by element):
    numpy rounds by scaling with 10**d, rounding half to even, and scaling back, so the result is
    zero exactly when the scaled value rounds to zero."""
    x = np.asarray(x, dtype=float)
    decimals = np.asarray(decimals).astype(int)
    scale = np.power(10.0, np.abs(decimals).astype(float))
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.where(decimals >= 0, x * scale, x / scale)
    return np.rint(scaled) == 0


COMPARISONS = np.array([None, "similar", "better", "worse", "significantly better", "significantly worse"], dtype=object)
SIMILAR, BETTER, WORSE, SIGNIFICANTLY_BETTER, SIGNIFICANTLY_WORSE = range(1, 6)


def compare(value, other, sign, decimals, ci_lower=None, ci_upper=None) -> np.ndarray:
    """better / similar / worse (or significantly better / worse where an interval lies wholly on
    one side); None where anything is missing: ratings.compare_to for whole columns."""
    return COMPARISONS[compare_codes(value, other, sign, decimals, ci_lower, ci_upper)]


def compare_codes(value, other, sign, decimals, ci_lower=None, ci_upper=None) -> np.ndarray:
    """compare as positions in COMPARISONS (small integers move and reorder faster than words)."""
    value = np.asarray(value, dtype=float)
    other = np.broadcast_to(np.asarray(other, dtype=float), value.shape)
    sign = np.broadcast_to(np.asarray(sign, dtype=float), value.shape)
    decimals = np.broadcast_to(np.asarray(decimals), value.shape)
    code = np.zeros(value.shape, dtype=np.int8)
    known = ~np.isnan(value) & ~np.isnan(other) & (sign != 0)
    if ci_lower is not None and ci_upper is not None:
        lower = np.broadcast_to(np.asarray(ci_lower, dtype=float), value.shape)
        upper = np.broadcast_to(np.asarray(ci_upper, dtype=float), value.shape)
        by_ci = known & ~np.isnan(lower) & ~np.isnan(upper)
        above, below = by_ci & (lower > other), by_ci & ~(lower > other) & (upper < other)
        code[by_ci] = SIMILAR
        code[above] = np.where(sign[above] > 0, SIGNIFICANTLY_BETTER, SIGNIFICANTLY_WORSE)
        code[below] = np.where(sign[below] > 0, SIGNIFICANTLY_WORSE, SIGNIFICANTLY_BETTER)
        known = known & ~by_ci
    with np.errstate(invalid="ignore"):
        difference = value - other
        similar = rounds_to_zero(difference, decimals)
        signed = difference * sign
    code[known] = np.where(similar[known], SIMILAR,
                           np.where(signed[known] > 0, BETTER, np.where(signed[known] < 0, WORSE, SIMILAR)))
    return code
