"""The exception kind and reasons of every row at once: `ratings.exception_reasons` for a table.

A region's table has tens of thousands of exceptions but far fewer distinct sentences: one value,
target and variance make one "off target" sentence however often it occurs. So each number is
formatted once per distinct value, each sentence is built once per distinct combination of
those numbers, and each row's reasons once per distinct combination of its sentences (joined by
"; " in the order exception_reasons gives them; negative reasons win). The results are `Coded`:
a code per row into a short array of texts, which is how `assess` makes its columns quickly.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .ratings import BUDGET_REASON, RED, RISK_REASON, Thresholds
from .rounding import round_half_away


class Coded(NamedTuple):
    """Texts per row as a code per row into `texts`."""

    codes: np.ndarray
    texts: np.ndarray

    def values(self) -> np.ndarray:
        return self.texts[self.codes]


def exception_words(value: np.ndarray, target: np.ndarray, variance: np.ndarray, rating: np.ndarray, run: np.ndarray,
                    budget: np.ndarray, risk: np.ndarray, decimals: np.ndarray,
                    thresholds: Thresholds) -> tuple[Coded, Coded]:
    """(kind, reasons) per row: "negative", "positive" or "", and the words ("" for neither)."""
    known = ~np.isnan(variance)
    with np.errstate(invalid="ignore"):
        off = (rating == RED) | (known & (variance >= thresholds.off_target_variance_pct))
        beating = known & (-variance >= thresholds.beating_target_pct)
    n = thresholds.consecutive_periods
    worse, better = run <= -n, run >= n
    negative = off | worse | budget | risk
    positive = ~negative & (beating | better)
    kinds = Coded(np.where(negative, 1, np.where(positive, 2, 0)), np.array(["", "negative", "positive"], dtype=object))
    off_rows = np.flatnonzero(off)
    shown_value = rounded_for_display(value[off_rows], decimals[off_rows])  # as displayed, to the measure's decimals
    shown_target = rounded_for_display(target[off_rows], decimals[off_rows])
    off_text = _sentences("off target: ", _formatted(shown_value, "g"), " against a target of ",
                          _formatted(shown_target, "g"), " (", _formatted(variance[off_rows], ".1f"), "% worse)")
    against = _joined(negative, [(off_rows, off_text), _run_words(worse, run, "deteriorated for ", " consecutive periods", -1),
                                 _constant(budget, BUDGET_REASON), _constant(risk, RISK_REASON)])
    beating_rows = np.flatnonzero(beating & positive)
    beating_text = _sentences("beating target by ", _formatted(-variance[beating_rows], ".1f"), "%")
    helping = _joined(positive, [(beating_rows, beating_text),
                                 _run_words(better & positive, run, "improved for ", " consecutive periods", 1)])
    codes = np.where(negative, against.codes + 1, np.where(positive, helping.codes + 1 + len(against.texts), 0))
    return kinds, Coded(codes, np.concatenate([np.array([""], dtype=object), against.texts, helping.texts]))


def rounded_for_display(values, decimals) -> np.ndarray:
    """Values rounded for display in reasons, each to its measure's decimal places."""
    out = np.array(values, dtype=float, copy=True)
    decimals = np.asarray(decimals)
    for places in pd.unique(decimals):
        where = decimals == places
        out[where] = round_half_away(out[where], int(places))
    return out


def _formatted(values: np.ndarray, spec: str) -> Coded:
    """format(v, spec) made once per distinct value; a missing value has the text "" (the last)."""
    if spec == ".1f":
        return _one_place(np.asarray(values, dtype=float))
    codes, distinct = pd.factorize(values)
    return Coded(codes, np.array([format(v, spec) for v in np.asarray(distinct).tolist()] + [""], dtype=object))


def _one_place(values: np.ndarray) -> Coded:
    """format(v, ".1f") made once per distinct text rather than per distinct value (variances
    are nearly all distinct, their texts are not). Below 1e7, where 10 v is not within 1e-6 of
    a half, the text is the sign and the nearest integer to 10 |v| (the float product is within
    2e-9 of the exact one, so that integer is exact), and format gives the same for the double
    nearest to it over 10. Every other value (near a half, huge, infinite) is formatted itself."""
    with np.errstate(invalid="ignore"):
        scaled = np.abs(values) * 10
        nearest = np.floor(scaled + 0.5)
        plain = (np.abs(values) < 1e7) & (np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6)  # NaN: not plain
    key = np.where(plain, nearest, 0).astype(np.int64) * 2 + np.signbit(values)  # -0.0 and 0.0 are two texts
    codes, keys = pd.factorize(np.where(plain, key, -1))
    texts = [format(-(k // 2 / 10) if k % 2 else k // 2 / 10, ".1f") if k >= 0 else "" for k in keys.tolist()]
    other = ~plain & ~np.isnan(values)
    if other.any():
        more, distinct = pd.factorize(values[other])
        codes[other] = more + len(texts)
        texts += [format(v, ".1f") for v in distinct.tolist()]
    codes[np.isnan(values)] = len(texts)
    return Coded(codes, np.array(texts + [""], dtype=object))


def _combined(parts: list[Coded]) -> tuple[np.ndarray, np.ndarray]:
    """One dense code per distinct combination of the parts' codes, and a row holding each."""
    combined = np.zeros(len(parts[0].codes), dtype=np.int64)
    for codes, texts in parts:
        combined = pd.factorize(combined * (len(texts) + 1) + codes + 1)[0]
    _, first = np.unique(combined, return_index=True)
    return combined, first


def _sentences(*parts) -> Coded:
    """The parts (literal text, or Coded numbers) joined, once per distinct combination of numbers."""
    combined, first = _combined([part for part in parts if not isinstance(part, str)])
    sentences = np.full(len(first), "", dtype=object)
    for part in parts:
        sentences = sentences + (part if isinstance(part, str) else part.texts[part.codes[first]])
    return Coded(combined, sentences)


def _run_words(where: np.ndarray, run: np.ndarray, before: str, after: str, sign: int) -> tuple[np.ndarray, Coded]:
    rows = np.flatnonzero(where)
    return rows, _sentences(before, _formatted(sign * run[rows], "d"), after)


def _constant(where: np.ndarray, text: str) -> tuple[np.ndarray, Coded]:
    rows = np.flatnonzero(where)
    return rows, Coded(np.zeros(len(rows), dtype=np.int64), np.array([text], dtype=object))


def _joined(kind: np.ndarray, parts: list[tuple[np.ndarray, Coded]]) -> Coded:
    """For the rows of this kind, each part's text (a part: the rows it has text for, and the
    texts) in order, joined by "; "; once per distinct combination of the parts present."""
    here = np.flatnonzero(kind)
    position = np.full(len(kind), -1, dtype=np.int64)
    position[here] = np.arange(len(here))
    per_row = []
    for rows, words in parts:  # each part's codes for the rows of this kind (-1: it says nothing there)
        codes = np.full(len(here), -1, dtype=np.int64)
        keep = position[rows] >= 0
        codes[position[rows[keep]]] = words.codes[keep]
        per_row.append(Coded(codes, words.texts))
    if not len(here):
        return Coded(np.zeros(len(kind), dtype=np.int64), np.array([], dtype=object))
    combined, first = _combined(per_row)
    texts = np.full(len(first), "", dtype=object)
    started = np.zeros(len(first), dtype=bool)
    for codes, words in per_row:
        code = codes[first]
        says = code >= 0
        texts[says & ~started] = words[code[says & ~started]]
        more = says & started
        texts[more] = texts[more] + "; " + words[code[more]]
        started |= says
    codes = np.zeros(len(kind), dtype=np.int64)  # rows of other kinds are not read
    codes[here] = combined
    return Coded(codes, texts)
