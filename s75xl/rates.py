"""Measure values from numerators and denominators, in the measure's own unit.

``rate(80, 507180, "2A(1)")`` gives 15.77... admissions per 100,000; ``rate(7244, 7968, "1C(1A)")``
gives 90.91 per cent. The unit comes from the catalogue (s75xl.units): percent (x/y*100), per
100,000 of an age band (x/y*100,000), mean score or index (x/y), count (x), and the ASCOF 2C
delayed-transfer rate, (x / months) / y * 100,000, where x is the sum of the monthly counts
(shared/reference/ascof.md section 4: the 12-month average matches Norfolk's published 11.5 [D]).

Inputs may be scalars, numpy arrays or pandas Series, and the result has the same form.
Missing values give missing results. Anything that cannot be a count raises a specific
`InputError` saying which input, why, and at which position.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._arrays import Shape, broadcast_shape, restore_shape, to_float_array
from .catalogue import Catalogue, Measure, resolve_measure
from .errors import (InputError, NegativeCountError, NumeratorExceedsDenominatorError,
                     ZeroDenominatorError)

OK, NEGATIVE_NUMERATOR, NEGATIVE_DENOMINATOR, ZERO_DENOMINATOR, NUMERATOR_ABOVE_DENOMINATOR = range(5)

PROBLEMS: dict[int, tuple[type[InputError], str]] = {
    NEGATIVE_NUMERATOR: (NegativeCountError, "the numerator is negative, and a count cannot be"),
    NEGATIVE_DENOMINATOR: (NegativeCountError, "the denominator is negative, and a count cannot be"),
    ZERO_DENOMINATOR: (ZeroDenominatorError, "the denominator is zero, so there is no rate"),
    NUMERATOR_ABOVE_DENOMINATOR: (NumeratorExceedsDenominatorError,
                                  "the numerator is larger than the denominator, which a proportion cannot be"),
}


def problem_error(code: int, measure: Measure, position: int | None = None) -> InputError:
    """The exception for a problem code, with a message naming the measure (and position)."""
    cls, reason = PROBLEMS[code]
    where = f" at position {position}" if position is not None else ""
    return cls(f"{measure.id}: {reason}{where}.")


def check_counts(numerator: np.ndarray, denominator: np.ndarray, measure: Measure) -> np.ndarray:
    """A problem code per element (OK where the inputs can be used or are missing)."""
    unit = measure.unit_info
    codes = np.zeros(np.broadcast(numerator, denominator).shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        if unit.proportion:
            codes[numerator > denominator] = NUMERATOR_ABOVE_DENOMINATOR
        if unit.needs_denominator:
            codes[denominator == 0] = ZERO_DENOMINATOR
            codes[denominator < 0] = NEGATIVE_DENOMINATOR
        if measure.unit != "index":  # an adjusted index sum may legitimately be negative
            codes[numerator < 0] = NEGATIVE_NUMERATOR
    return codes


def _months_array(months, measure: Measure) -> np.ndarray:
    if not measure.unit_info.per_month:
        return np.array(1.0)
    array, _ = to_float_array(12 if months is None else months, "number of months")
    with np.errstate(invalid="ignore"):
        if np.any(array <= 0):
            raise InputError(f"{measure.id}: the number of months must be positive.")
    return array if array.size > 1 else array.reshape(())


def compute_rates(numerator, denominator, measure: Measure, months=None) -> tuple[np.ndarray, np.ndarray]:
    """Values and problem codes, element by element, without raising for bad elements.

    This is the form worksheet functions need: one bad row gives one error cell, not a failed
    column. Elements with a problem are NaN in the values.
    """
    num, den, _ = count_arrays(numerator, denominator, measure)
    return _rates(num, den, measure, months)


def count_arrays(numerator, denominator, measure: Measure) -> tuple[np.ndarray, np.ndarray, Shape]:
    """Numerator and denominator as broadcast float arrays (ones for a count measure without a
    denominator), and the shape to give results back in. The one place inputs are converted."""
    unit = measure.unit_info
    if not unit.has_rate:
        raise InputError(f"{measure.id} is a {unit.label} deliverable; it has no rate.")
    num, num_shape = to_float_array(numerator, "numerator")
    shapes = [num_shape]
    if denominator is None and not unit.needs_denominator:
        den = np.ones_like(num)
    else:
        den, den_shape = to_float_array(denominator, "denominator")
        shapes.append(den_shape)
        if not unit.needs_denominator:
            den = np.ones_like(den)
    num, den = np.broadcast_arrays(num, den)
    return num, den, broadcast_shape(*shapes)


def _rates(num: np.ndarray, den: np.ndarray, measure: Measure, months) -> tuple[np.ndarray, np.ndarray]:
    unit = measure.unit_info
    codes = check_counts(num, den, measure)
    months_array = _months_array(months, measure)
    with np.errstate(divide="ignore", invalid="ignore"):
        if unit.needs_denominator:
            values = num / months_array / den * measure.multiplier
        else:
            values = num * measure.multiplier
    values = np.where(codes == OK, values, np.nan)
    return values, codes


def rate(numerator, denominator, measure: str | Measure, *, months=None,
         catalogue: Catalogue | None = None):
    """The value of `measure` for the numerator and denominator, in the measure's unit.

    Parameters
    ----------
    numerator, denominator:
        Counts (scalars, arrays or Series). For a count measure the denominator is ignored and
        may be None. For ASCOF 2C the numerator is the sum of the monthly counts.
    measure:
        A catalogue code, alias or name ("2A(1)", "1c1a", "HAV-03"), or a Measure.
    months:
        For the 2C delayed-transfer rate only: how many months the numerator sums (default 12).

    >>> round(rate(80, 507180, "2A(1)"), 4)
    15.7735
    """
    measure = resolve_measure(measure, catalogue)
    checked = checked_rates(numerator, denominator, measure, months)
    return restore_shape(checked.values, checked.shape)


class Checked(NamedTuple):
    values: np.ndarray
    shape: Shape
    numerator: np.ndarray
    denominator: np.ndarray


def checked_rates(numerator, denominator, measure: Measure, months=None) -> Checked:
    """Values, the shape to return them in, and the converted inputs; raises for the first
    element that cannot be used, naming its position when there are several."""
    num, den, shape = count_arrays(numerator, denominator, measure)
    values, codes = _rates(num, den, measure, months)
    bad = np.flatnonzero(codes.ravel() != OK)
    if bad.size:
        first = int(bad[0])
        position = None if codes.size == 1 else first + 1
        raise problem_error(int(codes.ravel()[first]), measure, position)
    return Checked(values, shape, num, den)
