"""Chart specifications: what each report card's run chart shows, as data only.

A `ChartSpec` lists the categories (months) and the series (values, target, SPC mean and
limits, the forecast and its band) with their styles and, for the values, a colour per point
in Making Data Count's scheme: blue for special-cause improvement, orange for concern, purple
for neutral special causes, grey for common cause. `workbook.py` turns a spec into a native
Excel chart; nothing here knows about Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .content import Card

COLOURS = {  # Making Data Count's palette
    "special_cause_improvement": "#289DE0",
    "special_cause_concern": "#F9A11B",
    "special_cause_neutral_high": "#7030A0",
    "special_cause_neutral_low": "#7030A0",
    "common_cause": "#7F7F7F",
}
VALUE_LINE = "#005EB8"  # NHS blue
TARGET_LINE = "#D5281B"
LIMIT_LINE = "#A6A6A6"
FORECAST_LINE = "#005EB8"
BAND_LINE = "#7FAEDB"
SPECIAL_CAUSES = (("Improvement", ("special_cause_improvement",)), ("Concern", ("special_cause_concern",)),
                  ("Neutral", ("special_cause_neutral_high", "special_cause_neutral_low")))


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple  # one per category; NaN where the series has no point
    colour: str
    dash: str = "solid"  # solid, dash, round_dot
    width: float = 1.5
    markers: bool = False
    line: bool = True  # False: markers only (the special-cause points)


@dataclass(frozen=True)
class ChartSpec:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...] = field(default_factory=tuple)
    y_title: str = ""

    def frame(self) -> pd.DataFrame:
        """The spec as a table: month and one column per series (the chart's data sheet)."""
        data = {"month": list(self.categories)}
        for s in self.series:
            data[s.name] = list(s.values)
        return pd.DataFrame(data)


def card_chart(card: Card) -> ChartSpec:
    """The run chart of a card: values with SPC colours, target, SPC lines, forecast and band."""
    history = card.history
    path = card.forecast.path if card.forecast.made else pd.DataFrame(columns=["month", "point", "lower", "upper", "target"])
    months = list(history["month"]) + list(path["month"])
    n_hist, n_all = len(history), len(months)
    categories = tuple(f"{m:%b %y}" for m in months)

    def padded(values, before: bool) -> tuple:
        values = [float(v) for v in values]
        pad = [np.nan] * (n_all - len(values))
        return tuple(pad + values if before else values + pad)

    values = padded(history["value"], before=False)
    series = [Series("Value", values, VALUE_LINE, width=2.25, markers=True)]
    if card.spc_shown:
        # special-cause points as marker-only series over the values, so every reader colours them
        for name, kinds in SPECIAL_CAUSES:
            hit = history["point_type"].isin(kinds).tolist() + [False] * (n_all - n_hist)
            if any(hit):
                series.append(Series(name, tuple(v if h else np.nan for v, h in zip(values, hit)),
                                     COLOURS[kinds[0]], markers=True, line=False))
    target = list(history["target"]) + list(path["target"])
    if not all(pd.isna(v) for v in target):
        series.append(Series("Target", tuple(float(v) for v in target), TARGET_LINE, dash="dash", width=1.75))
    if card.spc_shown:
        for name, column, dash in (("Mean", "mean", "solid"), ("Upper limit", "upl", "dash"),
                                   ("Lower limit", "lpl", "dash")):
            series.append(Series(name, padded(history[column], before=False), LIMIT_LINE, dash=dash, width=1.0))
    if card.forecast.made:
        last = [np.nan] * (n_hist - 1) + [values[n_hist - 1]]
        # the forecast lines start at the latest value so they join the run chart
        band = f"{card.forecast.level:.0%} band"
        for name, column, dash in (("Forecast", "point", "round_dot"), (f"{band}, low", "lower", "dash"),
                                   (f"{band}, high", "upper", "dash")):
            series.append(Series(name, tuple(last + [float(v) for v in path[column]]),
                                 FORECAST_LINE if column == "point" else BAND_LINE, dash=dash,
                                 width=2.0 if column == "point" else 1.0))
    return ChartSpec(title=f"{card.measure}: last {n_hist} months" + (" and forecast to the year end" if card.forecast.made else ""),
                     categories=categories, series=tuple(series), y_title=_unit_title(card.unit))


def _unit_title(unit: str) -> str:
    return {"percent": "%", "per_100k": "per 100,000", "count": "number"}.get(unit, "")
