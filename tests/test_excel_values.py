"""Reading Excel cells: any mix of numbers, blanks, text, booleans and error values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from s75xl.errors import S75Error
from s75xl.excel_values import excel_date, numbers, with_errors
from s75xl.rates import NUMERATOR_ABOVE_DENOMINATOR, OK, ZERO_DENOMINATOR

CELLS = st.one_of(st.none(), st.just(""), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
                  st.integers(-10**9, 10**9), st.text(max_size=6), st.sampled_from(["#N/A", "#DIV/0!", "1,234", "90%"]))


def expected(cell):
    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        return math.nan, False
    if isinstance(cell, bool):
        return math.nan, True
    if isinstance(cell, (int, float)):
        return float(cell), False
    text = cell.strip().replace(",", "")
    try:
        return (float(text[:-1]) if text.endswith("%") else float(text)), False
    except ValueError:
        return math.nan, True


@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=8))
def test_numbers_reads_every_cell_and_flags_only_non_numbers(rows):
    values, bad = numbers(rows)
    assert values.shape == bad.shape == (len(rows), 3)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            want, want_bad = expected(cell)
            assert bad[i, j] == want_bad or (isinstance(cell, str) and cell.strip().startswith("#"))
            if not bad[i, j]:
                assert (math.isnan(want) and math.isnan(values[i, j])) or values[i, j] == want


def test_errors_are_placed_cell_by_cell():
    values = np.array([[1.0], [np.nan], [np.nan], [np.nan]])
    codes = np.array([[OK], [ZERO_DENOMINATOR], [NUMERATOR_ABOVE_DENOMINATOR], [OK]])
    bad = np.array([[False], [False], [False], [True]])
    assert with_errors(values, codes=codes, bad=bad) == [[1.0], ["#DIV/0!"], ["#VALUE!"], ["#VALUE!"]]
    assert with_errors(np.array([[np.nan, 2.345]]), decimals=1) == [["#N/A", 2.3]]


@pytest.mark.parametrize("value, date", [(42643, "2016-09-30"), (42430.5, "2016-03-01 12:00"),
                                         ("2016-09", "2016-09-01"), ("30/09/2016", "2016-09-30")])
def test_excel_dates(value, date):
    assert excel_date(value) == pd.Timestamp(date)


@pytest.mark.parametrize("value", [None, "", "someday", -3, True])
def test_bad_dates(value):
    with pytest.raises(S75Error):
        excel_date(value)
