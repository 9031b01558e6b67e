"""MHA log and CPA extract through a column mapping, and population tables."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from s75xl.cld.periods import parse_period
from s75xl.errors import S75Error
from s75xl.local_extracts import cpa_measures, mha_measures, read_mapping
from s75xl.populations import population_for, read_populations

QUARTER = parse_period("Q1-2024-25")


def mha_log(tmp_path):
    rows = [  # date, age, outcome, s136, cto  -- counted in Q1 2024-25 (April to June) unless said
        ("2024-04-03", 34, "Admitted - Section 2", "No", "No"),
        ("2024-04-20", 71, "Admitted - Section 3", "No", "Yes"),
        ("2024-05-02", 45, "Admitted - Informal", "Yes", "No"),
        ("2024-05-15", 29, "Not admitted", "Yes", "No"),
        ("2024-06-30", 80, "not admitted", "No", "No"),  # case differs from the mapping: still matched
        ("2024-07-01", 50, "Admitted - Section 2", "No", "No"),  # July: outside the quarter
    ]
    path = tmp_path / "mha.csv"
    pd.DataFrame(rows, columns=["Assessment Date", "Age", "Outcome", "Section 136", "On CTO"]).to_csv(path, index=False)
    return path


def test_mha_measures(tmp_path):
    got = {r["measure"]: (r["numerator"], r["denominator"]) for r in mha_measures(mha_log(tmp_path), QUARTER, read_mapping())}
    assert got["HAV-22"] == (5, None) and got["HAV-23"] == (2, None) and got["HAV-24"] == (2, 5)
    assert got["HAV-25"] == (1, None) and got["HAV-26"] == (2, None) and got["HAV-27"] == (2, 5)
    assert got["HAV-28"] == (3, None) and got["HAV-29"] == (2, None)
    assert got["HAV-30"] == (2, None) and got["HAV-31"] == (2, 5) and got["HAV-32"] == (1, None)


def test_cpa_measures(tmp_path):
    rows = [  # as at 30 June 2024: seen in June? reviewed in 12 months? carer? carer assessed in 12 months?
        ("2024-06-10", "2024-01-05", "Yes", "2024-02-01"),  # seen, reviewed, carer assessed
        ("2024-05-31", "2023-05-01", "Yes", "2023-01-01"),  # not seen in June, review overdue, assessment out of date
        ("2024-06-30", "2023-07-01", "No", None),           # seen, reviewed (just), no carer
    ]
    path = tmp_path / "cpa.csv"
    pd.DataFrame(rows, columns=["Last Contact Date", "Last CPA Review Date", "Carer Identified", "Carer Assessment Date"]).to_csv(path, index=False)
    got = {r["measure"]: (r["numerator"], r["denominator"]) for r in cpa_measures(path, QUARTER, read_mapping())}
    assert got == {"HAV-18": (2, None), "HAV-19": (2, None), "HAV-20": (2, 3), "HAV-21": (1, 2)}


def test_a_council_mapping_with_other_column_names(tmp_path):
    path = tmp_path / "log.csv"
    pd.DataFrame({"Date seen": ["2024-04-02"], "DOB": ["1950-01-01"], "Result": ["S2"]}).to_csv(path, index=False)
    mapping = tmp_path / "mine.toml"
    mapping.write_text(textwrap.dedent("""
        [mha.columns]
        date = "Date seen"
        date_of_birth = "DOB"
        outcome = "Result"
        [mha.codes]
        admitted_section = ["S2", "S3"]
        section_136 = ["S136"]
        """))
    got = {r["measure"]: r["numerator"] for r in mha_measures(path, QUARTER, read_mapping(mapping))}
    assert got["HAV-23"] == 1 and got["HAV-29"] == 1  # aged 74


def test_mapping_errors_name_the_column(tmp_path):
    path = mha_log(tmp_path)
    mapping = tmp_path / "wrong.toml"
    mapping.write_text('[mha.columns]\ndate = "When"\nage = "Age"\noutcome = "Outcome"\n')
    with pytest.raises(S75Error, match="has no column 'When' \\(named for 'date' in the mapping\\)"):
        mha_measures(path, QUARTER, read_mapping(mapping))
    with pytest.raises(S75Error, match="no \\[cpa.columns\\]"):
        cpa_measures(path, QUARTER, read_mapping(mapping))
    with pytest.raises(S75Error, match="does not exist"):
        read_mapping(tmp_path / "none.toml")


def test_populations(tmp_path):
    table = read_populations(__import__("s75xl").__path__[0] + "/data/populations_example.csv")
    assert population_for(table, "E10000020", "18-64", 2016, "2B") == 507_180  # latest earlier year
    with pytest.raises(S75Error, match="2C needs a population for age 65\\+ in 2014"):
        population_for(table, "E10000020", "65+", 2014, "2C")
    bad = tmp_path / "pop.csv"
    bad.write_text("area_code,age_band,year,population\n999,18-64,2024,lots\n")
    with pytest.raises(S75Error, match="row 2"):
        read_populations(bad)


def test_compute_reads_each_log_once_and_gives_each_period_what_the_functions_give(tmp_path, monkeypatch):
    import importlib

    from s75xl import tables
    from s75xl.cld import compute
    from s75xl.synthetic import write

    paths = write(tmp_path / "gen", 300, 3)
    periods = ["2024-25", "Q1-2024-25", "2024-11"]
    reads = []
    original = tables.read_table

    def counting(path, what):
        reads.append(what)
        return original(path, what)

    monkeypatch.setattr(importlib.import_module("s75xl.cld.compute"), "read_table", counting)  # the module, not the function
    results, _, _ = compute([paths["cld"]], periods, mha=paths["mha"], cpa=paths["cpa"])
    assert sorted(reads) == ["CPA extract", "MHA log"]  # once each, not once per period
    mapping = read_mapping()
    for label in periods:
        period = parse_period(label)
        expected = mha_measures(paths["mha"], period, mapping) + cpa_measures(paths["cpa"], period, mapping)
        got = results[results.period == label].set_index("measure")
        for row in expected:
            assert got.at[row["measure"], "numerator"] == row["numerator"], (label, row["measure"])


def test_local_extracts_can_be_imported_before_the_cld_package():
    """The CLD engine uses these measures and this module uses the engine's date helpers: the
    first module imported must not decide whether either loads."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import s75xl.local_extracts"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
