"""Benchmarks from the national ASCOF data files as published (NHS Digital's layout to 2023-24,
DHSC's from 2024-25), and from a simple table of benchmark_<name> columns.

The figures are Norfolk's provisional 2016/17 ASCOF table (Norfolk County Council, Adult Social
Care Committee performance report, June 2017, section 5): Norfolk 2016/17, its 2015/16 value,
the family group, the Eastern region and England, written here in the national files' layouts.
"""

from __future__ import annotations

import pandas as pd
import pytest

from s75xl.catalogue import default_catalogue
from s75xl.errors import S75Error
from s75xl.pack import PackOptions, build_pack
from s75xl.pack.benchmarks_input import read_benchmark_files
from s75xl.pack.national import national_benchmarks, read_national

OLD = ["Geographical Code", "Geographical Description", "Geographical Level", "ONS Code", "ASCOF Measure Code",
       "Disaggregation Level", "Measure Type", "Measure Value", "Measure Group", "Measure Group Description"]
NEW = ["Geographical code", "Geographical description", "Geographical level", "ONS code", "ASCOF measure code",
       "Disaggregation level", "Measure type", "Measure value"]


def old_file(path, rows):
    """NHS Digital's layout: codes with suffixes, 'Measure Group' holding the total's code."""
    out = []
    for geo, name, level, ons, code, kind, value in rows:
        out.append([geo, name, level, ons, code, "", kind, value, code, "description"])
        out.append([geo, name, level, ons, code + "1864", "18-64", kind, "[c]", code, "description"])
    pd.DataFrame(out, columns=OLD).to_csv(path, index=False)
    return path


def new_file(path, rows):
    out = [[geo, name, level, ons, code, "Total", kind, value] for geo, name, level, ons, code, kind, value in rows]
    out += [["104", "Elsewhere", "Local authority", "E06000057", "1E", "18 to 64", "Outcome", "99"]]
    pd.DataFrame(out, columns=NEW).to_csv(path, index=False)
    return path


NORFOLK = ("926", "Norfolk", "Council", "E10000020")
ENGLAND = ("England", "England", "England", "E92000001")
EASTERN = ("E12000006", "Eastern", "Region", "E12000006")


def test_an_old_layout_file_gives_england_region_and_previous_year_by_old_codes(tmp_path):
    # 2016/17: 1C(1A) (an old code, now 3D(1A)) Norfolk 90.9, Eastern 85.1, England 86.9; 2015/16 Norfolk 88.2.
    this = old_file(tmp_path / "meas-from-asc-of-eng-1617.csv", [
        (*NORFOLK, "1C1A", "Outcome", "90.9"), (*EASTERN, "1C1A", "Outcome", "85.1"),
        (*ENGLAND, "1C1A", "Outcome", "86.9"), (*NORFOLK, "1E", "Outcome", "3.4"), (*ENGLAND, "1E", "Outcome", "[x]")])
    last = old_file(tmp_path / "meas-from-asc-of-eng-1516.csv", [(*NORFOLK, "1C1A", "Outcome", "88.2"),
                                                                 (*NORFOLK, "1E", "Outcome", "3.7")])
    table = national_benchmarks([read_national(this), read_national(last)], default_catalogue(), council="Norfolk",
                                region="Eastern")
    row = table[(table["measure"] == "3D(1A)") & (table["year"] == "2016-17")].iloc[0]
    assert (row.benchmark_previous_year, row.benchmark_region, row.benchmark_england) == (88.2, 85.1, 86.9)
    e1 = table[(table["measure"] == "1E") & (table["year"] == "2016-17")].iloc[0]
    assert e1.benchmark_previous_year == 3.7 and pd.isna(e1.benchmark_england)  # [x] is missing, not 0


def test_a_comparator_group_is_worked_out_from_numerators_and_denominators_or_else_their_mean(tmp_path):
    members = [("901", "A", "Local authority", "E1"), ("902", "B", "Local authority", "E2")]
    rows = [(*NORFOLK, "2A", "Outcome", "90.0")]
    rows += [(*members[0], "2A", "Numerator", "80"), (*members[0], "2A", "Denominator", "100"),
             (*members[0], "2A", "Outcome", "80.0"),
             (*members[1], "2A", "Numerator", "270"), (*members[1], "2A", "Denominator", "300"),
             (*members[1], "2A", "Outcome", "90.0")]
    rows += [(*NORFOLK, "3D1A", "Outcome", "50.0"), (*members[0], "3D1A", "Numerator", "[c]"),
             (*members[0], "3D1A", "Denominator", "[c]"), (*members[0], "3D1A", "Outcome", "40.0"),
             (*members[1], "3D1A", "Numerator", "10"), (*members[1], "3D1A", "Denominator", "20"),
             (*members[1], "3D1A", "Outcome", "50.0")]
    path = new_file(tmp_path / "ascof_2024-25.csv", rows)
    table = national_benchmarks([read_national(path)], default_catalogue(), council="926", comparators=["901", "902"])
    pooled = table.set_index("measure")["benchmark_family_group"]
    assert pooled["2A"] == pytest.approx(350 / 400 * 100)  # 87.5, not the mean of 80 and 90 (85)
    assert pooled["3D(1A)"] == pytest.approx(45.0)  # 901's counts are suppressed: the mean of 40 and 50
    notes = " ".join(table.attrs["notes"])
    assert "worked out from the 2 members' numerators and denominators: 2A" in notes
    assert "the mean of 2 of the 2 members' published values" in notes and "3D(1A)" in notes


def test_national_files_reach_the_pack_and_significance_comes_from_the_interval(tmp_path):
    # 2A(1): 80 / 507,180 = 15.8 (95% interval 12.5 to 19.6) against England's 13.3: worse, but not
    # significantly, as Fingertips would say. 1C(1A): 7,244 / 7,968 = 90.9 (90.3 to 91.5) against 86.9:
    # significantly better.
    path = new_file(tmp_path / "ascof_2016-17.csv", [(*NORFOLK, "2A1", "Outcome", "15.8"),
                                                    (*ENGLAND, "2A1", "Outcome", "13.3"),
                                                    (*NORFOLK, "1C1A", "Outcome", "90.9"),
                                                    (*ENGLAND, "1C1A", "Outcome", "86.9")])
    options = PackOptions(pdf=False, council="E10000020")
    bench = read_benchmark_files([path], options)
    results = pd.DataFrame({"area": "Norfolk", "measure": ["2A(1)", "1C(1A)"], "period": "2016-04",
                            "period_end": "2017-03-31", "numerator": [80, 7244], "denominator": [507_180, 7968]})
    result = build_pack(results, benchmarks=bench, out_dir=tmp_path / "pack", options=options)
    rows = result.areas["Norfolk"].measures.set_index("measure")
    assert rows.at["2A(1)", "benchmark_england"] == 13.3 and rows.at["2A(1)", "vs_england"] == "similar"
    assert rows.at["1C(1A)", "vs_england"] == "significantly better"


def test_a_simple_benchmark_table_still_works(tmp_path):
    results = pd.DataFrame({"area": "Norfolk", "measure": "NFK-VS-02", "period": ["2017-02", "2017-03"],
                            "value": [18.1, 19.3]})
    bench = pd.DataFrame({"measure": ["NFK-VS-02"], "period": ["2017-03"], "benchmark_family_group": [13.0]})
    result = build_pack(results, benchmarks=bench, out_dir=tmp_path, options=PackOptions(pdf=False))
    row = result.areas["Norfolk"].measures.iloc[0]
    assert row["vs_family_group"] == "worse"


def test_a_national_file_without_a_year_or_council_is_one_clear_sentence(tmp_path):
    path = new_file(tmp_path / "ascof.csv", [(*NORFOLK, "2A1", "Outcome", "15.8")])
    with pytest.raises(S75Error, match=r"cannot tell which financial year .* ascof_2023-24\.csv"):
        read_national(path)
    good = new_file(tmp_path / "ascof_2016_17.csv", [(*NORFOLK, "2A1", "Outcome", "15.8")])
    with pytest.raises(S75Error, match=r"no council 'Suffolk'"):
        read_benchmark_files([good], PackOptions(council="Suffolk"))
    with pytest.raises(S75Error, match=r"say which council is yours"):
        read_benchmark_files([good], PackOptions())
