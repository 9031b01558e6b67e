"""exception_words gives every row exactly what ratings.exception_reasons gives it alone: random
rows with every combination of off target (by RAG or by variance), runs of improvement and
deterioration, budget and risk flags, exact thresholds, missing targets and each decimals."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from s75xl.exception_words import exception_words, rounded_for_display
from s75xl.ratings import Thresholds, adverse_variance_pct, exception_reasons, rag
from s75xl.rounding import round_half_away

tenths = st.integers(0, 2000).map(lambda k: k / 10.0)
rows = st.tuples(tenths, st.one_of(tenths, st.just(np.nan)), st.sampled_from(["higher", "lower", "none"]),
                 st.sampled_from([np.nan, 0.0, 5.0, 10.0]), st.integers(-6, 6), st.booleans(), st.booleans(),
                 st.sampled_from([0, 1, 2, 3]))
thresholds = st.builds(Thresholds, amber_tolerance_pct=st.sampled_from([0.0, 5.0]),
                       off_target_variance_pct=st.sampled_from([0.0, 5.0, 10.0]),
                       beating_target_pct=st.sampled_from([0.0, 5.0]), consecutive_periods=st.integers(1, 4))


@settings(max_examples=200, deadline=None)
@given(st.lists(rows, min_size=1, max_size=80), thresholds)
def test_every_row_gets_the_words_exception_reasons_gives_it(table, settings_):
    value, target, polarity, tolerance, run, budget, risk, decimals = (np.array(c) for c in zip(*table))
    value, target, tolerance = value.astype(float), target.astype(float), np.where(np.isnan(tolerance.astype(float)), 5.0, tolerance)
    variance = adverse_variance_pct(value, target, polarity)
    rating = rag(value, target, polarity, tolerance)
    kinds, reasons = (coded.values() for coded in exception_words(
        value, target, variance, rating, run.astype(np.int64), budget.astype(bool), risk.astype(bool), decimals.astype(int),
        settings_))
    for i in range(len(table)):
        shown_value = round_half_away(value[i], int(decimals[i]))
        shown_target = round_half_away(target[i], int(decimals[i]))
        expected = exception_reasons(shown_value, shown_target, variance[i], rating[i], int(run[i]), bool(budget[i]),
                                     bool(risk[i]), settings_)
        assert (kinds[i], reasons[i]) == expected, (i, table[i])


def test_rounded_for_display_rounds_each_row_to_its_own_places():
    got = rounded_for_display(np.array([2.675, 2.675, 12.25, np.nan]), np.array([2, 1, 1, 0]))
    assert got[:3].tolist() == [2.68, 2.7, 12.3] and np.isnan(got[3])


def test_one_decimal_texts_match_format_everywhere():
    """The ".1f" texts made per distinct rounded value equal format(v, ".1f") for every value:
    halves (exact binary ones such as 0.25 round to even), values a hair either side of a half,
    negative values that round to zero ("-0.0"), both zeros, huge and non-finite values."""
    from s75xl.exception_words import _formatted

    rng = np.random.default_rng(7)
    values = np.concatenate([
        rng.uniform(-1000, 1000, 20_000), np.round(rng.uniform(-100, 100, 5_000), 2), np.arange(-40, 40) / 8,
        np.nextafter(np.arange(-40, 40) / 20, np.inf), np.nextafter(np.arange(-40, 40) / 20, -np.inf),
        [0.0, -0.0, -0.04, 0.04, 0.05, -0.05, 0.15, 0.25, 0.35, 9_999_999.95, 1e7, 1e15, -1e300, np.inf, -np.inf, np.nan]])
    for order in (values, values[::-1]):
        coded = _formatted(order, ".1f")
        expected = ["" if np.isnan(v) else format(v, ".1f") for v in order.tolist()]
        assert coded.values().tolist() == expected
