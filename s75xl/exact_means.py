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


def exact_means(values: np.ndarray, group: np.ndarray, groups: int, parts: tuple | None = None) -> np.ndarray:
    """The mean of each group's non-missing values, as spc.exact_mean gives it. NaN for a group
    with no values; a group holding an infinity gets the plain mean (as exact_mean does).
    `parts` is decompose() of the same positions' values, when the caller has it already (the
    SPC ranges are averaged twice, before and after screening)."""
    values = np.asarray(values, dtype=float)
    group = np.asarray(group)
    keep = ~np.isnan(values)
    values, group = values[keep], group[keep]
    parts = decompose(values) if parts is None else tuple(part[keep] for part in parts)
    out = np.full(groups, np.nan)
    if not values.size:
        return out
    if (np.diff(group) < 0).any():  # spc_many passes its segments in order; anyone else is sorted here
        order = np.argsort(group, kind="stable")
        values, group, parts = values[order], group[order], tuple(part[order] for part in parts)
    finite = np.isfinite(values)
    present = np.flatnonzero(np.bincount(group, minlength=groups))
    starts = np.searchsorted(group, present)
    counts = np.diff(np.append(starts, len(group)))
    mantissa, exponent, top = parts
    lowest = np.minimum.reduceat(exponent, starts)
    lowest = np.where(lowest == _NO_EXPONENT, 0, lowest)
    at = np.repeat(np.arange(len(present)), counts)  # each value's position among the present groups
    shift = np.where(mantissa == 0, 0, exponent - lowest[at])
    bits = np.maximum.reduceat(top, starts) - lowest + 1  # the widest scaled value's bit length, or more
    fits = bits + _bit_length(counts) <= _SAFE_BITS
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


def decompose(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """_odd_times_power_of_two of each value, infinities and NaN read as zero."""
    values = np.asarray(values, dtype=float)
    return _odd_times_power_of_two(np.where(np.isfinite(values), values, 0.0))


def _odd_times_power_of_two(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """int64 m and e with value == m * 2**e exactly, m odd (e = _NO_EXPONENT and m = 0 for zero):
    trailing zero bits removed, so that figures like 45.4 - 45.3 do not claim 53 bits they lack;
    and t, the exponent of each value's top bit (|value| < 2**(t + 1); -1022 at most for zeros
    and subnormals).
    Read from the IEEE 754 fields of finite doubles: 52 stored bits, an implicit leading 1 for
    normal numbers, and an exponent biased by 1023 (1075 with the 52 fraction bits)."""
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
    field = (bits >> 52) & 0x7FF
    mantissa = bits & ((1 << 52) - 1)
    normal = field > 0
    mantissa[normal] |= 1 << 52  # subnormals: no implicit bit, and the exponent of field 1
    exponent = np.maximum(field, 1) - 1075
    zero = mantissa == 0
    zeros = _log2_of_power_of_two(mantissa & -mantissa)  # trailing zero bits (nonsense for zero, masked below)
    zeros[zero] = 0
    mantissa >>= zeros
    np.negative(mantissa, out=mantissa, where=bits < 0)
    top = exponent + 52  # field - 1023
    exponent += zeros
    exponent[zero] = _NO_EXPONENT
    return mantissa, exponent, top


def _log2_of_power_of_two(powers: np.ndarray) -> np.ndarray:
    """log2 of positive powers of two below 2**53: the exponent field of each as a double."""
    return (powers.astype(np.float64).view(np.int64) >> 52) - 1023


def _bit_length(counts: np.ndarray) -> np.ndarray:
    """int.bit_length of each non-negative integer below 2**53 (0 for 0): the exponent field of
    the integer as a double, which holds it exactly."""
    as_double = np.asarray(counts).astype(np.float64).view(np.int64)
    return np.where(as_double == 0, 0, ((as_double >> 52) & 0x7FF) - 1022)
