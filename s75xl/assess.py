"""One call that adds targets, RAG, exceptions, direction of travel and SPC to a results table.

>>> assessed = assess(results, targets)            # doctest: +SKIP
>>> assessed[["measure", "period_start", "value", "target", "rag", "exception", "exception_reasons"]]  # doctest: +SKIP

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
from .exception_words import Coded, exception_words, rounded_for_display as _rounded  # noqa: F401  (_rounded: tests' reference)
from .many_series import COMPARISONS, Ordered, compare, compare_codes, runs
from .ratings import POLARITY_SIGN, RAG_LABELS, Thresholds, rag_codes, variance_of_signed
from .spc_many import assurance, chart, check_options, icons
from .spc_options import SPCOptions
from .tables import NO_EVENTS_NOTE, TableError, blank_for_missing, normalise_results, normalise_targets
from .targets import MONTH_COLUMNS, profiled_target



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


def _resolve_measures(results: pd.DataFrame, catalogue: Catalogue) -> tuple[pd.DataFrame, dict, dict]:
    """The table with canonical measure ids, names, polarity and decimals, id -> Measure (None for
    a local measure given its own polarity), and what later steps would otherwise work out again
    from 78,000 strings: each row's measure id as a code (and the distinct ids) and its polarity
    sign. The mapping is returned beside the table, not kept in DataFrame.attrs, which pandas
    deep-copies on every operation. Each distinct label is looked up once."""
    codes, labels = pd.factorize(results["measure"], use_na_sentinel=False)
    _, first_rows = np.unique(codes, return_index=True)
    found = []
    for label, first in zip(labels, first_rows):
        try:
            m = catalogue.find(label)
            found.append((m.id, m.name, m.polarity, m.decimals, m))
        except MeasureNotFoundError as exc:
            own = results["polarity"].iat[first] if "polarity" in results else None
            if isinstance(own, str) and own.strip().lower() in ("higher", "lower", "none"):
                found.append((label, label, own.strip().lower(), 1, None))
            else:
                source = results.attrs.get("source", "the results table")
                raise TableError(f"{source}, row {first + 2}, column 'measure': "
                                 f"{exc} A local measure needs a 'polarity' column or a catalogue entry.") from None
    if found:  # each column made from its few distinct labels (the type pandas gives the labels themselves)
        column = lambda k: pd.Series([f[k] for f in found]).take(codes).set_axis(results.index)  # noqa: E731
    else:
        column = lambda k: np.array([], dtype=object)  # noqa: E731
    out = results.assign(measure=column(0), measure_name=column(1), polarity=column(2),
                         decimals=np.array([f[3] for f in found])[codes] if found else np.array([], dtype=int))
    id_codes, ids = pd.factorize(np.array([f[0] for f in found], dtype=object))
    known = {"measure": (id_codes[codes], ids),
             "sign": np.array([POLARITY_SIGN.get(f[2], 0) for f in found] + [0], dtype=float)[codes]}
    return out, {f[0]: f[4] for f in found}, known


def _fill_values(results: pd.DataFrame, measures: dict) -> pd.DataFrame:
    if "value" not in results:
        results["value"] = np.nan
    results["note"] = blank_for_missing(results["note"]) if "note" in results else ""
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
        try:  # the whole measure at once; if any row is refused, row by row to name the first
            results.loc[need, "value"] = np.asarray(rate(results.loc[need, "numerator"].to_numpy(dtype=float),
                                                         None if den is None else den[need].to_numpy(dtype=float), measure),
                                                    dtype=float)
        except InputError:
            for index in need:
                try:
                    results.at[index, "value"] = rate(results.at[index, "numerator"],
                                                      None if den is None else den[index], measure)
                except InputError as exc:
                    source = results.attrs.get("source", "the results table")
                    raise TableError(f"{source}, row {results.index.get_loc(index) + 2}: {exc}") from None
    return results


def _targets_for(results: pd.DataFrame, targets: pd.DataFrame | None, year_start_month: int,
                 measures: dict, catalogue: Catalogue, known: dict | None = None) -> pd.DataFrame:
    """Each row's profiled target: its area's target for the measure and financial year, else the
    all-areas one (blank area). Each (target row, month) pair is profiled once."""
    target = np.full(len(results), np.nan)
    profile = np.full(len(results), None, dtype=object)
    tolerance = np.full(len(results), np.nan)
    known = known or {}
    if targets is not None and not results.empty:
        rows, month = _target_rows(results, targets, year_start_month, measures, catalogue, known)
        matched = np.flatnonzero(rows >= 0)
        if matched.size:
            codes, distinct = pd.factorize(rows[matched] * 16 + month[matched])  # in order of first use, so the first bad target row is reported
            picked = rows[matched]
            target[matched] = np.asarray(_profiled(targets, distinct // 16, distinct % 16), dtype=float)[codes]
            profile[matched] = targets["profile"].to_numpy(dtype=object)[picked]
            tolerance[matched] = targets["tolerance_pct"].to_numpy(dtype=float)[picked]
    results["target"] = target
    results["target_profile"] = pd.Series(profile, index=results.index, dtype=object)
    results["tolerance_pct"] = tolerance
    return results


def _target_rows(results: pd.DataFrame, targets: pd.DataFrame, year_start_month: int, measures: dict,
                 catalogue: Catalogue, known: dict) -> tuple[np.ndarray, np.ndarray]:
    """For each results row, the targets row that applies (-1 for none) and the month of its
    financial year (1 to 12). Area, measure and year become one integer key on each side."""
    labels = pd.unique(targets["measure"].to_numpy(dtype=object))
    for label in labels:  # a target nothing uses is a typo, not something to skip
        if label not in measures and label not in catalogue:
            index = targets.index[(targets["measure"] == label).to_numpy()][0]
            source = targets.attrs.get("source", "the targets table")
            raise TableError(f"{source}, row {targets.index.get_loc(index) + 2}, column 'measure': "
                             f"{MeasureNotFoundError(label, catalogue.suggest(label))} It is not in the results either.")
    ids = np.array([_target_measure_id(label, measures, catalogue) for label in labels] + [None], dtype=object)
    target_measure = pd.Series(ids[pd.Index(labels).get_indexer(targets["measure"].to_numpy(dtype=object))])
    areas = pd.Index(pd.unique(targets["area"].to_numpy(dtype=object)))
    kinds = pd.Index(pd.unique(target_measure.to_numpy()))
    months = results["period_end"].to_numpy().astype("datetime64[M]").astype(np.int64)  # since January 1970
    calendar_year, calendar_month = months // 12 + 1970, months % 12 + 1
    year = np.where(calendar_month >= year_start_month, calendar_year, calendar_year - 1)
    month = (calendar_month - year_start_month) % 12 + 1

    def key(area: np.ndarray, measure: np.ndarray, year: np.ndarray) -> np.ndarray:
        known = (area >= 0) & (measure >= 0)
        return np.where(known, (area * len(kinds) + measure) * 100_000 + (year.astype(np.int64) % 100_000), -1)

    target_keys = key(_codes_in(areas, targets["area"]), _codes_in(kinds, target_measure), targets["year_start"].to_numpy())
    last = ~pd.Index(target_keys).duplicated(keep="last")  # a repeated key: the last row wins
    lookup = pd.Index(target_keys[last])
    target_row = np.flatnonzero(last)
    measure = _codes_in(kinds, results["measure"], known.get("measure"))
    own = lookup.get_indexer(key(_codes_in(areas, results["area"], known.get("area")), measure, year))
    every = lookup.get_indexer(key(np.full(len(results), areas.get_indexer([""])[0]), measure, year))
    rows = np.where(own >= 0, target_row[own], np.where(every >= 0, target_row[every], -1))
    return rows, month


def _codes_in(index: pd.Index, column: pd.Series, known: tuple | None = None) -> np.ndarray:
    """index.get_indexer(column), each distinct value of the column looked up once; `known` is the
    column's (codes, distinct values) when assess has them already."""
    codes, distinct = known or pd.factorize(column, use_na_sentinel=False)
    return np.append(index.get_indexer(np.asarray(distinct, dtype=object)), -1)[codes]


def _profiled(targets: pd.DataFrame, rows: np.ndarray, months: np.ndarray) -> np.ndarray:
    """targets.profiled_target for each (target row, month): the flat, linear, quarterly and
    shapeless cumulative profiles in array arithmetic (the same operations, so the same figures),
    every other case, and every case it would refuse, through profiled_target itself."""
    kinds = ["flat", "cumulative", "linear", "quarterly"]  # each target row's profile as a position here (4: other)
    named = targets["profile"].to_numpy(dtype=object)
    profile = np.select([named == kind for kind in kinds], range(4), 4)[rows]
    annual = targets["annual_target"].to_numpy(dtype=float)[rows]
    baseline = targets["baseline"].to_numpy(dtype=float)[rows]
    shapeless = targets[list(MONTH_COLUMNS)].isna().all(axis=1).to_numpy()[rows]
    month = months.astype(float)
    simple = shapeless & ((profile <= 1) | (((profile == 2) | (profile == 3)) & (~np.isnan(baseline) | np.isnan(annual))))
    steps = np.where(profile == 2, month / 12, np.ceil(month / 3) / 4)
    with np.errstate(invalid="ignore"):
        out = np.select([profile == 0, profile == 1], [annual, annual * month / 12],
                        baseline + (annual - baseline) * steps)
    out = np.where(np.isnan(annual), np.nan, out)
    records = None
    for i in np.flatnonzero(~simple):
        records = records or list(targets.itertuples())
        target = records[rows[i]]
        shape = [getattr(target, c) for c in MONTH_COLUMNS]
        has_shape = not all(pd.isna(v) for v in shape)
        try:
            out[i] = profiled_target(target.profile, target.annual_target, int(months[i]), baseline=target.baseline,
                                     shape=shape if has_shape else None)
        except InputError as exc:
            source = targets.attrs.get("source", "the targets table")
            raise TableError(f"{source}, row {targets.index.get_loc(target.Index) + 2}: {exc}") from None
    return out


def _target_measure_id(label: str, measures: dict, catalogue: Catalogue) -> str:
    try:
        return catalogue.find(label).id if label not in measures else label
    except MeasureNotFoundError:
        return label


def _ordered(results: pd.DataFrame, known: dict | None = None) -> Ordered:
    """The rows in series and date order (many_series.Ordered); a series is numbered by its keys'
    codes, one key column at a time (what groupby(...).ngroup() numbers, in another order)."""
    series = np.zeros(len(results), dtype=np.int64)
    for key in series_keys(results):
        codes, distinct = (known or {}).get(key) or pd.factorize(results[key], use_na_sentinel=False)
        series = pd.factorize(series * len(distinct) + codes)[0]
    return Ordered(series, results["period_start"].to_numpy())


def _has_duplicates(ordered: Ordered) -> bool:
    """Whether two rows of one series start on the same date (the rows are in series, date order)."""
    starts = ordered.dates
    return bool((~ordered.start[1:] & (starts[1:] == starts[:-1])).any())


def _series_day_keys(series: np.ndarray, dates: pd.DatetimeIndex) -> np.ndarray:
    """One integer per (series, day): series x 2**32 + days since 1970 (dates are whole days)."""
    days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    return series.astype(np.int64) * 2**32 + days


def year_before(dates: np.ndarray) -> np.ndarray:
    """Days since 1970 of the day a year before each date, as ``- pd.DateOffset(years=1)`` moves
    it (29 February to the 28th), in numpy's calendar arithmetic rather than per-date offsets."""
    days = np.asarray(dates).astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    day = (days - month.astype("datetime64[D]")).astype(np.int64)
    before = month - np.timedelta64(12, "M")
    length = ((before + np.timedelta64(1, "M")).astype("datetime64[D]") - before.astype("datetime64[D]")).astype(np.int64)
    return before.astype("datetime64[D]").astype(np.int64) + np.minimum(day, length - 1)


def _exceptions(results: pd.DataFrame, thresholds: Thresholds, ordered: Ordered, sign: np.ndarray,
                rating: np.ndarray) -> pd.DataFrame:
    """Direction of travel, consecutive runs and exceptions for every series at once (many_series)."""
    value = ordered.take(results["value"].to_numpy(dtype=float))
    sign = ordered.take(sign)
    decimals = ordered.take(results["decimals"].to_numpy())
    previous = ordered.previous(value)
    run = ordered.back(runs(value, previous, sign))
    results["direction"] = pd.Series(COMPARISONS[ordered.back(compare_codes(value, previous, sign, decimals))],
                                     index=results.index, dtype=object)
    starts = pd.DatetimeIndex(ordered.take(results["period_start"].to_numpy()))
    here = _series_day_keys(ordered.series, starts)  # sorted: the rows are in series and date order
    if (np.diff(here) == 0).any():
        raise ValueError("cannot reindex on an axis with duplicate labels")  # as the per-series version did
    wanted = ordered.series.astype(np.int64) * 2**32 + year_before(ordered.dates)
    found = np.minimum(np.searchsorted(here, wanted), max(len(here) - 1, 0))
    before = np.where((len(here) > 0) & (here[found] == wanted), value[found], np.nan)
    results["direction_last_year"] = pd.Series(COMPARISONS[ordered.back(compare_codes(value, before, sign, decimals))],
                                               index=results.index, dtype=object)
    kinds, reasons = exception_words(
        results["value"].to_numpy(dtype=float), results["target"].to_numpy(dtype=float),
        results["variance_pct"].to_numpy(dtype=float), rating, run,
        results["budget_flag"].to_numpy(dtype=bool), results["risk_flag"].to_numpy(dtype=bool),  # bool: normalise_results
        results["decimals"].to_numpy(), thresholds)
    return results.assign(exception=_text(kinds, results.index), exception_reasons=_text(reasons, results.index))


def _text(words: Coded, index: pd.Index) -> pd.Series:
    """The words as the column pandas makes of them (str in pandas 3, object before), built from
    the few distinct texts and taken by code: converting every row's string is the slow part."""
    if not len(index):
        return pd.Series(words.values().tolist(), index=index)
    used = np.bincount(words.codes, minlength=len(words.texts)) > 0  # only texts in use decide the type (None alone: object)
    return pd.Series(words.texts[used].tolist()).take((np.cumsum(used) - 1)[words.codes]).set_axis(index)


def _spc_columns(results: pd.DataFrame, spc_options: dict, ordered: Ordered, sign: np.ndarray) -> pd.DataFrame:
    """Each row's variation icon (as if it were the latest point) and assurance against its own
    target, every series charted at once (spc_many); series with fewer than two values get none."""
    variation = np.full(len(results), None, dtype=object)
    assured = np.full(len(results), None, dtype=object)
    value = ordered.take(results["value"].to_numpy(dtype=float))
    present = ~np.isnan(value)  # missing values are left out of the charts
    series = ordered.series[present]
    charted = np.bincount(series)[series] >= 2 if series.size else series.astype(bool)
    if charted.any():
        options = check_options(spc_options)
        rows = ordered.order[present][charted]
        direction = ordered.take(sign)[present][charted]
        kind, lpl, upl = chart(value[present][charted], series[charted], ordered.dates[present][charted],
                               direction, options)
        variation[rows] = icons(kind, direction)
        assured[rows] = assurance(ordered.take(results["target"].to_numpy(dtype=float))[present][charted], lpl, upl,
                                  direction)
    results["spc_variation"] = pd.Series(variation, index=results.index, dtype=object)
    results["spc_assurance"] = pd.Series(assured, index=results.index, dtype=object)
    return results


def _interval(table: pd.DataFrame) -> tuple:
    if "ci_lower" in table and "ci_upper" in table:
        return table["ci_lower"].to_numpy(dtype=float), table["ci_upper"].to_numpy(dtype=float)
    return None, None


def assess(results: pd.DataFrame, targets: pd.DataFrame | None = None, *,
           thresholds: Thresholds = Thresholds(), catalogue: Catalogue | None = None,
           year_start_month: int = 4, spc_options: SPCOptions | dict | None = None, spc: bool = True) -> pd.DataFrame:
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
    table, measures, known = _resolve_measures(normalised, catalogue)
    known["area"] = pd.factorize(table["area"], use_na_sentinel=False)
    ordered = _ordered(table, known)
    if _has_duplicates(ordered):
        _refuse_duplicates(table)  # names the rows
    table = _fill_values(table, measures)
    table = _targets_for(table, None if targets is None else normalise_targets(targets), year_start_month, measures, catalogue,
                         known)
    tolerance = table["tolerance_pct"].fillna(thresholds.amber_tolerance_pct)
    sign = known["sign"]  # +1 higher is better, -1 lower, 0 neither
    variance = variance_of_signed(table["value"], table["target"], sign)
    table["variance_pct"] = variance
    ratings = rag_codes(variance, tolerance)
    table["rag"] = _text(Coded(ratings, RAG_LABELS), table.index)
    for column in [c for c in table.columns if c.startswith("benchmark_")]:
        table["vs_" + column.removeprefix("benchmark_")] = compare(
            table["value"].to_numpy(dtype=float), table[column].to_numpy(dtype=float), sign,
            table["decimals"].to_numpy(), *_interval(table))
    table = _exceptions(table, thresholds, ordered, sign, RAG_LABELS[ratings])
    if spc:
        table = _spc_columns(table, SPCOptions.coerce(spc_options), ordered, sign)
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
