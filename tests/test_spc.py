"""SPC against every NHSRplotthedots series and unit case, and the nhspy-plotthedots limits.

Limits compare with relative tolerance 1e-12, labels exactly (shared/reference/spc_ci.md section 3).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from s75xl import spc as S
from s75xl.errors import InputError

from .conftest import PEER_CASES

SERIES = json.loads((PEER_CASES / "nhsrplotthedots_series_cases.json").read_text())["cases"]
UNITS = json.loads((PEER_CASES / "nhsrplotthedots_rule_unit_cases.json").read_text())
NHSPY = json.loads((PEER_CASES / "nhspy_plotthedots_cases.json").read_text())


def _same(a, b, exact=False):
    if b is None or (isinstance(b, float) and np.isnan(b)):
        return a is None or pd.isna(a)
    return a == b if exact else a == pytest.approx(b, rel=1e-12, abs=1e-300)


def _run_case(case):
    opts, data = case["options"], case["input"]
    frame = pd.DataFrame({"date": data["date"], "y": [np.nan if v is None else v for v in data["y"]]})
    if data.get("facet") is not None:
        frame["f"] = data["facet"]
    return S.spc(frame, facet="f" if opts.get("facet_field") else None,
                 improvement_direction=opts["improvement_direction"], target=opts.get("target"),
                 rebase=opts.get("rebase_dates"), fix_after_n_points=opts.get("fix_after_n_points"),
                 screen_outliers=opts["screen_outliers"])


@pytest.mark.parametrize("case", SERIES, ids=lambda c: c["id"])
def test_series_case_point_by_point(case):
    result = _run_case(case)
    points = result.points.reset_index(drop=True)
    expected = case["peer_output"]["points"]
    assert len(points) == len(expected)
    for got, want in zip(points.to_dict("records"), expected):
        where = f"{case['id']} point {want['index']}"
        assert _same(got["mean"], want["mean"], exact=True), f"{where} mean: {got['mean']!r} != {want['mean']!r}"
        for key in ("lpl", "upl"):
            assert _same(got[key], want[key], exact=True), f"{where} {key}: {got[key]!r} != {want[key]!r}"
        assert got["rebase_group"] == want["rebase_group"], where
        assert got["special_cause_type"] == want["special_cause_type"], where
        assert got["point_type"] == want["point_type"], where
        if want["relative_to_mean"] is not None:
            assert got["relative_to_mean"] == want["relative_to_mean"], where
        for flag in ("outside_limits", "close_to_limits"):
            if want[flag] is not None:
                assert bool(got[flag]) == want[flag], f"{where} {flag}"
        assert bool(got["short_group_warning"]) == want["short_group_warning_default_threshold_13"], where


@pytest.mark.parametrize("case", SERIES, ids=lambda c: c["id"])
def test_series_case_groups_icons_assurance(case):
    result = _run_case(case)
    want = case["peer_output"]
    groups = result.groups.to_dict("records")
    assert len(groups) == len(want["groups"])
    for got, exp in zip(groups, want["groups"]):
        for key in ("rebase_group", "n", "n_common_cause", "n_special_cause_improvement",
                    "n_special_cause_concern", "variation_type_last_point"):
            assert got[key] == exp[key], key
        for key in ("mean", "lpl", "upl"):
            assert _same(got[key], exp[key]), key
    icons = {(str(r["f"]), r["type"]): f"{r['type']}/{r['icon']}.svg" for r in result.icons.to_dict("records")}
    assert icons == {(str(r["f"]), r["type"]): r["icon"] for r in want["icons"]}
    if want["assurance"] is None:
        assert result.assurance is None
    else:
        got = {str(r["f"]): r["assurance_type"] for r in result.assurance.to_dict("records")}
        assert got == {str(r["f"]): r["assurance_type"] for r in want["assurance"]}


def test_peer_expectations_of_the_deviations_vignette():
    case = next(c for c in SERIES if c["id"] == "vignette_deviations_screened_default")
    g = _run_case(case).groups.iloc[0]
    assert (round(g['upl'], 2), round(g['mean'], 2), round(g['lpl'], 2)) == (4.60, 1.94, -0.72)
    unscreened = next(c for c in SERIES if c["id"] == "vignette_deviations_unscreened_excel")
    g = _run_case(unscreened).groups.iloc[0]
    assert g.upl == pytest.approx(6.951503267973856, rel=1e-12) and g.lpl == pytest.approx(-3.062614379084967, rel=1e-12)


@pytest.mark.parametrize("case", UNITS["seven_point_one_side_mean"]["cases"])
def test_one_side_markers(case):
    assert S.one_side_markers(np.array(case["input"], dtype=float)).tolist() == case["expected"]


@pytest.mark.parametrize("case", UNITS["part_of_seven_trend"]["cases"])
def test_part_of_run(case):
    assert S.part_of_run(np.array(case["input"])).tolist() == case["expected"]


@pytest.mark.parametrize("case", UNITS["seven_point_trend"]["cases"])
def test_trend_markers(case):
    assert S.trend_markers(np.array(case["input"], dtype=float)).tolist() == case["expected"]


@pytest.mark.parametrize("case", UNITS["two_in_three"]["cases"])
def test_two_in_three(case):
    assert S.two_in_three(np.array(case["close_to_limits"]), np.array(case["relative_to_mean"])).tolist() == case["expected"]


@pytest.mark.parametrize("case", UNITS["part_of_two_in_three_composite"]["cases"])
def test_two_in_three_flags_only_close_points(case):
    close = np.array(case["close_to_limits"])
    flagged = S.two_in_three(close, np.array(case["relative_to_mean"])) & close
    assert flagged.tolist() == case["expected"]


def test_label_precedence():
    case = UNITS["special_cause_type_label_precedence"]
    i = case["input"]
    labels = S.special_cause_labels(i["y"], i["relative_to_mean"], i["outside_limits"],
                                    i["mocked_part_of_seven_point_trend"],
                                    i["mocked_part_of_seven_point_one_side_mean"], i["mocked_part_of_two_in_three"])
    assert labels == case["expected"]


@pytest.mark.parametrize("rule", UNITS["point_type_mapping"]["rules"])
def test_point_type_mapping(rule):
    label = {1: "Above UCL", -1: "Below LCL", 0: "Common Cause"}[rule["v"]]
    directions = list(S.DIRECTIONS) if rule["improvement_direction"] == "any" else [rule["improvement_direction"]]
    for direction in directions:
        assert S.point_type(label, direction) == rule["point_type"]


@pytest.mark.parametrize("rule", UNITS["variation_icon_mapping"]["rules"])
def test_variation_icon_mapping(rule):
    direction = "increase" if rule["improvement_direction"] == "any" else rule["improvement_direction"]
    assert f"variation/{S.variation_icon(rule['point_type'], direction)}.svg" == rule["icon"]


@pytest.mark.parametrize("case", UNITS["assurance_type"]["cases"])
def test_assurance_type(case):
    rows = case.get("facets") or case["rows_in_order_single_facet"][-1:]
    got = [S.assurance_type(case["target"], r.get("lpl", np.nan), r.get("upl", np.nan), case["improvement_direction"])
           for r in rows]
    assert got == case["expected"]


@pytest.mark.parametrize("case", UNITS["short_group_warning"]["cases"])
def test_short_group_warning(case):
    sizes, facets = case["group_sizes"], case.get("facets") or ["a"] * len(case["group_sizes"])
    rows, rebase = [], {}
    for facet, size in zip(facets, sizes):
        start = sum(1 for r in rows if r["f"] == facet)
        if start:
            rebase.setdefault(facet, []).append(pd.Timestamp("2020-01-01") + pd.Timedelta(days=start))
        rows += [{"f": facet, "date": pd.Timestamp("2020-01-01") + pd.Timedelta(days=start + k), "y": float(k % 3)}
                 for k in range(size)]
    result = S.spc(pd.DataFrame(rows), facet="f", rebase=rebase, short_group_threshold=case["warning_threshold"])
    per_group = result.points.groupby(["facet", "rebase_group"], sort=False)["short_group_warning"].first().tolist()
    assert per_group == case["expected_per_group"]
    assert bool(result.warnings) == case["warning_emitted"]


@pytest.mark.parametrize("case", NHSPY["limits_calculations"]["cases"])
def test_nhspy_limits(case):
    limits = S.process_limits(np.array(case["values"], dtype=float))
    got = [limits.mean, limits.lpl, limits.upl, limits.nlpl, limits.nupl]
    assert got == pytest.approx(case["expected_mean_lpl_upl_nlpl_nupl"], rel=1e-12)


def test_mdc_excel_options_differ_where_documented():
    # spc_ci.md 1.8 item 2: with the MDC 2023 rule a point beyond 3 sigma counts towards 2 of 3.
    # Point 12 (3.0) is beyond 2 sigma; point 10 (4.0) is beyond 3 sigma; 11 is on the same side.
    y = [1.3, 0.9, -0.9, -1.4, -0.1, -0.5, 0.0, -0.1, 2.2, 4.0, 2.1, 3.0, -0.1, 0.8, 0.3, 0.2]
    frame = pd.DataFrame({"date": pd.date_range("2024-04-01", periods=len(y), freq="MS"), "y": y})
    ptd = S.spc(frame).points
    mdc = S.spc(frame, two_in_three="mdc_2023").points
    assert ptd.loc[9, "special_cause_type"] == mdc.loc[9, "special_cause_type"] == "Above UCL"
    assert ptd.loc[11, "special_cause_type"] == "Common Cause"
    assert mdc.loc[11, "special_cause_type"] == "2 in 3 Above CL"
    # 6-point runs and trends
    rising = pd.DataFrame({"date": pd.date_range("2024-04-01", periods=6, freq="MS"), "y": [1, 2, 3, 4, 5, 6]})
    assert (S.spc(rising).points.special_cause_type == "Common Cause").all()
    assert (S.spc(rising, trend_length=6).points.special_cause_type == "6 Point Trend (Increasing)").all()
    # the MDC Excel tool shows nothing below 13 points
    assert S.spc(rising, trend_length=6, min_points=13).icons.icon.isna().all()


def test_degenerate_series():
    one = S.spc(pd.DataFrame({"date": ["2024-01-01"], "y": [3.0]})).points
    assert np.isnan(one.upl[0]) and one.point_type[0] == "common_cause"
    flat = S.spc(pd.DataFrame({"date": pd.date_range("2024-01-01", periods=8), "y": [2.0] * 8})).points
    assert flat.upl.isna().all() and (flat.point_type == "common_cause").all()
    step = S.spc(pd.DataFrame({"date": pd.date_range("2024-01-01", periods=5), "y": [1, 1, 1, 1, 2.0]})).points
    assert (step.upl == 1.2).all() and step.outside_limits.all()
    gap = S.spc(pd.DataFrame({"date": pd.date_range("2024-01-01", periods=9), "y": [1, 2, 3, 4, np.nan, 6, 7, 8, 9]})).points
    assert gap.special_cause_type[4] == "Common Cause" and not gap.special_cause_type.str.contains("Trend").any()


def test_bad_options():
    frame = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3), "y": [1, 2, 3]})
    for kwargs, words in [({"fix_after_n_points": 5}, "at least 12"), ({"improvement_direction": "up"}, "must be one of"),
                          ({"run_length": 8}, "6 or 7"), ({"value": "rate"}, "column named 'rate'")]:
        with pytest.raises(InputError, match=words):
            S.spc(frame, **kwargs)
    with pytest.raises(InputError, match="same date"):
        S.spc(pd.DataFrame({"date": ["2024-01-01"] * 2, "y": [1, 2]}))


def test_the_mean_of_a_constant_series_is_the_value_itself():
    # Plain double sums put these one unit in the last place off, which made every point a "run"
    # (NHSRplotthedots, using R's mean(), gives the value itself).
    for value, n in [(0.1, 7), (33.3, 12), (88.6, 13), (1 / 3, 24), (2.675, 9), (1e-7, 30)]:
        assert S.exact_mean(np.full(n, value)) == value


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=1, max_value=60))
def test_any_constant_series_has_itself_as_its_mean(value, n):
    assert S.exact_mean(np.full(n, value)) == value


@given(st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=40))
def test_the_mean_is_the_nearest_double_to_the_true_mean(values):
    from fractions import Fraction

    exact = sum(Fraction(v) for v in values) / len(values)
    assert Fraction(S.exact_mean(np.array(values))) == Fraction(float(exact))
    assert S.exact_mean(np.array(values)) == S.exact_mean(np.array(values[::-1]))


@pytest.mark.parametrize("value", [33.3, 0.1, 88.6, 1 / 3, 12.7])
def test_a_constant_non_integer_series_is_common_cause_with_no_run(value):
    frame = pd.DataFrame({"date": pd.date_range("2024-04-01", periods=13, freq="MS"), "y": [value] * 13})
    points = S.spc(frame, target=value - 1).points
    assert (points.relative_to_mean == 0).all()  # on the mean: on neither side
    assert (points.special_cause_type == "Common Cause").all()
    assert not points.outside_limits.any()


def test_a_near_constant_series_with_points_on_the_mean_breaks_runs():
    # 33.3 twelve times and one 33.4: the mean lies just above 33.3, so those twelve points are
    # below it; with the mean exactly on them (a constant series) they are on neither side.
    y = [33.3] * 6 + [33.4] + [33.3] * 6
    frame = pd.DataFrame({"date": pd.date_range("2024-04-01", periods=13, freq="MS"), "y": y})
    points = S.spc(frame).points
    assert points["mean"].iloc[0] == pytest.approx((33.3 * 12 + 33.4) / 13, rel=1e-15)
    assert (points.relative_to_mean[points.y == 33.3] == -1).all()
    flat = S.spc(frame.assign(y=[33.3] * 13)).points
    assert (flat.special_cause_type == "Common Cause").all()
