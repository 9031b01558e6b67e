"""Turning user inputs (scalars, lists, numpy arrays, pandas Series) into float arrays and back.

Every public calculation accepts all of these and returns the kind it was given, so the
arithmetic itself is written once, on numpy arrays.

pandas is not imported here: if no module has imported it yet, no value can be a pandas object,
so ``s75xl rate`` starts without paying pandas' import time.
"""

from __future__ import annotations

import numbers
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import NonNumericError


@dataclass(frozen=True)
class Shape:
    """How to give a result back in the form the input came in."""

    kind: str  # "scalar", "array", "series"
    index: Any = None
    name: Any = None


def _pandas():
    """pandas if something has already imported it, else None."""
    return sys.modules.get("pandas")


def _scalar_to_float(value, role: str) -> float:
    pd = _pandas()
    if value is None or (pd is not None and (value is pd.NA or value is pd.NaT)):
        return np.nan
    if isinstance(value, bool) or isinstance(value, np.bool_):
        raise NonNumericError(f"The {role} must be a number, not true/false.")
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text == "":
            return np.nan
        try:
            return float(text)
        except ValueError:
            raise NonNumericError(f"The {role} must be a number; the text given is not one.") from None
    raise NonNumericError(f"The {role} must be a number, not {type(value).__name__}.")


def to_float_array(values, role: str) -> tuple[np.ndarray, Shape]:
    """A float array of the values (NaN for missing) and how to restore their shape.

    Raises NonNumericError naming the role ("numerator") and position of the first value that
    is not a number. Text holding a number ("1,234") is accepted; blank text is missing.
    """
    pd = _pandas()
    if pd is not None and isinstance(values, pd.Series):
        shape = Shape("series", values.index, values.name)
        raw = values.to_numpy(dtype=object) if values.dtype == object else values.to_numpy()
    elif isinstance(values, (np.ndarray, list, tuple)):
        shape = Shape("array")
        raw = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    else:
        return np.array([_scalar_to_float(values, role)]), Shape("scalar")
    if raw.dtype.kind in "fiu":
        return raw.astype(float, copy=True), shape
    if raw.dtype.kind == "b":
        raise NonNumericError(f"The {role} must be numbers, not true/false.")
    flat = raw.ravel()
    out = np.empty(flat.shape, dtype=float)
    for i, item in enumerate(flat):
        try:
            out[i] = _scalar_to_float(item, role)
        except NonNumericError as exc:
            raise NonNumericError(f"{exc} (position {i + 1})") from None
    return out.reshape(raw.shape), shape


def restore_shape(result: np.ndarray, shape: Shape):
    """Give `result` back as a float/bool scalar, an array or a Series, as the input was."""
    if shape.kind == "scalar":
        value = result.reshape(-1)[0]
        return bool(value) if result.dtype == bool else float(value)
    if shape.kind == "series":  # the input was a Series, so pandas is loaded
        import pandas as pd

        return pd.Series(result, index=shape.index, name=shape.name)
    return result


def broadcast_shape(*shapes: Shape) -> Shape:
    """The shape to return when several inputs are combined: a Series wins, then an array."""
    for kind in ("series", "array"):
        for shape in shapes:
            if shape.kind == kind:
                return shape
    return Shape("scalar")
