"""A realistic synthetic CLD extract, MHA log, CPA extract and population table.

For the demo, the tests and the benchmarks: no council data ever needs to leave the council.
Two financial years of events for N people with plausible shares of each service type,
delivery mechanism, accommodation and employment status, outcomes and deaths. About a third of
the coded values use Release 1 wording and some use odd case or spacing, as real extracts do,
so the reader's forgiving matching is exercised. Names, NHS numbers (999 range, never issued)
and local IDs are invented.

People are made in chunks of `CHUNK`. Every text value is a number into one pool of strings
(each calendar day's date in both forms, every code and its variant spellings), so a column is
an integer array made by whole-array numpy operations, never a Python loop per row; Arrow turns
the codes into text as it writes each chunk's CSV rows, before the next chunk is made. 750,000
people take seconds and hold one chunk in memory, not the whole extract. Chunk k draws from its own stream
of the seed (`numpy.random.default_rng([seed, k])`), so the same `people` and `seed` give the
same files byte for byte, on any machine, from this version on (the per-row version before it
drew differently).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .errors import S75Error
from .safety.outputs import check_output, leftovers, temporary_name

from .cld import vocab as V

START = pd.Timestamp("2023-04-01")
DAYS = 731  # two financial years, 2023-24 and 2024-25
LA_CODE = "999"
CHUNK = 20_000  # people per chunk: part of what a seed means, so never change it

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


CLD_COLUMNS = ["LA Code", "Reporting Period Start Date", "Reporting Period End Date", "NHS Number",
               "LA Person Unique Identifier", "First Name", "Last Name", "Postcode", "Gender", "Date of Birth",
               "Date of Death", "Primary Support Reason", "Accommodation Status", "Employment Status",
               "Client Funding Status", "Event Type", "Service Type", "Service Component", "Delivery Mechanism",
               "Event Start Date", "Event End Date", "Event Outcome", "Request: Route of Access", "Review Reason",
               "Client Type"]
PERSON_COLUMNS = CLD_COLUMNS[3:15]
NUMBERS = {"NHS Number", "LA Person Unique Identifier", "Age"}  # held as integers, not pool codes
WORDED = {"Service Type": "service_type", "Event Outcome": "event_outcome", "Primary Support Reason": "primary_support_reason",
          "Delivery Mechanism": "delivery_mechanism", "Client Type": "client_type"}
FIRST_DAY = -40_000  # the earliest day (before START) the pool holds: births up to 110 years back
LAST_DAY = DAYS + 1_000


class _Pool:
    """Every text value as a number: columns are int32 codes into one growing list of strings
    (-1 for a blank). The first entries are every day's date, ISO and then dd/mm/yyyy."""

    def __init__(self):
        days = pd.date_range(START + pd.Timedelta(days=FIRST_DAY), START + pd.Timedelta(days=LAST_DAY))
        self.days = len(days)
        self.strings = (days.strftime("%Y-%m-%d").to_numpy(dtype=object).tolist()
                        + days.strftime("%d/%m/%Y").to_numpy(dtype=object).tolist())
        self.index = {s: i for i, s in enumerate(self.strings)}
        self._array: pa.Array | None = None

    def code(self, value: str | None) -> int:
        if value is None:
            return -1
        if value not in self.index:
            self.index[value] = len(self.strings)
            self.strings.append(value)
        return self.index[value]

    def codes(self, values) -> np.ndarray:
        return np.array([self.code(v) for v in values], dtype=np.int32)

    def choice(self, rng: np.random.Generator, values, n: int, p=None) -> np.ndarray:
        return self.codes(values)[rng.choice(len(values), n, p=p)]

    def iso(self, days: np.ndarray) -> np.ndarray:
        return (np.asarray(days, dtype=np.int64) - FIRST_DAY).astype(np.int32)

    def uk(self, days: np.ndarray) -> np.ndarray:
        return (np.asarray(days, dtype=np.int64) - FIRST_DAY + self.days).astype(np.int32)

    def arrow(self, codes: np.ndarray) -> pa.Array:
        if self._array is None or len(self._array) != len(self.strings):
            self._array = pa.array(self.strings, type=pa.string())
        indices = pa.array(codes, mask=codes < 0)
        return pa.DictionaryArray.from_arrays(indices, self._array).cast(pa.string())


def _pick(pool: _Pool, rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    weights = np.array(list(shares.values()), dtype=float)
    return pool.choice(rng, list(shares), n, p=weights / weights.sum())


def _wording(pool: _Pool, codes: np.ndarray, lists: dict, rng: np.random.Generator) -> np.ndarray:
    """About a third in Release 1 wording, a few in upper case or with stray spaces; blanks stay blank.
    Each distinct value's four spellings are pooled once, and rows pick theirs by index."""
    pick = rng.random(len(codes))
    style = np.select([pick < 0.33, (pick > 0.97) & (pick <= 0.985), pick > 0.985], [1, 2, 3], 0)
    distinct = np.unique(codes[codes >= 0])
    table = np.array([[v, pool.code((lists.get(s) or [s])[0]), pool.code(s.upper()),
                       pool.code("  " + s.replace(" ", "  ") + " ")]
                      for v, s in ((v, pool.strings[v]) for v in distinct)], dtype=np.int32).reshape(-1, 4)
    out = np.full(len(codes), -1, dtype=np.int32)
    valid = codes >= 0
    out[valid] = table[np.searchsorted(distinct, codes[valid]), style[valid]]
    return out


def _people(pool: _Pool, n: int, first: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One chunk's people: their CLD person columns (LA Person Unique Identifier as its number)."""
    age = np.where(rng.random(n) < 0.3, rng.integers(18, 65, n), rng.integers(65, 100, n))
    birth_day = np.floor(-(age * 365.25 + rng.integers(0, 365, n))).astype(np.int64)
    psr = _pick(pool, rng, PSR, n)
    dies = rng.random(n) < np.where(age >= 65, 0.12, 0.02)
    death_day = rng.integers(60, DAYS, n)
    employment = np.where((psr == pool.code(V.LD_PSR)) & (rng.random(n) < 0.06), pool.code("Paid: Less than 16 hours a week"),
                          np.where(age < 65, pool.code("Not in paid employment: Not actively seeking work or retired"),
                                   pool.code("Unknown")))
    settled = rng.random(n) < 0.8
    accommodation = np.where(settled, pool.choice(rng, SETTLED_HOME, n), pool.choice(rng, OTHER_HOME, n))
    return {
        "NHS Number": 9_990_000_000 + first + rng.permutation(n),
        "LA Person Unique Identifier": first + np.arange(n),
        "First Name": pool.choice(rng, ["Alex", "Sam", "Jo", "Chris", "Pat", "Jamie"], n),
        "Last Name": pool.choice(rng, ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans"], n),
        "Postcode": np.full(n, pool.code("ZZ99 3ZZ"), dtype=np.int32),
        "Gender": pool.choice(rng, ["Male", "Female"], n),
        "Date of Birth": pool.uk(birth_day),
        "Date of Death": np.where(dies, pool.iso(death_day), -1).astype(np.int32),
        "Primary Support Reason": psr,
        "Accommodation Status": accommodation,
        "Employment Status": employment.astype(np.int32),
        "Client Funding Status": pool.choice(rng, ["Fully social care funded", "Joint client and social care funded",
                                                   "Fully client funded"], n, p=[0.7, 0.25, 0.05]),
    }


def _events(pool: _Pool, n: int, rng: np.random.Generator) -> list[tuple[np.ndarray, dict]]:
    """Each kind of event as (the people it belongs to, by position in the chunk; its own columns,
    as code arrays or one value for every row)."""
    out = []
    # Reablement (ST-Max) episodes, then possibly long-term support
    reabled = np.flatnonzero(rng.random(n) < 0.45)
    k = len(reabled)
    st_start = rng.integers(0, DAYS - 60, k)
    st_end = st_start + rng.integers(10, 42, k)
    out.append((reabled, {"Event Type": "Service", "Service Type": V.ST_MAX, "Service Component": "Reablement",
                          "Delivery Mechanism": V.COMMISSIONED, "Event Start Date": pool.iso(st_start),
                          "Event End Date": pool.iso(st_end), "Event Outcome": _pick(pool, rng, OUTCOMES_AFTER_REABLEMENT, k)}))
    # Long-term support: community (home support, DP, PB), residential, nursing, supported living
    lts = np.flatnonzero(rng.random(n) < 0.6)
    k = len(lts)
    kind = rng.choice(7, k, p=[0.38, 0.14, 0.08, 0.18, 0.1, 0.09, 0.03])  # home, dp, pb, res, nur, sup, shared
    service_type = pool.codes([V.LT_COMMUNITY] * 3 + [V.LT_RESIDENTIAL, V.LT_NURSING] + [V.LT_COMMUNITY] * 2)[kind]
    component = pool.codes(["Home support or domiciliary care", V.DP, "Home support or domiciliary care",
                            "Long term residential care", "Long term nursing care", "Community supported living",
                            "Shared Lives"])[kind]
    mechanism = pool.codes([V.COMMISSIONED, V.DP, V.PB, None, None, V.COMMISSIONED, V.COMMISSIONED])[kind]
    start = rng.integers(-400, DAYS - 20, k)
    end = start + rng.integers(30, 900, k)
    ended = end < DAYS
    out.append((lts, {"Event Type": "Service", "Service Type": service_type, "Service Component": component,
                      "Delivery Mechanism": mechanism, "Event Start Date": pool.iso(start),
                      "Event End Date": np.where(ended, pool.iso(np.minimum(end, DAYS)), -1).astype(np.int32),
                      "Event Outcome": np.where(ended, pool.code("NFA: Support ended as planned"),
                                                pool.code("Continuation of support or services")).astype(np.int32)}))
    # Equipment / telecare
    kit = np.flatnonzero(rng.random(n) < 0.25)
    kit_start = rng.integers(0, DAYS - 10, len(kit))
    out.append((kit, {"Event Type": "Service", "Service Type": V.ST_LOW, "Service Component": "Equipment",
                      "Delivery Mechanism": V.COMMISSIONED, "Event Start Date": pool.iso(kit_start),
                      "Event End Date": pool.iso(kit_start + rng.integers(1, 60, len(kit))),
                      "Event Outcome": "NFA: Support ended as planned"}))
    # Requests and assessments for everyone; reviews for people in long-term support
    everyone = np.arange(n)
    request_day = rng.integers(0, DAYS - 30, n)
    out.append((everyone, {"Event Type": "Request", "Event Start Date": pool.iso(request_day),
                           "Event End Date": pool.iso(request_day + rng.integers(0, 5, n)),
                           "Event Outcome": "Progress to assessment, review or reassessment",
                           "Request: Route of Access": pool.choice(rng, ["Community / Other route", "Discharge from Hospital"], n)}))
    assessment_day = request_day + rng.integers(3, 25, n)
    out.append((everyone, {"Event Type": "Assessment", "Event Start Date": pool.iso(assessment_day),
                           "Event End Date": pool.iso(assessment_day + rng.integers(0, 14, n)),
                           "Event Outcome": "Progress to support planning or services"}))
    reviewed = lts[rng.random(k) < 0.85]
    review_day = rng.integers(30, DAYS - 5, len(reviewed))
    out.append((reviewed, {"Event Type": "Review", "Event Start Date": pool.iso(review_day),
                           "Event End Date": pool.iso(review_day + rng.integers(0, 10, len(reviewed))),
                           "Review Reason": pool.choice(rng, ["Planned", "Unplanned: Other reason"], len(reviewed), p=[0.8, 0.2]),
                           "Event Outcome": "Continuation of support or services"}))
    return out


def _carers(pool: _Pool, n: int, first: int, rng: np.random.Generator) -> dict:
    """Unpaid carers' rows; their local IDs are negative numbers here (K0000000 is -1)."""
    day = rng.integers(0, DAYS - 30, n)
    index = first + np.arange(n)
    return {
        "NHS Number": 9_980_000_000 + index, "LA Person Unique Identifier": -1 - index,
        "Gender": pool.choice(rng, ["Male", "Female"], n),
        "Date of Birth": pool.uk(np.floor(-(rng.integers(25, 85, n) * 365.25)).astype(np.int64)),
        "Client Type": V.CARER, "Primary Support Reason": "Social support: Support to unpaid carer",
        "Event Type": "Service", "Service Type": V.CARER_DIRECT, "Service Component": "Support direct to unpaid carer",
        "Delivery Mechanism": pool.choice(rng, [V.DP, V.PB, V.COMMISSIONED, None], n, p=[0.5, 0.2, 0.2, 0.1]),
        "Event Start Date": pool.iso(day), "Event End Date": pool.iso(day + rng.integers(1, 200, n)),
        "Event Outcome": "NFA: Support ended as planned"}


def _column(pool: _Pool, value, rows: int) -> np.ndarray:
    return value if isinstance(value, np.ndarray) else np.full(rows, pool.code(value), dtype=np.int32)


def _chunk(pool: _Pool, k: int, n: int, first: int, carers: int, first_carer: int, seed: int) -> dict[str, dict]:
    """Chunk k: its people's CLD rows (shuffled), MHA log rows and CPA rows, as columns of codes."""
    rng = np.random.default_rng([seed, k])
    people = _people(pool, n, first, rng)
    pieces = []
    for who, own in _events(pool, n, rng):
        columns = {c: people[c][who] for c in PERSON_COLUMNS}
        columns.update({c: _column(pool, v, len(who)) for c, v in own.items()})
        pieces.append((len(who), columns))
    if carers:
        pieces.append((carers, {c: _column(pool, v, carers) for c, v in _carers(pool, carers, first_carer, rng).items()}))
    cld = {c: np.concatenate([part.get(c, np.full(rows, -1, dtype=np.int32)) for rows, part in pieces])
           for c in CLD_COLUMNS[3:]}
    cld["Client Type"][cld["Client Type"] < 0] = pool.code(V.SERVICE_USER)
    for column, field in WORDED.items():
        cld[column] = _wording(pool, cld[column], V.CODED_FIELDS[field], rng)
    total = len(cld["Event Type"])
    order = rng.permutation(total)
    cld = {"LA Code": np.full(total, pool.code(LA_CODE), dtype=np.int32),
           "Reporting Period Start Date": np.full(total, pool.code("2023-04-01"), dtype=np.int32),
           "Reporting Period End Date": np.full(total, pool.code("2025-03-31"), dtype=np.int32),
           **{c: v[order] for c, v in cld.items()}}
    mh = np.flatnonzero(people["Primary Support Reason"] == pool.code(V.MH_PSR))
    m = max(len(mh) // 2, 1 if k == 0 else 0)
    mha = {"Assessment Date": pool.iso(rng.integers(0, DAYS, m)), "Age": rng.integers(18, 95, m),
           "Outcome": pool.choice(rng, ["Admitted - Section 2", "Admitted - Section 3", "Admitted - Informal", "Not admitted"],
                                  m, p=[0.3, 0.15, 0.15, 0.4]),
           "Section 136": pool.choice(rng, ["Yes", "No"], m, p=[0.12, 0.88]),
           "On CTO": pool.choice(rng, ["Yes", "No"], m, p=[0.08, 0.92])}
    c = len(mh)
    seen = rng.integers(DAYS - 120, DAYS, c)
    carer = rng.random(c) < 0.45
    assessed = carer & (rng.random(c) < 0.6)
    cpa = {"Client ID": people["LA Person Unique Identifier"][mh], "Last Contact Date": pool.iso(seen),
           "Last CPA Review Date": pool.iso(seen - rng.integers(0, 500, c)),
           "Carer Identified": np.where(carer, pool.code("Yes"), pool.code("No")).astype(np.int32),
           "Carer Assessment Date": np.where(assessed, pool.iso(seen - rng.integers(0, 600, c)), -1).astype(np.int32)}
    return {"cld": cld, "mha": mha, "cpa": cpa}


def _local_ids(numbers: np.ndarray) -> pa.Array:
    """C0000123 for person 123; K0000005 for carer 5 (held as -6)."""
    carer = numbers < 0
    digits = pc.utf8_lpad(pc.cast(pa.array(np.where(carer, -1 - numbers, numbers)), pa.string()), 7, "0")
    return pc.binary_join_element_wise(pc.if_else(pa.array(carer), "K", "C"), digits, "")


def _arrow(pool: _Pool, columns: dict[str, np.ndarray]) -> pa.Table:
    out = {}
    for name, values in columns.items():
        if name in ("LA Person Unique Identifier", "Client ID"):
            out[name] = _local_ids(values)
        elif name == "NHS Number":
            out[name] = pc.cast(pa.array(values), pa.string())
        elif name == "Age":
            out[name] = pa.array(values)
        else:
            out[name] = pool.arrow(values)
    return pa.table(out)


def _tables(people: int, seed: int):
    """Each chunk's cld, mha and cpa as Arrow tables, in order, each made when the last has been used."""
    pool = _Pool()
    carers_total = max(people // 6, 1)
    first_carer = 0
    for k, first in enumerate(range(0, max(people, 1), CHUNK)):
        n = min(CHUNK, people - first)
        carers = carers_total * (first + n) // max(people, 1) - first_carer
        chunk = _chunk(pool, k, n, first, carers, first_carer, seed)
        yield {name: _arrow(pool, columns) for name, columns in chunk.items()}
        first_carer += carers


def _population(people: int) -> pd.DataFrame:
    return pd.DataFrame({"area_code": LA_CODE, "area_name": "Synthetic council",
                         "age_band": ["18-64", "65+", "18-64", "65+"], "year": [2023, 2023, 2024, 2024],
                         "population": [people * 160, people * 55, people * 161, people * 57]})


def generate(people: int = 2000, seed: int = 1) -> dict[str, pd.DataFrame]:
    """The synthetic tables in memory: cld, mha, cpa, population (what `write` writes, row for row)."""
    chunks = list(_tables(people, seed))
    tables = {name: pa.concat_tables([chunk[name] for chunk in chunks]).to_pandas() for name in ("cld", "mha", "cpa")}
    return {**tables, "population": _population(people)}


def write(out_dir: str | Path, people: int = 2000, seed: int = 1) -> dict[str, Path]:
    """Write cld.csv, mha_log.csv, cpa_extract.csv and population.csv into out_dir, chunk by chunk."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise S75Error(f"The seed must be a whole number from 0 upwards, not {seed}.")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise S75Error(f"{out} is a file; give a folder for the demo data.")
    out.mkdir(parents=True, exist_ok=True)
    paths = {"cld": out / "cld.csv", "mha": out / "mha_log.csv", "cpa": out / "cpa_extract.csv",
             "population": out / "population.csv"}
    # each file is written under a hidden temporary name and renamed into place once all are
    # complete (s75xl.safety.outputs), so a stopped run leaves no half-written extract
    for path in paths.values():
        check_output(path, what="demo file")
        for old in leftovers(path):
            old.unlink(missing_ok=True)
    temporary = {name: temporary_name(path) for name, path in paths.items()}
    try:
        handles = {name: temporary[name].open("wb") for name in ("cld", "mha", "cpa")}
        try:
            for k, chunk in enumerate(_tables(people, seed)):
                for name, table in chunk.items():
                    pacsv.write_csv(table, handles[name], pacsv.WriteOptions(include_header=k == 0))
        finally:
            for handle in handles.values():
                handle.close()
        _population(people).to_csv(temporary["population"], index=False)
        for name, path in paths.items():
            os.replace(temporary[name], path)
    except BaseException:
        for path in temporary.values():
            path.unlink(missing_ok=True)
        raise
    return paths
