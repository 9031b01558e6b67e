"""Small-number suppression and rounding for publication, as named, selectable policies.

The rules are NHS Digital's and DHSC's ASCOF publication rules (shared/reference/ascof.md
section 7, all [S] from the production code and the 2018-19 CSV notes):

================================  ===========================================================
policy                            what it does
================================  ===========================================================
``survey-base-below-3``           ASCS/SACE: numerator, denominator, value, limits and base
                                  are suppressed where the base (respondents) is below 3
``survey-round-to-5``             ASCS/SACE, recent releases: numerator, denominator and base
                                  rounded to the nearest 5
``ld-total-denominator-below-5``  1E/1G totals: numerator and denominator suppressed where the
                                  denominator is below 5
``ld-breakdown-denominator-below-5``  1E/1G gender breakdowns: numerator, denominator and value
                                  suppressed where the denominator is below 5
``hes-denominator``               2B(2): the HES denominator is rounded to the nearest 5 and
                                  suppressed where below 8
``dhsc-dashboard-below-6``        DHSC CLD dashboards: numerators and denominators below 6 are
                                  set to 0
``suppress-below``                generic: everything about a row is suppressed where its
                                  numerator or denominator is below ``threshold`` (default 5)
``round-to-5``                    generic: numerator and denominator rounded to the nearest 5
================================  ===========================================================

Zero denominators always show ``[x]`` as the value (ascof.md section 7). All conditions are
judged on the unrounded figures; then roundings are applied; then suppressed cells become
``[c]``. The input table is never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import SuppressionPolicyError
from .rounding import round_half_away

SUPPRESSED = "[c]"
ZERO_DENOMINATOR = "[x]"
FIGURES = ("numerator", "denominator", "value", "ci_lower", "ci_upper", "base")
LIMITS = ("ci_lower", "ci_upper")


@dataclass(frozen=True)
class Action:
    """What a policy asks for: cells to blank out, columns to round, values to replace."""

    masks: dict[str, pd.Series]
    rounding: dict[str, int]  # column -> round to nearest this many
    zeroed: dict[str, pd.Series]


def _need(table: pd.DataFrame, column: str, policy: str) -> pd.Series:
    if column not in table:
        raise SuppressionPolicyError(f"Suppression policy {policy!r} needs a {column!r} column.")
    return pd.to_numeric(table[column], errors="coerce")


def _below(series: pd.Series, limit: float) -> pd.Series:
    return (series < limit).fillna(False)


def _survey_base(table, threshold):
    hit = _below(_need(table, "base", "survey-base-below-3"), 3)
    return Action({c: hit for c in FIGURES}, {}, {})


def _survey_round(table, threshold):
    return Action({}, {"numerator": 5, "denominator": 5, "base": 5}, {})


def _ld_total(table, threshold):
    hit = _below(_need(table, "denominator", "ld-total-denominator-below-5"), 5)
    return Action({"numerator": hit, "denominator": hit}, {}, {})


def _ld_breakdown(table, threshold):
    hit = _below(_need(table, "denominator", "ld-breakdown-denominator-below-5"), 5)
    return Action({c: hit for c in ("numerator", "denominator", "value", *LIMITS)}, {}, {})


def _hes(table, threshold):
    hit = _below(_need(table, "denominator", "hes-denominator"), 8)
    return Action({"denominator": hit}, {"denominator": 5}, {})


def _dhsc_dashboard(table, threshold):
    zeroed = {c: _below(_need(table, c, "dhsc-dashboard-below-6"), 6) for c in ("numerator", "denominator")}
    return Action({}, {}, zeroed)


def _generic_below(table, threshold):
    limit = 5 if threshold is None else threshold
    hit = _below(_need(table, "numerator", "suppress-below"), limit)
    if "denominator" in table:
        hit = hit | _below(pd.to_numeric(table["denominator"], errors="coerce"), limit)
    return Action({c: hit for c in FIGURES}, {}, {})


def _generic_round(table, threshold):
    return Action({}, {"numerator": 5, "denominator": 5}, {})


POLICIES: dict[str, Callable[[pd.DataFrame, float | None], Action]] = {
    "survey-base-below-3": _survey_base,
    "survey-round-to-5": _survey_round,
    "ld-total-denominator-below-5": _ld_total,
    "ld-breakdown-denominator-below-5": _ld_breakdown,
    "hes-denominator": _hes,
    "dhsc-dashboard-below-6": _dhsc_dashboard,
    "suppress-below": _generic_below,
    "round-to-5": _generic_round,
}


def suppress(results: pd.DataFrame, policies: str | Iterable[str], *, threshold: float | None = None) -> pd.DataFrame:
    """A copy of the results table with the named suppression policies applied.

    Adds a boolean ``suppressed`` column (True where any cell of the row became ``[c]``).

    >>> t = pd.DataFrame({"numerator": [2, 40], "denominator": [9, 61], "value": [22.2, 65.6]})
    >>> suppress(t, "suppress-below", threshold=3)["numerator"].tolist()
    ['[c]', 40]
    """
    names = [policies] if isinstance(policies, str) else list(policies)
    for name in names:
        if name not in POLICIES:
            raise SuppressionPolicyError(
                f"Unknown suppression policy {name!r}; choose from {', '.join(POLICIES)}.")
    if threshold is not None and (not np.isfinite(threshold) or threshold <= 0):
        raise SuppressionPolicyError("The suppression threshold must be a positive number.")
    actions = [POLICIES[name](results, threshold) for name in names]
    out = results.copy()
    for action in actions:
        for column, step in action.rounding.items():
            if column in out:
                numbers = pd.to_numeric(out[column], errors="coerce")
                out[column] = round_half_away(numbers / step, 0) * step
        for column, hit in action.zeroed.items():
            out.loc[hit, column] = 0
    masked = pd.Series(False, index=out.index)
    for action in actions:
        for column, hit in action.masks.items():
            if column in out and hit.any():
                out[column] = out[column].astype(object)
                out.loc[hit, column] = SUPPRESSED
                masked |= hit
    if "denominator" in results and "value" in out:
        zero = (pd.to_numeric(results["denominator"], errors="coerce") == 0) & ~masked
        if zero.any():
            out["value"] = out["value"].astype(object)
            out.loc[zero, "value"] = ZERO_DENOMINATOR
    out["suppressed"] = masked
    return out


DERIVED = {"rag": None, "variance_pct": np.nan, "exception": "", "exception_reasons": ""}


def hide_derived(suppressed: pd.DataFrame) -> pd.DataFrame:
    """An assessed table after `suppress`, with what was worked out from a suppressed figure
    blanked too (its RAG, its variance from target, and its exception, whose reason quotes the
    figure), so a published table cannot give the figure away. Other rows are untouched."""
    hidden = suppressed["suppressed"].astype(bool) if "suppressed" in suppressed else None
    if hidden is None or not hidden.any():
        return suppressed
    out = suppressed.copy()
    for column, blank in DERIVED.items():
        if column in out:
            if blank is not np.nan:
                out[column] = out[column].astype(object)
            out.loc[hidden, column] = blank
    return out
