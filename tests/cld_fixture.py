"""A hand-built CLD extract for financial year 2024-25, every expected figure worked by hand.

Each person's comment says which measures they count towards and why, from the rules in
shared/reference/cld.md sections 2-3 (DHSC 2024-25 method). Written in Release 2 wording;
`release_1()` gives the same extract in Release 1 wording, which must give identical results.
"""

from __future__ import annotations

import pandas as pd

from s75xl.cld import vocab as V

ST, RES, NUR, COM = V.ST_MAX, V.LT_RESIDENTIAL, V.LT_NURSING, V.LT_COMMUNITY
OWNER, CARE_HOME, NURSING_HOME = "Owner occupier or shared ownership scheme", "Registered care home", "Registered nursing home"
INFO = "NFA: Information and advice or signposting"
ROWS: list[dict] = []


def person(pid, dob, *, psr="Physical support: Personal care support", accommodation=OWNER, employment="Unknown",
           death=None, client_type=V.SERVICE_USER):
    return {"LA Code": "999", "NHS Number": f"999{pid:07d}", "LA Person Unique Identifier": f"P{pid}",
            "First Name": "Test", "Last Name": f"Person{pid}", "Date of Birth": dob, "Date of Death": death,
            "Gender": "Female", "Client Type": client_type, "Primary Support Reason": psr,
            "Accommodation Status": accommodation, "Employment Status": employment,
            "Reporting Period Start Date": "2024-04-01", "Reporting Period End Date": "2025-03-31"}


def event(who, kind, start, end=None, **fields):
    ROWS.append({**who, "Event Type": kind, "Event Start Date": start, "Event End Date": end, **fields})


def service(who, service_type, start, end=None, component=None, mechanism=None, outcome=None):
    event(who, "Service", start, end, **{"Service Type": service_type, "Service Component": component,
                                         "Delivery Mechanism": mechanism, "Event Outcome": outcome})


# --- 2A: short-term support (ST-Max) episodes ending in 2024-25 ---------------------------------
p1 = person(1, "1954-01-15")  # 2A numerator and denominator, 65+: new client, ends with information and advice
service(p1, ST, "2024-05-01", "2024-05-28", "Reablement", outcome=INFO)
p2 = person(2, "1974-03-10")  # 2A denominator only, 18-64: long-term community support starts 5 days after
service(p2, ST, "2024-06-01", "2024-06-20", "Reablement", outcome="NFA: Support ended as planned")
service(p2, COM, "2024-06-25", None, "Home support or domiciliary care", V.COMMISSIONED)  # also 3D(1A) denominator; home support
p3 = person(3, "1944-05-05")  # 2A num and den, 65+, once: two ST-Max rows 5 days apart are one episode
service(p3, ST, "2024-07-01", "2024-07-10", "Reablement", outcome="Progress to reablement/ST-Max")
service(p3, ST, "2024-07-15", "2024-07-30", "Reablement", outcome=INFO)
p4 = person(4, "1949-02-02")  # 2A excluded: admitted to hospital
service(p4, ST, "2024-08-01", "2024-08-20", "Reablement", outcome="Admitted to hospital")
p5 = person(5, "1956-01-01", death="2024-09-18")  # 2A excluded: died within 7 days of the episode's end
service(p5, ST, "2024-09-01", "2024-09-15", "Reablement", outcome=INFO)
p6 = person(6, "1952-01-01", accommodation="Tenant: Local authority or other social housing provider")
service(p6, COM, "2023-01-01", "2024-08-01", None, V.COMMISSIONED)  # 2E: in long-term support in the year, settled
service(p6, ST, "2024-09-01", "2024-09-20", "Reablement", outcome=INFO)  # 2A excluded: not new (LTS ended 31 days before)
p7 = person(7, "1958-01-01")  # 2A excluded: the episode ended in 2023-24
service(p7, ST, "2024-03-01", "2024-03-20", "Reablement", outcome=INFO)
p8 = person(8, "1979-01-01")  # 2A excluded: "support declined" (an assessment 4 days later) beats "progress"
service(p8, ST, "2024-10-01", "2024-10-21", "Reablement", outcome="Progress to support planning or services")
event(p8, "Assessment", "2024-10-22", "2024-10-25", **{"Event Outcome": "NFA: Support declined"})
p9 = person(9, "1934-01-01")  # 2A num and den, 65+: no outcome, but equipment nested in the episode -> ongoing low level
service(p9, ST, "2024-11-01", "2024-11-20", "Reablement")
service(p9, V.ST_LOW, "2024-11-05", "2024-11-10", "Equipment", V.COMMISSIONED)  # telecare/equipment count
p10 = person(10, "1969-06-01", accommodation=CARE_HOME)  # 2A den only (residential follows), 18-64; 2B admission
service(p10, ST, "2025-02-01", "2025-02-20", "Reablement", outcome=INFO)
service(p10, RES, "2025-02-24", None, "Long term residential care")

# --- 2B / 2C: admissions to residential and nursing care -----------------------------------------
p11 = person(11, "1944-01-01", accommodation=NURSING_HOME)  # 2C: new nursing admission, 65+
service(p11, NUR, "2024-05-10", None, "Long term nursing care")
p12 = person(12, "1939-01-01", accommodation=CARE_HOME)  # not new: the earlier placement ended 63 days before
service(p12, RES, "2023-06-01", "2024-06-30", "Long term residential care")  # placement open at the start, ended in year
service(p12, RES, "2024-09-01", None, "Long term residential care")
p13 = person(13, "1946-01-01", accommodation=CARE_HOME)  # excluded from 2C: self-funded / 12-week disregard
service(p13, RES, "2024-07-01", None, "Long term residential care", outcome="NFA: Self-funded client or under 12wk disregard")
p14 = person(14, "1954-01-01", accommodation=CARE_HOME)  # excluded from 2C: a short-term residential component
service(p14, RES, "2024-08-01", "2024-09-01", "Short term residential care")
p15 = person(15, "1959-11-15", accommodation=CARE_HOME)  # 2B (64 at admission); NHSE method: 2C (65 at year end)
service(p15, RES, "2024-10-01", None, "Long term residential care")
p16 = person(16, "1957-01-01", accommodation=CARE_HOME)  # 2C: the previous placement ended 461 days before
service(p16, RES, "2022-01-01", "2023-01-10", "Long term residential care")
service(p16, RES, "2024-04-15", None, "Long term residential care")

# --- 3D: people in long-term community support on 31 March 2025 ---------------------------------
p17 = person(17, "1984-01-01", accommodation="Unknown")  # 3D 1A and 2A, 18-64: direct payment; 2E not settled
service(p17, COM, "2023-06-01", None, None, V.DP)        # (unknown status, no component: presumed in community)
p18 = person(18, "1949-01-01", accommodation="Unknown")  # 3D 1A only, 65+: council-managed personal budget;
service(p18, COM, "2023-05-01", None, "Home support or domiciliary care", V.PB)  # 2E settled: presumed at home
p19 = person(19, "1942-01-01", accommodation="Shared Lives scheme")  # 3D 1A and 2A, 65+: component is a direct payment
service(p19, COM, "2024-01-01", None, V.DP, None)
p20 = person(20, "1954-06-01", accommodation=NURSING_HOME)  # not in 3D: nursing outranks the community direct payment
service(p20, NUR, "2023-01-01", None, "Long term nursing care")
service(p20, COM, "2023-01-01", None, None, V.DP)
p21 = person(21, "1994-01-01", psr=V.LD_PSR, accommodation="Tenant: Private landlord",
             employment="Paid: Less than 16 hours a week")  # 1E paid; 2E(1) settled; not in 3D (ended in February)
service(p21, COM, "2023-05-01", "2025-02-01", None, V.DP)
p22 = person(22, "2008-06-01")  # under 18: in no ASCOF measure
service(p22, COM, "2024-01-01", None, None, V.DP)
p23 = person(23, "1979-06-01", psr=V.LD_PSR, death="2025-03-01", accommodation="Settled mainstream housing with family or friends",
             employment="Not in paid employment: Seeking work")  # 1E not paid; 2E(1) settled; not in 3D (died)
service(p23, COM, "2024-01-01", None, None, V.COMMISSIONED)
p24 = person(24, "1994-06-01", psr=V.LD_PSR,
             accommodation="Supported accommodation, supported lodgings or supported group home")
service(p24, COM, "2024-04-01", None, "Community supported living", V.COMMISSIONED)  # 3D 1A den; a supported-accommodation placement
event({**p24, "Employment Status": "Paid: 16 or more hours a week"}, "Review", "2024-12-01", "2024-12-05",
      **{"Review Reason": "Planned", "Event Outcome": "Continuation of support or services"})  # 1E paid (latest known); review on time
p25 = person(25, "1954-03-01", psr=V.LD_PSR, accommodation="Tenant: Local authority or other social housing provider")
service(p25, COM, "2023-01-01", None, None, V.COMMISSIONED)  # 3D 1A den, 65+; not in 1E (aged 70); 2E settled
event(p25, "Review", "2023-02-25", "2023-03-01", **{"Review Reason": "Planned"})
event(p25, "Review", "2024-05-28", "2024-06-01", **{"Review Reason": "Planned"})  # late: due by 1 March 2024
p26 = person(26, "1989-01-01", psr=V.LD_PSR, accommodation=CARE_HOME)  # 1E not paid; 2E(1) not settled
service(p26, RES, "2022-01-01", None, "Long term residential care")
event(p26, "Review", "2024-05-01", "2024-05-02", **{"Review Reason": "Unplanned: Other reason"})

# --- 3D carers ------------------------------------------------------------------------------------
def carer(cid):
    return person(100 + cid, "1974-01-01", client_type=V.CARER, psr="Social support: Support to unpaid carer")


service(carer(1), V.CARER_DIRECT, "2024-06-01", "2024-12-01", "Support direct to unpaid carer", V.DP)  # 1B and 2B
service(carer(2), V.CARER_DIRECT, "2024-06-01", "2024-12-01", "Support direct to unpaid carer", V.PB)  # 1B only
service(carer(3), V.CARER_DIRECT, "2024-06-01", "2024-12-01", "Support direct to unpaid carer", V.COMMISSIONED)  # den only
service(carer(4), V.CARER_INVOLVING, "2024-06-01", "2024-12-01", "Unpaid carer respite")  # not in 3D carers
event(carer(5), "Assessment", "2024-06-01", "2024-06-10", **{"Event Outcome": INFO})  # information only: not in 3D
service(carer(6), V.CARER_DIRECT, "2023-06-01", "2024-02-01", "Support direct to unpaid carer", V.DP)  # ended 2023-24

EXPECTED = {  # (measure, breakdown): (numerator, denominator)
    ("2A", "18-64"): (0, 2), ("2A", "65+"): (3, 3), ("2A", "Total"): (3, 5),
    ("2B", "18-64"): (2, 100_000), ("2C", "65+"): (2, 40_000),
    ("2E(2)", "18-64"): (4, 7), ("2E(2)", "65+"): (4, 11), ("2E(2)", "Total"): (8, 18), ("2E(1)", "18-64"): (3, 4),
    ("3D(1A)", "18-64"): (1, 3), ("3D(1A)", "65+"): (2, 3), ("3D(1A)", "Total"): (3, 6),
    ("3D(2A)", "18-64"): (1, 3), ("3D(2A)", "65+"): (1, 3), ("3D(2A)", "Total"): (2, 6),
    ("3D(1B)", "18-64"): (2, 3), ("3D(1B)", "65+"): (0, 0), ("3D(1B)", "Total"): (2, 3),  # the carers are 51
    ("3D(2B)", "18-64"): (1, 3), ("3D(2B)", "65+"): (0, 0), ("3D(2B)", "Total"): (1, 3),
    ("1E", "18-64"): (2, 4),
    ("S75-RES-OPEN-START", "All"): (2, None), ("S75-NUR-OPEN-START", "All"): (1, None),
    ("S75-RES-NEW", "All"): (6, None), ("S75-NUR-NEW", "All"): (1, None), ("S75-SUP-NEW", "All"): (1, None),
    ("S75-RES-ENDED", "All"): (2, None), ("S75-RES-OPEN-END", "All"): (6, None), ("S75-NUR-OPEN-END", "All"): (2, None),
    ("S75-SUP-OPEN-END", "All"): (1, None),
    ("S75-PLACE-OPEN-START", "All"): (3, None), ("S75-PLACE-NEW", "All"): (8, None), ("S75-PLACE-ENDED", "All"): (2, None),
    ("S75-PLACE-OPEN-END", "All"): (9, None),
    ("S75-DOM-OPEN-START", "All"): (1, None), ("S75-DOM-NEW", "All"): (1, None), ("S75-DOM-ENDED", "All"): (0, None),
    ("S75-DOM-OPEN-END", "All"): (2, None),
    ("S75-TELECARE", "All"): (1, 25), ("S75-REVIEW-ON-TIME", "All"): (1, 2), ("S75-NO-REVIEW", "All"): (12, 15),
}
POPULATION = pd.DataFrame({"area_code": "999", "age_band": ["18-64", "65+"], "year": 2024, "population": [100_000, 40_000]})


def release_2() -> pd.DataFrame:
    return pd.DataFrame(ROWS)


def release_1() -> pd.DataFrame:
    """The same rows with every coded value in its Release 1 spelling, and dates as dd/mm/yyyy."""
    frame = release_2()
    columns = {"Service Type": "service_type", "Client Type": "client_type", "Delivery Mechanism": "delivery_mechanism",
               "Event Outcome": "event_outcome", "Primary Support Reason": "primary_support_reason",
               "Accommodation Status": "accommodation_status", "Employment Status": "employment_status",
               "Review Reason": "review_reason"}
    for column, field in columns.items():
        lists = V.CODED_FIELDS[field]
        frame[column] = frame[column].map(lambda v: (lists.get(v) or [v])[0] if isinstance(v, str) else v)
    for column in ("Date of Birth", "Date of Death", "Event Start Date", "Event End Date"):
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%d/%m/%Y")
    return frame


# --- generated edge cases for the independent SQL check ---------------------------------------
def edge_cases(people: int = 300, seed: int = 7) -> pd.DataFrame:
    """People built around the edges of the DHSC rules, to append to a generated extract so that
    the DuckDB peer and the engine are compared where the rules bite (random, so no case is
    chosen to suit either):

    - an ST-Max episode with one or two services starting from 25 days before it to 9 days after
      it, ending the day before, on or after its last day, or open; outcomes that succeed, fail
      or say nothing;
    - an Unknown accommodation status with one to four services of any type whose end and start
      dates come from a few days, so ties on the same date are common;
    - carers born around the 18th and 65th birthdays at the year end, some with no birth date.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    day = lambda n: (pd.Timestamp("2024-04-01") + pd.Timedelta(days=int(n))).strftime("%Y-%m-%d")  # noqa: E731
    rows: list[dict] = []

    def add(who, service_type, start, end, component, mechanism=V.COMMISSIONED, outcome=None):
        rows.append({**who, "Event Type": "Service", "Event Start Date": day(start), "Event End Date": None if end is None else day(end),
                     "Service Type": service_type, "Service Component": component, "Delivery Mechanism": mechanism,
                     "Event Outcome": outcome})

    kinds = [(V.ST_LOW, "Equipment"), (COM, "Home support or domiciliary care"), (V.ST_OTHER, "Short term residential care"),
             (V.ST_OTHER, "Other short term support"), (RES, "Long term residential care"), (COM, "Community supported living"),
             (V.ST_LOW, "Other short term support")]
    outcomes = [INFO, "NFA: Support declined", "Progress to support planning or services", None]
    for i in range(people):
        who = {**person(9000 + i, day(-int(rng.integers(20 * 365, 90 * 365)))), "NHS Number": f"997{i:07d}"}
        start = int(rng.integers(0, 330))
        end = start + int(rng.integers(5, 30))
        add(who, ST, start, end, "Reablement", outcome=outcomes[rng.integers(len(outcomes))])
        for _ in range(int(rng.integers(1, 3))):
            kind, component = kinds[rng.integers(len(kinds))]
            begins = int(rng.choice([start - int(rng.integers(1, 26)), start, start + 1, end - 1, end, end + int(rng.integers(1, 10))]))
            ends = rng.choice([None, end - 1, end, end + 1, end + 30])
            ends = None if ends is None or ends < begins else int(ends)
            add(who, kind, begins, ends, component)
    types = [(V.LT_NURSING, "Long term nursing care"), (RES, "Long term residential care"), (COM, "Home support or domiciliary care"),
             (COM, "Community supported living"), (COM, "Shared Lives"), (COM, "Extra care housing"), (COM, None), (COM, V.DP),
             (V.LT_PRISON, None), (ST, "Reablement"), (ST, "Extra care housing"), (V.ST_LOW, "Equipment"), (V.ST_OTHER, None)]
    for i in range(people):
        who = {**person(12000 + i, day(-int(rng.integers(20 * 365, 90 * 365))), accommodation="Unknown"), "NHS Number": f"996{i:07d}"}
        add(who, COM, -100, int(rng.choice([50, 200, 380])), "Home support or domiciliary care")  # in long-term support in the year
        for _ in range(int(rng.integers(0, 4))):
            kind, component = types[rng.integers(len(types))]
            begins = int(rng.choice([-30, 100, 150]))
            ends = rng.choice([None, 200, 200, 380])
            add(who, kind, begins, None if ends is None else int(ends), component)
    for i in range(people // 3):
        age = int(rng.choice([17, 18, 64, 65, 40, 80]))
        born = (pd.Timestamp("2025-03-31") - pd.DateOffset(years=age) + pd.Timedelta(days=int(rng.integers(-1, 2)))).strftime("%Y-%m-%d")
        who = {**person(15000 + i, None if rng.random() < 0.1 else born, client_type=V.CARER), "NHS Number": f"995{i:07d}"}
        for _ in range(int(rng.integers(1, 3))):
            add(who, V.CARER_DIRECT, int(rng.integers(-60, 300)), int(rng.integers(310, 400)), "Support direct to unpaid carer",
                rng.choice([V.DP, V.PB, V.COMMISSIONED, None]))
    return pd.DataFrame(rows)
