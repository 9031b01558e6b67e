"""Publication rounding: half away from zero on Excel's 15 significant digits."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from s75xl.rounding import is_half, round_half_away, round_publication


def excel_round(value: float, decimals: int) -> float:
    """The reference: Decimal ROUND_HALF_UP on the value's 15 significant digits, as Excel's ROUND."""
    return float(Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("value, decimals, expected", [
    (2.675, 2, 2.68), (1.005, 2, 1.01), (0.285, 2, 0.29), (-0.25, 1, -0.3), (0.25, 1, 0.3),
    (12.25, 1, 12.3), (12.35, 1, 12.4), (15.773492645609053, 1, 15.8), (617.9682, 1, 618.0),
    (3.4619, 1, 3.5), (0.0, 1, 0.0), (1234567.45, 1, 1234567.5), (0.5, 0, 1.0), (2.5, 0, 3.0),
])
def test_known_values(value, decimals, expected):
    assert round_half_away(value, decimals) == expected


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_matches_decimal_half_up_on_15_significant_digits(value, decimals):
    assert round_half_away(value, decimals) == pytest.approx(excel_round(value, decimals), rel=1e-15, abs=1e-12)


@given(st.integers(-10**6, 10**6), st.integers(1, 3))
def test_exact_halves_are_detected_and_rounded_away(whole, decimals):
    half = (whole + 0.5) / 10**decimals
    assert is_half(half, decimals)
    assert abs(round_half_away(half, decimals)) == pytest.approx((abs(whole + 0.5) + 0.5) // 1 / 10**decimals)
    assert not is_half(half + 0.3 / 10**decimals, decimals)


def test_shapes_and_missing_values():
    series = pd.Series([1.25, np.nan], index=["x", "y"])
    out = round_half_away(series, 1)
    assert list(out.index) == ["x", "y"] and out["x"] == 1.3 and np.isnan(out["y"])
    assert is_half(np.array([12.25, 12.26, np.nan]), 1).tolist() == [True, False, False]


def test_round_publication_uses_the_measures_decimals():
    assert round_publication(3.5649, "NFK-VS-09") == 3.56  # 2 places on the dashboard
    assert round_publication(0.12345, "1J") == 0.123
    assert round_publication(617.97, 0) == 618.0
