"""Confidence intervals against every PHEindicatormethods acceptance row, and their properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

import s75xl
from s75xl.catalogue import Measure, load_catalogue
from s75xl.errors import ConfidenceLevelError
from s75xl.intervals import (byars_limits, confidence_interval, poisson_limits, wilson_limits,
                             z_value)

from .conftest import PEER_CASES

REL = 1e-9  # spc_ci.md section 3


def _close(actual, expected):
    if pd.isna(expected):
        return bool(np.isnan(actual))
    return actual == pytest.approx(expected, rel=REL)


BYARS_WILSON = pd.read_csv(PEER_CASES / "phe_byars_wilson_cases.csv")


@pytest.mark.parametrize("case", list(BYARS_WILSON.itertuples()), ids=lambda c: c.case_id)
def test_byars_and_wilson_helpers(case):
    if case.function_pair.startswith("byars"):
        lower, upper = byars_limits(case.x, case.confidence)
    else:
        lower, upper = wilson_limits(case.x, case.n, case.confidence)
    assert _close(float(lower), case.expected_lower)
    assert _close(float(upper), case.expected_upper)


def _peer_measure(unit: str, multiplier: float) -> Measure:
    """A measure with the peer case's multiplier (PHE tests use 1, 100 and 100,000)."""
    base = load_catalogue().get("1E" if unit == "percent" else "2A(1)")
    return Measure(**{**base.as_dict(), "multiplier": float(multiplier), "aliases": ()})


def _peer_rows():
    """Every phe_proportion and phe_rate case, with the unit its multiplier applies to."""
    rows = []
    for name, unit in (("phe_proportion_cases.csv", "percent"), ("phe_rate_cases.csv", "per_100k")):
        rows += [(unit, case) for case in pd.read_csv(PEER_CASES / name).itertuples()]
    return rows


@pytest.mark.parametrize("unit, case", _peer_rows(), ids=lambda p: getattr(p, "case_id", p))
def test_phe_proportion_and_rate_cases(unit, case):
    measure = _peer_measure(unit, case.multiplier)
    value = s75xl.rate(case.numerator, case.denominator, measure)
    ci = confidence_interval(case.numerator, case.denominator, measure, case.confidence)
    assert _close(value, case.expected_value)
    assert _close(ci.lower, case.expected_lowercl) and _close(ci.upper, case.expected_uppercl)


def test_zero_events_lower_limit_is_zero():
    lower, upper = poisson_limits(0, 0.95)
    assert float(lower) == 0.0 and float(upper) == pytest.approx(3.6888794541139354)


def test_levels_as_fraction_or_percent():
    assert z_value(0.95) == z_value(95) == pytest.approx(1.959963984540054, rel=1e-15)
    assert z_value(99.8) == pytest.approx(3.0902323061678132, rel=1e-12)
    for bad in (0.8, 1.0, 99.95, 100, "high"):
        with pytest.raises(ConfidenceLevelError):
            z_value(bad)


def test_worked_examples_from_ascof_md_section_6():
    cases = {"1C(1A)": (7244, 7968, 90.3, 91.5), "1E": (74, 2178, 2.7, 4.2), "2B(1)": (722, 772, 91.6, 95.1),
             "2D": (2552, 3028, 82.9, 85.5), "2A(2)": (1321, 213_765, 585, 652), "2A(1)": (80, 507_180, 12.5, 19.6)}
    for code, (x, n, lo, hi) in cases.items():
        ci = confidence_interval(x, n, code)
        digits = 0 if code == "2A(2)" else 1
        assert (round(ci.lower, digits), round(ci.upper, digits)) == (lo, hi), code


def test_survey_measures_need_a_margin_of_error():
    ci = confidence_interval(10_269, 12_951, "1B")
    assert np.isnan(ci.lower) and np.isnan(ci.upper) and "margin of error" in ci.method
    ci = confidence_interval(10_269, 12_951, "1B", margin_of_error=2.1)
    value = s75xl.rate(10_269, 12_951, "1B")
    assert (ci.lower, ci.upper) == pytest.approx((value - 2.1, value + 2.1))


def test_vectorised_and_missing():
    ci = confidence_interval(pd.Series([74, None, 3]), pd.Series([2178, 100, 50]), "1E")
    assert isinstance(ci.lower, pd.Series) and np.isnan(ci.lower[1]) and ci.lower[2] < ci.upper[2]


@given(x=st.integers(0, 100_000), extra=st.integers(0, 100_000),
       level=st.sampled_from([0.9, 0.95, 0.99, 0.998, 0.999]))
def test_proportion_interval_contains_the_value(x, extra, level):
    n = x + extra
    if n == 0:
        return
    value = s75xl.rate(x, n, "1E")
    ci = confidence_interval(x, n, "1E", level)
    assert 0 <= ci.lower <= value + 1e-9 and value - 1e-9 <= ci.upper <= 100 + 1e-9


@given(x=st.integers(0, 10**6), n=st.integers(1, 10**7), level=st.sampled_from([0.9, 0.95, 0.998]))
def test_rate_interval_contains_the_value(x, n, level):
    value = s75xl.rate(x, n, "2A(2)")
    ci = confidence_interval(x, n, "2A(2)", level)
    assert ci.lower <= value * (1 + 1e-12) and value <= ci.upper * (1 + 1e-12)


@given(x=st.integers(0, 5000), n=st.integers(1, 10**6))
def test_wider_level_gives_a_wider_interval(x, n):
    narrow = confidence_interval(x, n, "2A(1)", 0.9)
    wide = confidence_interval(x, n, "2A(1)", 0.99)
    assert wide.lower <= narrow.lower and wide.upper >= narrow.upper
