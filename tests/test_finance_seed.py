"""The published figures behind the budget monitor, as tests.

Cambridgeshire County Council, Adults Committee: annual report on the Section 75 delegated
duties 2016/17 (sections 6 and 7, work plan item 3c); Leicestershire Partnership NHS Trust,
briefing on SLA targets with financial penalties, July 2008.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s75xl.catalogue import default_catalogue
from s75xl.finance.amounts import parse_amount
from s75xl.finance.engine import build_monitor
from s75xl.finance.errors import SourceError
from s75xl.finance.monitor import over_threshold
from s75xl.finance.sources import open_source

from .finance_data import as_csv, tables


def monitor_of(tmp_path, period="2017-03", threshold=10.0, **changes):
    return build_monitor(open_source(as_csv(tables(**changes), tmp_path / "ledger")), period=period,
                         threshold_pct=threshold)


def texts(monitor, kind=None, table=None):
    return [f.text for f in monitor.findings if (kind is None or f.kind == kind) and (table is None or f.table == table)]


def test_the_staffing_underspend_of_202872_on_3072633_is_6_6_percent_and_not_reportable(tmp_path):
    monitor = monitor_of(tmp_path)
    line = monitor.tables["budget"].set_index("cost_centre").loc["MH100"]
    assert line["annual_budget"] == 3_072_633 and line["forecast_outturn"] == 2_869_761
    assert line["variance"] == -202_872
    assert round(line["variance_pct"] * 100, 1) == -6.6
    assert line["flag"] == ""
    assert not any("MH100" in text for text in texts(monitor, "report"))


def test_the_unspent_demography_allowance_of_629000_is_reported_as_an_underspend(tmp_path):
    monitor = monitor_of(tmp_path)
    line = monitor.tables["budget"].set_index("cost_centre").loc["MH210"]
    assert line["flag"] == "Underspend: report to the council now"
    assert any("MH210" in t and "£629,000.00" in t and "100.0%" in t for t in texts(monitor, "report"))


@pytest.mark.parametrize("budget, variance, flagged", [
    (500_000, 50_000, False),        # exactly 10% over: "in excess of 10%" is strictly above
    (500_000, -50_000, False),       # exactly 10% under
    (500_000, 50_000.01, True),      # a penny more
    (500_000, -50_000.01, True),
    (3_072_633, -307_263.30, False), # exactly 10% of the seed's budget, to the penny
    (3_072_633, -307_263.31, True),
    (0.10, 0.01, False),             # tiny budgets: 10% of 10p is 1p
    (0, 0, False),                   # no budget, no spend
    (0, 0.01, True),                 # no budget, any spend
])
def test_the_10_percent_rule_is_strictly_above_and_exact_to_the_penny(budget, variance, flagged):
    assert bool(over_threshold(np.array([variance]), np.array([budget]), 10.0)[0]) is flagged


def test_the_threshold_is_configurable(tmp_path):
    monitor = monitor_of(tmp_path, threshold=5.0)
    assert monitor.tables["budget"].set_index("cost_centre").loc["MH100", "flag"].startswith("Underspend")


def test_the_exactly_10_percent_line_in_the_demo_is_not_flagged_and_10_25_percent_is(tmp_path):
    budget = monitor_of(tmp_path).tables["budget"].set_index("cost_centre")
    assert budget.loc["MH400", "variance_pct"] == pytest.approx(0.10) and budget.loc["MH400", "flag"] == ""
    assert budget.loc["MH500", "flag"] == "Overspend: report to the council now"


def test_both_movement_tables_reconcile_in_total_and_for_every_package_type(tmp_path):
    monitor = monitor_of(tmp_path)
    movements = monitor.tables["movements"]
    totals = movements.groupby("client_group")[["opening", "new", "ended", "closing"]].sum()
    assert totals.loc["Adult mental health"].tolist() == [450, 82, 143, 389]
    assert totals.loc["Older people mental health"].tolist() == [306, 117, 162, 261]
    assert 450 + 82 - 143 == 389 and 306 + 117 - 162 == 261
    assert (movements["check"] == 0).all() and len(movements) == 12
    assert texts(monitor, "problem", "movements") == []


def test_a_broken_movement_table_is_reported_with_the_package_type_and_its_four_figures(tmp_path):
    movements = tables()["movements"].copy()
    row = movements.index[(movements["package_type"] == "Residential placements") &
                          (movements["client_group"] == "Adult mental health")][0]
    movements.loc[row, "closing"] = 55
    problems = texts(monitor_of(tmp_path, movements=movements), "problem", "movements")
    assert any("Adult mental health, Residential placements does not reconcile: opening 56 + new 15 - ended 17 = 54, "
               "but closing is 55" in t for t in problems)
    assert any("Adult mental health total of closing is 389, but its 6 rows add to 390" in t for t in problems)


def test_ended_packages_may_be_written_as_printed_negative_or_as_a_count(tmp_path):
    movements = tables()["movements"].assign(ended=lambda f: f["ended"].abs())
    assert (monitor_of(tmp_path, movements=movements).tables["movements"]["check"] == 0).all()


@pytest.mark.parametrize("period, total", [("2017-03", 17.48), ("2017-07", 11.50)])
def test_the_vacancies_add_to_the_published_17_48_and_11_50_wte(tmp_path, period, total):
    monitor = monitor_of(tmp_path, period=period)
    staffing = monitor.tables["staffing"]
    assert round(staffing["vacant_wte"].sum(), 2) == total
    assert texts(monitor, "problem", "staffing") == []


def test_a_staffing_total_that_does_not_add_up_is_reported(tmp_path):
    staffing = tables()["staffing"].copy()
    staffing.loc[(staffing["period"] == "2017-03") & (staffing["post"] == "Social workers"), "vacant_wte"] = 5.5
    problems = texts(monitor_of(tmp_path, staffing=staffing), "problem", "staffing")
    assert any("CCC total of vacant wte is 10.73 WTE, but its 3 rows add to 11.23 WTE" in t for t in problems)
    assert any("grand total of vacant wte is 17.48 WTE, but its 7 rows add to 17.98 WTE" in t for t in problems)


def test_penalty_exposure_is_exactly_cpa_follow_up_and_county_assertive_outreach(tmp_path):
    penalties = monitor_of(tmp_path).tables["penalties"].set_index("measure")
    at_risk = penalties[(penalties["county_at_risk"] > 0) | (penalties["city_at_risk"] > 0)]
    assert list(at_risk.index) == ["LPT-SLA-4", "LPT-SLA-5"]
    assert penalties["county_at_risk"].sum() == 47_520 + 38_800
    assert penalties["city_at_risk"].sum() == 31_680
    assert penalties.loc["LPT-SLA-5", "status"] == "At risk: County"
    assert penalties.loc["LPT-SLA-4", "status"] == "At risk: County and City"


def test_the_city_penalties_add_to_the_printed_144000_and_the_county_ones_to_215920_not_216000(tmp_path):
    monitor = monitor_of(tmp_path)
    penalties = monitor.tables["penalties"]
    assert penalties["city_penalty"].sum() == 144_000
    assert penalties["county_penalty"].sum() == 215_920
    problems = texts(monitor, "problem", "penalties")
    assert problems == ["sla_schedule.csv, row 7: the total of county penalty is £216,000.00, but its 5 rows add to "
                        "£215,920.00."]
    assert default_catalogue().get("LPT-SLA-5").extra["penalty_county_gbp"] == 38_800  # reported, not "fixed"


def test_a_target_forecast_to_miss_is_at_risk_even_when_not_red(tmp_path):
    results = tables()["sla_results"].assign(forecast_miss="")
    results.loc[(results["measure"] == "LPT-SLA-3") & (results["area"] == "City"), "forecast_miss"] = "yes"
    penalties = monitor_of(tmp_path, sla_results=results).tables["penalties"].set_index("measure")
    assert penalties.loc["LPT-SLA-3", "city_at_risk"] == 28_800
    assert penalties["city_at_risk"].sum() == 31_680 + 28_800


def test_ledger_rows_for_a_cost_centre_not_in_the_budget_are_listed_not_dropped_or_added(tmp_path):
    ledger = tables()["ledger"]
    stray = pd.DataFrame([("2017-01", "ZZ999", "Supplies", 1234.5, 0.0), ("2017-02", "ZZ999", "Supplies", 100, 0.0)],
                         columns=ledger.columns)
    monitor = monitor_of(tmp_path, ledger=pd.concat([ledger, stray], ignore_index=True))
    assert "ZZ999" not in set(monitor.tables["budget"]["cost_centre"])
    assert texts(monitor, "problem", "ledger") == [
        "ledger.csv, rows 74, 75: cost centre ZZ999, subjective Supplies is not in the budget, so its £1,334.50 to date "
        "is in no budget line."]


def test_duplicate_and_missing_periods_are_reported(tmp_path):
    ledger = tables()["ledger"]
    doubled = pd.concat([ledger, ledger[(ledger["cost_centre"] == "MH200") & (ledger["period"] == "2017-01")]],
                        ignore_index=True)
    doubled = doubled[~((doubled["cost_centre"] == "OP300") & (doubled["period"] == "2016-11"))]
    problems = texts(monitor_of(tmp_path, ledger=doubled), "problem", "ledger")
    assert any("MH200 / Independent sector providers has 2 rows for 2017-01" in t for t in problems)
    assert any("OP300 / Independent sector providers has no row for 2016-11" in t for t in problems)
    gone = texts(monitor_of(tmp_path, ledger=ledger[ledger["period"] != "2016-12"]), "problem", "ledger")
    assert any("has no rows at all for 2016-12" in t for t in gone)


def test_actual_to_date_counts_the_financial_year_up_to_the_period(tmp_path):
    budget = monitor_of(tmp_path, period="2016-09").tables["budget"].set_index("cost_centre")
    ledger = tables()["ledger"]
    mine = ledger[(ledger["cost_centre"] == "MH100") & (ledger["period"] <= "2016-09")]
    assert budget.loc["MH100", "actual_to_date"] == pytest.approx(mine["actual"].sum())
    assert budget.loc["MH100", "forecast_outturn"] == mine["forecast_outturn"].iloc[-1]


@pytest.mark.parametrize("text, value", [("£1,234.50", 1234.5), ("(1,234.50)", -1234.5), ("-£5", -5.0), ("1234", 1234.0),
                                         (" £ 12.5 ", 12.5), ("", None), ("(£1,000)", -1000.0), (".5", 0.5)])
def test_amounts_as_finance_exports_write_them(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["n/a", "TBC", "1,23", "(12", "12)", "£", "1.2.3", "--5"])
def test_text_that_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_text_in_an_amount_column_names_the_file_row_and_column(tmp_path):
    ledger = tables()["ledger"].astype({"actual": object})
    ledger.loc[4, "actual"] = "n/a"
    with pytest.raises(SourceError, match=r"^ledger.csv, row 6, column 'actual': 'n/a' is not an amount"):
        monitor_of(tmp_path, ledger=ledger)


def test_a_movement_row_given_twice_for_one_period_is_reported(tmp_path):
    movements = tables()["movements"]
    twice = pd.concat([movements, movements.iloc[[2]]], ignore_index=True)
    problems = texts(monitor_of(tmp_path, movements=twice), "problem", "movements")
    assert "movements.csv, rows 4, 16: Adult mental health / Home & Community Support appears 2 times." in problems


from hypothesis import given, strategies as st  # noqa: E402


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_every_amount_reads_back_in_each_written_form(amount):
    value = float(amount)
    plain = f"{abs(value):,.2f}"
    assert parse_amount(f"£{plain}" if value >= 0 else f"({plain})") == pytest.approx(value, abs=1e-9)
    assert parse_amount(f"-£{plain}" if value < 0 else plain) == pytest.approx(value, abs=1e-9)
    assert parse_amount(f"{value:.2f}") == pytest.approx(value, abs=1e-9)
