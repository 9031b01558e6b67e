"""A report card's chart history (s75xl.pack.content._history) against the pandas version it
replaced, kept here as the reference: the same months, values, targets, SPC mean, limits and
point types, column for column and type for type (the point types' type is now the same in every
case), on random series with gaps, months after the
reporting period, rows out of order and every SPC option the pack offers."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s75xl.pack.content import SPC_DIRECTION, _history
from s75xl.pack.options import PackOptions
from s75xl.spc import _group_points, point_type
from s75xl.spc_options import SPCOptions


def reference_history(series: pd.DataFrame, period: pd.Timestamp, options: PackOptions) -> tuple[pd.DataFrame, bool]:
    """The pack's history before it moved to numpy (pandas sorting, filtering and mapping by month)."""
    series = series[series["month"] <= period].sort_values("month")
    points = series.dropna(subset=["value"])
    shown = series.tail(options.chart_months).reset_index(drop=True)
    out = pd.DataFrame({"month": shown["month"], "value": shown["value"], "target": shown["target"]})
    for column in ("mean", "upl", "lpl"):
        out[column] = np.nan
    out["point_type"] = "common_cause"
    enough = len(points) >= options.spc_min_points
    if enough:
        direction = SPC_DIRECTION.get(series["polarity"].iloc[0], "neutral")
        found = _group_points(points["value"].to_numpy(dtype=float), asdict(options.spc))
        types = [point_type(t, direction) for t in found["special_cause_type"]]
        lookup = pd.DataFrame({"mean": found["mean"], "upl": found["upl"], "lpl": found["lpl"], "point_type": types},
                              index=points["month"].to_numpy())
        for column in ("mean", "upl", "lpl", "point_type"):
            out[column] = out["month"].map(lookup[column]).to_numpy()
        out["point_type"] = out["point_type"].fillna("common_cause")
    return out, enough


def a_series(values: list[float | None], targets: list[float | None], polarity: str, shuffle: int) -> pd.DataFrame:
    months = pd.date_range("2023-01-01", periods=len(values), freq="MS")
    frame = pd.DataFrame({"month": months, "value": pd.array(values, dtype="float64").to_numpy(dtype=float, na_value=np.nan),
                          "target": np.array([np.nan if t is None else t for t in targets], dtype=float),
                          "polarity": polarity})
    return frame.sample(frac=1, random_state=shuffle) if shuffle else frame  # rows as assess may leave them


values = st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False), st.sampled_from([50.0, 50.5])),
                  min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(values=values, data=st.data())
def test_the_history_is_the_pandas_versions(values, data):
    targets = data.draw(st.lists(st.one_of(st.none(), st.just(50.0)), min_size=len(values), max_size=len(values)))
    polarity = data.draw(st.sampled_from(["higher", "lower", "none", "unknown"]))
    series = a_series(values, targets, polarity, data.draw(st.integers(0, 3)))
    period = series["month"].sort_values().iloc[data.draw(st.integers(0, len(values) - 1))]
    options = PackOptions(pdf=False, chart_months=data.draw(st.integers(2, 26)),
                          spc_min_points=data.draw(st.integers(2, 20)),
                          spc=SPCOptions(two_in_three=data.draw(st.sampled_from(["ptd", "mdc_2023"])),
                                         screen_outliers=data.draw(st.booleans()),
                                         fix_after_n_points=data.draw(st.sampled_from([None, 12, 15]))))
    got, shown = _history(series, period, options)
    want, want_shown = reference_history(series, period, options)
    assert shown == want_shown
    pd.testing.assert_frame_equal(got.drop(columns="point_type"), want.drop(columns="point_type"))
    assert got["point_type"].tolist() == want["point_type"].tolist()
    # always pandas' text type; the pandas version gave object instead when no shown month had a value
    assert got["point_type"].dtype == pd.Series(["common_cause"]).dtype


@pytest.mark.parametrize("points, enough", [(12, False), (13, True)])
def test_spc_lines_start_at_exactly_the_minimum_number_of_points(points, enough):
    rng = np.random.default_rng(points)
    values = [*rng.normal(60, 4, points).round(1), None, None]  # two months with no value do not count
    series = a_series(values, [None] * len(values), "higher", 0)
    history, shown = _history(series, series["month"].iloc[-1], PackOptions(pdf=False))
    assert shown is enough
    assert len(history) == 13  # the last thirteen months, gaps included
    assert history["mean"].notna().sum() == (min(points, 11) if enough else 0)  # only months with a value
    assert history["value"].isna().sum() == 2 and history["mean"][history["value"].isna()].isna().all()


def test_a_constant_series_has_its_value_as_mean_and_limits_only_without_screening():
    """All moving ranges are 0, so screening (keep a range only below 3.267 times their mean)
    keeps none and the limits are blank, as NHSRplotthedots gives; MDC Excel's unscreened
    limits are the value itself."""
    series = a_series([40.0] * 15, [None] * 15, "lower", 0)
    screened, shown = _history(series, series["month"].iloc[-1], PackOptions(pdf=False))
    unscreened, _ = _history(series, series["month"].iloc[-1], PackOptions(pdf=False, spc=SPCOptions(screen_outliers=False)))
    assert shown
    assert (screened["mean"] == 40.0).all() and screened[["upl", "lpl"]].isna().all().all()
    assert (unscreened[["mean", "upl", "lpl"]] == 40.0).all().all()
    assert set(screened["point_type"]) == set(unscreened["point_type"]) == {"common_cause"}
