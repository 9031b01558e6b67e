"""RAG, direction against benchmarks, overall rating and work-plan comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from s75xl.ratings import (adverse_variance_pct, compare_ratings, compare_to, consecutive_changes, exception_reasons,
                           overall_rating, rag)


def test_rag_with_polarity_and_tolerance():
    # Norfolk March 2017: 91-day reablement 94.2 vs 90 (higher better); admissions 18-64 19.3 vs 16.5 (lower)
    assert rag([94.2, 19.3, 16.0, 86.0, 85.4], [90, 16.5, 16.5, 90, 90], ["higher", "lower", "lower", "higher", "higher"]).tolist() \
        == ["Green", "Red", "Green", "Amber", "Red"]  # 86 is 4.4% short (Amber); 85.4 is 5.1% short (Red)
    assert rag([86.0], [90], ["higher"], tolerance_pct=2).tolist() == ["Red"]
    assert rag([np.nan, 5, 5], [4, np.nan, 4], ["higher", "higher", "none"]).tolist() == [None, None, None]
    assert rag([90.0], [90.0], ["higher"]).tolist() == ["Green"]  # at target is Green


@given(st.floats(0.01, 1e6), st.floats(0.01, 1e6), st.floats(0.5, 50))
def test_rag_is_symmetric_under_polarity(value, target, tolerance):
    """Mirroring a value about its target and flipping polarity gives the same rating."""
    mirrored = 2 * target - value
    if mirrored <= 0:
        return
    assert rag([value], [target], ["higher"], tolerance)[0] == rag([mirrored], [target], ["lower"], tolerance)[0]


def test_consecutive_changes_respect_polarity():
    values = pd.Series([3.1, 3.2, 3.4, 3.5, 3.56])
    assert consecutive_changes(values, "lower").tolist() == [0, -1, -2, -3, -4]
    assert consecutive_changes(values, "higher").tolist() == [0, 1, 2, 3, 4]
    assert consecutive_changes(pd.Series([1, 2, 2, 3]), "higher").tolist() == [0, 1, 0, 1]  # no change breaks a run


def test_benchmarks_from_norfolks_ascof_table():
    # 1C(1A) 90.9 vs England 86.9 (higher better); 2A(2) 618.0 vs family group 607.0 (lower better)
    assert compare_to([90.9, 618.0, 84.1], [86.9, 607.0, 84.1], ["higher", "lower", "higher"]).tolist() \
        == ["better", "worse", "similar"]
    # with a Wilson interval 90.3-91.5 against England 86.9: significantly better
    assert compare_to([90.9], [86.9], ["higher"], 1, [90.3], [91.5]).tolist() == ["significantly better"]
    # 2A(1) 15.8 (12.5 to 19.6) against the region's 15.8 and England's 13.3: neither is significant
    assert compare_to([15.8, 15.8], [15.8, 13.3], ["lower", "lower"], 1, [12.5, 12.5], [19.6, 19.6]).tolist() == ["similar", "similar"]
    # 2A(2) 618.0 (585.1 to 652.2) against the region's 570.3: significantly worse (lower is better)
    assert compare_to([618.0], [570.3], ["lower"], 1, [585.1], [652.2]).tolist() == ["significantly worse"]


def test_overall_rating_by_group():
    assessed = pd.DataFrame({
        "area": "Havering", "measure": ["HAV-01", "HAV-01", "HAV-03", "HAV-20", "HAV-21", "HAV-22"],
        "group": ["ASCOF", "ASCOF", "ASCOF", "Carers", "Carers", "MHA"],
        "period_start": pd.to_datetime(["2024-04-01", "2024-07-01", "2024-07-01", "2024-07-01", "2024-07-01", "2024-07-01"]),
        "rag": ["Red", "Green", "Amber", "Green", "Red", None],
    })
    overall = overall_rating(assessed).iloc[0]
    # latest of each measure with a target: HAV-01 Green, HAV-03 Amber, HAV-20 Green, HAV-21 Red -> 2 of 4
    assert (overall.measures_with_target, overall.at_or_above_target, overall.percent_at_or_above) == (4, 2, 50.0)
    by_group = overall_rating(assessed, by="group").set_index("group")
    assert by_group.loc["ASCOF", "percent_at_or_above"] == 50.0 and by_group.loc["Carers", "at_or_above_target"] == 1
    assert "MHA" not in by_group.index


def test_work_plan_comparison_on_cambridgeshires_year_end_report():
    # seed 001 Appendix 1 (Q2 and Year End columns), a selection of rows as printed
    plan = pd.DataFrame({
        "item": ["1a", "1f", "1h", "1k", "DP", "2c", "2e", "2j", "3c PCC", "4a PCC", "1.0 (pipeline)"],
        "Q2": ["G", "G", "G", "A", "R", "A", "A", "G", "G", "A", "B"],
        "Year End": ["G", "G", "R", "A", "R", "G", "G", "A", "A", "R", "B"],
    })
    out = compare_ratings(plan, "Q2", "Year End")
    assert out["item"].tolist() == ["1h", "DP", "2j", "3c PCC", "4a PCC"]
    assert out.loc[out.item == "1h", ["now_red", "declined"]].values.tolist() == [[True, True]]
    assert out.loc[out.item == "DP", ["now_red", "declined"]].values.tolist() == [[True, False]]
    assert out.loc[out.item == "2j", ["now_red", "declined"]].values.tolist() == [[False, True]]


def _exactly(targets, factor: str) -> np.ndarray:
    """Each target times a decimal factor, computed in decimal and stored as the nearest double."""
    from decimal import Decimal

    return np.array([float(Decimal(repr(float(t))) * Decimal(factor)) for t in targets])


ONE_DECIMAL_TARGETS = np.round(np.arange(1, 10_001) / 10, 1)  # 0.1 to 1000.0


@pytest.mark.parametrize("polarity, worse, better", [("higher", "0.95", "1.05"), ("lower", "1.05", "0.95")])
def test_exactly_five_percent_is_off_target_and_beating_for_every_one_decimal_target(polarity, worse, better):
    # Norfolk's rule: "off target: Red RAG rating or variance of 5% or more"; target 6.0 and value 5.7
    # used to compute as 4.9999999999999964% and come out Amber with no exception.
    targets = ONE_DECIMAL_TARGETS
    polarities = np.full(targets.size, polarity)
    worse_values, better_values = _exactly(targets, worse), _exactly(targets, better)
    assert (adverse_variance_pct(worse_values, targets, polarities) == 5.0).all()
    assert (rag(worse_values, targets, polarities) == "Red").all()
    assert (adverse_variance_pct(better_values, targets, polarities) == -5.0).all()
    for t, w, b in zip(targets[::97], worse_values[::97], better_values[::97]):
        kind, reasons = exception_reasons(w, t, float(adverse_variance_pct(w, t, polarity)), "Red", 0)
        assert kind == "negative" and "5.0% worse" in reasons
        kind, reasons = exception_reasons(b, t, float(adverse_variance_pct(b, t, polarity)), "Green", 0)
        assert (kind, reasons) == ("positive", "beating target by 5.0%")


@pytest.mark.parametrize("polarity, inside", [("higher", "0.951"), ("lower", "1.049")])
def test_just_inside_five_percent_stays_amber(polarity, inside):
    targets = ONE_DECIMAL_TARGETS
    values = _exactly(targets, inside)
    assert (rag(values, targets, np.full(targets.size, polarity)) == "Amber").all()


def test_the_worked_example_of_the_boundary():
    assert rag(5.7, 6.0, "higher") == "Red"
    assert float(adverse_variance_pct(5.7, 6.0, "higher")) == 5.0


@pytest.mark.parametrize("polarity", ["higher", "lower"])
def test_with_no_amber_band_on_target_is_green_and_any_shortfall_red(polarity):
    """tolerance_pct = 0 (a target with no Amber band): exactly on target is Green, not Red."""
    worse = 89.9 if polarity == "higher" else 90.1
    better = 90.1 if polarity == "higher" else 89.9
    got = rag([90.0, worse, better], [90, 90, 90], [polarity] * 3, tolerance_pct=0).tolist()
    assert got == ["Green", "Red", "Green"]
