"""exact_means gives, for every group, exactly spc.exact_mean of the group's values: on the int64
path (figures with a few decimals), on the Python-integer path (magnitudes too far apart for
int64), and at the edge between them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from s75xl.exact_means import _SAFE_BITS, _odd_times_power_of_two, exact_means
from s75xl.spc import exact_mean


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or (a == b and np.signbit(a) == np.signbit(b))


def _check(values: np.ndarray, group: np.ndarray, groups: int) -> None:
    got = exact_means(values, group, groups)
    for g in range(groups):
        expected = exact_mean(values[group == g])
        assert _same(got[g], expected), (g, values[group == g].tolist(), got[g], expected)


finite = st.floats(allow_nan=False, allow_infinity=False)
figures = st.integers(-10**7, 10**7).map(lambda k: k / 10.0)
anything = st.one_of(finite, figures, st.just(0.0), st.just(-0.0), st.just(np.nan), st.just(np.inf),
                     st.just(-np.inf), st.just(5e-324), st.just(2.0**60))


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf - inf, in the reference too
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.one_of(figures, anything)), max_size=60))
def test_every_group_matches_exact_mean(pairs):
    group = np.array([g for g, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=float)
    _check(values, group, 6)


def test_published_figures_sum_in_int64_and_far_apart_magnitudes_in_python_integers():
    rng = np.random.default_rng(3)
    figures = np.round(rng.uniform(0, 1000, 20_000), 1)
    group = np.repeat(np.arange(2_000), 10)
    mantissa, exponent, _ = _odd_times_power_of_two(figures)
    assert (mantissa % 2 != 0)[figures != 0].all() and np.array_equal(np.ldexp(mantissa.astype(float), exponent), figures)
    _check(figures, group, 2_000)
    mixed = figures.copy()
    mixed[::10] = 1e-9  # one tiny value per group: over 62 bits, so those groups take the Python path
    _check(mixed, group, 2_000)
    unsorted = rng.permutation(len(mixed))
    _check(mixed[unsorted], group[unsorted], 2_000)


def test_groups_at_the_int64_limit():
    """Scaled values of exactly _SAFE_BITS - bit_length(count) bits sum in int64, one bit more does not."""
    for count in (1, 2, 3, 4, 7, 8, 13, 1000):
        bits = _SAFE_BITS - int(count).bit_length()
        for extra in (0, 1):
            top = 2.0 ** (bits + extra - 1)  # bit length bits + extra over the smallest value, 1.0
            values = np.array([top * 1.75] + [1.0] * (count - 1) if count > 1 else [top], dtype=float)
            _check(values, np.zeros(count, dtype=np.int64), 1)
            _check(-values, np.zeros(count, dtype=np.int64), 1)


def test_parts_worked_out_once_give_the_same_means():
    from s75xl.exact_means import decompose

    rng = np.random.default_rng(11)
    values = np.round(rng.uniform(0, 50, 3_000), 1)
    values[rng.random(3_000) < 0.1] = np.nan
    group = np.sort(rng.integers(0, 300, 3_000))
    parts = decompose(values)
    screened = np.where(values < 40, values, np.nan)
    for some in (values, screened):
        assert np.array_equal(exact_means(some, group, 300, parts), exact_means(some, group, 300), equal_nan=True)
    shuffled = rng.permutation(3_000)
    assert np.array_equal(exact_means(screened[shuffled], group[shuffled], 300, tuple(p[shuffled] for p in parts)),
                          exact_means(screened, group, 300), equal_nan=True)
