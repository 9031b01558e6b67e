"""Confidence intervals, by the methods of PHE/OHID Fingertips (PHEindicatormethods 2.1.0).

- Proportions: the Wilson score interval without continuity correction (Newcombe & Altman 2000),
  ``phe_proportion``.
- Rates and counts: exact Poisson (chi-squared) limits below 10 events, Byar's approximation
  from 10 events, ``phe_rate``. A count of 0 gives a lower limit of 0 (the chi-squared
  quantile with 0 degrees of freedom is NaN; R's is 0). Byar's lower limit below 0 is missing, as in the peer.
- ASCOF 2C: the numerator is a sum of monthly counts; the interval treats that sum as a Poisson
  count and divides by the months like the rate itself. This is our choice [D], not published.
- Survey measures (ASCS, SACE) are weighted estimates, so no interval is computed from the
  counts; NHS Digital publishes a 95% margin of error instead, which callers may supply.

Every formula is checked against all rows of shared/reference/peer_cases/phe_*.csv to a
relative 1e-9 (tests/test_intervals.py). Confidence levels may be 0.9 to 0.999 or 90 to 99.9.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import special

from ._arrays import restore_shape, to_float_array
from .catalogue import Catalogue, Measure, resolve_measure
from .errors import ConfidenceLevelError, InputError
from .rates import checked_rates

EXACT_BELOW = 10


def confidence_level(level: float) -> float:
    """The level as a fraction: 0.95 and 95 both give 0.95. Only 0.9 to 0.999 is allowed."""
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise ConfidenceLevelError("The confidence level must be a number such as 0.95 or 95.") from None
    if 90 <= value <= 99.9:
        value /= 100
    if not 0.9 <= value <= 0.999:
        raise ConfidenceLevelError(
            f"The confidence level must be between 0.9 and 0.999 (or 90 and 99.9), not {level}.")
    return value


def z_value(level: float) -> float:
    """The two-sided standard normal quantile for the level (1.959963984540054 at 95%)."""
    level = confidence_level(level)
    return float(special.ndtri(level + (1 - level) / 2))


def wilson_limits(x, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits of the proportion x/n, as fractions of 1."""
    z = z_value(level)
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
        lower = (2 * x + z**2 - root) / 2 / (n + z**2)
        upper = (2 * x + z**2 + root) / 2 / (n + z**2)
    return lower, upper


def exact_poisson_limits(x, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (chi-squared) Poisson limits for a count x."""
    level = confidence_level(level)
    x = np.asarray(x, dtype=float)
    # chi2.ppf(q, 2x) / 2 is gammaincinv(x, q), the same arithmetic scipy.stats does, without
    # importing scipy.stats (most of a second at start-up)
    with np.errstate(invalid="ignore"):
        lower = np.where(x == 0, 0.0, special.gammaincinv(x, (1 - level) / 2))
        upper = special.gammaincinv(x + 1, level + (1 - level) / 2)
    return lower, upper


def byars_limits(x, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the Poisson limits for a count x; a negative lower limit is NaN."""
    z = z_value(level)
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    lower = np.where(lower < 0, np.nan, lower)
    return lower, upper


def poisson_limits(x, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Limits for a count: exact below 10 events, Byar's from 10 (PHE's rule)."""
    x = np.asarray(x, dtype=float)
    exact_lo, exact_hi = exact_poisson_limits(x, level)
    byars_lo, byars_hi = byars_limits(x, level)
    use_exact = x < EXACT_BELOW
    return np.where(use_exact, exact_lo, byars_lo), np.where(use_exact, exact_hi, byars_hi)


class Interval(NamedTuple):
    """Lower and upper limits in the measure's unit, with the method and level used."""

    lower: object
    upper: object
    method: str
    level: float


METHOD_NAMES = {
    "wilson": "Wilson score",
    "poisson": "exact Poisson below 10 events, Byar's from 10",
    "none": "none",
}


def confidence_interval(numerator, denominator, measure: str | Measure, level: float = 0.95, *,
                        months=None, margin_of_error=None, catalogue: Catalogue | None = None) -> Interval:
    """The confidence interval for a measure's value, in the measure's unit.

    Wilson for percentages, exact Poisson / Byar's for rates and counts. A survey measure
    (ASCS/SACE) gives no interval (NaN limits) unless `margin_of_error` is supplied, in which
    case the limits are the value plus and minus that margin. Inputs are checked exactly as
    `s75xl.rate` checks them.

    >>> ci = confidence_interval(80, 507180, "2A(1)")
    >>> round(ci.lower, 1), round(ci.upper, 1)
    (12.5, 19.6)
    """
    measure = resolve_measure(measure, catalogue)
    level = confidence_level(level)
    checked = checked_rates(numerator, denominator, measure, months)
    lower, upper, method = _limits(checked.numerator, checked.denominator, measure, level, checked.values, months,
                                   margin_of_error)
    return Interval(restore_shape(lower, checked.shape), restore_shape(upper, checked.shape), method, level)


def _limits(num: np.ndarray, den: np.ndarray, measure: Measure, level: float, values: np.ndarray,
            months, margin_of_error) -> tuple[np.ndarray, np.ndarray, str]:
    unit = measure.unit_info
    if margin_of_error is not None:
        moe, _ = to_float_array(margin_of_error, "margin of error")
        if np.any(moe < 0):
            raise InputError(f"{measure.id}: the margin of error cannot be negative.")
        return values - moe, values + moe, "value plus or minus the margin of error given"
    if measure.survey or unit.interval == "none":
        nan = np.full(values.shape, np.nan)
        reason = "survey measure: supply the published margin of error" if measure.survey else "none"
        return nan, nan, reason
    if unit.interval == "wilson":
        lower, upper = wilson_limits(num, den, level)
    else:
        lower, upper = poisson_limits(num, level)
        if unit.per_month:
            months_value = to_float_array(12 if months is None else months, "number of months")[0]
            lower, upper = lower / months_value, upper / months_value
        lower, upper = lower / den, upper / den
    missing = np.isnan(values)
    scale = measure.multiplier
    lower = np.where(missing, np.nan, lower * scale)
    upper = np.where(missing, np.nan, upper * scale)
    return lower, upper, METHOD_NAMES[unit.interval]
