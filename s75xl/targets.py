"""Profiled targets: the target for each month of a financial year from the Annual Plan.

"Because targets are 'profiled' over the year, and so change every month to reflect the change
that is required over time, it is possible for the performance alert to change without the
result changing" (Norfolk, seed 002 section 3.3). Profiles, for month k = 1 (April) to 12 (March)
of a financial year starting in April unless configured:

=============  ===================================================================================
``flat``       every month: the annual (year-end) target
``linear``     baseline + (annual - baseline) × k / 12: from last year's outturn to the target
``quarterly``  stepped: baseline + (annual - baseline) × q / 4 for every month of quarter q
``seasonal``   last year's monthly shape s scaled so March meets the target: annual × s_k / s_12
``monthly``    the twelve values given, as they are
``cumulative`` year-to-date share for count measures: annual × (s_1 + ... + s_k) / (s_1 + ... + s_12),
               with an even shape (k / 12) when no shape is given; March is the annual figure
=============  ===================================================================================
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import InputError
from .safety.messages import clip

PROFILES = ("flat", "linear", "quarterly", "seasonal", "monthly", "cumulative")
MONTH_COLUMNS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar")


def month_of_year(period_end, year_start_month: int = 4) -> int:
    """Month k of the financial year (1 = first month) that a date falls in."""
    stamp = pd.Timestamp(period_end)
    return (stamp.month - year_start_month) % 12 + 1


def financial_year_of(period_end, year_start_month: int = 4) -> int:
    """The calendar year the financial year containing the date starts in."""
    stamp = pd.Timestamp(period_end)
    return stamp.year if stamp.month >= year_start_month else stamp.year - 1


def profiled_target(profile: str, annual: float, month: int, *, baseline: float | None = None,
                    shape: Sequence[float] | None = None) -> float:
    """The target for month `month` (1-12 of the financial year) under a profile.

    `shape` holds twelve monthly values in financial-year order: last year's values for
    ``seasonal`` and ``cumulative``, this year's explicit targets for ``monthly``.

    >>> profiled_target("linear", 90.0, 6, baseline=84.0)
    87.0
    """
    if profile not in PROFILES:
        raise InputError(f"Unknown target profile {clip(profile)}; choose from {', '.join(PROFILES)}.")
    if not 1 <= month <= 12:
        raise InputError("The month of the financial year must be 1 to 12.")
    values = None if shape is None else np.asarray(shape, dtype=float)
    if values is not None and values.size != 12:
        raise InputError(f"A {profile} profile needs twelve monthly values, not {values.size}.")
    if profile == "monthly":
        if values is None:
            raise InputError("A monthly profile needs the twelve monthly targets.")
        return float(values[month - 1])
    if annual is None or pd.isna(annual):
        return float("nan")
    if profile == "flat":
        return float(annual)
    if profile in ("linear", "quarterly"):
        if baseline is None or pd.isna(baseline):
            raise InputError(f"A {profile} profile needs a baseline (last year's outturn).")
        steps = month / 12 if profile == "linear" else np.ceil(month / 3) / 4
        return float(baseline + (annual - baseline) * steps)
    if values is None or np.isnan(values).any():
        if profile == "cumulative":
            return float(annual * month / 12)
        raise InputError("A seasonal profile needs last year's twelve monthly values.")
    if profile == "seasonal":
        if values[-1] == 0:
            raise InputError("A seasonal profile cannot scale a shape whose March value is 0.")
        return float(annual * values[month - 1] / values[-1])
    total = values.sum()
    if total == 0:
        raise InputError("A cumulative profile cannot share a target over a shape that sums to 0.")
    return float(annual * values[:month].sum() / total)
