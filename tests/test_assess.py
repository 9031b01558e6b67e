"""The whole assessment on Norfolk's dashboard, the assess command, and bad tables."""

from __future__ import annotations

import pandas as pd
import pytest

from s75xl.assess import assess
from s75xl.cli import main
from s75xl.tables import read_table
from s75xl.demo import read_shipped_csv
from s75xl.ratings import Thresholds
from s75xl.tables import TableError

RESULTS = read_shipped_csv("norfolk_results_2016_17.csv")
TARGETS = read_shipped_csv("norfolk_targets_2016_17.csv")

# Seed 002, executive summary and 4.6: the five vital signs reported by exception in June 2017.
NAMED_EXCEPTIONS = {"NFK-VS-09", "NFK-VS-10", "NFK-VS-11", "NFK-VS-03", "NFK-VS-02"}


@pytest.fixture(scope="module")
def assessed():
    return assess(RESULTS, TARGETS)


def test_norfolk_march_2017_negative_exceptions_are_exactly_the_five_the_report_names(assessed):
    march = assessed[assessed.period_start == "2017-03-01"]
    negative = march[march.exception == "negative"]
    assert set(negative.measure) == NAMED_EXCEPTIONS
    for row in negative.itertuples():
        assert row.exception_reasons.startswith("off target")  # the report's reason for all five
    dtoc = negative.set_index("measure").loc["NFK-VS-09"]
    assert "3.56 against a target of 1.5" in dtoc.exception_reasons
    assert "deteriorated for 4 consecutive periods" in dtoc.exception_reasons


def test_norfolk_ratings_and_directions(assessed):
    march = assessed[assessed.period_start == "2017-03-01"].set_index("measure")
    assert march.loc["NFK-VS-08", "rag"] == "Green"  # 94.2% against 90%
    assert march.loc["NFK-VS-02", "rag"] == "Red" and march.loc["NFK-VS-02", "target"] == 16.5
    assert pd.isna(march.loc["NFK-VS-01", "rag"])  # no target set
    assert march.loc["NFK-VS-02", "direction"] == "worse"  # 18.1 -> 19.3, smaller is better
    assert march.loc["NFK-VS-02", "direction_last_year"] == "better"  # 21.7 in March 2016
    assert march.loc["NFK-VS-03", "spc_assurance"] == "consistent_fail"
    # March 2016 belongs to 2015-16, which has no target here
    assert assessed[(assessed.period_start == "2016-03-01")].rag.isna().all()


def test_values_are_computed_where_only_counts_are_given():
    rows = RESULTS[RESULTS.measure == "NFK-VS-01"].assign(value=None)
    out = assess(rows)
    assert out.value.round(1).tolist() == [86.3, 87.2, 91.8, 89.9, 89.1, 89.4, 91.6, 92.9, 91.0, 91.9, 84.2, 85.8, 88.6]


def test_profiled_targets_change_the_rating_without_the_result_changing():
    results = pd.DataFrame({"measure": "1E", "period": ["2016-09", "2017-03"], "value": [4.6, 4.6]})
    targets = pd.DataFrame({"measure": ["1E"], "year": ["2016-17"], "annual_target": [5.0], "baseline": [4.0],
                            "profile": ["linear"]})
    out = assess(results, targets)
    assert out.target.tolist() == [4.5, 5.0] and out.rag.tolist() == ["Green", "Red"]


def test_positive_exceptions_and_flags():
    results = pd.DataFrame({"measure": "2D", "period": ["2016-11", "2016-12", "2017-01", "2017-02", "2017-03"],
                            "value": [79.0, 80.0, 81.0, 82.0, 90.0], "budget_flag": ["", "", "", "", "yes"]})
    targets = pd.DataFrame({"measure": ["2D"], "year": ["2016-17"], "annual_target": [82.5]})
    out = assess(results, targets).set_index("period_start")
    assert out.loc["2017-02-01", "exception"] == "positive"
    assert out.loc["2017-02-01", "exception_reasons"] == "improved for 3 consecutive periods"
    assert out.loc["2017-03-01", "exception"] == "negative"  # negative reasons win; budget flag set
    assert out.loc["2017-03-01", "exception_reasons"] == "adversely affecting the budget"
    relaxed = assess(results, targets, thresholds=Thresholds(consecutive_periods=4))
    assert (relaxed.exception_reasons.str.contains("consecutive") == False).all()  # noqa: E712


def test_local_measure_with_its_own_polarity():
    results = pd.DataFrame({"measure": "Our bed days", "period": ["2024-04", "2024-05"], "value": [45, 60],
                            "polarity": "lower"})
    out = assess(results, pd.DataFrame({"measure": ["Our bed days"], "year": ["2024-25"], "annual_target": [50]}))
    assert out.rag.tolist() == ["Green", "Red"]


@pytest.mark.parametrize("results, targets, words", [
    (pd.DataFrame({"measure": ["9Z"], "period": ["2024-04"], "value": [1]}), None, "row 2, column 'measure'"),
    (pd.DataFrame({"measure": ["1E"], "period": ["someday"], "value": [1]}), None, "row 2, column 'period_start': not a date"),
    (pd.DataFrame({"measure": ["1E", "1E"], "period": ["2024-04", "2024-05"], "value": [1, "lots"]}), None, "row 3, column 'value': not a number"),
    (pd.DataFrame({"measure": ["1E"], "period": ["2024-04"], "numerator": [5], "denominator": [0]}), None, "row 2: 1E: the denominator is zero"),
    (pd.DataFrame({"measure": ["1E"], "value": [1]}), None, "column 'period_start' is missing"),
    (pd.DataFrame({"measure": ["1E"], "period": ["2024-04"], "value": [1]}),
     pd.DataFrame({"measure": ["1E"], "year": ["2024-26"], "annual_target": [5]}), "row 2, column 'year'"),
    (pd.DataFrame({"measure": ["1E"], "period": ["2024-04"], "value": [1]}),
     pd.DataFrame({"measure": ["1E"], "year": ["2024-25"], "annual_target": [5], "profile": ["wobbly"]}), "column 'profile'"),
    (pd.DataFrame({"measure": ["1E"], "period": ["2024-04"], "value": [1]}),
     pd.DataFrame({"measure": ["1E"], "year": ["2024-25"], "annual_target": [5], "profile": ["linear"]}), "needs a baseline"),
])
def test_bad_tables_name_the_row_and_column(results, targets, words):
    with pytest.raises(TableError, match=words.replace("(", r"\(").replace(")", r"\)")):
        assess(results, targets)


def test_assess_command_writes_csv_and_xlsx(tmp_path, capsys):
    results, targets = tmp_path / "results.csv", tmp_path / "targets.csv"
    RESULTS.to_csv(results, index=False)
    TARGETS.to_csv(targets, index=False)
    for name in ("assessed.csv", "assessed.xlsx"):
        out = tmp_path / name
        assert main(["assess", str(results), "--targets", str(targets), "--out", str(out)]) == 0
        text = capsys.readouterr().out
        assert "1 of 6 measures with a target are at or above target (16.7%)" in text
        assert "Negative exceptions: 5" in text
        back = pd.read_csv(out) if name.endswith(".csv") else read_table(out, "assessed")  # headings in words
        assert {"target", "rag", "exception", "exception_reasons", "direction", "spc_variation", "spc_assurance"} <= set(back.columns)
        assert len(back) == len(RESULTS)
    assert main(["assess", str(results), "--out", str(results)]) == 2
    assert "would overwrite an input" in capsys.readouterr().err
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    assert main(["assess", str(tmp_path / "broken.xlsx"), "--out", str(tmp_path / "o.csv")]) == 2
    assert "cannot be read as a table" in capsys.readouterr().err


def test_breakdowns_are_separate_series():
    """CLD results carry an age-band breakdown: each band is its own series for direction and SPC."""
    results = pd.DataFrame({"measure": "2A", "breakdown": ["18-64", "65+"] * 4,
                            "period": ["2024-06", "2024-06", "2024-07", "2024-07", "2024-08", "2024-08", "2024-09", "2024-09"],
                            "value": [70.0, 90.0, 71.0, 89.0, 72.0, 88.0, 73.0, 87.0]})
    out = assess(results)
    assert out[out.breakdown == "18-64"].direction.dropna().unique().tolist() == ["better"]
    assert out[out.breakdown == "65+"].direction.dropna().unique().tolist() == ["worse"]
    last = out[out.period_start == "2024-09-01"].set_index("breakdown")
    assert last.loc["18-64", "exception_reasons"] == "improved for 3 consecutive periods"
    assert last.loc["65+", "exception_reasons"] == "deteriorated for 3 consecutive periods"


def test_targets_use_the_callers_catalogue(tmp_path):
    """A council's own measure, known only to its catalogue file, gets its target by alias."""
    from s75xl.catalogue import load_catalogue

    path = tmp_path / "ours.toml"
    path.write_text('[[measure]]\nid = "OUR-1"\nname = "Carers offered a break"\nframework = "Ours"\ngroup = "Carers"\n'
                    'unit = "percent"\npolarity = "higher"\ndecimals = 1\nfrequency = "monthly"\nsource = "Mosaic"\n'
                    'numerator = "Offered"\ndenominator = "Assessed"\naliases = ["Breaks"]\n')
    results = pd.DataFrame({"measure": "OUR-1", "period": ["2024-05"], "value": [70.0]})
    targets = pd.DataFrame({"measure": ["Breaks"], "year": ["2024-25"], "annual_target": [80.0]})
    out = assess(results, targets, catalogue=load_catalogue([path]))
    assert out.target.tolist() == [80.0] and out.rag.tolist() == ["Red"]
