"""Forecasts: the predicted year-end position, its band, and when a measure is back on target.

The method (written out for readers of the pack in docs/forecasts.md):

1. Take the measure's latest `window` monthly values up to the reporting period (twelve by
   default; gaps stay gaps, months are counted by the calendar).
2. Fit a straight line by ordinary least squares: value = a + b × month.
3. Project the line to each month left in the financial year; the band at month h is the
   ordinary least-squares *prediction interval*:
   ŷ_h ± t(1 - (1 - level)/2, n - 2) × s × √(1 + 1/n + (h - t̄)² / Σ(t - t̄)²),
   where s is the residuals' standard deviation (n - 2 degrees of freedom). It widens the
   further ahead it looks and with the scatter around the line.
4. A month is "on target" when the projected value is at or better than that month's profiled
   target (by the measure's polarity). The measure is back on track in the first such month,
   or "not this year" when no month up to the year end is.

Assumptions, said plainly in the pack: the recent straight-line trend carries on; the scatter
around it is random, of the same size throughout, and independent from month to month. Rolling
twelve-month figures break the last assumption (each month shares eleven months with the last),
so their bands are narrower than they should be; they are labelled as a guide, not a promise.
Values are kept inside what the unit allows (a percentage stays between 0 and 100; nothing
falls below 0). With fewer than `min_points` values there is no forecast, and no forecast is
ever shown without its band.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

METHOD = ("Straight-line trend (ordinary least squares) over the latest {window} months, projected to "
          "the year end; the band is the {level:.0%} prediction interval of that line.")


@dataclass(frozen=True)
class Trend:
    """A least-squares line through (t, y) and what its prediction interval needs."""

    intercept: float
    slope: float
    residual_sd: float
    n: int
    t_mean: float
    t_sxx: float

    def predict(self, t, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, lower, upper) at month index t, the band covering `level` of outcomes."""
        t = np.asarray(t, dtype=float)
        point = self.intercept + self.slope * t
        quantile = stats.t.ppf(1 - (1 - level) / 2, self.n - 2)
        half = quantile * self.residual_sd * np.sqrt(1 + 1 / self.n + (t - self.t_mean) ** 2 / self.t_sxx)
        return point, point - half, point + half


def least_squares_trend(t, y) -> Trend:
    """The ordinary least-squares line through the points (at least three, not all at one t)."""
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    n = t.size
    t_mean, y_mean = t.mean(), y.mean()
    sxx = float(((t - t_mean) ** 2).sum())
    slope = float(((t - t_mean) * (y - y_mean)).sum() / sxx)
    intercept = float(y_mean - slope * t_mean)
    residuals = y - (intercept + slope * t)
    sd = float(np.sqrt((residuals ** 2).sum() / (n - 2)))
    return Trend(intercept, slope, sd, n, float(t_mean), sxx)


@dataclass(frozen=True)
class Forecast:
    """A measure's forecast: the path to the year end with its band, and when it is on target."""

    made: bool
    reason: str = ""  # why there is no forecast
    year_end: pd.Timestamp | None = None
    point: float = float("nan")
    lower: float = float("nan")
    upper: float = float("nan")
    level: float = 0.8
    on_track: str = ""  # "on target now", "from Nov 2016", "not this year", "" without a target
    on_track_month: pd.Timestamp | None = None
    path: pd.DataFrame = field(default_factory=pd.DataFrame)  # month, point, lower, upper, target
    method: str = ""
    notes: tuple[str, ...] = ()

    def text(self, decimals: int = 1) -> str:
        """One line for a table: 'year end 9.0 (5.5 to 12.5, 80%); back on target from Nov 2016'."""
        if not self.made:
            return f"no forecast: {self.reason}"
        line = (f"{self.year_end:%b %Y}: {self.point:.{decimals}f} "
                f"({self.lower:.{decimals}f} to {self.upper:.{decimals}f}, {self.level:.0%} band)")
        return f"{line}; {self.on_track}" if self.on_track else line


def _months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _meets(value: float, target: float, polarity: str) -> bool:
    if polarity == "higher":
        return value >= target
    if polarity == "lower":
        return value <= target
    return False


def forecast(periods, values, *, polarity: str, year_end: pd.Timestamp, targets_ahead=None,
             current_target: float | None = None, level: float = 0.8, window: int = 12,
             min_points: int = 6, bounds: tuple[float, float] = (0.0, np.inf)) -> Forecast:
    """Project a monthly series to `year_end` (a month's first day) with its band.

    `periods` are the months' first days up to the reporting period, `values` their values;
    `targets_ahead` maps each future month's first day to its profiled target (missing months
    have none); `current_target` is the reporting period's own target.
    """
    series = pd.Series(np.asarray(values, dtype=float), index=pd.DatetimeIndex(periods)).sort_index()
    series = series.dropna().iloc[-window:]
    method = METHOD.format(window=window, level=level)
    if len(series) < min_points:
        return Forecast(False, reason=f"only {len(series)} value(s) in the latest {window} months; "
                                      f"a forecast needs {min_points}", level=level, method=method)
    start = series.index[0]
    t = np.array([_months_between(start, p) for p in series.index], dtype=float)
    trend = least_squares_trend(t, series.to_numpy())
    last = series.index[-1]
    ahead = pd.date_range(last + pd.offsets.MonthBegin(1), year_end, freq="MS")
    if ahead.empty:
        return Forecast(False, reason="the reporting period is the year end", level=level, method=method)
    th = np.array([_months_between(start, p) for p in ahead], dtype=float)
    point, lower, upper = (np.clip(a, *bounds) for a in trend.predict(th, level))
    targets_ahead = targets_ahead or {}
    target_path = np.array([targets_ahead.get(p, np.nan) for p in ahead], dtype=float)
    path = pd.DataFrame({"month": ahead, "point": point, "lower": lower, "upper": upper, "target": target_path})
    on_track, month = "", None
    latest = series.iloc[-1]
    if current_target is not None and not pd.isna(current_target) and _meets(latest, current_target, polarity):
        on_track = "on target now"
    elif not np.isnan(target_path).all():
        hits = [p for p, v, g in zip(ahead, point, target_path) if not np.isnan(g) and _meets(v, g, polarity)]
        if hits:
            month = hits[0]
            on_track = f"back on target from {month:%b %Y}"
        else:
            on_track = "not back on target this year"
    return Forecast(True, year_end=ahead[-1], point=float(point[-1]), lower=float(lower[-1]),
                    upper=float(upper[-1]), level=level, on_track=on_track, on_track_month=month,
                    path=path, method=method)


def unit_bounds(unit: str) -> tuple[float, float]:
    """What a value in this unit can be: 0 to 100 for percentages, 0 upwards for the rest."""
    return (0.0, 100.0) if unit == "percent" else (0.0, np.inf)


def year_end_after(period: pd.Timestamp, year_start_month: int = 4) -> pd.Timestamp:
    """The first day of the financial year's last month, after the period; when the period is
    itself the last month, the next year's (so a March pack still looks a year ahead)."""
    period = pd.Timestamp(period).normalize().replace(day=1)
    last_month = (year_start_month - 2) % 12 + 1
    year = period.year if period.month <= last_month else period.year + 1
    end = pd.Timestamp(year=year, month=last_month, day=1)
    return end if end > period else pd.Timestamp(year=year + 1, month=last_month, day=1)
