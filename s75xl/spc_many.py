"""SPC for thousands of short series at once, exactly as `s75xl.spc.spc` charts each one.

`assess` gives every row the variation icon it would have as the latest point and its
assurance against its own target. The rules are those of `spc.py` (NHSRplotthedots 0.2.2 by
default, the MDC Excel options too), worked over one array holding every series in date order:
limits from exact means per segment (a series, or a part of it after a rebase date), then each
special-cause rule as run lengths, shifted comparisons and a look-ahead to the next marker, all
respecting the segments' edges. Values must be present (assess leaves missing ones out, as it
did when it charted series one by one). tests/test_assess_vectorised.py checks it against
`spc.spc` series by series on random tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError
from .exact_means import decompose, exact_means
from .many_series import run_lengths
from .spc import LIMIT_CONSTANT, NO_FACET, SCREEN_CONSTANT, TWO_SIGMA, _rebase_dates_for, spc

OPTIONS = dict(rebase=None, fix_after_n_points=None, screen_outliers=True, two_in_three="ptd", run_length=7,
               trend_length=7, min_points=0)


NONE_AHEAD = np.iinfo(np.int64).max  # no marker ahead in the segment: farther than any run or trend
_CHECKED: dict = {}  # options spc.spc has accepted: asking it costs more than charting a small table


def check_options(options: dict) -> dict:
    """The options with defaults, refused exactly as `spc.spc` refuses them (it is asked, on two points)."""
    try:
        key = tuple(sorted(options.items()))
        hash(key)
    except TypeError:  # a list of rebase dates, say: checked every time
        key = None
    if key is None or key not in _CHECKED:
        spc(pd.DataFrame({"y": [1.0, 2.0], "date": pd.to_datetime(["2024-01-01", "2024-02-01"])}), **options)
        if key is not None and len(_CHECKED) < 256:
            _CHECKED[key] = True
    return {**OPTIONS, **options}


def _next_within(flags: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """For each position, how far ahead the next True is in the same segment (NONE_AHEAD if none)."""
    n = len(flags)
    index = np.where(flags, np.arange(n), n)
    ahead = np.minimum.accumulate(index[::-1])[::-1]
    same = (ahead < n) & (segment[np.minimum(ahead, n - 1)] == segment)
    return np.where(same, ahead - np.arange(n), NONE_AHEAD)  # not n: fewer points than a run is no run


def chart(y: np.ndarray, series: np.ndarray, dates: np.ndarray, direction: np.ndarray, options: dict):
    """Per point (already sorted by series and date): point type code (-1 concern, 0 common cause,
    +1 improvement; for neutral direction the side, +1 high / -1 low), lower and upper limits.

    `direction` is +1 (higher is better), -1 (lower) or 0 (neutral) per point.
    """
    n = len(y)
    series_start = np.ones(n, dtype=bool)
    series_start[1:] = series[1:] != series[:-1]
    same_date = ~series_start[1:] & (dates[1:] == dates[:-1])
    if same_date.any():
        raise InputError(f"SPC: facet {NO_FACET!r} has two values for the same date.")
    rebase = _rebase_dates_for(options["rebase"], NO_FACET)
    start = series_start | (np.isin(dates, np.array(sorted(rebase), dtype="datetime64[ns]")) if rebase else False)
    segment = np.cumsum(start) - 1
    segments = int(segment[-1]) + 1 if n else 0
    first = np.flatnonzero(start)
    position = np.arange(n) - first[segment]
    length = np.diff(np.append(first, n))[segment]
    fix = options["fix_after_n_points"]
    baseline = position < fix if fix else np.ones(n, dtype=bool)
    previous = np.empty(n)
    previous[1:] = y[:-1]
    previous[start] = np.nan
    ranges = np.abs(y - previous)
    mean = exact_means(np.where(baseline, y, np.nan), segment, segments)
    base_ranges = np.where(baseline, ranges, np.nan)
    range_parts = decompose(base_ranges)  # the ranges are averaged twice: before and after screening
    amr = exact_means(base_ranges, segment, segments, range_parts)
    if options["screen_outliers"]:
        with np.errstate(invalid="ignore"):
            screened = np.where(base_ranges < SCREEN_CONSTANT * amr[segment], base_ranges, np.nan)
        amr = exact_means(screened, segment, segments, range_parts)
    mean, amr = mean[segment], amr[segment]
    lpl, upl = mean - LIMIT_CONSTANT * amr, mean + LIMIT_CONSTANT * amr
    nlpl, nupl = mean - TWO_SIGMA * amr, mean + TWO_SIGMA * amr
    with np.errstate(invalid="ignore"):
        side = np.nan_to_num(np.sign(y - mean))
        outside = (y > upl) | (y < lpl)
        beyond_two = (y < nlpl) | (y > nupl)
    close = beyond_two if options["two_in_three"] == "mdc_2023" else (~outside & beyond_two)

    trend_length, run_length = options["trend_length"], options["run_length"]
    with np.errstate(invalid="ignore"):
        step = np.sign(y - previous)  # NaN at a segment's first point: it breaks a trend
    rising, falling = run_lengths(step == 1), run_lengths(step == -1)
    trend_marker = (rising >= trend_length - 1) | (falling >= trend_length - 1)
    trend = _next_within(trend_marker, segment) <= trend_length - 1
    above, below = run_lengths(side == 1, start), run_lengths(side == -1, start)
    side_marker = (above >= run_length) | (below >= run_length)
    one_side = _next_within(side_marker, segment) <= run_length - 1
    window = np.zeros(n + 2, dtype=bool)  # window[k + 2]: points k, k+1, k+2 all in one segment
    if n >= 3:
        whole = segment[2:] == segment[:-2]
        near = close[:-2].astype(int) + close[1:-1] + close[2:]
        sides = side[:-2] + side[1:-1] + side[2:]
        window[2:n] = whole & (near >= 2) & (np.abs(sides) == 3)
    two_three = (window[2:] | window[1:-1] | window[:-2]) & close

    following = np.zeros(n, dtype=bool)
    following[:-1] = ~start[1:] & trend[1:]
    ahead = np.empty(n)
    ahead[:-1] = y[1:] - y[:-1]
    ahead[-1:] = 0
    trend_step = np.where(following, ahead, np.where(position > 0, y - np.nan_to_num(previous), 0))
    sided = np.where(side == 1, 1, -1)
    high = np.select([outside, trend, two_three, one_side], [sided, np.where(trend_step > 0, 1, -1), sided, sided], 0)
    high = np.where(length < options["min_points"], 0, high)
    kind = np.where(direction == 0, high, high * direction)
    return kind, lpl, upl


ICONS = np.array(["common_cause", "neutral_high", "neutral_low", "improvement_high", "improvement_low", "concern_low",
                  "concern_high"], dtype=object)


def icons(kind: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """spc.variation_icon for each point's type code and direction (as codes into ICONS)."""
    return ICONS[np.select(
        [kind == 0, (direction == 0) & (kind > 0), (direction == 0) & (kind < 0),
         (kind > 0) & (direction > 0), (kind > 0) & (direction < 0), (kind < 0) & (direction > 0)],
        [0, 1, 2, 3, 4, 5], 6)]


def assurance(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """spc.assurance_type for each point: None without a target or a direction."""
    out = np.full(len(target), None, dtype=object)
    with np.errstate(invalid="ignore"):
        fail_high, pass_low = target > upl, target < lpl
    known = ~np.isnan(target) & (direction != 0)
    out[known] = "inconsistent"
    up, down = known & (direction > 0), known & (direction < 0)
    out[up & fail_high], out[up & ~fail_high & pass_low] = "consistent_fail", "consistent_pass"
    out[down & fail_high], out[down & ~fail_high & pass_low] = "consistent_pass", "consistent_fail"
    return out
