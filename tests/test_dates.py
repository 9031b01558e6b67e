"""Dates in results and targets tables: each form read by its own rule, ISO always year-month-day.

pandas 3 reads "2024-04-01" as 4 January 2024 when asked for day-first text; every form here is
read by s75xl.dates' own rules, so the installed pandas cannot move a period again.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from s75xl.dates import DateReadError, read_dates
from s75xl.tables import TableError, normalise_results


def _days(reading):
    return [d.strftime("%Y-%m-%d") for d in reading.dates]


@pytest.mark.parametrize("values, expected", [
    (["2024-04-01", "2024-12-01"], ["2024-04-01", "2024-12-01"]),           # ISO is never day-first
    (["2024-04-01T00:00:00", "2024-04-01 00:00:00"], ["2024-04-01"] * 2),  # ISO with a midnight time
    (["2024/04/01"], ["2024-04-01"]),
    (["2024-04", "2025-3"], ["2024-04-01", "2025-03-01"]),                  # months
    (["13/04/2024", "01/05/2024"], ["2024-04-13", "2024-05-01"]),          # day-first, proved by 13
    (["1.4.2024", "31-03-2025"], ["2024-04-01", "2025-03-31"]),            # dots and dashes
    (["01/04/24"], ["2024-04-01"]),                                         # two-digit years
    ([45383, 45747], ["2024-04-01", "2025-03-31"]),                        # Excel serial numbers
    (["45383", "45383.0"], ["2024-04-01"] * 2),                            # serials as text
    ([61], ["1900-03-01"]),                                                 # the first serial past Excel's phantom 29/02/1900
    ([dt.datetime(2024, 4, 1), pd.Timestamp("2025-03-31"), dt.date(2024, 6, 30)], ["2024-04-01", "2025-03-31", "2024-06-30"]),
    (["Apr 2024", "April-2024", "sept 24", "MAR 2025"], ["2024-04-01", "2024-04-01", "2024-09-01", "2025-03-01"]),
    (["29/02/2024"], ["2024-02-29"]),                                       # a real leap day
])
def test_each_form_reads_as_written(values, expected):
    assert _days(read_dates(values)) == expected


def test_an_ambiguous_column_is_read_day_first_and_the_user_is_told():
    reading = read_dates(["01/04/2024", "01/07/2024"], "period_start")
    assert _days(reading) == ["2024-04-01", "2024-07-01"]
    assert len(reading.notes) == 1 and "day/month/year" in reading.notes[0] and "period_start" in reading.notes[0]


def test_a_column_that_can_only_be_month_first_is_read_so_and_the_user_is_told():
    reading = read_dates(["04/13/2024", "05/01/2024"])
    assert _days(reading) == ["2024-04-13", "2024-05-01"]
    assert "month/day/year" in reading.notes[0]


def test_unambiguous_forms_give_no_note_and_a_mixed_column_says_so():
    assert read_dates(["2024-04-01", "2024-05-01"]).notes == []
    assert read_dates(["13/04/2024"]).notes == []
    mixed = read_dates(["2024-04-01", 45413, "13/05/2024"])
    assert _days(mixed) == ["2024-04-01", "2024-05-01", "2024-05-13"]
    assert any("mixes" in note for note in mixed.notes)


@pytest.mark.parametrize("values, position, words", [
    (["2024-04-01", "31/02/2024"], 1, "not a date"),        # no 31 February
    (["2023-02-29"], 0, "not a date"),                      # not a leap year
    (["2024-13-01"], 0, "not a date"),
    (["yesterday"], 0, "not a date"),
    ([True], 0, "not a date"),
    ([45383.5], 0, "not a date"),                           # part of a day is not a period start
    (["9999-12-31"], 0, "not a date"),                      # beyond what pandas' dates hold
    ([2958465], 0, "not a date"),
    ([60], 0, "not a date"),                                # Excel's phantom 29/02/1900
    (["13/04/2024", "04/13/2024"], 1, "mixes"),             # both orders in one column
])
def test_what_is_not_a_date_is_refused_at_its_position(values, position, words):
    with pytest.raises(DateReadError, match=words) as caught:
        read_dates(values)
    assert caught.value.position == position


def test_blanks_stay_blank():
    reading = read_dates(["2024-04-01", None, "", np.nan])
    assert reading.dates.isna().tolist() == [False, True, True, True]


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2261, 12, 31)))
def test_every_form_of_one_day_gives_that_day(day):
    serial = (dt.date(day.year, day.month, day.day) - dt.date(1899, 12, 30)).days
    forms = [day.isoformat(), f"{day:%d/%m/%Y}", serial, str(serial), dt.datetime(day.year, day.month, day.day)]
    for form in forms:
        assert read_dates([form, "13/01/2000"]).dates.iloc[0] == pd.Timestamp(day), form


def test_a_results_table_reads_iso_as_iso_and_names_the_row_of_a_bad_date():
    frame = pd.DataFrame({"measure": ["2A(1)"] * 2, "period_start": ["2024-04-01", "2024-05-01"], "value": [1, 2]})
    out = normalise_results(frame)
    assert out["period_start"].dt.month.tolist() == [4, 5]
    assert out["period_end"].dt.strftime("%Y-%m-%d").tolist() == ["2024-04-30", "2024-05-31"]
    frame.attrs["source"] = "results.csv"
    bad = frame.assign(period_start=["2024-04-01", "31/02/2024"])
    with pytest.raises(TableError, match=r"results.csv, row 3, column 'period_start': not a date"):
        normalise_results(bad)


def test_period_kinds_keep_a_year_and_its_rolling_twin_apart():
    frame = pd.DataFrame({"measure": ["2A"] * 4, "value": [1, 2, 3, 4],
                          "period": ["2024-25", "rolling-12:2025-03", "Q4-2024-25", "2025-03"],
                          "period_start": ["2024-04-01", "2024-04-01", "2025-01-01", "2025-03-01"],
                          "period_end": ["2025-03-31", "2025-03-31", "2025-03-31", "2025-03-31"]})
    assert normalise_results(frame)["period_kind"].tolist() == ["year", "rolling 12 months", "quarter", "month"]
