"""Worksheet functions called exactly as Excel calls them through xlwings Server/Lite.

Each call goes through xlwings.server.custom_functions_call with a request body shaped like the
Office.js client's: every argument a 2-D list, blanks as None, runtime 1.4 (real error values).
"""

from __future__ import annotations

import pytest
import xlwings as xw
from xlwings import server

from .udf_calls import call

import s75xl_functions as F
from s75xl.demo import read_shipped_csv

def col(*values):
    return [[v] for v in values]


def test_ascof_rate_gives_the_published_values():
    assert call("ascof_rate", 80, 507180, "2A(1)") == [[pytest.approx(15.7734926)]]
    assert call("ascof_round", [[call("ascof_rate", 80, 507180, "2A(1)")[0][0]]], "2A(1)") == [[15.8]]
    norfolk = read_shipped_csv("norfolk_ascof_2016_17.csv").iloc[:10]  # the SALT rows
    rates = call("ascof_rate", col(*norfolk.numerator), col(*norfolk.denominator), col(*norfolk.measure))
    rounded = call("ascof_round", rates, 1)
    assert [r[0] for r in rounded] == norfolk.published_result.tolist()


def test_errors_are_excel_errors_cell_by_cell():
    out = call("ascof_rate", col(5, 3, None, "x", -1, 8), col(10, 0, 10, 10, 10, 5), "1E")
    assert out == [[50.0], ["#DIV/0!"], ["#N/A"], ["#VALUE!"], ["#VALUE!"], ["#VALUE!"]]
    # runtime below 1.4 shows the error text
    assert call("ascof_rate", 3, 0, "1E", runtime="1.1") == [["#DIV/0!"]]


def test_a_bad_code_raises_with_the_reason_for_the_hover_text():
    with pytest.raises(xw.XlwingsError, match="Unknown measure '2X'"):
        call("ascof_rate", 1, 2, "2X")
    assert call("ascof_reason", 5, 0, "1E") == [["1E: the denominator is zero, so there is no rate."]]
    assert call("ascof_reason", 5, 10, "1E") == [[""]]
    assert call("ascof_reason", 5, 10, "9Q")[0][0].startswith("Unknown measure '9Q'")


def test_count_measures_and_2c():
    assert call("ascof_rate", 17, None, "HAV-22") == [[17.0]]
    assert call("ascof_rate", 996, 720945, "2C(1)") == [[pytest.approx(11.5126674)]]
    assert call("ascof_rate", 498, 720945, "2C(1)", 6) == [[pytest.approx(11.5126674)]]


def test_ascof_ci_side_by_side():
    out = call("ascof_ci", col(7244, 80), col(7968, 507180), "1C(1A)")
    assert [round(v, 1) for v in out[0]] == [90.3, 91.5]
    assert len(out) == 2 and len(out[1]) == 2
    assert [round(v, 1) for v in call("ascof_ci", 80, 507180, "2A(1)", 0.95)[0]] == [12.5, 19.6]
    assert call("ascof_ci", 10269, 12951, "1B") == [["#N/A", "#N/A"]]  # survey: no interval


def test_ascof_target_profiles_with_excel_dates():
    # 2016-09-30 is Excel serial 42643; the linear profile from 84 to 90 gives 87 in September
    assert call("ascof_target", "2B(1)", 90, 84, 42643) == [[87.0]]
    out = call("ascof_target", "2B(1)", 90, 84, col("2016-04", "2017-03"), "quarterly")
    assert out == [[85.5], [90.0]]
    assert call("ascof_target", "2A(2)", 573, None, 42643, "flat") == [[573.0]]


def test_ascof_rag_and_exception_on_norfolk_march_2017():
    assert call("ascof_rag", col(94.2, 86.0, 85.4), col(90, 90, 90), "higher") == [["Green"], ["Amber"], ["Red"]]
    assert call("ascof_rag", 19.3, 16.5, "2A(1)") == [["Red"]]
    assert call("ascof_rag", 19.3, None, "2A(1)") == [[""]]
    dtoc = [[1.5, 2.9, 2.6, 2.4, 2.6, 3.0, 3.1, 3.1, 3.1, 3.2, 3.4, 3.5, 3.56]]
    text = call("ascof_exception", dtoc, 1.5, "smaller")[0][0]
    assert text.startswith("negative: off target: 3.56 against a target of 1.5") and "4 consecutive" in text
    assert call("ascof_exception", [[86, 87, 88]], 80, "higher") == [["positive: beating target by 10.0%"]]


def test_overall_rating():
    # Norfolk March 2017: of six measures with a target only 91-day reablement is on target
    values = col(19.3, 633, 94.2, 3.56, 3.3, 2.0, 88.6)
    targets = col(16.5, 573, 90, 1.5, 4.0, 3.7, None)
    polarities = col("lower", "lower", "higher", "lower", "higher", "higher", "higher")
    assert call("s75_rating", values, targets, polarities) == [[pytest.approx(16.7)]]


def test_ascof_info():
    assert call("ascof_info", "2a1") == [["Long-term support needs of younger adults (18-64) met by admission to residential and nursing care homes, per 100,000 population"]]
    assert call("ascof_info", "2A(1)", "polarity") == [["lower"]]
    assert call("ascof_info", "1E", "definition")[0][0].startswith("Numerator: People aged 18-64")
    with pytest.raises(xw.XlwingsError, match="no field"):
        call("ascof_info", "1E", "colour")


def test_spc_functions_match_the_peer():
    y = col(1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1)  # NHSRplotthedots deviations vignette
    limits = call("spc_limits", y)
    assert [round(v, 2) for v in limits[0]] == [1.94, -0.72, 4.6]
    points = call("spc_points", y)
    assert points[4] == ["special_cause_improvement"] and points[0] == ["common_cause"]
    assert call("spc_variation", y) == [["common_cause"]]
    assert call("spc_assurance", y, 5) == [["consistent_fail"]]
    assert call("spc_points", y, "2A(1)")[4] == ["special_cause_concern"]  # lower is better


def test_ascof_rates_table():
    table = [["measure", "numerator", "denominator"], ["1C(1A)", 7244, 7968], ["2A(1)", 3, 0], ["9Z", 1, 2],
             ["2A(2)", 1321, 213765]]
    out = call("ascof_rates", table)
    assert out[0] == ["measure", "numerator", "denominator", "value"]
    assert out[1][3] == pytest.approx(90.9136546) and out[2][3] == "#DIV/0!" and out[3][3] == "#VALUE!"
    assert out[4][3] == pytest.approx(617.96832, abs=1e-5)


def test_ascof_assess_table():
    results = read_shipped_csv("norfolk_results_2016_17.csv")
    results = results[results.measure.isin(["NFK-VS-02", "NFK-VS-08"])]
    # periods arrive from Excel as date serials: 2016-03-01 is 42430
    serials = [(pd_ts - EPOCH).days for pd_ts in _dates(results.period)]
    table = [["area", "measure", "period", "value"]] + [[a, m, s, v] for a, m, s, v in
                                                          zip(results.area, results.measure, serials, results.value)]
    targets = [["measure", "year", "annual_target"], ["NFK-VS-02", "2016-17", 16.5], ["NFK-VS-08", "2016-17", "90%"]]
    out = call("ascof_assess", table, targets)
    header = out[0]
    assert header[-7:] == ["target", "rag", "exception", "exception_reasons", "direction", "spc_variation", "spc_assurance"]
    last_02 = [row for row in out[1:] if row[1] == "NFK-VS-02"][-1]
    assert last_02[header.index("rag")] == "Red" and last_02[header.index("exception")] == "negative"


def test_metadata_lists_every_function_with_documented_arguments():
    meta = server.custom_functions_meta(F)
    functions = {f["name"]: f for f in meta["functions"]}
    expected = {"ASCOF_RATE", "ASCOF_ROUND", "ASCOF_CI", "ASCOF_TARGET", "ASCOF_RAG", "ASCOF_EXCEPTION",
                "S75_RATING", "ASCOF_INFO", "SPC_LIMITS", "SPC_POINTS", "SPC_VARIATION", "SPC_ASSURANCE",
                "ASCOF_RATES", "ASCOF_ASSESS", "ASCOF_REASON"}
    assert set(functions) == expected
    for name, f in functions.items():
        assert f["description"] and not f["description"].startswith("Python function"), name
        for parameter in f["parameters"]:
            assert not parameter["description"].startswith("Positional argument"), (name, parameter["name"])
    rate = functions["ASCOF_RATE"]
    assert [(p["name"], p.get("optional", False)) for p in rate["parameters"]] == [
        ("numerator", False), ("denominator", False), ("measure", False), ("months", True)]


import pandas as pd  # noqa: E402

EPOCH = pd.Timestamp("1899-12-30")


def _dates(periods):
    return [pd.Timestamp(p + "-01") for p in periods]
