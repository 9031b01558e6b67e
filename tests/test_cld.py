"""CLD: the hand-built fixture gives every hand-worked figure, in Release 1 and Release 2 wording
alike; the NHSE options differ where documented; bad files give one clear error or a
data-quality entry; no personal data reaches the output."""

from __future__ import annotations

import pandas as pd
import pytest

from s75xl.cld import compute, parse_period, read_cld
from s75xl.cld.vocab import CODED_FIELDS, LOOKUPS, normalise_codes, value_key
from s75xl.errors import S75Error

from . import cld_fixture as F


def run(tmp_path, frame, name="cld.csv", **kwargs):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    results, quality, warnings = compute([path], "2024-25", population=F.POPULATION, **kwargs)
    return results, quality, warnings


def figures(results):
    return {(r.measure, r.breakdown): (r.numerator, None if pd.isna(r.denominator) else r.denominator)
            for r in results.itertuples()}


def test_every_hand_worked_figure(tmp_path):
    results, quality, warnings = run(tmp_path, F.release_2())
    got = figures(results)
    for key, expected in F.EXPECTED.items():
        assert got[key] == expected, key
    assert warnings == []
    assert quality.rows_read == len(F.ROWS)


def test_release_1_wording_gives_identical_results(tmp_path):
    r2, _, _ = run(tmp_path, F.release_2(), "r2.csv")
    r1, _, _ = run(tmp_path, F.release_1(), "r1.csv")
    pd.testing.assert_frame_equal(r1, r2)
    assert (F.release_1()["Service Type"] == "Long Term Support: Community").any()  # the wording really differs


def test_values_and_intervals_are_added(tmp_path):
    results, _, _ = run(tmp_path, F.release_2())
    row = results[(results.measure == "2C")].iloc[0]
    assert row.value == pytest.approx(5.0)  # 2 admissions per 40,000 people aged 65+
    assert row.ci_lower < row.value < row.ci_upper
    row = results[(results.measure == "2A") & (results.breakdown == "Total")].iloc[0]
    assert row.value == pytest.approx(60.0)


def test_nhse_method_differs_where_documented(tmp_path):
    results, _, _ = run(tmp_path, F.release_2(), method="nhse")
    got = figures(results)
    # age at the year end puts person 15 (64 at admission, 65 by March) in 2C; "new" means no earlier
    # placement at all, so person 16 (placed in 2022) is no longer new
    assert got[("2B", "18-64")] == (1, 100_000) and got[("2C", "65+")] == (2, 40_000)


def test_mental_health_filter_for_havering(tmp_path):
    frame = F.release_2()
    frame.loc[frame["LA Person Unique Identifier"] == "P12", "Primary Support Reason"] = "Mental Health Support"
    results, _, _ = run(tmp_path, frame, psr="Mental Health Support")
    got = figures(results)
    mh = "Mental Health Support"
    assert got[("S75-RES-OPEN-START", mh)] == (1, None) and got[("S75-RES-NEW", mh)] == (1, None)
    assert got[("S75-RES-ENDED", mh)] == (1, None) and got[("S75-RES-OPEN-END", mh)] == (1, None)


def test_several_files_latest_version_wins(tmp_path):
    frame = F.release_2()
    earlier = frame.copy()
    earlier["Reporting Period End Date"] = "2024-12-31"
    # in the earlier file person 21's service was still open; the later file closes it
    earlier.loc[earlier["LA Person Unique Identifier"] == "P21", "Event End Date"] = None
    earlier.to_csv(tmp_path / "q3.csv", index=False)
    frame.to_csv(tmp_path / "q4.csv", index=False)
    both, quality, _ = compute([tmp_path / "q3.csv", tmp_path / "q4.csv"], "2024-25", population=F.POPULATION)
    single, _, _ = run(tmp_path, frame)
    pd.testing.assert_frame_equal(both, single)
    assert quality.counts[("dropped", "earlier version of the same event (latest file wins)")] == len(frame)


def test_no_personal_data_in_outputs(tmp_path):
    results, quality, _ = run(tmp_path, F.release_2())
    text = results.to_csv() + quality.table().to_csv()
    for secret in ("9990000001", "Person1", "P21"):
        assert secret not in text
    events, _ = read_cld([tmp_path / "cld.csv"])
    assert not {"nhs_number", "first_name", "last_name", "la_person_unique_identifier", "postcode"} & set(events.columns)
    assert pd.api.types.is_numeric_dtype(events["person_id"])  # plain numbers, not NHS numbers or local IDs
    assert events["person_id"].max() < events["person_id"].nunique()


def test_person_id_rules(tmp_path):
    frame = F.release_2()
    # person 17's second row lacks the NHS number: DHSC links by LA ID as another person; NHSE drops it
    extra = frame[frame["LA Person Unique Identifier"] == "P17"].iloc[[0]].assign(**{"NHS Number": None, "Event Start Date": "2024-07-01"})
    frame = pd.concat([frame, extra], ignore_index=True)
    frame.to_csv(tmp_path / "ids.csv", index=False)
    dhsc, q1 = read_cld([tmp_path / "ids.csv"])
    nhse, q2 = read_cld([tmp_path / "ids.csv"], person_id_rule="nhse")
    assert len(dhsc) == len(frame) and len(nhse) == len(frame) - 1
    assert ("dropped", "LA ID also used with an NHS number (NHSE rule)") in q2.counts


@pytest.mark.parametrize("text, start, end", [("2024-25", "2024-04-01", "2025-03-31"), ("2024-09", "2024-09-01", "2024-09-30"),
                                              ("Q2-2024-25", "2024-07-01", "2024-09-30"),
                                              ("rolling-12:2025-03", "2024-04-01", "2025-03-31")])
def test_periods(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (pd.Timestamp(start), pd.Timestamp(end))


def test_bad_period():
    with pytest.raises(S75Error, match="is not a period"):
        parse_period("last year")


def test_codes_are_matched_forgivingly():
    raw = pd.Series(["LONG TERM SUPPORT: COMMUNITY", " long  term support – community ", "Long Term Support: Community", "Longterm", None])
    mapped, invalid = normalise_codes(raw, "service_type")
    assert mapped.tolist()[:3] == ["Long term support: Community"] * 3
    assert invalid.tolist() == [False, False, False, True, False]
    assert LOOKUPS["event_outcome"][value_key("NFA - Information & Advice / Signposting only")] == \
        "NFA: Information and advice or signposting"


def test_no_two_release_2_values_share_a_key():
    for field, lists in CODED_FIELDS.items():
        keys = [value_key(v) for v in lists]
        assert len(keys) == len(set(keys)), field


# --- malformed inputs -----------------------------------------------------------------------------

def test_not_a_cld_file(tmp_path):
    path = tmp_path / "budget.csv"
    path.write_text("cost centre,budget\nA1,100\n")
    with pytest.raises(S75Error, match="is not a CLD extract: it has no column 'Event Type'"):
        read_cld([path])


def test_empty_and_missing_files(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(S75Error, match="cannot be read as a table|has no rows"):
        read_cld([path])
    with pytest.raises(S75Error, match="does not exist"):
        read_cld([tmp_path / "nope.csv"])
    with pytest.raises(S75Error, match="No CLD file"):
        read_cld([])


def test_semicolons_and_windows_encoding(tmp_path):
    frame = F.release_2()
    frame.loc[0, "Last Name"] = "Zoë"
    path = tmp_path / "semi.csv"
    frame.to_csv(path, index=False, sep=";", encoding="cp1252")
    events, _ = read_cld([path])
    reference, _ = read_cld([_write(tmp_path, frame)])
    assert len(events) == len(reference)


def _write(tmp_path, frame, name="plain.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_bad_values_are_reported_by_field_with_row_numbers(tmp_path):
    frame = F.release_2()
    frame.loc[3, "Event Start Date"] = "31/02/2024"
    frame.loc[5, "Service Type"] = "Long term support: Spaceship"
    frame.loc[7, "Event Type"] = None
    frame.loc[9, ["NHS Number", "LA Person Unique Identifier"]] = None
    frame = pd.concat([frame, frame.iloc[[10]]], ignore_index=True)  # a duplicate event
    _, quality = read_cld([_write(tmp_path, frame)])
    report = quality.table().set_index(["kind", "field_or_rule"])
    assert report.loc[("invalid", "Event Start Date"), "example_rows"] == "plain.csv row 5"
    assert report.loc[("missing", "Event Start Date"), "count"] == 1  # the bad date is then missing
    assert report.loc[("invalid", "Service Type"), "example_rows"] == "plain.csv row 7"
    assert report.loc[("missing", "Event Type"), "count"] == 1
    assert report.loc[("dropped", "no NHS number or LA person ID"), "count"] == 1
    assert report.loc[("dropped", "earlier version of the same event (latest file wins)"), "count"] == 1
    assert report.loc[("dropped", "no event type or start date"), "count"] == 2


def test_example_rows_name_the_file_and_its_own_row_number(tmp_path):
    first, second = F.release_2(), F.release_2()
    first.loc[2, "Event Start Date"] = "31/02/2024"
    second.loc[6, "Event Start Date"] = "not a date"
    second.loc[8, "Service Type"] = "Long term support: Spaceship"
    _, quality = read_cld([_write(tmp_path, first, "q1.csv"), _write(tmp_path, second, "q2.csv")])
    report = quality.table().set_index(["kind", "field_or_rule"])
    assert report.loc[("invalid", "Event Start Date"), "example_rows"] == "q1.csv row 4; q2.csv row 8"
    assert report.loc[("invalid", "Service Type"), "example_rows"] == "q2.csv row 10"


def test_xlsx_and_parquet_and_excel_serial_dates(tmp_path):
    frame = F.release_2()
    reference, _ = read_cld([_write(tmp_path, frame)])
    serial = frame.copy()
    serial["Event Start Date"] = (pd.to_datetime(serial["Event Start Date"]) - pd.Timestamp("1899-12-30")).dt.days.astype(str)
    xlsx = tmp_path / "cld.xlsx"
    serial.to_excel(xlsx, index=False)
    from_xlsx, _ = read_cld([xlsx])
    parquet = tmp_path / "cld.parquet"
    frame.astype(str).replace({"None": None, "nan": None}).to_parquet(parquet)
    from_parquet, _ = read_cld([parquet])
    for other in (from_xlsx, from_parquet):
        assert other["event_start_date"].tolist() == reference["event_start_date"].tolist()
