"""Nothing silently empty: a fill that writes nothing says why (and --strict fails), a period
outside the extract is refused, and an output's suffix decides its format or is refused."""

from __future__ import annotations

import pandas as pd
import pytest

from s75xl.cli import main
from s75xl.demo import read_shipped_csv

from .test_pipeline_end_to_end import TEMPLATES


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extract")
    assert main(["demo-data", "--people", "400", "--seed", "3", "--out", str(folder)]) == 0
    return folder


def test_a_fill_that_writes_nothing_warns_with_both_sides_periods_and_strict_fails(tmp_path, capsys):
    results = read_shipped_csv("norfolk_results_2016_17.csv")
    moved = results.assign(period=results["period"].str.replace("2016-", "2019-").str.replace("2017-", "2020-"))
    source = tmp_path / "results.csv"
    moved.to_csv(source, index=False)
    template = TEMPLATES / "havering_quarterly_grid.xlsx"
    capsys.readouterr()
    assert main(["fill", str(template), "--results", str(source), "--out", str(tmp_path / "out.xlsx")]) == 0
    out, err = capsys.readouterr()
    assert "Wrote 0 cells" in out
    assert "s75xl: warning: nothing was written: the template shows quarter to Jun 2024" in err
    assert "month Mar 2019" in err and "none of the template's measures" in err
    assert main(["fill", str(template), "--results", str(source), "--out", str(tmp_path / "strict.xlsx"), "--strict"]) == 2
    _, err = capsys.readouterr()
    assert "nothing was written" in err and not (tmp_path / "strict.xlsx").exists()


def test_measures_with_data_only_for_other_periods_are_not_blamed_on_the_data(tmp_path, capsys):
    havering = pd.DataFrame({"measure": ["HAV-18", "HAV-18", "HAV-20"], "value": [200, 210, 40],
                             "period_start": ["2023-04-01", "2023-07-01", "2024-04-01"],
                             "period_end": ["2023-06-30", "2023-09-30", "2024-06-30"]})
    source = tmp_path / "results.csv"
    havering.to_csv(source, index=False)
    capsys.readouterr()
    assert main(["fill", str(TEMPLATES / "havering_quarterly_grid.xlsx"), "--results", str(source),
                 "--out", str(tmp_path / "out.xlsx")]) == 0
    out, err = capsys.readouterr()
    assert "In the data, but not for the periods the template shows: HAV-18." in out
    assert "HAV-18" not in out.split("In the template but not in the data:")[1]
    assert "1 of the template's measures have data only for periods the template does not show (HAV-18)" in err
    assert main(["fill", str(TEMPLATES / "havering_quarterly_grid.xlsx"), "--results", str(source),
                 "--out", str(tmp_path / "strict.xlsx"), "--strict"]) == 2


def test_a_period_outside_the_extract_is_refused(extract, tmp_path, capsys):
    capsys.readouterr()
    code = main(["compute", str(extract / "cld.csv"), "--period", "2030-31", "--out", str(tmp_path / "r.csv")])
    _, err = capsys.readouterr()
    assert code == 2 and "The period 2030-31 (01/04/2030 to 31/03/2031) lies outside the extract's dates" in err
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize("label", ["rolling-12:2025-13", "rolling-12:2025-00", "2024-13", "Q5-2024-25"])
def test_impossible_period_labels_are_one_sentence(extract, tmp_path, capsys, label):
    capsys.readouterr()
    assert main(["compute", str(extract / "cld.csv"), "--period", label, "--out", str(tmp_path / "r.csv")]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "is not a period" in err


def test_outputs_are_written_in_the_format_their_name_says(extract, tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert main(["compute", str(extract / "cld.csv"), "--period", "2024-25", "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"PAR1"
    table = pd.read_parquet(out)
    assert {"measure", "period_start", "value", "note"} <= set(table.columns)
    capsys.readouterr()
    assert main(["assess", str(out), "--out", str(tmp_path / "a.parquet")]) == 0
    assert pd.read_parquet(tmp_path / "a.parquet")["rag"].isna().all()
    assert main(["compute", str(extract / "cld.csv"), "--period", "2024-25", "--out", str(tmp_path / "r.txt")]) == 2
    _, err = capsys.readouterr()
    assert "the name must end in .csv, .xlsx, .parquet" in err and not (tmp_path / "r.txt").exists()
