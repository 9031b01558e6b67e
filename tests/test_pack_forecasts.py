"""Forecasts reproduce series worked by hand: one predicted to recover, one predicted not to.

The method (s75xl/pack/forecasts.py): a least-squares line over the latest months, projected to
the year end, with the ordinary least-squares prediction interval as its band.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s75xl.pack.forecasts import forecast, least_squares_trend, year_end_after

APRIL_TO_SEPTEMBER = pd.date_range("2016-04-01", periods=6, freq="MS")
OCTOBER_TO_MARCH = pd.date_range("2016-10-01", periods=6, freq="MS")
# t(0.9, 4 degrees of freedom), from printed tables: 1.533
T_90_4 = 1.5332062740589443


def test_a_falling_series_is_predicted_to_be_back_on_target_in_december():
    # Lower is better, target 12 every month. Values 20, 20, 17, 16, 17, 15 (t = 0..5, April = 0).
    # By hand: t̄ = 2.5, Σ(t - t̄)² = 17.5, ȳ = 17.5; Σ(t - t̄)(y - ȳ) = -17.5, so slope -1 and
    # intercept 17.5 + 2.5 = 20: the line is 20 - t. Residuals 0, 1, -1, -1, 1, 0: s² = 4 / 4 = 1.
    # March is t = 11: 20 - 11 = 9; band 9 ± 1.533 × √(1 + 1/6 + 8.5²/17.5) = 9 ± 1.533 × 2.30114.
    # The line first reaches 12 at t = 8, December (a value exactly on target counts as on target).
    result = forecast(APRIL_TO_SEPTEMBER, [20, 20, 17, 16, 17, 15], polarity="lower",
                      year_end=year_end_after(APRIL_TO_SEPTEMBER[-1]), current_target=12,
                      targets_ahead={m: 12.0 for m in OCTOBER_TO_MARCH})
    half = T_90_4 * np.sqrt(1 + 1 / 6 + 8.5 ** 2 / 17.5)  # an 80% band leaves 10% in each tail: t(0.9)
    assert result.made
    assert result.year_end == pd.Timestamp("2017-03-01")
    assert result.point == pytest.approx(9.0)
    assert result.lower == pytest.approx(9.0 - half) and result.upper == pytest.approx(9.0 + half)
    assert round(result.lower, 2) == 5.47 and round(result.upper, 2) == 12.53
    assert result.on_track_month == pd.Timestamp("2016-12-01")
    assert result.on_track == "back on target from Dec 2016"
    assert list(result.path["point"]) == pytest.approx([14, 13, 12, 11, 10, 9])


def test_a_flat_series_below_a_higher_target_is_predicted_not_to_recover_this_year():
    # Higher is better, target 50. Values 40, 41, 39, 39, 41, 40: slope 0 (Σ(t - t̄)(y - ȳ) = 0),
    # level 40, residuals as above so s = 1: March 40, band 40 ± 3.528; never reaches 50.
    result = forecast(APRIL_TO_SEPTEMBER, [40, 41, 39, 39, 41, 40], polarity="higher",
                      year_end=year_end_after(APRIL_TO_SEPTEMBER[-1]), current_target=50,
                      targets_ahead={m: 50.0 for m in OCTOBER_TO_MARCH}, bounds=(0, 100))
    assert result.point == pytest.approx(40.0)
    assert (round(result.lower, 2), round(result.upper, 2)) == (36.47, 43.53)
    assert result.on_track == "not back on target this year" and result.on_track_month is None
    assert "36.5 to 43.5, 80% band" in result.text(1)


def test_the_band_follows_the_level_asked_for():
    wide = forecast(APRIL_TO_SEPTEMBER, [40, 41, 39, 39, 41, 40], polarity="higher", level=0.95,
                    year_end=pd.Timestamp("2017-03-01"), current_target=50)
    t_975_4 = 2.7764451051977987
    assert wide.upper - wide.point == pytest.approx(t_975_4 * np.sqrt(1 + 1 / 6 + 8.5 ** 2 / 17.5))


def test_a_measure_on_target_now_says_so():
    result = forecast(APRIL_TO_SEPTEMBER, [20, 20, 17, 16, 17, 15], polarity="lower",
                      year_end=pd.Timestamp("2017-03-01"), current_target=15,
                      targets_ahead={m: 15.0 for m in OCTOBER_TO_MARCH})
    assert result.on_track == "on target now"


def test_too_few_points_give_no_forecast_and_never_a_forecast_without_a_band():
    five = forecast(APRIL_TO_SEPTEMBER[:5], [20, 20, 17, 16, 17], polarity="lower",
                    year_end=pd.Timestamp("2017-03-01"), current_target=12)
    assert not five.made and "a forecast needs 6" in five.reason
    assert five.text().startswith("no forecast")
    six = forecast(APRIL_TO_SEPTEMBER, [20, 20, 17, 16, 17, 15], polarity="lower", year_end=pd.Timestamp("2017-03-01"))
    assert six.made and six.lower < six.point < six.upper


def test_gaps_keep_their_calendar_months_and_percentages_stay_within_0_to_100():
    months = pd.DatetimeIndex(["2016-04-01", "2016-05-01", "2016-07-01", "2016-08-01", "2016-09-01", "2016-10-01"])
    trend = least_squares_trend([0, 1, 3, 4, 5, 6], [90, 92, 96, 98, 99, 99])
    result = forecast(months, [90, 92, 96, 98, 99, 99], polarity="higher", year_end=pd.Timestamp("2017-03-01"),
                      bounds=(0, 100))
    assert trend.slope > 1
    assert result.point == 100 and result.upper == 100


def test_the_year_end_is_the_next_march_and_a_march_period_looks_a_year_ahead():
    assert year_end_after(pd.Timestamp("2016-04-30")) == pd.Timestamp("2017-03-01")
    assert year_end_after(pd.Timestamp("2017-02-01")) == pd.Timestamp("2017-03-01")
    assert year_end_after(pd.Timestamp("2017-03-01")) == pd.Timestamp("2018-03-01")
