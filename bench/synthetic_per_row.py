"""The per-row synthetic generator s75xl shipped before the vectorised one, kept only as the
benchmark's baseline (bench/bench_demo_data.py). Not used by s75xl.

A realistic synthetic CLD extract, MHA log, CPA extract and population table.

For the demo, the tests and the benchmarks: no council data ever needs to leave the council.
Two financial years of events for N people with plausible shares of each service type,
delivery mechanism, accommodation and employment status, outcomes and deaths. About a third of
the coded values use Release 1 wording and some use odd case or spacing, as real extracts do,
so the reader's forgiving matching is exercised. Names, NHS numbers (999 range, never issued)
and local IDs are invented.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from s75xl.cld import vocab as V

START = pd.Timestamp("2023-04-01")
DAYS = 731  # two financial years, 2023-24 and 2024-25
LA_CODE = "999"

PSR = {"Physical support: Personal care support": 0.46, "Physical support: Access and mobility only": 0.06,
       "Support with memory and cognition": 0.12, V.LD_PSR: 0.14, V.MH_PSR: 0.14,
       "Sensory support: Support for visual impairment": 0.02, "Social support: Substance misuse support": 0.02,
       "Social support: Support for social isolation or other reason": 0.04}
SETTLED_HOME = ["Owner occupier or shared ownership scheme", "Tenant: Local authority or other social housing provider",
                "Tenant: Private landlord", "Settled mainstream housing with family or friends",
                "Supported accommodation, supported lodgings or supported group home", "Shared Lives scheme"]
OTHER_HOME = ["Registered care home", "Registered nursing home", "Staying with family or friends as a short term guest", "Unknown"]
OUTCOMES_AFTER_REABLEMENT = {"NFA: Information and advice or signposting": 0.35, "NFA: Support ended as planned": 0.3,
                             "Progress to support planning or services": 0.2, "Admitted to hospital": 0.08,
                             "NFA: Support declined": 0.04, "NFA: Deceased": 0.03}


def _r1(value: str, lists: dict[str, list[str]]) -> str:
    spellings = lists.get(value) or []
    return spellings[0] if spellings else value


def _wording(values: np.ndarray, lists: dict, rng: np.random.Generator) -> np.ndarray:
    """About a third in Release 1 wording, a few in upper case or with stray spaces."""
    out = np.array([v if isinstance(v, str) and v else None for v in values], dtype=object)
    pick = rng.random(len(out))
    for i in np.flatnonzero(pick < 0.33):
        if out[i]:
            out[i] = _r1(out[i], lists)
    for i in np.flatnonzero((pick > 0.97) & (pick <= 0.985)):
        if out[i]:
            out[i] = out[i].upper()
    for i in np.flatnonzero(pick > 0.985):
        if out[i]:
            out[i] = "  " + out[i].replace(" ", "  ") + " "
    return out


def _dates(days: np.ndarray) -> np.ndarray:
    return (START + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d").to_numpy(dtype=object)


def _people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    age = np.where(rng.random(n) < 0.3, rng.integers(18, 65, n), rng.integers(65, 100, n))
    dob = START - pd.to_timedelta(age * 365.25 + rng.integers(0, 365, n), unit="D")
    psr = rng.choice(list(PSR), n, p=np.array(list(PSR.values())) / sum(PSR.values()))
    dies = rng.random(n) < np.where(age >= 65, 0.12, 0.02)
    death_day = np.where(dies, rng.integers(60, DAYS, n), -1)
    employment = np.where((psr == V.LD_PSR) & (rng.random(n) < 0.06), "Paid: Less than 16 hours a week",
                          np.where(age < 65, "Not in paid employment: Not actively seeking work or retired", "Unknown"))
    settled = rng.random(n) < 0.8
    accommodation = np.where(settled, rng.choice(SETTLED_HOME, n), rng.choice(OTHER_HOME, n))
    return pd.DataFrame({
        "NHS Number": [f"999{i:07d}" for i in rng.permutation(n)],
        "LA Person Unique Identifier": [f"C{i:07d}" for i in range(n)],
        "First Name": rng.choice(["Alex", "Sam", "Jo", "Chris", "Pat", "Jamie"], n),
        "Last Name": rng.choice(["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans"], n),
        "Postcode": "ZZ99 3ZZ",
        "Gender": rng.choice(["Male", "Female"], n),
        "Date of Birth": dob.strftime("%d/%m/%Y"),
        "Date of Death": np.where(dies, _dates(np.maximum(death_day, 0)), None),
        "Primary Support Reason": psr,
        "Accommodation Status": accommodation,
        "Employment Status": employment,
        "Client Funding Status": rng.choice(["Fully social care funded", "Joint client and social care funded", "Fully client funded"],
                                            n, p=[0.7, 0.25, 0.05]),
        "_age": age, "_death_day": death_day,
    })


def _service_rows(people: pd.DataFrame, rng: np.random.Generator) -> list[pd.DataFrame]:
    n = len(people)
    frames = []
    base = people.drop(columns=["_age", "_death_day"])
    # Reablement (ST-Max) episodes, then possibly long-term support
    reabled = np.flatnonzero(rng.random(n) < 0.45)
    st_start = rng.integers(0, DAYS - 60, len(reabled))
    st_end = st_start + rng.integers(10, 42, len(reabled))
    outcome = rng.choice(list(OUTCOMES_AFTER_REABLEMENT), len(reabled), p=list(OUTCOMES_AFTER_REABLEMENT.values()))
    frames.append(base.iloc[reabled].assign(**{
        "Event Type": "Service", "Service Type": V.ST_MAX, "Service Component": "Reablement",
        "Delivery Mechanism": V.COMMISSIONED, "Event Start Date": _dates(st_start), "Event End Date": _dates(st_end),
        "Event Outcome": outcome}))
    # Long-term support: community (home support, DP, PB), residential, nursing, supported living
    lts = np.flatnonzero(rng.random(n) < 0.6)
    kind = rng.choice(["home", "dp", "pb", "res", "nur", "sup", "shared"], len(lts), p=[0.38, 0.14, 0.08, 0.18, 0.1, 0.09, 0.03])
    service_type = np.select([np.isin(kind, ["res"]), np.isin(kind, ["nur"])], [V.LT_RESIDENTIAL, V.LT_NURSING], V.LT_COMMUNITY)
    component = np.select([kind == "home", kind == "dp", kind == "pb", kind == "res", kind == "nur", kind == "sup", kind == "shared"],
                          ["Home support or domiciliary care", V.DP, "Home support or domiciliary care", "Long term residential care",
                           "Long term nursing care", "Community supported living", "Shared Lives"], "")
    mechanism = np.select([kind == "dp", kind == "pb", np.isin(kind, ["res", "nur"])], [V.DP, V.PB, None], V.COMMISSIONED)
    start = rng.integers(-400, DAYS - 20, len(lts))
    length = rng.integers(30, 900, len(lts))
    end = np.where(start + length < DAYS, start + length, -99999)
    frames.append(base.iloc[lts].assign(**{
        "Event Type": "Service", "Service Type": service_type, "Service Component": component, "Delivery Mechanism": mechanism,
        "Event Start Date": _dates(start), "Event End Date": np.where(end > -99999, _dates(np.maximum(end, 0)), None),
        "Event Outcome": np.where(end > -99999, "NFA: Support ended as planned", "Continuation of support or services")}))
    # Equipment / telecare
    kit = np.flatnonzero(rng.random(n) < 0.25)
    kit_start = rng.integers(0, DAYS - 10, len(kit))
    frames.append(base.iloc[kit].assign(**{
        "Event Type": "Service", "Service Type": V.ST_LOW, "Service Component": "Equipment", "Delivery Mechanism": V.COMMISSIONED,
        "Event Start Date": _dates(kit_start), "Event End Date": _dates(kit_start + rng.integers(1, 60, len(kit))),
        "Event Outcome": "NFA: Support ended as planned"}))
    # Requests and assessments for everyone; reviews for people in long-term support
    request_day = rng.integers(0, DAYS - 30, n)
    frames.append(base.assign(**{"Event Type": "Request", "Event Start Date": _dates(request_day),
                                 "Event End Date": _dates(request_day + rng.integers(0, 5, n)),
                                 "Event Outcome": "Progress to assessment, review or reassessment",
                                 "Request: Route of Access": rng.choice(["Community / Other route", "Discharge from Hospital"], n)}))
    assessment_day = request_day + rng.integers(3, 25, n)
    frames.append(base.assign(**{"Event Type": "Assessment", "Event Start Date": _dates(assessment_day),
                                 "Event End Date": _dates(assessment_day + rng.integers(0, 14, n)),
                                 "Event Outcome": "Progress to support planning or services"}))
    reviewed = lts[rng.random(len(lts)) < 0.85]
    review_day = rng.integers(30, DAYS - 5, len(reviewed))
    frames.append(base.iloc[reviewed].assign(**{
        "Event Type": "Review", "Event Start Date": _dates(review_day), "Event End Date": _dates(review_day + rng.integers(0, 10, len(reviewed))),
        "Review Reason": rng.choice(["Planned", "Unplanned: Other reason"], len(reviewed), p=[0.8, 0.2]),
        "Event Outcome": "Continuation of support or services"}))
    return frames


def _carer_rows(n_carers: int, rng: np.random.Generator) -> pd.DataFrame:
    day = rng.integers(0, DAYS - 30, n_carers)
    mechanism = rng.choice([V.DP, V.PB, V.COMMISSIONED, None], n_carers, p=[0.5, 0.2, 0.2, 0.1])
    return pd.DataFrame({
        "NHS Number": [f"998{i:07d}" for i in range(n_carers)],
        "LA Person Unique Identifier": [f"K{i:07d}" for i in range(n_carers)],
        "Gender": rng.choice(["Male", "Female"], n_carers),
        "Date of Birth": (START - pd.to_timedelta(rng.integers(25, 85, n_carers) * 365.25, unit="D")).strftime("%d/%m/%Y"),
        "Client Type": V.CARER, "Primary Support Reason": "Social support: Support to unpaid carer",
        "Event Type": "Service", "Service Type": V.CARER_DIRECT, "Service Component": "Support direct to unpaid carer",
        "Delivery Mechanism": mechanism, "Event Start Date": _dates(day), "Event End Date": _dates(day + rng.integers(1, 200, n_carers)),
        "Event Outcome": "NFA: Support ended as planned"})


def generate(people: int = 2000, seed: int = 1) -> dict[str, pd.DataFrame]:
    """The synthetic tables: cld, mha, cpa, population."""
    rng = np.random.default_rng(seed)
    who = _people(people, rng)
    frames = _service_rows(who, rng)
    cld = pd.concat(frames + [_carer_rows(max(people // 6, 1), rng)], ignore_index=True)
    cld["Client Type"] = cld["Client Type"].fillna(V.SERVICE_USER)
    cld.insert(0, "LA Code", LA_CODE)
    cld.insert(1, "Reporting Period Start Date", "2023-04-01")
    cld.insert(2, "Reporting Period End Date", "2025-03-31")
    for column, field in (("Service Type", "service_type"), ("Event Outcome", "event_outcome"),
                          ("Primary Support Reason", "primary_support_reason"), ("Delivery Mechanism", "delivery_mechanism"),
                          ("Client Type", "client_type")):
        cld[column] = _wording(cld[column].to_numpy(), V.CODED_FIELDS[field], rng)
    cld = cld.sample(frac=1, random_state=seed).reset_index(drop=True)
    mh = who[who["Primary Support Reason"] == V.MH_PSR]
    k = max(len(mh) // 2, 1)
    assessment_day = rng.integers(0, DAYS, k)
    mha = pd.DataFrame({
        "Assessment Date": _dates(assessment_day), "Age": rng.integers(18, 95, k),
        "Outcome": rng.choice(["Admitted - Section 2", "Admitted - Section 3", "Admitted - Informal", "Not admitted"], k,
                              p=[0.3, 0.15, 0.15, 0.4]),
        "Section 136": rng.choice(["Yes", "No"], k, p=[0.12, 0.88]), "On CTO": rng.choice(["Yes", "No"], k, p=[0.08, 0.92])})
    cpa_n = max(len(mh), 1)
    seen = rng.integers(DAYS - 120, DAYS, cpa_n)
    carer = rng.random(cpa_n) < 0.45
    cpa = pd.DataFrame({
        "Client ID": [f"C{i:07d}" for i in range(cpa_n)], "Last Contact Date": _dates(seen),
        "Last CPA Review Date": _dates(seen - rng.integers(0, 500, cpa_n)),
        "Carer Identified": np.where(carer, "Yes", "No"),
        "Carer Assessment Date": np.where(carer & (rng.random(cpa_n) < 0.6), _dates(seen - rng.integers(0, 600, cpa_n)), None)})
    population = pd.DataFrame({"area_code": LA_CODE, "area_name": "Synthetic council",
                               "age_band": ["18-64", "65+", "18-64", "65+"], "year": [2023, 2023, 2024, 2024],
                               "population": [people * 160, people * 55, people * 161, people * 57]})
    return {"cld": cld, "mha": mha, "cpa": cpa, "population": population}


def write(out_dir: str | Path, people: int = 2000, seed: int = 1) -> dict[str, Path]:
    """Write cld.csv, mha_log.csv, cpa_extract.csv and population.csv into out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = {"cld": "cld.csv", "mha": "mha_log.csv", "cpa": "cpa_extract.csv", "population": "population.csv"}
    paths = {}
    for key, table in generate(people, seed).items():
        paths[key] = out / names[key]
        table.to_csv(paths[key], index=False)
    return paths
