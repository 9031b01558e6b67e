"""The array helpers the fast CLD engine rests on, each against a plain reference or a worked
example; and the filters and reading details that the figures alone would not catch."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from s75xl.cld import compute, read_cld
from s75xl.cld.columns import parse_dates, person_numbers
from s75xl.cld.common import (OPEN, UNKNOWN_AGE, age_at, band_codes, earlier_max, latest_known, people_of, repeated,
                              running_max, sort_order, sorted_by, ymd)
from s75xl.cld.episodes import pairs_by_person
from s75xl.errors import S75Error
from s75xl.synthetic import write

from . import cld_fixture as F


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-3, 3), st.integers(0, 2)), min_size=1, max_size=40),
       st.sampled_from(["narrow", "open", "wide", "huge"]))
def test_sort_order_is_a_stable_sort_by_the_keys(rows, width):
    keys = [np.array(column, dtype=np.int64) for column in zip(*rows)]
    if width == "open":  # day numbers with the open-ended stand-ins, which are packed next to real days
        keys[1] = np.select([keys[1] == 3, keys[1] == -3], [OPEN, -OPEN], keys[1] + 20_000)
    if width == "wide":  # packed keys fit in an int64 but leave no room for the positions: argsort
        keys[0] = keys[0] * 2**55
    if width == "huge":  # ranges too wide to pack into one int64: the np.lexsort path
        keys[0] = keys[0] * 2**40
        keys[1] = keys[1] * 2**30
    expected = sorted(range(len(rows)), key=lambda i: (*(int(k[i]) for k in keys), i))
    assert sort_order(keys).tolist() == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 2)), min_size=1, max_size=30), st.booleans())
def test_repeated_marks_rows_whose_keys_another_row_shares(rows, huge):
    keys = [np.array(column, dtype=np.int64) for column in zip(*rows)]
    if huge:  # too wide to pack: compared key by key
        keys[0] = keys[0] * 2**62 // 4
        keys[1] = keys[1] * 2**40
    counts = Counter(zip(*(k.tolist() for k in keys)))
    expected = [counts[row] > 1 for row in zip(*(k.tolist() for k in keys))]
    assert repeated(keys, *sorted_by(keys, stable=False)).tolist() == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=30))
def test_people_of_lists_each_person_with_a_masked_row_once(rows):
    person = np.array(sorted(p for p, _ in rows), dtype=np.int32)
    mask = np.array([m for _, m in sorted(rows)], dtype=bool)
    assert people_of(person, mask).tolist() == sorted({int(p) for p, m in zip(person, mask) if m})


def test_latest_known_rules():
    """cld.md 2.6 on five people; codes 0, 1 are values, 2 means Unknown and -1 is blank."""
    person = np.array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    when = np.array([1, 2, 5, 5, 5, 5, 1, 2, 1, 9])
    code = np.array([0, 2,  # person 0: a later Unknown does not beat a known value
                     0, 1,  # person 1: the latest rows tie and disagree: Unknown
                     1, 1,  # person 2: they tie and agree
                     -1, 2,  # person 3: nothing known
                     0, 1])  # person 4: the later known value wins
    got = latest_known(person, {"x": (code, 2)}, [when], 5)["x"]
    assert got.tolist() == [0, 2, 1, 2, 1]


def test_running_and_earlier_max():
    person = np.array([0, 0, 0, 1, 1, 1])
    start = np.array([1, 1, 5, 2, 3, 9])
    end = np.array([4, 10, 6, 3, 2, 8])
    assert running_max(person, end).tolist() == [4, 10, 10, 3, 3, 8]
    # the latest end among the same person's rows starting strictly earlier (rows 0 and 1 share a start)
    assert earlier_max(person, start, end).tolist()[2:] == [10, -10_000_000, 3, 3]
    assert earlier_max(person, start, end)[:2].tolist() == [-10_000_000] * 2


def test_pairs_by_person():
    class Right:
        person = np.array([0, 0, 2, 3, 3, 3])

    left, right = pairs_by_person(np.array([3, 1, 0]), Right)
    assert list(zip(left.tolist(), right.tolist())) == [(0, 3), (0, 4), (0, 5), (2, 0), (2, 1)]


def test_ages_and_bands():
    day = (np.datetime64("2024-02-29") - np.datetime64("1970-01-01")).astype(int)
    assert ymd(np.array([day, 0, -1])).tolist() == [20240229, 19700101, 19691231]
    dob = pd.Series(pd.to_datetime(["1960-03-15", "2006-04-01", None]))
    exact = age_at(dob, pd.Timestamp("2025-03-10"))
    assert exact.iloc[0] == 64 and exact.iloc[1] == 18 and np.isnan(exact.iloc[2])
    # the national proxy: born on the 1st of the month, age = whole days / 365.25
    assert age_at(dob, pd.Timestamp("2025-03-10"), proxy_dob=True).iloc[0] == 65
    assert band_codes(np.array([17, 18, 64, 65, UNKNOWN_AGE])).tolist() == [0, 1, 1, 2, -1]


@pytest.mark.parametrize("storage", ["object", "arrow"])  # arrow: the CSV reader's text, read another way
def test_dates_forgiving_but_never_moved(storage):
    text = pd.Series(["2024-04-01", "01/04/2024", "1/4/2024", "2024-04-01 10:00:00", None, "x", "31/02/2024",
                      "29/02/2024", "29/02/2023", "45383", "45383.0", " 2024-12-31 ", "", "9999-12-31"],
                     dtype=object if storage == "object" else "string[pyarrow]")
    dates, bad = parse_dates(text)
    april = pd.Timestamp("2024-04-01")
    assert dates.iloc[[0, 1, 2, 3, 9, 10]].eq(april).all()
    assert dates.iloc[7] == pd.Timestamp("2024-02-29") and dates.iloc[11] == pd.Timestamp("2024-12-31")
    assert bad.tolist() == [False] * 5 + [True, True, False, True, False, False, False, False, True]


def test_a_column_of_real_yyyy_mm_dd_dates_is_read_fast_and_alike():
    """Arrow's strict cast reads it (every value yyyy-mm-dd and a real day); 9999-12-31 is still
    invalid and a blank still blank, as on the general path."""
    values = ["2024-04-01", None, "2024-02-29", "9999-12-31", "1677-12-31", "2261-12-31"]
    fast = parse_dates(pd.Series(values, dtype="string[pyarrow]"))
    general = parse_dates(pd.Series(values, dtype=object))
    assert fast[0].equals(general[0]) and fast[1].equals(general[1])
    assert fast[1].tolist() == [False, False, False, True, True, False]


def test_nhs_numbers_with_spaces_link_to_the_same_person():
    nhs = pd.Series(["9990000001", "999 000 0001", "12345", None], dtype="string")
    local = pd.Series(["A", "B", "C", None], dtype="string")
    la = pd.Series(["999"] * 4, dtype="string")
    person, dropped = person_numbers(nhs, la, local, "dhsc")
    assert person[0] == person[1] >= 0  # spaces ignored
    assert person[2] >= 0 and person[2] != person[0]  # not an NHS number: linked by the local ID
    assert person[3] == -1 and not dropped.any()


@pytest.mark.parametrize("change, extra_people", [
    ({"row": 0, "to": "999 000 0001"}, 0),  # spaces: the same number
    ({"number": "9990000001", "to": "0999000001"}, 0),  # a leading zero: still ten digits, one person
    ({"row": 1, "to": "1234"}, 1),  # not an NHS number: that row links by its local ID instead
])
def test_csv_nhs_numbers_read_as_numbers_or_as_text_link_alike(tmp_path, change, extra_people):
    """A clean column is parsed as integers; one odd value makes the reader fall back to text,
    and people link exactly as the text rule says."""
    frame = F.release_2()
    plain = tmp_path / "plain.csv"
    frame.to_csv(plain, index=False)
    assert frame.loc[[0, 1, 2], "NHS Number"].tolist() == ["9990000001", "9990000002", "9990000002"]
    if "row" in change:
        frame.loc[change["row"], "NHS Number"] = change["to"]
    else:  # and no local ID to fall back on: the number alone must link these rows
        hit = frame["NHS Number"] == change["number"]
        frame.loc[hit, ["NHS Number", "LA Person Unique Identifier"]] = [change["to"], None]
    odd = tmp_path / "odd.csv"
    frame.to_csv(odd, index=False)
    reference, _ = read_cld([plain])
    events, _ = read_cld([odd])
    assert len(events) == len(reference)
    assert events["person_id"].nunique() == reference["person_id"].nunique() + extra_people
    if not extra_people:
        assert events["person_id"].tolist() == reference["person_id"].tolist()


def test_cp1252_in_a_used_column_and_no_unused_column_read(tmp_path):
    frame = F.release_2()
    frame["Event Outcome"] = frame["Event Outcome"].str.replace("NFA: ", "NFA \u2013 ", regex=False)  # an en dash
    path = tmp_path / "windows.csv"
    frame.to_csv(path, index=False, encoding="cp1252")
    events, quality = read_cld([path])
    reference, _ = read_cld([_utf8_copy(tmp_path)])
    assert events["event_outcome"].tolist() == reference["event_outcome"].tolist()
    assert ("invalid", "Event Outcome") not in quality.counts


def _utf8_copy(tmp_path):
    path = tmp_path / "utf8.csv"
    F.release_2().to_csv(path, index=False)
    return path


def test_filters_are_checked_and_age_bands_add_up(tmp_path):
    paths = write(tmp_path, 600, 11)
    with pytest.raises(S75Error, match="not a CLD primary support reason"):
        compute([paths["cld"]], "2024-25", psr="Spaceship support")
    with pytest.raises(S75Error, match="age band"):
        compute([paths["cld"]], "2024-25", age_band="65 plus")
    forgiving, _, _ = compute([paths["cld"]], "2024-25", psr="mental health support")
    assert set(forgiving[forgiving.measure.str.startswith("S75-")].breakdown) == {"Mental Health Support"}

    def counts(**kwargs):
        results, _, _ = compute([paths["cld"]], "2024-25", **kwargs)
        activity = results[results.measure.str.startswith("S75-")]
        return activity.set_index("measure")[["numerator", "denominator"]].fillna(0)

    every = counts()
    by_band = sum(counts(age_band=band) for band in ("Under 18", "18-64", "65+"))
    pd.testing.assert_frame_equal(by_band, every, check_dtype=False)  # each person is in exactly one band


def test_a_file_whose_every_row_is_dropped_gives_zeros_and_a_warning(tmp_path):
    path = tmp_path / "no_ids.csv"
    F.release_2().assign(**{"NHS Number": None, "LA Person Unique Identifier": None}).to_csv(path, index=False)
    for method in ("dhsc", "nhse"):
        results, quality, warnings = compute([path], "2024-25", population=F.POPULATION, method=method,
                                             psr="Mental Health Support", age_band="65+")
        assert quality.rows_kept == 0 and quality.counts[("dropped", "no NHS number or LA person ID")] == len(F.ROWS)
        assert (results["numerator"] == 0).all() and any("No event was kept" in w for w in warnings)


def test_files_read_differently_still_merge(tmp_path):
    """One file in Release 2 wording with plain NHS numbers (read as integers), another in Release 1
    wording with a spaced NHS number (read as text): the second supersedes every event of the first."""
    first, second = tmp_path / "q3.csv", tmp_path / "q4.csv"
    F.release_2().to_csv(first, index=False)
    later = F.release_1()
    later.loc[0, "NHS Number"] = "999 000 0001"
    later.to_csv(second, index=False)
    both, quality, _ = compute([first, second], "2024-25", population=F.POPULATION)
    single, _, _ = compute([first], "2024-25", population=F.POPULATION)
    pd.testing.assert_frame_equal(both, single)
    assert quality.counts[("dropped", "earlier version of the same event (latest file wins)")] == len(F.ROWS)


def test_tuned_memory_turns_numpy_huge_page_advice_off_and_back():
    from s75xl.cld.memory import _advice_switch, tuned_memory

    switch = _advice_switch()
    assert switch is not None  # numpy 1.24 to 2.x all have it: if it goes, the speed-up goes silently
    before = switch(True)
    try:
        with tuned_memory():
            assert switch(False) is False  # returns the setting it replaces
        assert switch(True) is True  # the advice is back on after the block
    finally:
        switch(before)


def test_tuned_memory_keeps_freed_memory_while_computing_and_gives_it_back_after(monkeypatch):
    from s75xl.cld import memory

    calls = []

    class FakeGlibc:
        def mallopt(self, parameter, value):
            calls.append(("mallopt", parameter, value))
            return 1

        def malloc_trim(self, pad):
            calls.append(("trim", pad))
            return 1

    monkeypatch.setattr(memory, "_glibc", lambda: FakeGlibc())
    with memory.tuned_memory():
        with memory.tuned_memory():  # compute calls read_cld: set once, undone once
            assert calls == [("mallopt", p, v) for p, v in memory.KEEP.items()]
        assert len(calls) == len(memory.KEEP)
    assert calls[len(memory.KEEP):] == [("mallopt", p, v) for p, v in memory.RESTORE.items()] + [("trim", 0)]
    assert memory.KEEP[memory.M_MMAP_THRESHOLD] <= 32 << 20  # older glibc refuses more than half its 64 MiB heap
    assert set(memory.RESTORE) == set(memory.KEEP)  # every setting is undone: none outlasts the computation


@pytest.mark.parametrize("method", ["dhsc", "nhse"])
def test_threads_change_no_figure(tmp_path, monkeypatch, method):
    """Columns, period-independent facts and periods run side by side (parallel.py); one worker
    must give exactly the same table, for months and a year at once."""
    from s75xl.cld import parallel

    paths = write(tmp_path, 800, 5)
    periods = ["2024-25", "2024-06", "2024-11", "Q3-2024-25", "rolling-12:2025-03"]
    monkeypatch.setattr(parallel, "WORKERS", 4)  # threads, whatever this machine's core count
    together, quality, _ = compute([paths["cld"]], periods, method=method, population=paths["population"])
    monkeypatch.setattr(parallel, "WORKERS", 1)
    alone, alone_quality, _ = compute([paths["cld"]], periods, method=method, population=paths["population"])
    pd.testing.assert_frame_equal(together, alone)
    assert quality.table().equals(alone_quality.table())
    assert together["numerator"].sum() > 0


def test_a_person_whose_every_event_starts_after_death_leaves_no_gap_in_person_numbers(tmp_path):
    frame = F.release_2()
    ghost = frame[frame["NHS Number"] == "9990000001"].assign(**{
        "NHS Number": "9990000000", "LA Person Unique Identifier": "P0", "Date of Death": "2020-01-01"})
    path = tmp_path / "ghost.csv"
    pd.concat([ghost, frame], ignore_index=True).to_csv(path, index=False)  # the lowest NHS number: person 0
    events, quality = read_cld([path])
    reference, _ = read_cld([_utf8_copy(tmp_path)])
    assert quality.counts[("dropped", "event starting after the date of death")] == len(ghost)
    assert len(events) == len(reference)
    assert sorted(events["person_id"].unique()) == list(range(reference["person_id"].nunique()))


@pytest.mark.parametrize("column", ["NHS Number", "LA Person Unique Identifier", "Date of Death", "Review Reason"])
def test_a_file_without_an_optional_column_is_read_as_if_it_were_blank(tmp_path, column):
    full, _ = read_cld([_utf8_copy(tmp_path)])
    path = tmp_path / "fewer.csv"
    F.release_2().drop(columns=[column]).to_csv(path, index=False)
    events, quality = read_cld([path])
    assert len(events) == len(full) and events["person_id"].nunique() == full["person_id"].nunique()
    field = {"Date of Death": "date_of_death", "Review Reason": "review_reason"}.get(column)
    if field:
        assert events[field].isna().all() and not full[field].isna().all()
    assert not quality.invalid  # a missing column is not a column of invalid values


@pytest.mark.parametrize("workers", [1, 3])
def test_started_gives_each_result_in_order_and_raises_errors(workers):
    from s75xl.cld.parallel import started

    ran = []

    def piece(n):
        ran.append(n)
        if n == 2:
            raise ValueError("two")
        return n * 10

    with started([lambda n=n: piece(n) for n in range(4)], workers) as results:
        assert results[3]() == 30 and results[0]() == 0
        with pytest.raises(ValueError, match="two"):
            results[2]()
    if workers == 1:  # each piece ran when its result was first asked for, and only once
        assert ran == [3, 0, 2] and results[3]() == 30 and ran == [3, 0, 2]
    else:  # every piece ran, whether or not its result was asked for
        assert sorted(ran) == [0, 1, 2, 3]
    assert results[1]() == 10


def test_a_fact_asked_for_by_several_threads_at_once_is_worked_out_once(tmp_path):
    import threading
    import time

    from s75xl.cld.parallel import run_all
    from s75xl.cld.prepared import Prepared, fact

    calls = []

    class Counting(Prepared):
        @fact
        def slow(self):
            calls.append(threading.get_ident())
            time.sleep(0.05)  # long enough for every thread to ask while the first works
            return object()

    events, _ = read_cld([_utf8_copy(tmp_path)])
    prep = Counting(events)
    got = run_all([lambda: prep.slow for _ in range(4)], workers=4)
    assert len(calls) == 1 and all(value is got[0] for value in got) and prep.slow is got[0]
