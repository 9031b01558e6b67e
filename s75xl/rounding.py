"""Rounding the way ASCOF publications and Excel's ROUND do: half away from zero.

Python's ``round`` and numpy's ``round`` round half to even, and a binary float such as 2.675 is
really 2.67499999999999982236431605997495353221893310546875, so naive code rounds it down where
Excel shows 2.68. Excel works on the value's 15 significant decimal digits, so we do too: each
value is first snapped to 15 significant digits, then rounded half away from zero.
Reference: shared/reference/ascof.md section 1 ("Rounding rule"; the Decimal ROUND_HALF_UP
recommendation is [D]). The NHS Digital SALT code used pandas' half-to-even instead; values that
land exactly on a half are where the two disagree, and `is_half` finds them.
"""

from __future__ import annotations

import numpy as np

from ._arrays import restore_shape, to_float_array

SIGNIFICANT_DIGITS = 15


def snap_significant(values: np.ndarray, digits: int = SIGNIFICANT_DIGITS) -> np.ndarray:
    """Values rounded to `digits` significant decimal digits (15 is Excel's working precision)."""
    out = np.array(values, dtype=float, copy=True)
    # Below 1e-290 the scale factor would overflow; such values round to 0 at any sane precision.
    finite = np.isfinite(out) & (np.abs(out) > 1e-290)
    magnitude = np.floor(np.log10(np.abs(out[finite])))
    factor = 10.0 ** (digits - 1 - magnitude)
    out[finite] = np.rint(out[finite] * factor) / factor
    return out



def round_half_away(values, decimals: int = 1):
    """Round to `decimals` places, halves away from zero, as Excel's ROUND.

    Accepts a scalar, a list, a numpy array or a pandas Series and returns the same kind.
    Missing values stay missing.

    >>> round_half_away(2.675, 2), round_half_away(-0.25, 1), round_half_away(15.773, 1)
    (2.68, -0.3, 15.8)
    """
    array, shape = to_float_array(values, "value")
    scale = 10.0**decimals
    scaled = snap_significant(array * scale)
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale
    return restore_shape(rounded, shape)


def is_half(values, decimals: int = 1):
    """True where a value lies exactly on a half at `decimals` places (e.g. 12.25 at 1 place).

    These are the values where half-away-from-zero (Excel, ASCOF survey outputs) and
    half-to-even (pandas, the SALT outputs) give different published figures.
    """
    array, shape = to_float_array(values, "value")
    scaled = np.abs(snap_significant(array * 10.0**decimals))
    with np.errstate(invalid="ignore"):
        result = (scaled - np.floor(scaled)) == 0.5
    return restore_shape(result, shape)


def round_publication(values, measure_or_decimals=1):
    """Round for publication: a measure's own decimal places, or the number given (default 1)."""
    if isinstance(measure_or_decimals, int):
        decimals = measure_or_decimals
    else:
        from .catalogue import resolve_measure

        decimals = resolve_measure(measure_or_decimals).decimals
    return round_half_away(values, decimals)
