"""Small-number suppression policies (ascof.md section 7)."""

from __future__ import annotations

import pandas as pd
import pytest

from s75xl.errors import SuppressionPolicyError
from s75xl.suppression import POLICIES, suppress


@pytest.fixture
def table():
    return pd.DataFrame({
        "measure": ["1B", "1B", "1E", "1E", "2B(2)"],
        "numerator": [2, 103, 3, 74, 6],
        "denominator": [2, 161, 4, 0, 7],
        "value": [100.0, 64.0, 75.0, None, 85.7],
        "ci_lower": [34.2, 56.3, 30.1, None, 48.7],
        "ci_upper": [100.0, 71.0, 95.4, None, 97.4],
        "base": [2, 161, 4, 0, 7],
    })


def test_survey_base_below_3(table):
    out = suppress(table, "survey-base-below-3")
    assert out.loc[0, ["numerator", "denominator", "value", "ci_lower", "ci_upper", "base"]].eq("[c]").all()
    assert out.loc[1, "numerator"] == 103 and out["suppressed"].tolist() == [True, False, False, True, False]
    assert table.loc[0, "numerator"] == 2  # the input is untouched


def test_survey_rounding_to_5_judges_suppression_on_unrounded_figures(table):
    out = suppress(table, ["survey-base-below-3", "survey-round-to-5"])
    assert out.loc[1, "numerator"] == 105 and out.loc[1, "denominator"] == 160 and out.loc[1, "base"] == 160
    assert out.loc[0, "numerator"] == "[c]"


def test_ld_total_keeps_the_value_breakdown_does_not(table):
    total = suppress(table, "ld-total-denominator-below-5")
    assert total.loc[2, "numerator"] == "[c]" and total.loc[2, "value"] == 75.0
    breakdown = suppress(table, "ld-breakdown-denominator-below-5")
    assert breakdown.loc[2, "value"] == "[c]"


def test_hes_denominator_rounded_and_suppressed_below_8(table):
    out = suppress(table, "hes-denominator")
    assert out.loc[4, "denominator"] == "[c]" and out.loc[1, "denominator"] == 160


def test_dhsc_dashboard_sets_small_counts_to_zero(table):
    out = suppress(table, "dhsc-dashboard-below-6")
    assert out["numerator"].tolist() == [0, 103, 0, 74, 6]
    assert not out["suppressed"].any()


def test_generic_threshold(table):
    out = suppress(table, "suppress-below", threshold=4)
    assert out["suppressed"].tolist() == [True, False, True, True, False]


def test_zero_denominator_is_marked_x(table):
    assert suppress(table, "round-to-5").loc[3, "value"] == "[x]"


def test_bad_policy_and_missing_column(table):
    with pytest.raises(SuppressionPolicyError, match="choose from"):
        suppress(table, "suppress-small")
    with pytest.raises(SuppressionPolicyError, match="needs a 'base' column"):
        suppress(table.drop(columns="base"), "survey-base-below-3")
    with pytest.raises(SuppressionPolicyError, match="positive"):
        suppress(table, "suppress-below", threshold=-1)
    assert len(POLICIES) == 8
