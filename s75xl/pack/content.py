"""What the pack says, as plain pandas: no workbook, no chart, no file.

From the assessed table (`s75xl.assess`) for one area and one reporting period it gathers the
summary (overall rating, RAG counts by headline group, the Making Data Count matrix, the
exceptions), the all-measures table, and one `Card` per measure that gets a report card with its
history, SPC lines, forecast, benchmarks and commentary. Each function is tested on its own.
"""

from __future__ import annotations

import re

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..errors import S75Error
from ..ratings import overall_rating
from ..spc import _group_points, point_type
from . import labels
from .commentary import commentary_for
from .forecasts import Forecast, forecast, unit_bounds, year_end_after
from .options import PackOptions
from .targets_ahead import TargetsAhead

HEADLINE_BREAKDOWNS = ("", "Total", "All")
SPC_DIRECTION = {"higher": "increase", "lower": "decrease", "none": "neutral"}


class PeriodError(S75Error):
    """A reporting period the results do not hold."""


def headline_rows(assessed: pd.DataFrame) -> pd.DataFrame:
    """One series per area and measure: the total row where a measure is broken down (by age
    band, say), or its only breakdown."""
    if "breakdown" not in assessed:
        return assessed
    breakdown = assessed["breakdown"].fillna("").astype(str)
    bands = assessed.groupby(["area", "measure"])["breakdown"].transform("nunique")
    return assessed[breakdown.isin(HEADLINE_BREAKDOWNS) | (bands <= 1)]


def report_month(frame: pd.DataFrame) -> pd.Series:
    """The month each row reports on: its period's last month (a rolling twelve months to March
    2025 reports on March 2025), as the month's first day."""
    return pd.to_datetime(frame["period_end"]).dt.to_period("M").dt.to_timestamp()


def describe_periods(months: list[pd.Timestamp]) -> str:
    """'13 months, 2016-03 to 2017-03' or the list itself when short or broken."""
    months = sorted(set(months))
    text = [f"{m:%Y-%m}" for m in months]
    consecutive = len(months) > 1 and all(
        (b.year - a.year) * 12 + b.month - a.month == 1 for a, b in zip(months, months[1:]))
    if len(text) > 6 and consecutive:
        return f"{len(text)} months, {text[0]} to {text[-1]}"
    return ", ".join(text) if len(text) <= 24 else f"{len(text)} periods, {text[0]} to {text[-1]}"


def select_period(assessed: pd.DataFrame, period) -> pd.Timestamp:
    """The reporting month's first day: the given period ('2017-03', '03/2017', a date) or the
    latest the results hold; a period they do not hold is one sentence naming those they do."""
    held = sorted(report_month(assessed).unique())
    if not held:
        raise PeriodError("The results hold no periods.")
    if period is None or (isinstance(period, str) and not period.strip()):
        return pd.Timestamp(held[-1])
    try:
        if isinstance(period, str) and not re.search(r"\d{4}", period):  # "March" alone would parse as year 1
            raise ValueError(period)
        wanted = pd.Timestamp(pd.to_datetime(str(period).strip(), dayfirst=True, format="mixed")).to_period("M").to_timestamp()
    except (ValueError, TypeError, OverflowError):
        raise PeriodError(f"The period {period!r} is not a month (use 2017-03); "
                          f"the results hold {describe_periods(held)}.") from None
    if wanted not in held:
        raise PeriodError(f"The results hold no figures for {wanted:%b %Y} ({wanted:%Y-%m}); "
                          f"they hold {describe_periods(held)}.")
    return wanted


@dataclass
class Card:
    """One report card: the measure, its figures, its chart data, forecast and commentary."""

    measure: str
    name: str
    group: str
    unit: str
    decimals: int
    polarity: str
    definition: list[tuple[str, str]]
    row: pd.Series
    history: pd.DataFrame  # month, value, target, mean, upl, lpl, point_type (chart_months long)
    spc_shown: bool
    forecast: Forecast
    forecast_note: str
    commentary: dict | None
    benchmarks: list[tuple[str, float, str]]


@dataclass
class AreaContent:
    """Everything one area's pack shows for one reporting period."""

    area: str
    period: pd.Timestamp
    measures: pd.DataFrame
    rating: dict | None
    rag_by_group: pd.DataFrame
    matrix: pd.DataFrame
    exceptions: pd.DataFrame
    cards: list[Card]
    benchmark_names: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.area or 'All'}, {self.period:%b %Y}"


def _order(catalogue: Catalogue) -> dict[str, int]:
    return {m: i for i, m in enumerate(catalogue.ids)}


def _measure_info(catalogue: Catalogue, measure: str):
    try:
        return catalogue.get(measure)
    except (KeyError, S75Error):
        return None


def _definition(info) -> list[tuple[str, str]]:
    if info is None:
        return [("What it is", "A local measure (not in the catalogue).")]
    rows = [("What it is", info.name), ("Counted", info.numerator)]
    if info.denominator:
        rows.append(("Out of", info.denominator))
    rows.append(("Unit", f"{info.unit_info.label}; {labels.POLARITY.get(info.polarity, '').lower()}"))
    rows.append(("Source", f"{info.source}, {info.frequency}"))
    why = info.extra.get("why") if isinstance(info.extra, dict) else None
    for text in (why, info.notes, info.comments):
        if text:
            rows.append(("Why it matters" if text is why else "Notes", str(text)))
    return rows


def _history(series: pd.DataFrame, period: pd.Timestamp, options: PackOptions) -> tuple[pd.DataFrame, bool]:
    """The chart's points (up to the period) with SPC mean, limits and point types where enough.

    Worked on the card's few rows as numpy arrays: pandas' filtering, sorting and mapping by month
    cost ten times the SPC itself here, and this runs once per card (tests/test_pack_history.py
    checks it against the earlier pandas version)."""
    months = series["month"].to_numpy()
    rows = np.flatnonzero(months <= np.datetime64(period))
    rows = rows[np.argsort(months[rows], kind="stable")]  # up to the period, in date order
    values = series["value"].to_numpy(dtype=float)[rows]
    present = ~np.isnan(values)
    shown = rows[-options.chart_months:]
    lines = {column: np.full(len(shown), np.nan) for column in ("mean", "upl", "lpl")}
    types = np.full(len(shown), "common_cause", dtype=object)
    enough = int(present.sum()) >= options.spc_min_points
    if enough:
        # the XmR core of s75xl.spc (numpy only) on the points in date order: one series, no
        # rebasing, so the same limits and labels as spc() gives, without its per-call pandas work
        direction = SPC_DIRECTION.get(series["polarity"].iloc[0], "neutral")
        found = _group_points(values[present], asdict(options.spc))
        point = (np.cumsum(present) - 1)[-len(shown):]  # each shown row's place among the points
        charted = present[-len(shown):]  # a month with no value has no point on the chart
        for column, line in lines.items():
            line[charted] = np.asarray(found[column], dtype=float)[point[charted]]
        point_types = np.array([point_type(t, direction) for t in found["special_cause_type"]], dtype=object)
        types[charted] = point_types[point[charted]]
    out = pd.DataFrame({column: series[column].to_numpy()[shown] for column in ("month", "value", "target")} |
                       lines | {"point_type": types})
    return out, enough


def area_content(assessed: pd.DataFrame, area: str, period: pd.Timestamp, *, catalogue: Catalogue,
                 targets: TargetsAhead, commentary: pd.DataFrame | None, options: PackOptions,
                 benchmark_methods: dict | None = None) -> AreaContent:
    """One area's pack content for the reporting month `period` (a month's first day)."""
    part = headline_rows(assessed[assessed["area"] == area]).copy()
    part["month"] = report_month(part)
    order = _order(catalogue)
    infos = {m: _measure_info(catalogue, m) for m in part["measure"].unique()}
    part["group"] = [infos[m].group if infos[m] else "Local measures" for m in part["measure"]]
    part["unit"] = [infos[m].unit if infos[m] else "" for m in part["measure"]]
    part["decimals"] = [infos[m].decimals if infos[m] else 1 for m in part["measure"]]
    part["rank"] = [order.get(m, len(order)) for m in part["measure"]]
    now = part[part["month"] == period].sort_values(["rank", "measure"])
    now = now.drop_duplicates(subset=[c for c in ("measure", "breakdown") if c in now])
    has_targets = now["target"].notna().any()
    notes = []
    if not has_targets:
        notes.append("No targets were given for this period: there is no RAG rating and no overall rating, "
                     "and exceptions come from trends only.")
    missing = now[now["value"].isna()]
    for row in missing.itertuples():
        notes.append(f"{row.measure} {row.measure_name}: no value for {period:%b %Y}.")

    forecasts, forecast_notes, cards = {}, {}, []
    year_end = year_end_after(period)
    by_measure = {m: frame for m, frame in part.groupby("measure", sort=False)}
    for row in now.itertuples():
        series = by_measure[row.measure]
        ahead = pd.date_range(period + pd.offsets.MonthBegin(1), year_end, freq="MS")
        path, note = targets.path(area, row.measure, ahead) if targets else ({}, "")
        has_target = not pd.isna(row.target) or any(not pd.isna(v) for v in path.values())
        if not has_target or pd.isna(row.value):
            forecasts[row.measure] = Forecast(False, reason="no target" if not has_target else "no value this period",
                                              level=options.forecast_level)
            continue
        history = series[series["month"] <= period]
        forecasts[row.measure] = forecast(
            history["month"], history["value"], polarity=row.polarity, year_end=year_end, targets_ahead=path,
            current_target=row.target, level=options.forecast_level, window=options.forecast_window,
            min_points=options.forecast_min_points, bounds=unit_bounds(row.unit))
        forecast_notes[row.measure] = note

    now = now.assign(
        forecast=[forecasts[m].text(d) if m in forecasts and forecasts[m].reason != "no target" else ""
                  for m, d in zip(now["measure"], now["decimals"])],
        variation=[labels.VARIATION.get(v, "") if isinstance(v, str) else "" for v in now["spc_variation"]],
        assurance=[labels.ASSURANCE.get(a, "") if isinstance(a, str) else "" for a in now["spc_assurance"]],
    )
    benchmark_names = [c.removeprefix("benchmark_") for c in now.columns
                       if c.startswith("benchmark_") and now[c].notna().any()]

    rating = None
    if has_targets:
        table = overall_rating(now)
        if not table.empty:
            r = table.iloc[0]
            rating = {"with_target": int(r.measures_with_target), "at_or_above": int(r.at_or_above_target),
                      "percent": float(r.percent_at_or_above)}
    rag_by_group = (now.assign(rag=now["rag"].fillna("No rating"))
                    .pivot_table(index="group", columns="rag", values="measure", aggfunc="count", fill_value=0, sort=False)
                    .reindex(columns=["Green", "Amber", "Red", "No rating"], fill_value=0).reset_index())
    matrix = _matrix(now)
    now["exception"] = now["exception"].fillna("")
    exceptions = now[now["exception"].isin(["negative", "positive"])].sort_values(
        ["exception", "rank"], key=lambda s: s.map({"negative": 0, "positive": 1}) if s.name == "exception" else s)

    carded = exceptions if options.cards_for == "exceptions" else now
    for row in carded.itertuples():
        info = infos[row.measure]
        series = by_measure[row.measure][["month", "value", "target", "polarity"]]
        history, shown = _history(series, period, options)
        benchmarks = [(name, getattr(row, f"benchmark_{name}"), getattr(row, f"vs_{name}", None) or "")
                      for name in benchmark_names if not pd.isna(getattr(row, f"benchmark_{name}"))]
        cards.append(Card(
            measure=row.measure, name=row.measure_name, group=row.group, unit=row.unit, decimals=int(row.decimals),
            polarity=row.polarity, definition=_definition(info), row=now.loc[row.Index], history=history,
            spc_shown=shown, forecast=forecasts.get(row.measure, Forecast(False, reason="no target")),
            forecast_note=forecast_notes.get(row.measure, ""),
            commentary=commentary_for(commentary, area, row.measure), benchmarks=benchmarks))
    if benchmark_methods:
        notes.extend(benchmark_methods.get(area, []))
    return AreaContent(area, period, now.reset_index(drop=True), rating, rag_by_group, matrix,
                       exceptions.reset_index(drop=True), cards, benchmark_names, notes)


def _matrix(now: pd.DataFrame) -> pd.DataFrame:
    """Measure codes placed by variation (rows) against assurance (columns), as MDC's summary."""
    grid = pd.DataFrame("", index=list(labels.MATRIX_ROWS), columns=list(labels.MATRIX_COLUMNS))
    for row in now.itertuples():
        variation = row.spc_variation if isinstance(row.spc_variation, str) else None
        assurance = row.spc_assurance if isinstance(row.spc_assurance, str) else None
        if not isinstance(row.target, float) or np.isnan(row.target):
            assurance = None
        r, c = labels.matrix_row(variation), labels.matrix_column(assurance)
        grid.at[r, c] = f"{grid.at[r, c]}, {row.measure}" if grid.at[r, c] else row.measure
    return grid
