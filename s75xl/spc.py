"""Statistical process control as NHS "Making Data Count" charts it (XmR chart, icons).

The default behaviour is NHSRplotthedots 0.2.2 exactly (shared/reference/spc_ci.md section 1,
checked against every case in shared/reference/peer_cases/ by tests/test_spc.py):

- limits: mean ± 2.66 × mean moving range, moving ranges screened once (kept only if
  < 3.267 × their mean), 2-sigma lines at mean ± (2 × 2.66 / 3) × mean moving range;
- special causes, one label per point by priority: outside the limits > 7-point trend (a tie
  breaks it) > 2 of 3 strictly between 2 and 3 sigma on one side > 7 points on one side (a
  point on the mean breaks it);
- every rule runs separately in each (facet, rebase group); a fixed baseline
  (`fix_after_n_points`, at least 12) is counted within each rebase group;
- the variation icon comes from the last point of each facet, the assurance icon from the last
  row's limits against the target (a target on a limit is "inconsistent").

The NHS England MDC Excel tools differ in documented ways (spc_ci.md section 1.8); each is an
option here, and the default stays NHSRplotthedots':

- ``screen_outliers=False``: no screening of moving ranges (MDC Excel);
- ``two_in_three="mdc_2023"``: points beyond 3 sigma also count towards 2 of 3 (MDC, Nov 2023);
- ``run_length=6`` / ``trend_length=6``: the MDC tool's 6-point choice;
- ``min_points=13``: show limits and icons only from 13 points, as the MDC Excel tool does.

Not offered: MDC's "a repeated value neither adds to nor breaks a trend" and its "improvement
wins when rules clash" (here each point has exactly one label). A missing value is left out of
the mean, makes its neighbouring moving ranges missing, is labelled common cause, and breaks a
trend or run (NHSRplotthedots stops with an error there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

LIMIT_CONSTANT = 2.66
SCREEN_CONSTANT = 3.267
TWO_SIGMA = 2 * LIMIT_CONSTANT / 3
DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}
NO_FACET = "no facet"
ASSURANCE_ICONS = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "inconsistent"}
SHORT_GROUP_THRESHOLD = 13  # NHSRplotthedots' default (its message says 12; see spc_ci.md 1.7)


@dataclass(frozen=True)
class Limits:
    mean: float
    amr: float
    lpl: float
    upl: float
    nlpl: float
    nupl: float


def moving_ranges(y: np.ndarray) -> np.ndarray:
    """|y_i - y_(i-1)|; the first, and any next to a missing value, is NaN."""
    y = np.asarray(y, dtype=float)
    out = np.full(y.shape, np.nan)
    if y.size > 1:
        out[1:] = np.abs(np.diff(y))
    return out


def exact_mean(values) -> float:
    """The mean of the non-missing values, exact for the stored numbers and rounded once.

    A plain double-precision sum drifts: 0.1 seven times, or 33.3 every month, gives a mean one
    unit in the last place away from the values, and then every point sits "above" or "below" its
    own centre line. R's ``mean()`` (which NHSRplotthedots uses) sums in extended precision with a
    correction pass; summing the values exactly as integers over a common power-of-two
    denominator and dividing once (Python's int division is correctly rounded) gives the nearest
    double to the true mean, which equals R's on every peer case and is the value itself for a
    constant series.
    """
    kept = np.asarray(values, dtype=float)
    kept = kept[~np.isnan(kept)]
    if not kept.size:
        return float("nan")
    if not np.isfinite(kept).all():
        return float(kept.mean())
    ratios = [value.as_integer_ratio() for value in kept.tolist()]
    common = max(den for _, den in ratios)  # every denominator is a power of two
    total = sum(num * (common // den) for num, den in ratios)
    return total / (common * len(ratios))


def process_limits(baseline: np.ndarray, screen_outliers: bool = True) -> Limits:
    """Centre line and process limits from the baseline values (all of them by default)."""
    baseline = np.asarray(baseline, dtype=float)
    mean = exact_mean(baseline)
    ranges = moving_ranges(baseline)
    amr = exact_mean(ranges)
    if screen_outliers:
        with np.errstate(invalid="ignore"):
            amr = exact_mean(np.where(ranges < SCREEN_CONSTANT * amr, ranges, np.nan))
    return Limits(mean, amr, mean - LIMIT_CONSTANT * amr, mean + LIMIT_CONSTANT * amr,
                  mean - TWO_SIGMA * amr, mean + TWO_SIGMA * amr)


def trend_markers(y: np.ndarray, length: int = 7) -> np.ndarray:
    """+1/-1 at a point that completes `length` strictly rising/falling points, else 0."""
    y = np.asarray(y, dtype=float)
    out = np.zeros(y.size, dtype=int)
    if y.size < length:
        return out
    steps = np.sign(np.diff(y))  # NaN where a value is missing, which breaks the trend
    for i in range(length - 1, y.size):
        window = steps[i - length + 1:i]
        if np.all(window == 1):
            out[i] = 1
        elif np.all(window == -1):
            out[i] = -1
    return out


def one_side_markers(relative_to_mean: np.ndarray, length: int = 7) -> np.ndarray:
    """1 at a point that completes `length` points on one side of the mean (either side), else 0."""
    side = np.nan_to_num(np.asarray(relative_to_mean, dtype=float))
    out = np.zeros(side.size, dtype=int)
    for i in range(length - 1, side.size):
        window = side[i - length + 1:i + 1]
        if window[0] != 0 and np.all(window == window[0]):
            out[i] = 1
    return out


def part_of_run(markers: np.ndarray, length: int = 7) -> np.ndarray:
    """1 where this point or one of the next `length - 1` points completes a run, else 0."""
    markers = np.asarray(markers)
    out = np.zeros(markers.size, dtype=int)
    for i in range(markers.size):
        out[i] = int(np.any(markers[i:i + length] != 0))
    return out


def two_in_three(close: np.ndarray, relative_to_mean: np.ndarray) -> np.ndarray:
    """1 for a point in any 3-point window with at least 2 close points, all 3 on one side.

    Windows are padded with zeros at both ends, so three real points are always needed.
    """
    close = np.nan_to_num(np.asarray(close, dtype=float))
    side = np.nan_to_num(np.asarray(relative_to_mean, dtype=float))
    n = close.size
    padded_close = np.concatenate([[0, 0], close, [0, 0]])
    padded_side = np.concatenate([[0, 0], side, [0, 0]])
    hit = np.zeros(n + 2, dtype=bool)  # hit[k]: the window starting at padded index k
    for k in range(n + 2):
        hit[k] = padded_close[k:k + 3].sum() >= 2 and abs(padded_side[k:k + 3].sum()) == 3
    out = np.zeros(n, dtype=int)
    for i in range(n):
        out[i] = int(hit[i] or hit[i + 1] or hit[i + 2])  # windows containing point i
    return out


def special_cause_labels(y, relative_to_mean, outside, trend_part, side_part, two_three_part,
                         trend_length: int = 7, run_length: int = 7) -> list[str]:
    """One label per point by priority: outside > trend > 2 in 3 > run on one side."""
    y = np.asarray(y, dtype=float)
    labels = []
    for i in range(y.size):
        rtm = relative_to_mean[i]
        if outside[i]:
            labels.append("Above UCL" if rtm == 1 else "Below LCL")
        elif trend_part[i]:
            nxt = i + 1 < y.size and trend_part[i + 1]
            step = y[i + 1] - y[i] if nxt else (y[i] - y[i - 1] if i > 0 else 0)
            labels.append(f"{trend_length} Point Trend ({'Increasing' if step > 0 else 'Decreasing'})")
        elif two_three_part[i]:
            labels.append("2 in 3 Above CL" if rtm == 1 else "2 in 3 Below CL")
        elif side_part[i]:
            labels.append(f"{run_length} Points Above CL" if rtm == 1 else f"{run_length} Points Below CL")
        else:
            labels.append("Common Cause")
    return labels


def point_type(label: str, improvement_direction: str) -> str:
    """The MDC point type of a special-cause label for the improvement direction."""
    v = 1 if ("Above" in label or "Increasing" in label) else -1 if ("Below" in label or "Decreasing" in label) else 0
    direction = DIRECTIONS[improvement_direction]
    if v == 0:
        return "common_cause"
    if direction == 0:
        return "special_cause_neutral_high" if v > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if v * direction > 0 else "special_cause_concern"


def variation_icon(last_point_type: str, improvement_direction: str) -> str:
    """The variation icon name for a facet's last point."""
    if last_point_type == "common_cause":
        return "common_cause"
    if last_point_type.startswith("special_cause_neutral"):
        return last_point_type.replace("special_cause_", "")
    high = improvement_direction == "increase"
    if last_point_type == "special_cause_improvement":
        return "improvement_high" if high else "improvement_low"
    return "concern_low" if high else "concern_high"


def assurance_type(target: float | None, lpl: float, upl: float, improvement_direction: str) -> str | None:
    """consistent_pass / consistent_fail / inconsistent, or None without a target or direction."""
    if target is None or pd.isna(target) or improvement_direction == "neutral":
        return None
    if target > upl:
        return "consistent_fail" if improvement_direction == "increase" else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if improvement_direction == "increase" else "consistent_fail"
    return "inconsistent"


@dataclass
class SPCResult:
    """Per-point output, a summary per (facet, rebase group), and the icons per facet."""

    points: pd.DataFrame
    groups: pd.DataFrame
    icons: pd.DataFrame
    assurance: pd.DataFrame | None
    warnings: list[str] = field(default_factory=list)


def _group_points(y: np.ndarray, options: dict[str, Any]) -> dict[str, np.ndarray]:
    """Limits, flags and labels for the points of one (facet, rebase group), in date order."""
    fix = options["fix_after_n_points"]
    limits = process_limits(y[:fix] if fix else y, options["screen_outliers"])
    n = y.size
    with np.errstate(invalid="ignore"):
        rtm = np.sign(y - limits.mean)
        outside = (y > limits.upl) | (y < limits.lpl)
        beyond_two = (y < limits.nlpl) | (y > limits.nupl)
    close = beyond_two if options["two_in_three"] == "mdc_2023" else (~outside & beyond_two)
    missing = np.isnan(y)
    rtm = np.where(missing, 0, np.nan_to_num(rtm))
    outside, close = outside & ~missing, close & ~missing
    trend = part_of_run(trend_markers(y, options["trend_length"]), options["trend_length"])
    side = part_of_run(one_side_markers(rtm, options["run_length"]), options["run_length"])
    two_three = two_in_three(close, rtm) & close
    labels = special_cause_labels(y, rtm, outside, trend, side, two_three,
                                  options["trend_length"], options["run_length"])
    if n < options["min_points"]:
        labels = ["Common Cause"] * n
    return {
        "mean": np.full(n, limits.mean), "lpl": np.full(n, limits.lpl), "upl": np.full(n, limits.upl),
        "nlpl": np.full(n, limits.nlpl), "nupl": np.full(n, limits.nupl),
        "relative_to_mean": np.where(missing, np.nan, rtm), "outside_limits": outside,
        "close_to_limits": close, "special_cause_type": np.array(labels, dtype=object),
    }


def _rebase_dates_for(rebase, facet) -> set:
    if rebase is None:
        return set()
    if isinstance(rebase, Mapping):
        rebase = rebase.get(facet, ())
    return {pd.Timestamp(d) for d in rebase}


def spc(data: pd.DataFrame, value: str = "y", date: str = "date", *, facet: str | None = None,
        improvement_direction: str = "increase", target: float | Mapping | None = None,
        rebase: Iterable | Mapping | None = None, fix_after_n_points: int | None = None,
        screen_outliers: bool = True, two_in_three: str = "ptd", run_length: int = 7,
        trend_length: int = 7, min_points: int = 0,
        short_group_threshold: int = SHORT_GROUP_THRESHOLD) -> SPCResult:
    """An XmR chart's limits, special causes and icons for each facet of `data`.

    Parameters mirror NHSRplotthedots' ``ptd_spc``: `rebase` is a list of dates (or a mapping of
    facet to dates) that start new groups; `target` is one number or a mapping of facet to number.

    >>> df = pd.DataFrame({"date": pd.date_range("2021-03-22", periods=18),
    ...                    "y": [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]})
    >>> r = spc(df)
    >>> float(round(r.groups.upl[0], 2)), r.points.point_type[4]
    (4.6, 'special_cause_improvement')
    """
    if improvement_direction not in DIRECTIONS:
        raise InputError(f"improvement_direction must be one of {', '.join(DIRECTIONS)}, not {improvement_direction!r}.")
    if fix_after_n_points is not None and (not isinstance(fix_after_n_points, int) or fix_after_n_points < 12):
        raise InputError("fix_after_n_points must be a whole number of at least 12.")
    if two_in_three not in ("ptd", "mdc_2023"):
        raise InputError("two_in_three must be 'ptd' (NHSRplotthedots) or 'mdc_2023'.")
    if run_length not in (6, 7) or trend_length not in (6, 7):
        raise InputError("run_length and trend_length must be 6 or 7 points.")
    for column in (value, date) + ((facet,) if facet else ()):
        if column not in data:
            raise InputError(f"SPC needs a column named {column!r}.")
    options = dict(fix_after_n_points=fix_after_n_points, screen_outliers=screen_outliers,
                   two_in_three=two_in_three, run_length=run_length, trend_length=trend_length,
                   min_points=min_points)
    frame = pd.DataFrame({
        "date": pd.to_datetime(data[date]),
        "facet": data[facet].to_numpy() if facet else NO_FACET,
        "y": pd.to_numeric(data[value], errors="coerce").astype(float),
    }, index=data.index)
    point_frames, group_rows, icon_rows, assurance_rows = [], [], [], []
    for facet_value, part in frame.groupby("facet", sort=False):
        part = part.sort_values("date", kind="stable")
        if part["date"].duplicated().any():
            raise InputError(f"SPC: facet {facet_value!r} has two values for the same date.")
        starts = _rebase_dates_for(rebase, facet_value)
        part = part.assign(rebase_group=part["date"].isin(starts).cumsum())
        for group_id, group in part.groupby("rebase_group", sort=True):
            computed = _group_points(group["y"].to_numpy(), options)
            group = group.assign(**computed)
            group["point_type"] = [point_type(t, improvement_direction) for t in group["special_cause_type"]]
            group["short_group_warning"] = len(group) < short_group_threshold
            point_frames.append(group)
            counts = group["point_type"].value_counts()
            group_rows.append({
                "f": facet_value, "rebase_group": int(group_id), "n": len(group),
                "mean": computed["mean"][0], "lpl": computed["lpl"][0], "upl": computed["upl"][0],
                "n_common_cause": int(counts.get("common_cause", 0)),
                "n_special_cause_improvement": int(counts.get("special_cause_improvement", 0)),
                "n_special_cause_concern": int(counts.get("special_cause_concern", 0)),
                "variation_type_last_point": group["point_type"].iloc[-1],
            })
        last = point_frames[-1].iloc[-1]
        enough = len(part) >= min_points
        icon_rows.append({"f": facet_value, "type": "variation",
                          "icon": variation_icon(last["point_type"], improvement_direction) if enough else None})
        facet_target = target.get(facet_value) if isinstance(target, Mapping) else target
        kind = assurance_type(facet_target, last["lpl"], last["upl"], improvement_direction) if enough else None
        if facet_target is not None:
            assurance_rows.append({"f": facet_value, "assurance_type": kind})
    points = pd.concat(point_frames).loc[frame.sort_values(["facet", "date"], kind="stable").index]
    points = points.reindex(frame.index)
    icons = pd.DataFrame(icon_rows)
    assurance = pd.DataFrame(assurance_rows) if assurance_rows else None
    if assurance is not None:
        extra = [{"f": r["f"], "type": "assurance", "icon": ASSURANCE_ICONS[r["assurance_type"]]}
                 for r in assurance_rows if r["assurance_type"]]
        icons = pd.concat([icons, pd.DataFrame(extra)], ignore_index=True) if extra else icons
    warnings = []
    if points["short_group_warning"].any():
        warnings.append(f"Some groups have fewer than {short_group_threshold} points: their limits are trial "
                        "limits, which will change with each new point.")
    return SPCResult(points, pd.DataFrame(group_rows), icons, assurance, warnings)
