"""The vectorised assess gives exactly what the per-series assess gave, on random tables.

The reference below is `s75xl.assess` as it was before it was vectorised (a Python loop and
pandas slices per series: runs, direction of travel, year-ago values, exceptions, SPC; a row
loop for targets and computed values), kept here only as the reference. Hypothesis makes
tables with several areas and measures of every polarity, gaps, missing values, ties, values
exactly 5% off target, counts without values, targets of every simple profile, flags,
benchmarks with and without intervals, and every SPC option assess passes on; the two must
agree on every column of every row, and each column must have the same type (str or object in
pandas 3: a column of words with None only is object, with words it is str).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from s75xl.assess import _refuse_duplicates, _rounded, _target_measure_id, assess, series_keys
from s75xl.catalogue import Catalogue, default_catalogue
from s75xl.errors import InputError, MeasureNotFoundError
from s75xl.rates import rate
from s75xl.ratings import Thresholds, adverse_variance_pct, compare_to, consecutive_changes, exception_reasons, rag
from s75xl.spc import assurance_type, spc, variation_icon
from s75xl.tables import NO_EVENTS_NOTE, TableError, normalise_results, normalise_targets
from s75xl.targets import MONTH_COLUMNS, financial_year_of, month_of_year, profiled_target

SPC_DIRECTION = {"higher": "increase", "lower": "decrease", "none": "neutral"}


# ---- the reference: the per-series code as it was -------------------------------------------

def _resolve_measures(results: pd.DataFrame, catalogue: Catalogue) -> tuple[pd.DataFrame, dict]:
    """The table with canonical measure ids, names, polarity and decimals, and id -> Measure
    (None for a local measure given its own polarity). The mapping is returned beside the table,
    not kept in DataFrame.attrs, which pandas deep-copies on every operation."""
    ids, names, polarities, decimals = [], [], [], []
    lookup: dict[str, tuple] = {}
    for index, label in results["measure"].items():
        if label not in lookup:
            try:
                m = catalogue.find(label)
                lookup[label] = (m.id, m.name, m.polarity, m.decimals, m)
            except MeasureNotFoundError as exc:
                own = results.at[index, "polarity"] if "polarity" in results else None
                if isinstance(own, str) and own.strip().lower() in ("higher", "lower", "none"):
                    lookup[label] = (label, label, own.strip().lower(), 1, None)
                else:
                    source = results.attrs.get("source", "the results table")
                    raise TableError(f"{source}, row {results.index.get_loc(index) + 2}, column 'measure': "
                                     f"{exc} A local measure needs a 'polarity' column or a catalogue entry.") from None
        ids.append(lookup[label][0]); names.append(lookup[label][1])
        polarities.append(lookup[label][2]); decimals.append(lookup[label][3])
    out = results.assign(measure=ids, measure_name=names, polarity=polarities, decimals=decimals)
    return out, {v[0]: v[4] for v in lookup.values()}


def _fill_values(results: pd.DataFrame, measures: dict) -> pd.DataFrame:
    if "value" not in results:
        results["value"] = np.nan
    results["note"] = results["note"].fillna("").astype(str) if "note" in results else ""
    if "numerator" not in results:
        return results
    for measure_id, part in results.groupby("measure", sort=False):
        measure = measures.get(measure_id)
        need = part.index[part["value"].isna() & part["numerator"].notna()]
        if measure is None or need.empty:
            continue
        den = results.loc[need, "denominator"] if "denominator" in results else None
        if den is not None and measure.unit_info.needs_denominator:
            empty = need[(results.loc[need, "numerator"] == 0) & (den == 0)]
            results.loc[empty, "note"] = NO_EVENTS_NOTE  # a period with nothing to count has no rate
            need = need.difference(empty)
        for index in need:
            try:
                results.at[index, "value"] = rate(results.at[index, "numerator"],
                                                  None if den is None else den[index], measure)
            except InputError as exc:
                source = results.attrs.get("source", "the results table")
                raise TableError(f"{source}, row {results.index.get_loc(index) + 2}: {exc}") from None
    return results


def _targets_for(results: pd.DataFrame, targets: pd.DataFrame | None, year_start_month: int,
                 measures: dict, catalogue: Catalogue) -> pd.DataFrame:
    results["target"] = np.nan
    results["target_profile"] = None
    results["tolerance_pct"] = np.nan
    if targets is None:
        return results
    targets = targets.assign(measure=[_target_measure_id(t, measures, catalogue) for t in targets["measure"]])
    table = {(r.area, r.measure, r.year_start): r for r in targets.itertuples()}
    for index, row in results.iterrows():
        year = financial_year_of(row["period_end"], year_start_month)
        match = table.get((row["area"], row["measure"], year)) or table.get(("", row["measure"], year))
        if match is None:
            continue
        shape = [getattr(match, c) for c in MONTH_COLUMNS]
        has_shape = not all(pd.isna(v) for v in shape)
        try:
            results.at[index, "target"] = profiled_target(
                match.profile, match.annual_target, month_of_year(row["period_end"], year_start_month),
                baseline=match.baseline, shape=shape if has_shape else None)
        except InputError as exc:
            source = targets.attrs.get("source", "the targets table")
            raise TableError(f"{source}, row {targets.index.get_loc(match.Index) + 2}: {exc}") from None
        results.at[index, "target_profile"] = match.profile
        results.at[index, "tolerance_pct"] = match.tolerance_pct
    return results


def _exceptions(results: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    kinds, reasons = [], []
    results["direction"] = None
    results["direction_last_year"] = None
    for _, series in results.groupby(series_keys(results), sort=False, dropna=False):
        series = series.sort_values("period_start")
        polarity = series["polarity"].iloc[0]
        runs = consecutive_changes(series["value"], polarity)
        previous = series["value"].shift(1)
        results.loc[series.index, "direction"] = compare_to(series["value"], previous, polarity, series["decimals"])
        year_ago = series.set_index("period_start")["value"]
        before = year_ago.reindex(series["period_start"] - pd.DateOffset(years=1)).to_numpy()
        results.loc[series.index, "direction_last_year"] = compare_to(series["value"], before, polarity, series["decimals"])
        results.loc[series.index, "change_run"] = runs
    shown_value = _rounded(results["value"], results["decimals"])
    shown_target = _rounded(results["target"], results["decimals"])
    for row, value, target in zip(results.itertuples(), shown_value, shown_target):
        kind, text = exception_reasons(value, target, row.variance_pct, row.rag, row.change_run,
                                       row.budget_flag, row.risk_flag, thresholds)
        kinds.append(kind)
        reasons.append(text)
    return results.assign(exception=kinds, exception_reasons=reasons).drop(columns="change_run")


def _spc_columns(results: pd.DataFrame, spc_options: dict) -> pd.DataFrame:
    results["spc_variation"] = None
    results["spc_assurance"] = None
    for _, series in results.groupby(series_keys(results), sort=False, dropna=False):
        series = series.dropna(subset=["value"])
        if len(series) < 2:
            continue
        direction = SPC_DIRECTION[series["polarity"].iloc[0]]
        chart = spc(series, value="value", date="period_start", improvement_direction=direction, **spc_options)
        points = chart.points
        results.loc[points.index, "spc_variation"] = [variation_icon(t, direction) for t in points["point_type"]]
        results.loc[points.index, "spc_assurance"] = [
            assurance_type(None if pd.isna(t) else t, lo, hi, direction)
            for t, lo, hi in zip(series["target"], points["lpl"], points["upl"])]
    return results


def reference_assess(results: pd.DataFrame, targets: pd.DataFrame | None = None, *,
           thresholds: Thresholds = Thresholds(), catalogue: Catalogue | None = None,
           year_start_month: int = 4, spc_options: dict | None = None, spc: bool = True) -> pd.DataFrame:
    """assess as it was before it was vectorised: a Python loop per series."""
    catalogue = catalogue or default_catalogue()
    normalised = normalise_results(results)
    attrs = dict(normalised.attrs)  # the source file and the notes on how it was read
    normalised = normalised.reset_index(drop=True)  # rows are addressed by position from here on
    normalised.attrs = attrs
    table, measures = _resolve_measures(normalised, catalogue)
    _refuse_duplicates(table)
    table = _fill_values(table, measures)
    table = _targets_for(table, None if targets is None else normalise_targets(targets), year_start_month, measures, catalogue)
    tolerance = table["tolerance_pct"].fillna(thresholds.amber_tolerance_pct)
    table["variance_pct"] = adverse_variance_pct(table["value"], table["target"], table["polarity"])
    table["rag"] = rag(table["value"], table["target"], table["polarity"], tolerance)
    for column in [c for c in table.columns if c.startswith("benchmark_")]:
        table["vs_" + column.removeprefix("benchmark_")] = compare_to(
            table["value"], table[column], table["polarity"], table["decimals"],
            table.get("ci_lower"), table.get("ci_upper"))
    table = _exceptions(table, thresholds)
    if spc:
        table = _spc_columns(table, spc_options or {})
    else:
        table["spc_variation"] = None
        table["spc_assurance"] = None
    out = table.drop(columns=["decimals", "tolerance_pct"])
    out.attrs = attrs
    return out



# ---- random tables ----------------------------------------------------------------------------

MEASURES = {"NFK-VS-02": "lower", "NFK-VS-08": "higher", "1C(1A)": "higher", "2A(1)": "lower"}
LOCAL = "Local count of visits"  # not in the catalogue: its own polarity, "none"
SPC_CHOICES = [{}, {"screen_outliers": False}, {"two_in_three": "mdc_2023"}, {"run_length": 6, "trend_length": 6},
               {"min_points": 13}, {"fix_after_n_points": 12}, {"rebase": ["2016-10-01"]}]


@st.composite
def tables(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    areas = ["Norfolk", "Suffolk", ""][: draw(st.integers(1, 3))]
    months = pd.period_range("2015-04", periods=30, freq="M")
    rows = []
    for area in areas:
        for measure in list(MEASURES) + [LOCAL]:
            picked = np.sort(rng.choice(len(months), rng.integers(0, 26), replace=False))
            level = rng.choice([1.0, 20.0, 80.0])
            values = np.round(level + rng.normal(0, level / 5, len(picked)).cumsum() / 3, rng.choice([0, 1, 2]))
            values[rng.random(len(picked)) < 0.3] = values[0] if len(values) else 0  # ties and constant stretches
            for k, v in zip(picked, values):
                rows.append({"area": area, "measure": measure, "period": str(months[k]), "value": v,
                             "polarity": "none" if measure == LOCAL else "",
                             "budget_flag": "yes" if rng.random() < 0.05 else "",
                             "benchmark_england": round(v * rng.choice([0.9, 1.0, 1.05]), 1) if rng.random() < 0.7 else np.nan,
                             "ci_lower": v - rng.random() * 3 if rng.random() < 0.5 else np.nan,
                             "ci_upper": v + rng.random() * 3})
    if not rows:
        rows.append({"area": "", "measure": "1C(1A)", "period": "2016-04", "value": 50.0, "polarity": "",
                     "budget_flag": "", "benchmark_england": np.nan, "ci_lower": np.nan, "ci_upper": np.nan})
    results = pd.DataFrame(rows)
    missing = rng.random(len(results)) < 0.1
    results.loc[missing, "value"] = np.nan
    counted = (results["measure"] == "1C(1A)") & missing
    results.loc[counted, "numerator"] = rng.integers(0, 50, counted.sum())
    results.loc[counted, "denominator"] = results.loc[counted, "numerator"] + rng.integers(0, 50, counted.sum())
    target_rows = []
    for measure in MEASURES:
        for year in ("2015-16", "2016-17", "2017-18"):
            if rng.random() < 0.7:
                profile = rng.choice(["flat", "linear", "quarterly", "cumulative"])
                target_rows.append({"area": rng.choice(["", "Norfolk"]), "measure": measure, "year": year,
                                    "annual_target": float(rng.choice([1.0, 20.0, 21.0, 80.0, 84.0])),
                                    "baseline": float(rng.choice([1.0, 19.0, 76.0])), "profile": profile,
                                    "tolerance_pct": rng.choice([np.nan, 5.0, 10.0])})
    targets = pd.DataFrame(target_rows) if target_rows else None
    return results, targets, draw(st.sampled_from(SPC_CHOICES))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=tables())
def test_vectorised_assess_matches_the_per_series_assess(case):
    results, targets, options = case
    try:
        expected = reference_assess(results, targets, spc_options=options)
    except (TableError, InputError, ValueError) as exc:
        with pytest.raises(type(exc)):
            assess(results, targets, spc_options=options)
        return
    got = assess(results, targets, spc_options=options)
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True)


def test_values_exactly_5_percent_off_and_on_the_mean_agree_with_the_reference():
    """The boundaries the lead fixed (issue 11): a constant series sits on its own centre line (no
    run on either side), and a value exactly 5% off a one-decimal target is Red and an exception."""
    months = [str(p) for p in pd.period_range("2016-04", periods=13, freq="M")]
    results = pd.concat([pd.DataFrame({"area": "A", "measure": "1C(1A)", "period": months, "value": 33.3}),
                         pd.DataFrame({"area": "B", "measure": "1C(1A)", "period": ["2017-03"], "value": [28.5]})])
    targets = pd.DataFrame({"measure": ["1C(1A)"], "year": ["2016-17"], "annual_target": [30.0], "profile": ["flat"]})
    got, expected = assess(results, targets), reference_assess(results, targets)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True)
    assert (got.loc[got.area == "A", "spc_variation"] == "common_cause").all()
    last = got[got.area == "B"].iloc[0]
    assert last["rag"] == "Red" and last["exception"] == "negative" and "5.0% worse" in last["exception_reasons"]


@pytest.mark.parametrize("points", [2, 3, 5, 6])
def test_a_table_with_fewer_charted_points_than_a_run_has_no_run(points):
    """When every charted series together held fewer points than a trend or run (7), the vectorised
    chart took "no marker ahead" (the table's length) for a marker within reach, and labelled every
    point special cause (1.0, 1.0, 0.9: a "trend"); the per-series reference is the judge."""
    months = [str(p) for p in pd.period_range("2015-12", periods=points, freq="M")]
    results = pd.DataFrame({"area": "Norfolk", "measure": "NFK-VS-02", "period": months,
                            "value": [1.0] * (points - 1) + [0.9]})
    results = pd.concat([results, pd.DataFrame({"area": "Norfolk", "measure": "1C(1A)", "period": ["2017-05"], "value": [1.1]})])
    got, expected = assess(results), reference_assess(results)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True)
    if points <= 3:
        assert got["spc_variation"].iloc[:points].eq("common_cause").all()


@pytest.mark.parametrize("year_start_month", [1, 4, 12])
def test_targets_named_by_alias_repeated_after_naming_and_for_every_area_match_the_reference(year_start_month):
    """Targets are matched on integer keys of area, measure and year: a target given by the
    measure's name, the same target again by its code (the later row wins), an all-areas target
    behind an area's own, a year boundary in every month, and an area with no targets."""
    name = default_catalogue().find("1C(1A)").name
    months = [str(p) for p in pd.period_range("2016-01", periods=24, freq="M")]
    results = pd.concat([pd.DataFrame({"area": area, "measure": measure, "period": months,
                                       "value": np.linspace(10, 40, len(months)).round(1)})
                         for area in ("Norfolk", "Suffolk", "Essex") for measure in ("1C(1A)", "2A(1)")])
    targets = pd.DataFrame({"area": ["Norfolk", "Norfolk", "", "Suffolk", "", ""],
                            "measure": [name, "1C(1A)", "1C(1A)", "2A(1)", "2A(1)", name],
                            "year": ["2016-17", "2016-17", "2016-17", "2016", "2017-18", "2017-18"],
                            "annual_target": [20.0, 25.0, 30.0, 15.0, 12.0, 35.0],
                            "profile": ["flat", "linear", "quarterly", "cumulative", "flat", "flat"],
                            "baseline": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0]})
    got = assess(results, targets, year_start_month=year_start_month)
    expected = reference_assess(results, targets, year_start_month=year_start_month)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True)
    assert got["target"].notna().any() and got["target"].isna().any()


def test_the_year_before_is_what_dateoffset_gives_on_every_day_and_time():
    from s75xl.assess import year_before

    days = pd.date_range("1900-01-01", "2100-12-31", freq="D")
    times = days[::7] + pd.to_timedelta(np.arange(len(days[::7])) % 86_400, unit="s")
    for dates in (days, times):
        expected = (dates - pd.DateOffset(years=1)).to_numpy().astype("datetime64[D]").astype(np.int64)
        assert np.array_equal(year_before(dates.to_numpy()), expected)
