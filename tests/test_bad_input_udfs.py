"""Worksheet functions given bad arguments: each returns an Excel error value (with its reason on
xlwings Server and Lite), never a Python error raised out to Excel. Called exactly as Excel calls
them through xlwings Server (tests/udf_calls.py). docs/bad-input.md lists these cases by id."""

from __future__ import annotations

import pytest

from .udf_calls import call

NAN, INF = float("nan"), float("inf")
TABLE = [["measure", "period", "value"], ["1C(1A)", "2024-04", 50], ["1C(1A)", "2024-05", 60]]
UDF_CASES = {  # id -> (function, arguments, the Excel error expected in the first cell)
    "udf-shapes-mismatch": ("ascof_rate", ([[1], [2], [3]], [[4], [5]], "1C(1A)"), "#VALUE!"),
    "udf-empty-range": ("ascof_rate", ([[None]], [[None]], "1C(1A)"), "#N/A"),
    "udf-ragged-table": ("ascof_rates", ([["measure", "numerator", "denominator"], ["1C(1A)", 5]],), None),
    "udf-decimals-nan": ("ascof_round", (1.25, NAN), "#VALUE!"),
    "udf-decimals-1e9": ("ascof_round", (1.25, 1e9), "#VALUE!"),
    "udf-number-10-400": ("ascof_rate", (10**400, 5, "1C(1A)"), "#VALUE!"),
    "udf-round-10-400": ("ascof_round", (10**400, 1), "#VALUE!"),
    "udf-year-start-13": ("ascof_target", ("1C(1A)", 90, 80, 42644, "linear", 13), "#VALUE!"),
    "udf-year-start-half": ("ascof_target", ("1C(1A)", 90, 80, 42644, "linear", 4.5), "#VALUE!"),
    "udf-tolerance-text": ("ascof_rag", (90, 80, "higher", "abc"), "#VALUE!"),
    "udf-tolerance-negative": ("ascof_rag", (90, 80, "higher", -5), "#VALUE!"),
    "udf-denominator-inf": ("ascof_rate", (5, INF, "1C(1A)"), "#VALUE!"),
    "udf-value-inf-rag": ("ascof_rag", (INF, 80, "higher"), "#VALUE!"),
    "udf-rating-shapes": ("s75_rating", ([[1], [2]], [[1], [2], [3]], "higher"), "#VALUE!"),
    "udf-spc-empty": ("spc_limits", ([[None]],), "#N/A"),
    "udf-spc-text": ("spc_limits", ([[1], ["abc"], [3]],), "#VALUE!"),
    "udf-exception-empty": ("ascof_exception", ([[None]], [[None]], "higher"), "#N/A"),
    "udf-months-text": ("ascof_rate", (5, 10, "2C(1)", "x"), "#VALUE!"),
    "udf-annual-target-blank": ("ascof_target", ("1C(1A)", None, 80, 42644), "#N/A"),
    "udf-measure-100k": ("ascof_info", ("X" * 100_000,), "#VALUE!"),
    "udf-assess-duplicates": ("ascof_assess", (TABLE + [TABLE[1]],), "#VALUE!"),
    "udf-assess-header-only": ("ascof_assess", ([TABLE[0]],), "#VALUE!"),
    "udf-rates-header-only": ("ascof_rates", ([["measure", "numerator"]],), "#VALUE!"),
    "udf-ci-level-text": ("ascof_ci", (5, 10, "1C(1A)", "abc"), "#VALUE!"),
    "udf-date-bool": ("ascof_target", ("1C(1A)", 90, 80, True), "#VALUE!"),
}


@pytest.mark.parametrize("ident", list(UDF_CASES))
def test_worksheet_function_bad_argument_gives_its_error_value(ident, monkeypatch):
    """The desktop route: the function returns the Excel error value itself."""
    import s75xl_functions as F

    monkeypatch.setattr(F, "ON_SERVER", False)
    name, args, expected = UDF_CASES[ident]
    result = getattr(F, name)(*args)
    assert isinstance(result, list) and all(isinstance(row, list) for row in result)
    if expected is None:  # a ragged row is padded: the short row's missing denominator gives #N/A
        assert result[1][-1] == "#N/A", result
    else:
        assert result[0][0] == expected, result


@pytest.mark.parametrize("ident", list(UDF_CASES))
def test_worksheet_function_bad_argument_on_xlwings_server(ident):
    """xlwings Server and Lite: an error value, or the reason raised as XlwingsError (which Excel
    shows as #VALUE! with the reason on hover); never any other Python error."""
    import xlwings as xw

    name, args, expected = UDF_CASES[ident]
    try:
        result = call(name, *args)
    except xw.XlwingsError as exc:
        assert str(exc) and len(str(exc)) < 400 and expected in ("#VALUE!", "#N/A"), exc
        return
    if expected is None:
        assert result[1][-1] == "#N/A", result
    else:
        assert result[0][0] == expected, result


def test_the_reason_is_given_in_words():
    from s75xl_functions import ascof_reason

    assert "do not match" in ascof_reason([[1], [2], [3]], [[4], [5]], "1C(1A)")[0][0]
