"""The exception kind and reasons of every row at once: `ratings.exception_reasons` for a table.

A region's table has tens of thousands of exceptions but far fewer distinct sentences: one value,
target and variance make one "off target" sentence however often it occurs. So each number is
formatted once per distinct value, each sentence is built once per distinct combination of
those numbers, and rows take theirs by index; only rows that are exceptions get words, and a row's
reasons are joined by "; " in the order exception_reasons gives them (negative reasons win).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .ratings import RED, Thresholds
from .rounding import round_half_away

BUDGET = "adversely affecting the budget"
RISK = "adversely affecting a corporate risk"


def exception_words(value: np.ndarray, target: np.ndarray, variance: np.ndarray, rating: np.ndarray, run: np.ndarray,
                    budget: np.ndarray, risk: np.ndarray, decimals: np.ndarray,
                    thresholds: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """(kind, reasons) per row as object arrays: "negative", "positive" or "", and the words."""
    known = ~np.isnan(variance)
    with np.errstate(invalid="ignore"):
        off = (rating == RED) | (known & (variance >= thresholds.off_target_variance_pct))
        beating = known & (-variance >= thresholds.beating_target_pct)
    n = thresholds.consecutive_periods
    worse, better = run <= -n, run >= n
    negative = off | worse | budget | risk
    positive = ~negative & (beating | better)
    kinds = np.where(negative, "negative", np.where(positive, "positive", "")).astype(object)
    reasons = np.full(len(run), "", dtype=object)
    off_rows, off_text = np.flatnonzero(off), np.empty(0, dtype=object)
    if off_rows.size:  # value and target as displayed, rounded to the measure's decimals
        shown_value = rounded_for_display(value[off_rows], decimals[off_rows])
        shown_target = rounded_for_display(target[off_rows], decimals[off_rows])
        off_text = _sentences("off target: ", _formatted(shown_value, "g"), " against a target of ",
                              _formatted(shown_target, "g"), " (", _formatted(variance[off_rows], ".1f"), "% worse)")
    _join(reasons, negative, [(off, off_rows, off_text),
                              (worse, *_run_words(worse, run, "deteriorated for ", " consecutive periods", -1)),
                              (budget, None, BUDGET), (risk, None, RISK)])
    beating_rows = np.flatnonzero(beating & positive)
    beating_text = _sentences("beating target by ", _formatted(-variance[beating_rows], ".1f"), "%")
    _join(reasons, positive, [(beating, beating_rows, beating_text),
                              (better, *_run_words(better & positive, run, "improved for ", " consecutive periods", 1))])
    return kinds, reasons


def rounded_for_display(values, decimals) -> np.ndarray:
    """Values rounded for display in reasons, each to its measure's decimal places."""
    out = np.array(values, dtype=float, copy=True)
    decimals = np.asarray(decimals)
    for places in pd.unique(decimals):
        where = decimals == places
        out[where] = round_half_away(out[where], int(places))
    return out


def _formatted(values: np.ndarray, spec: str) -> tuple[np.ndarray, np.ndarray]:
    """(code per value, text per code) with format(v, spec) made once per distinct value; a
    missing value has code -1 and the text "" (the last entry)."""
    codes, distinct = pd.factorize(values)
    return codes, np.array([format(int(v) if spec == "d" else float(v), spec) for v in distinct] + [""], dtype=object)


def _sentences(*parts) -> np.ndarray:
    """Each row's sentence: the parts (literal text, or numbers as (codes, texts) from _formatted)
    joined, once per distinct combination of the numbers' codes, as object arrays added element-wise."""
    numbers = [part for part in parts if not isinstance(part, str)]
    combined = np.zeros(len(numbers[0][0]), dtype=np.int64)
    for codes, texts in numbers:
        combined = pd.factorize(combined * (len(texts) + 1) + codes + 1)[0]
    _, first = np.unique(combined, return_index=True)
    sentences = np.full(len(first), "", dtype=object)
    for part in parts:
        sentences = sentences + (part if isinstance(part, str) else part[1][part[0][first]])
    return sentences[combined]


def _run_words(where: np.ndarray, run: np.ndarray, before: str, after: str, sign: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.flatnonzero(where)
    return rows, _sentences(before, _formatted(sign * run[rows], "d"), after)


def _join(reasons: np.ndarray, kind: np.ndarray, parts: list) -> None:
    """Write into `reasons`, for the rows of this kind, each part's text where its condition holds,
    in order, joined by "; ". A part is (condition, rows with text, texts) or (condition, None, text)."""
    started = np.zeros(len(reasons), dtype=bool)
    for condition, rows, texts in parts:
        if rows is None:
            rows, texts = np.flatnonzero(condition & kind), np.full(int((condition & kind).sum()), texts, dtype=object)
        else:
            keep = kind[rows]
            rows, texts = rows[keep], texts[keep]
        if not rows.size:
            continue
        more = started[rows]
        reasons[rows[~more]] = texts[~more]
        reasons[rows[more]] = reasons[rows[more]] + "; " + texts[more]
        started[rows] = True
