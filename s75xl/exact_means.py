"""Exact means of many groups at once, equal bit for bit to `spc.exact_mean` group by group.

Every finite double is an integer times a power of two (``odd * 2**e``). A group's values, put
over the group's smallest power of two, are integers whose sum is exact; that sum divided once by
the count (Python's int / int, correctly rounded) is the nearest double to the true mean, which is
what R's long-double ``mean()`` gives on every peer case (spc.exact_mean says why it matters).

The sums are int64 where that is proven safe: a group's scaled integers each have at most ``b``
bits, so ``n`` of them sum to less than ``2**(b + bit_length(n))``, which must stay below
``2**63``. Published figures (a few decimals, similar magnitudes) need about 60 bits, so nearly
every group is summed in int64 by numpy; any group that could overflow (values of very different
magnitude, say 1e6 and 1e-6) is summed in Python integers as before. Only the per-group division
is done on Python integers: one operation per group, not per value.
"""

from __future__ import annotations

import numpy as np

_NO_EXPONENT = np.iinfo(np.int32).max  # the exponent of a zero: it does not set a group's scale
_SAFE_BITS = 62  # the largest sum bit length allowed in int64 (one bit spare)


def exact_means(values: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """The mean of each group's non-missing values, as spc.exact_mean gives it. NaN for a group
    with no values; a group holding an infinity gets the plain mean (as exact_mean does)."""
    values = np.asarray(values, dtype=float)
    group = np.asarray(group)
    keep = ~np.isnan(values)
    values, group = values[keep], group[keep]
    out = np.full(groups, np.nan)
    if not values.size:
        return out
    if (np.diff(group) < 0).any():  # spc_many passes its segments in order; anyone else is sorted here
        order = np.argsort(group, kind="stable")
        values, group = values[order], group[order]
    finite = np.isfinite(values)
    present = np.flatnonzero(np.bincount(group, minlength=groups))
    starts = np.searchsorted(group, present)
    counts = np.diff(np.append(starts, len(group)))
    mantissa, exponent = _odd_times_power_of_two(np.where(finite, values, 0.0))
    lowest = np.minimum.reduceat(exponent, starts)
    lowest = np.where(lowest == _NO_EXPONENT, 0, lowest)
    at = np.repeat(np.arange(len(present)), counts)  # each value's position among the present groups
    shift = np.where(mantissa == 0, 0, exponent - lowest[at])
    bits = np.frexp(np.abs(mantissa).astype(float))[1] + shift  # |mantissa| < 2**53: exact as a float
    fits = np.maximum.reduceat(bits, starts) + _bit_length(counts) <= _SAFE_BITS
    totals = np.empty(len(present), dtype=object)
    small = fits[at]
    if small.any():
        scaled = np.left_shift(mantissa[small], shift[small])
        totals[fits] = np.add.reduceat(scaled, np.searchsorted(np.flatnonzero(small), starts[fits])).tolist()
    if not small.all():
        big = ~small
        scaled = np.left_shift(mantissa[big].astype(object), shift[big].astype(object))  # Python integers
        totals[~fits] = list(np.add.reduceat(scaled, np.searchsorted(np.flatnonzero(big), starts[~fits])))
    numerators = np.where(lowest > 0, np.left_shift(totals, np.maximum(lowest, 0).astype(object)), totals)
    denominators = np.left_shift(counts.astype(object), np.maximum(-lowest, 0).astype(object))
    out[present] = (numerators / denominators).astype(float)  # int / int: correctly rounded
    for g in np.flatnonzero(np.bincount(group[~finite], minlength=groups) > 0):
        out[g] = values[group == g].mean()
    return out


def _odd_times_power_of_two(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int64 m and e with value == m * 2**e exactly, m odd (e = _NO_EXPONENT and m = 0 for zero):
    trailing zero bits removed, so that figures like 45.4 - 45.3 do not claim 53 bits they lack."""
    fraction, exponent = np.frexp(values)
    mantissa = (fraction * 2.0**53).astype(np.int64)  # exact: |fraction| < 1 has 53 significant bits
    zero = mantissa == 0
    lowest_bit = mantissa & -mantissa  # a power of two, exact as a float
    zeros = np.where(zero, 0, np.frexp(lowest_bit.astype(float))[1] - 1)
    return mantissa >> zeros, np.where(zero, _NO_EXPONENT, exponent.astype(np.int64) - 53 + zeros)


def _bit_length(counts: np.ndarray) -> np.ndarray:
    return np.frexp(counts.astype(float))[1]  # counts are far below 2**53
