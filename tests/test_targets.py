"""Target profiles, each worked by hand in the comments."""

from __future__ import annotations

import pytest

from s75xl.errors import InputError
from s75xl.targets import financial_year_of, month_of_year, profiled_target

# Last year's monthly admissions (April..March), summing to 120: a seasonal shape.
SHAPE = [8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 10, 10]


def test_months_of_the_financial_year():
    assert month_of_year("2016-04-30") == 1 and month_of_year("2016-09-30") == 6 and month_of_year("2017-03-31") == 12
    assert financial_year_of("2017-03-31") == 2016 and financial_year_of("2017-04-01") == 2017
    assert month_of_year("2017-01-31", year_start_month=1) == 1  # a calendar-year council


def test_flat():
    assert profiled_target("flat", 16.5, 1) == profiled_target("flat", 16.5, 12) == 16.5


def test_linear_from_baseline_to_target():
    # baseline 84, target 90: 0.5 a month; September (month 6) = 84 + 6 x 0.5 = 87
    assert profiled_target("linear", 90, 6, baseline=84) == 87.0
    assert profiled_target("linear", 90, 12, baseline=84) == 90.0
    # a falling target (admissions 65+): 616.4 -> 573.3, April = 616.4 - 43.1/12 = 612.808...
    assert profiled_target("linear", 573.3, 1, baseline=616.4) == pytest.approx(612.8083333)


def test_quarterly_steps():
    # baseline 80, target 92: +3 a quarter; May is Q1 = 83, September Q2 = 86, January Q4 = 92
    assert [profiled_target("quarterly", 92, m, baseline=80) for m in (2, 6, 10)] == [83.0, 86.0, 92.0]


def test_seasonal_scales_last_years_shape_to_the_year_end():
    # March of the shape is 10 and the target 15: factor 1.5; December (month 9) = 12 x 1.5 = 18
    assert profiled_target("seasonal", 15, 9, shape=SHAPE) == 18.0
    assert profiled_target("seasonal", 15, 12, shape=SHAPE) == 15.0


def test_cumulative_year_to_date_share():
    # target 150 admissions; September's share = (8+8+9+9+10+10) / 120 = 54/120 -> 67.5
    assert profiled_target("cumulative", 150, 6, shape=SHAPE) == 67.5
    assert profiled_target("cumulative", 150, 12, shape=SHAPE) == 150.0
    assert profiled_target("cumulative", 120, 3) == 30.0  # even shape: 3/12 of 120


def test_explicit_monthly_values():
    values = [95, 95, 95, 94, 94, 94, 93, 93, 93, 95, 95, 95]
    assert profiled_target("monthly", None, 7, shape=values) == 93.0


@pytest.mark.parametrize("args, words", [
    (("weekly", 1, 1), "Unknown target profile"), (("linear", 90, 3), "needs a baseline"),
    (("seasonal", 15, 3), "needs last year's twelve"), (("monthly", 1, 1), "twelve monthly targets"),
    (("flat", 1, 13), "1 to 12"),
])
def test_bad_profiles(args, words):
    with pytest.raises(InputError, match=words):
        profiled_target(*args)
    with pytest.raises(InputError, match="twelve monthly values"):
        profiled_target("seasonal", 1, 1, shape=[1, 2, 3])
