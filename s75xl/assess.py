"""One call that adds targets, RAG, exceptions, direction of travel and SPC to a results table.

>>> assessed = assess(results, targets)            # doctest: +SKIP
>>> assessed[["measure", "period_start", "value", "target", "rag", "exception", "exception_reasons"]]

Columns added: measure_name, polarity, target, target_profile, variance_pct (how far worse than
target, in % of it; negative when better), rag, exception ("negative", "positive" or ""),
exception_reasons, direction (against the previous period), direction_last_year (against the
same period a year before), vs_<benchmark> for each benchmark_<name> column, spc_variation and
spc_assurance. The input table is not changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import Catalogue, default_catalogue
from .errors import InputError, MeasureNotFoundError
from .rates import rate
from .rounding import round_half_away
from .ratings import Thresholds, adverse_variance_pct, compare_to, consecutive_changes, exception_reasons, rag
from .spc import assurance_type, spc, variation_icon
from .tables import NO_EVENTS_NOTE, TableError, normalise_results, normalise_targets
from .targets import MONTH_COLUMNS, financial_year_of, month_of_year, profiled_target

SPC_DIRECTION = {"higher": "increase", "lower": "decrease", "none": "neutral"}


def series_keys(table: pd.DataFrame) -> list[str]:
    """The columns that identify one time series: area, measure, the breakdown (an age band, say)
    where the table has one, as CLD results do, and the kind of period (a year and its months,
    or a financial year and the rolling year with the same dates, are separate series)."""
    return (["area", "measure"] + (["breakdown"] if "breakdown" in table else [])
            + (["period_kind"] if "period_kind" in table else []))


def _refuse_duplicates(table: pd.DataFrame) -> None:
    """Two rows for one period of one series cannot both be right: one sentence naming both rows."""
    keys = series_keys(table) + ["period_start"]  # one row per start: trends look a year back by start
    repeated = table.duplicated(keys, keep=False)
    if repeated.any():
        rows = table.index[repeated][:2] + 2
        first = table.loc[table.index[repeated][0]]
        source = table.attrs.get("source", "the results table")
        raise TableError(f"{source}, rows {rows[0]} and {rows[1]}: two rows for {first['measure']} "
                         f"from {first['period_start']:%d/%m/%Y} to {first['period_end']:%d/%m/%Y}"
                         f"{' (' + str(first['area']) + ')' if first['area'] else ''}; keep one.")


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


def _target_measure_id(label: str, measures: dict, catalogue: Catalogue) -> str:
    try:
        return catalogue.find(label).id if label not in measures else label
    except MeasureNotFoundError:
        return label


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


def _rounded(values: pd.Series, decimals: pd.Series) -> np.ndarray:
    """Values rounded for display in reasons, each to its measure's decimal places."""
    out = values.to_numpy(dtype=float).copy()
    for places in decimals.unique():
        where = (decimals == places).to_numpy()
        out[where] = round_half_away(out[where], int(places))
    return out


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


def assess(results: pd.DataFrame, targets: pd.DataFrame | None = None, *,
           thresholds: Thresholds = Thresholds(), catalogue: Catalogue | None = None,
           year_start_month: int = 4, spc_options: dict | None = None, spc: bool = True) -> pd.DataFrame:
    """The results table with target, RAG, exceptions, direction of travel and SPC columns added.

    `thresholds` holds the exception settings (defaults from the seeds); a targets row's
    ``tolerance_pct`` overrides the Amber band for its measure. `spc_options` are passed to
    `s75xl.spc.spc` (for example ``{"screen_outliers": False}`` for MDC Excel behaviour).
    """
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


def summary_lines(assessed: pd.DataFrame) -> list[str]:
    """A short summary for the latest period of each area: overall rating and exceptions."""
    from .ratings import overall_rating

    lines = []
    for area, part in assessed.groupby("area", sort=True):
        latest = part["period_end"].max()
        now = part[part["period_end"] == latest]
        rating = overall_rating(now)
        label = f"{area or 'All'}, {latest:%b %Y}"
        if rating.empty:
            lines.append(f"{label}: no measure has a target, so there is no overall rating.")
        else:
            r = rating.iloc[0]
            lines.append(f"{label}: {int(r.at_or_above_target)} of {int(r.measures_with_target)} measures with a target "
                         f"are at or above target ({r.percent_at_or_above:g}%).")
        for kind in ("negative", "positive"):
            rows = now[now["exception"] == kind]
            lines.append(f"  {kind.capitalize()} exceptions: {len(rows)}")
            for r in rows.itertuples():
                part = getattr(r, "breakdown", "")
                label = f" ({part})" if isinstance(part, str) and part not in ("", "Total", "All") else ""
                lines.append(f"  - {r.measure}{label} {r.measure_name}: {r.exception_reasons}")
    return lines
