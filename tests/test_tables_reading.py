"""normalise_results' shortcuts give what the long way gave: numbers already numeric are kept bit
for bit (and still refused when infinite or too large, naming the row), text columns are worked
on their distinct values with the same result and type, and an empty (float) column of areas or
notes reads as blank text without pandas' warning about filling floats with text."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from s75xl.tables import TableError, blank_for_missing, normalise_results, per_distinct


def test_a_float_column_is_kept_bit_for_bit():
    values = np.array([1 / 3, 0.1 + 0.2, 2.675, -0.0, 1e15, np.nan, 5e-324])
    table = pd.DataFrame({"measure": "1C(1A)", "period": "2024-04", "value": values})
    got = normalise_results(table)["value"].to_numpy()
    assert np.array_equal(got.view(np.int64)[~np.isnan(values)], values.view(np.int64)[~np.isnan(values)])
    assert np.isnan(got[5])


@pytest.mark.parametrize("bad, words", [(np.inf, "infinite"), (-np.inf, "infinite"), (1e16, "too large")])
def test_a_float_column_still_refuses_infinite_and_huge_values_naming_the_row(bad, words):
    table = pd.DataFrame({"measure": "1C(1A)", "period": ["2024-04", "2024-05", "2024-06"], "value": [1.0, bad, 2.0]})
    with pytest.raises(TableError, match=f"row 3, column 'value': {words}"):
        normalise_results(table)


@pytest.mark.parametrize("column", [
    pd.Series([" Norfolk", "Suffolk ", None, " Norfolk", ""]),
    pd.Series([" Norfolk", "Suffolk ", None, " Norfolk", ""], dtype="string"),
    pd.Series([1, 1.0, True, " a ", None], dtype=object),  # one value to a hash table, three texts
    pd.Series([np.nan, np.nan]),
    pd.Series([], dtype=object),
])
def test_per_distinct_gives_the_whole_column_transform(column):
    def transform(c):
        return blank_for_missing(c).str.strip()
    column.index = column.index * 3 + 7
    pd.testing.assert_series_equal(per_distinct(column, transform), transform(column))


def test_an_empty_area_or_note_column_reads_as_blank_without_a_warning():
    table = pd.DataFrame({"area": [np.nan, np.nan], "measure": "1C(1A)", "period": ["2024-04", "2024-05"],
                          "value": [1.0, 2.0], "budget_flag": [np.nan, np.nan]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = normalise_results(table)
    assert out["area"].tolist() == ["", ""] and out["budget_flag"].tolist() == [False, False]
