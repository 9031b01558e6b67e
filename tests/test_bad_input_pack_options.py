"""The pack's settings from Python or a settings file (`PackOptions`, `PackOptions.from_mapping`):
wrong names, wrong types and bad SPC options are one sentence naming the setting, before any work.
The command line's own options are in the bad-input catalogue (test_bad_input_catalogue.py)."""

from __future__ import annotations

import pytest

from s75xl.errors import OptionsError
from s75xl.pack import PackOptions

BAD = [
    ({"spc": {"bogus": 1}}, "Unknown SPC option 'bogus'"),
    ({"spc": {"screen_outliers": "yes"}}, "screen_outliers must be true or false"),
    ({"spc": {"rebase": "x"}}, "rebase must be a list of dates"),
    ({"spc": {"min_points": -1}}, "min_points must be a whole number"),
    ({"spc": 5}, "spc must be SPCOptions or a dict"),
    ({"chart_months": 1.5}, "chart_months must be a whole number of at least 2"),
    ({"forecast_level": float("nan")}, "forecast_level must be a coverage"),
    ({"areas": 5}, "areas must be a list of names"),
    ({"sections": ["summary", "nope"]}, "Unknown pack section 'nope'. Did you mean 'notes'?"),
    ({"suppression": ["suppress-bellow"]}, "Unknown suppression policy 'suppress-bellow'"),
    ({"suppression_threshold": 0}, "suppression_threshold must be a positive number"),
    ({"suppression_threshold": True}, "suppression_threshold must be a positive number"),
    ({"colour": "blue"}, "Unknown pack option 'colour'"),
]


@pytest.mark.parametrize("values, message", BAD, ids=[m[:30] for _, m in BAD])
def test_a_bad_pack_setting_is_one_sentence_naming_it(values, message):
    with pytest.raises(OptionsError, match=message) as caught:
        PackOptions.from_mapping(values)
    assert "\n" not in str(caught.value)


def test_good_settings_pass():
    options = PackOptions.from_mapping({"spc": {"screen_outliers": False}, "suppression": "suppress-below",
                                        "suppression_threshold": 10})
    assert options.suppression == ("suppress-below",) and options.suppression_threshold == 10


@pytest.mark.parametrize("rebase", [[1, 2], 43101, [2016.5], [True]])
def test_rebase_dates_given_as_numbers_are_refused(rebase):
    """pandas would read 1 as a nanosecond after 1970: a number is not taken for a date."""
    from s75xl.errors import S75Error
    from s75xl.spc_options import SPCOptions

    with pytest.raises(S75Error, match="rebase must be a list of dates, not numbers"):
        SPCOptions(rebase=rebase)
