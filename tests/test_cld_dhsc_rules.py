"""CLD derivations checked rule by rule against DHSC's published ASCOF SQL (DataS-DHSC/
ASC-CLD-LA-Dashboard, ASCOF_measures/, 2024-25 onwards), with hand-built people:

- 2A: what followed a reablement episode must start on or after the episode's start, be still
  going after its end or start within 7 days after it (Create_ASCOF_2A_2425_Onwards.sql, the
  sequel-window query);
- 2E: an Unknown accommodation status is inferred from the person's latest service of any type
  in the period, in DHSC's order for ties (Create_personal_details_table.sql);
- 3D carers by age band (Create_ASCOF_3D_2425_Onwards.sql, the carers' ROLLUP by band).

Every expected figure is worked by hand in the comment beside it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from s75xl.cld import compute
from s75xl.cld import vocab as V

from . import cld_fixture as F

DECLINED = "NFA: Support declined"  # excluded from 2A altogether, so a sequel found or not shows at once
EQUIPMENT = "Equipment"
HOME = "Home support or domiciliary care"


def service(who: dict, service_type: str, start: str, end: str | None = None, component: str | None = None,
            mechanism: str | None = None, outcome: str | None = None) -> dict:
    return {**who, "Event Type": "Service", "Event Start Date": start, "Event End Date": end, "Service Type": service_type,
            "Service Component": component, "Delivery Mechanism": mechanism, "Event Outcome": outcome}


def figures(tmp_path, rows: list[dict], method: str = "dhsc") -> dict:
    path = tmp_path / "cld.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    results, _, _ = compute([path], "2024-25", method=method)
    return {(r.measure, r.breakdown): (int(r.numerator), None if pd.isna(r.denominator) else int(r.denominator))
            for r in results.itertuples()}


# ------------------------------------------------------------------------------------------- 2A
# One person, 70 years old, an ST-Max episode from 1 to 20 June 2024 ending "NFA: Support
# declined". With no sequel service the outcome decides: declined, so not in 2A at all (0/0). A
# long-term community service as the sequel puts the episode in the denominator only (0/1);
# ongoing low-level support (equipment) in the numerator too (1/1).

EPISODE_START, EPISODE_END = "2024-06-01", "2024-06-20"


def episode_with(*services: tuple) -> list[dict]:
    who = F.person(1, "1954-01-15")
    return [service(who, V.ST_MAX, EPISODE_START, EPISODE_END, "Reablement", V.COMMISSIONED, DECLINED),
            *(service(who, *s) for s in services)]


def test_equipment_from_before_the_episode_is_not_what_followed_it(tmp_path):
    """Equipment started three weeks before the episode and still open: DHSC does not count it as
    the episode's sequel, so "support declined" stands and the episode is excluded (it used to
    count as ongoing low-level support, a success)."""
    got = figures(tmp_path, episode_with((V.ST_LOW, "2024-05-11", None, EQUIPMENT, V.COMMISSIONED)))
    assert got[("2A", "Total")] == (0, 0) and got[("2A", "65+")] == (0, 0)


def test_equipment_started_with_the_episode_and_still_open_is_ongoing_low_level_support(tmp_path):
    got = figures(tmp_path, episode_with((V.ST_LOW, EPISODE_START, None, EQUIPMENT, V.COMMISSIONED)))
    assert got[("2A", "Total")] == (1, 1) and got[("2A", "65+")] == (1, 1)


@pytest.mark.parametrize("start, end, expected", [
    ("2024-05-31", None, (0, 0)),          # starts the day before the episode: not its sequel
    ("2024-06-01", None, (0, 1)),          # starts on the episode's first day, open at its end: sequel
    ("2024-06-10", "2024-06-20", (0, 0)),  # began during it and ends on its last day: not still going after it
    ("2024-06-10", "2024-06-21", (0, 1)),  # ends the day after: still going after its end
    ("2024-06-20", None, (0, 1)),          # starts on the episode's last day
    ("2024-06-27", None, (0, 1)),          # starts 7 days after the end: inside the window
    ("2024-06-28", None, (0, 0)),          # starts 8 days after: outside it
])
def test_the_sequel_window_at_its_edges(tmp_path, start, end, expected):
    got = figures(tmp_path, episode_with((V.LT_COMMUNITY, start, end, HOME, V.COMMISSIONED)))
    assert got[("2A", "Total")] == expected


@pytest.mark.parametrize("services, expected", [
    # other short-term support with a short-term residential component: relabelled, denominator only
    ([(V.ST_OTHER, "2024-06-22", None, "Short term residential care")], (0, 1)),
    # ongoing low-level support (type 6) outranks it (other short term, type 7): a success
    ([(V.ST_OTHER, "2024-06-22", None, "Short term residential care"), (V.ST_LOW, "2024-06-25", None, "Other short term support")], (1, 1)),
    # the component is relabelled only on "other short term" support: ongoing low level stays a success
    ([(V.ST_LOW, "2024-06-22", None, "Short term residential care")], (1, 1)),
    # within one type the residential component comes first
    ([(V.ST_OTHER, "2024-06-22", None, "Other short term support"), (V.ST_OTHER, "2024-06-23", None, "Short term nursing care")], (0, 1)),
    # long-term community support outranks them all
    ([(V.ST_LOW, "2024-06-22", None, EQUIPMENT), (V.LT_COMMUNITY, "2024-06-26", None, HOME)], (0, 1)),
])
def test_the_sequel_service_is_the_highest_by_dhsc_hierarchy(tmp_path, services, expected):
    got = figures(tmp_path, episode_with(*services))
    assert got[("2A", "Total")] == expected


PROGRESS = "Progress to support planning or services"  # not usable as an outcome: progresses support


def event(who: dict, kind: str, start: str, end: str, outcome: str) -> dict:
    return {**who, "Event Type": kind, "Event Start Date": start, "Event End Date": end, "Event Outcome": outcome}


def episode_ending(outcome: str | None, *events: tuple, services: tuple = ()) -> list[dict]:
    who = F.person(1, "1954-01-15")
    return [service(who, V.ST_MAX, EPISODE_START, EPISODE_END, "Reablement", V.COMMISSIONED, outcome),
            *(event(who, *e) for e in events), *(service(who, *s) for s in services)]


# Steps 4 and 5 (DHSC's "Step 4" and "Step 5"): the episode from 1 to 20 June 2024.
@pytest.mark.parametrize("rows, expected", [
    # an assessment starting during the episode and ending after it: its "information and advice" decides
    (episode_ending(PROGRESS, ("Assessment", "2024-06-18", "2024-06-24", F.INFO)), (1, 1)),
    # a request that began before the episode is not in the window, and "progress" is no outcome: unable to classify
    (episode_ending(PROGRESS, ("Request", "2024-05-25", "2024-06-23", F.INFO)), (0, 0)),
    # an assessment nested in the episode's last 14 days: its outcome decides (ends 13 days before the end)
    (episode_ending(PROGRESS, ("Assessment", "2024-06-02", "2024-06-07", F.INFO)), (1, 1)),
    # ... but not one ending 14 days before the end
    (episode_ending(PROGRESS, ("Assessment", "2024-06-02", "2024-06-06", F.INFO)), (0, 0)),
    # the latest nested one decides, not the best: "support declined" on the 15th after "information" on the 10th
    (episode_ending(PROGRESS, ("Assessment", "2024-06-02", "2024-06-10", F.INFO), ("Review", "2024-06-11", "2024-06-15", DECLINED)), (0, 0)),
    # the episode's own usable outcome and a nested one: the better by DHSC's hierarchy (information, 9, beats declined, 11)
    (episode_ending(F.INFO, ("Review", "2024-06-11", "2024-06-15", DECLINED)), (1, 1)),
    # "support ended as planned" on a later event is ignored, and as it fills the window the episode's own outcome is
    # not used either (DHSC's code uses it only when the window is empty or holds a usable later event)
    (episode_ending(F.INFO, ("Assessment", "2024-06-19", "2024-06-22", "NFA: Support ended as planned")), (0, 0)),
    # no usable outcome: equipment that started and ended within the episode makes it ongoing low-level support
    (episode_ending(PROGRESS, services=((V.ST_LOW, "2024-06-05", "2024-06-15", EQUIPMENT),)), (1, 1)),
])
def test_outcomes_and_nested_equipment_when_no_service_followed(tmp_path, rows, expected):
    assert figures(tmp_path, rows)[("2A", "Total")] == expected


def test_an_episode_ending_on_two_services_the_same_day_takes_the_no_further_action_outcome(tmp_path):
    """Two ST-Max services end on 20 June, one "progress to support planning", one "information and
    advice": DHSC's ranking puts every "no further action" first, so the episode succeeded."""
    who = F.person(1, "1954-01-15")
    rows = [service(who, V.ST_MAX, "2024-06-01", EPISODE_END, "Reablement", V.COMMISSIONED, PROGRESS),
            service(who, V.ST_MAX, "2024-06-05", EPISODE_END, "Reablement", V.COMMISSIONED, F.INFO)]
    assert figures(tmp_path, rows)[("2A", "Total")] == (1, 1)


@pytest.mark.parametrize("start, expected", [
    ("2024-06-10", (0, 0)),  # began during the episode and is open at its end: NHS England takes it only from the end on
    ("2024-06-20", (0, 1)),  # starts on the episode's last day
    ("2024-06-23", (0, 1)),  # 3 days after: NHS England's window
    ("2024-06-24", (0, 0)),  # 4 days after: outside it
])
def test_nhse_takes_services_starting_from_the_episode_end_within_3_days(tmp_path, start, expected):
    got = figures(tmp_path, episode_with((V.LT_COMMUNITY, start, None, HOME, V.COMMISSIONED)), method="nhse")
    assert got[("2A", "Total")] == expected


# ------------------------------------------------------------------------------------------- 2E
# One person, 70, accommodation "Unknown" on every row, in long-term support in 2024-25: the
# figure is 2E(2) 65+ (settled, people). 1/1 means the status was inferred as settled.

def unknown_status(*services: tuple) -> list[dict]:
    who = F.person(1, "1954-01-15", accommodation="Unknown")
    return [service(who, *s) for s in services]


HOME_SUPPORT_UNTIL_OCTOBER = (V.LT_COMMUNITY, "2023-01-01", "2024-10-01", HOME, V.COMMISSIONED)


def test_home_support_as_the_latest_service_infers_living_at_home(tmp_path):
    got = figures(tmp_path, unknown_status(HOME_SUPPORT_UNTIL_OCTOBER))
    assert got[("2E(2)", "65+")] == (1, 1)


def test_a_short_term_service_after_home_support_ended_leaves_the_status_unknown(tmp_path):
    """ST-Max in November after home support ended in October: the latest service is short term,
    so nothing is inferred and the person is not counted as settled (DHSC); s75xl used to look at
    the latest long-term service only and count them as living at home."""
    got = figures(tmp_path, unknown_status(HOME_SUPPORT_UNTIL_OCTOBER,
                                           (V.ST_MAX, "2024-11-01", "2024-11-20", "Reablement", V.COMMISSIONED, F.INFO)))
    assert got[("2E(2)", "65+")] == (0, 1)


def test_nhse_infers_nothing(tmp_path):
    got = figures(tmp_path, unknown_status(HOME_SUPPORT_UNTIL_OCTOBER), method="nhse")
    assert got[("2E(2)", "65+")] == (0, 1)


def test_only_services_in_the_period_count(tmp_path):
    """The ST-Max episode starts after the period (April 2025): the latest service in 2024-25 is
    the home support, so the person is settled."""
    got = figures(tmp_path, unknown_status(HOME_SUPPORT_UNTIL_OCTOBER,
                                           (V.ST_MAX, "2025-04-10", "2025-04-30", "Reablement", V.COMMISSIONED, F.INFO)))
    assert got[("2E(2)", "65+")] == (1, 1)


# Ties on the same end date, in DHSC's order (Create_personal_details_table.sql, the
# DENSE_RANK in "Find latest services for each person"): the latest end (open first), then the
# service-type hierarchy (nursing, residential, community, prison, ST-Max, ongoing low level,
# other short term, then anything else), then a mappable component (Shared Lives, community
# supported living, extra care housing, home support) before others, then the latest start;
# rows still tied count only if they agree on a single type and a single mappable component.
@pytest.mark.parametrize("services, settled", [
    # an open ST service outranks home support that has ended, whatever the hierarchy
    ([HOME_SUPPORT_UNTIL_OCTOBER, (V.ST_OTHER, "2024-09-01", None, "Other short term support", V.COMMISSIONED)], 0),
    # same end day: long-term community (3) beats ST-Max (5), so home support decides
    ([(V.LT_COMMUNITY, "2023-01-01", "2024-12-31", HOME, V.COMMISSIONED),
      (V.ST_MAX, "2024-12-01", "2024-12-31", "Reablement", V.COMMISSIONED, F.INFO)], 1),
    # same end and type: the mappable home support beats a direct payment component
    ([(V.LT_COMMUNITY, "2023-01-01", "2024-12-31", V.DP, V.DP),
      (V.LT_COMMUNITY, "2023-01-01", "2024-12-31", HOME, V.COMMISSIONED)], 1),
    # same end, type and mappability: the later start wins; ST-Max with extra care housing: settled
    ([(V.LT_COMMUNITY, "2023-01-01", "2024-06-30", None, V.COMMISSIONED),
      (V.ST_MAX, "2024-11-01", "2024-12-31", HOME, V.COMMISSIONED, F.INFO),
      (V.ST_MAX, "2024-12-01", "2024-12-31", "Extra care housing", V.COMMISSIONED, F.INFO)], 1),
    # ... and the other way round: ST-Max with home support (not long-term community): not settled
    ([(V.LT_COMMUNITY, "2023-01-01", "2024-06-30", None, V.COMMISSIONED),
      (V.ST_MAX, "2024-12-01", "2024-12-31", HOME, V.COMMISSIONED, F.INFO),
      (V.ST_MAX, "2024-11-01", "2024-12-31", "Extra care housing", V.COMMISSIONED, F.INFO)], 0),
    # tied on everything with two different mappable components: no component, presumed in community
    ([(V.LT_COMMUNITY, "2023-01-01", "2024-12-31", HOME, V.COMMISSIONED),
      (V.LT_COMMUNITY, "2023-01-01", "2024-12-31", "Community supported living", V.COMMISSIONED)], 0),
    # tied on everything, same component: it stands
    ([(V.LT_COMMUNITY, "2023-01-01", "2024-12-31", "Shared Lives", V.COMMISSIONED),
      (V.LT_COMMUNITY, "2023-01-01", "2024-12-31", "Shared Lives", V.DP)], 1),
    # a nursing placement outranks the Shared Lives component on the same day: registered nursing home
    ([(V.LT_NURSING, "2023-01-01", "2024-12-31", "Shared Lives"),
      (V.LT_COMMUNITY, "2023-01-01", "2024-12-31", "Shared Lives", V.COMMISSIONED)], 0),
])
def test_ties_on_the_same_date_follow_dhsc_order(tmp_path, services, settled):
    got = figures(tmp_path, unknown_status(*services))
    assert got[("2E(2)", "65+")] == (settled, 1)


def test_a_known_status_is_never_replaced_by_an_inference(tmp_path):
    who = F.person(1, "1954-01-15", accommodation="Registered care home")
    got = figures(tmp_path, [service(who, *HOME_SUPPORT_UNTIL_OCTOBER)])
    assert got[("2E(2)", "65+")] == (0, 1)


# ------------------------------------------------------------------------------------------- 3D
def test_carers_by_age_band_at_the_period_end(tmp_path):
    """Carers' direct support in 2024-25, age at 31 March 2025:

    | carer | born       | age | support            | band     |
    | 1     | 1995-03-31 | 30  | direct payment     | 18-64    |
    | 2     | 1960-04-01 | 64  | personal budget    | 18-64    |
    | 3     | 1960-03-31 | 65  | personal budget    | 65+      |
    | 4     | 1950-01-01 | 75  | commissioned       | 65+      |
    | 5     | 1940-01-01 | 85  | direct payment     | 65+      |
    | 6     | 2007-03-31 | 18  | commissioned       | 18-64    |
    | 7     | 2007-04-01 | 17  | direct payment     | left out |
    | 8     | unknown    |     | direct payment     | total    |

    1B (direct payment or personal budget): 18-64 2 of 3, 65+ 2 of 3, total 5 of 7.
    2B (direct payment): 18-64 1 of 3, 65+ 1 of 3, total 3 of 7.
    """
    carers = [(1, "1995-03-31", V.DP), (2, "1960-04-01", V.PB), (3, "1960-03-31", V.PB), (4, "1950-01-01", V.COMMISSIONED),
              (5, "1940-01-01", V.DP), (6, "2007-03-31", V.COMMISSIONED), (7, "2007-04-01", V.DP), (8, None, V.DP)]
    rows = [service(F.person(100 + n, born, client_type=V.CARER), V.CARER_DIRECT, "2024-06-01", "2024-12-01",
                    "Support direct to unpaid carer", mechanism) for n, born, mechanism in carers]
    for method in ("dhsc", "nhse"):  # NHS England's 2023-24 code bands carers the same way
        got = figures(tmp_path, rows, method)
        assert got[("3D(1B)", "18-64")] == (2, 3) and got[("3D(1B)", "65+")] == (2, 3) and got[("3D(1B)", "Total")] == (5, 7)
        assert got[("3D(2B)", "18-64")] == (1, 3) and got[("3D(2B)", "65+")] == (1, 3) and got[("3D(2B)", "Total")] == (3, 7)


def test_a_carer_counts_once_at_their_best_support(tmp_path):
    """One carer, 40, with a commissioned service and then a direct payment in the year: counted
    once, as a direct payment, in 18-64."""
    who = F.person(101, "1984-06-01", client_type=V.CARER)
    rows = [service(who, V.CARER_DIRECT, "2024-05-01", "2024-07-01", "Support direct to unpaid carer", V.COMMISSIONED),
            service(who, V.CARER_DIRECT, "2024-08-01", None, "Support direct to unpaid carer", V.DP)]
    got = figures(tmp_path, rows)
    assert got[("3D(2B)", "18-64")] == (1, 1) and got[("3D(2B)", "Total")] == (1, 1) and got[("3D(2B)", "65+")] == (0, 0)
