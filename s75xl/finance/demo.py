"""The demo ledger: a Section 75 mental-health partnership's 2016/17 budget monitoring extract.

Published figures (kept exactly): the staffing budget of £3,072,633 and its outturn underspend
of £202,872, the unspent demography allowance of £629,000, the savings target of £1.253m and
stretch target of £1.353m, both care-package movement tables and both vacancy columns
(Cambridgeshire County Council, Adults Committee, annual report on the Section 75 delegated
duties 2016/17, sections 6 and 7); the five SLA targets and their penalties, with the totals as
printed (Leicestershire Partnership NHS Trust, briefing on SLA targets, July 2008).
Illustrative (made up to show the tool, and labelled so in docs/finance.md): the other budget
lines, the monthly phasing of spend and forecasts, the establishment WTE, savings delivered,
and the SLA positions (CPA 7-day follow-up short of 95% in both areas and the Counties' assertive
outreach caseload short of 192, as the briefing's risks describe).

`python -m s75xl.finance.demo` rewrites the shipped CSV folder and SQLite database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

DATA = Path(__file__).parent / "data"
CSV_FOLDER = DATA / "demo_ledger"
SQLITE = DATA / "demo_ledger.sqlite"

# cost centre, service, subjective, annual budget, outturn (forecast at March)
BUDGET = [
    ("MH100", "Adult mental health social work", "Employees", 3_072_633.00, 2_869_761.00),
    ("MH200", "Adult mental health care packages", "Independent sector providers", 6_400_000.00, 6_052_400.00),
    ("MH210", "Adult mental health care packages", "Demography allowance", 629_000.00, 0.00),
    ("OP300", "Older people mental health care packages", "Independent sector providers", 5_800_000.00, 5_951_350.00),
    ("MH400", "Approved mental health professionals", "Employees", 500_000.00, 550_000.00),
    ("MH500", "Support workers (recharged by the trust)", "Third party payments", 400_000.00, 441_000.00),
]

MOVEMENT_TYPES = {
    "Adult mental health": (
        ["Community based support", "Direct Payments", "Home & Community Support", "Nursing placements",
         "Residential placements", "Supported accommodation"],
        [28, 21, 203, 12, 56, 130], [5, 1, 28, 7, 15, 26], [-10, -7, -68, -8, -17, -33], [23, 15, 163, 11, 54, 123]),
    "Older people mental health": (
        ["Day Care", "Direct Payments", "Domiciliary Care", "Nursing placements", "Residential placements",
         "Other (incl Respite)"],
        [4, 16, 59, 166, 58, 3], [4, 8, 31, 38, 31, 5], [-4, -8, -45, -68, -33, -4], [4, 16, 45, 136, 56, 4]),
}

# organisation, post, establishment WTE (illustrative), vacant at 31 March 2017, vacant in July 2017
STAFFING = [
    ("CCC", "Mental Health social work manager", 4.00, 1.00, 0.00),
    ("CCC", "Senior social workers", 18.00, 4.73, 2.00),
    ("CCC", "Social workers", 40.00, 5.00, 4.00),
    ("CPFT", "Support worker", 12.00, 1.00, 2.50),
    ("CPFT", "Discharge planning", 6.00, 2.85, 1.00),
    ("CPFT", "South Finance & Admin Support", 5.00, 1.90, 1.00),
    ("CPFT", "North Finance & Admin Support", 4.00, 1.00, 1.00),
]
PRINTED_STAFFING_TOTALS = {"2017-03": {"CCC": 10.73, "CPFT": 6.75, "GRAND TOTAL": 17.48},
                           "2017-07": {"CCC": 6.00, "CPFT": 5.50, "GRAND TOTAL": 11.50}}

SLA_SCHEDULE = [
    ("Child and Adolescent Mental Health Services (CAMHS)", 38_880, 25_920),
    ("Crisis Resolution Service", 47_520, 31_680),
    ("Early Intervention Service", 43_200, 28_800),
    ("CPA 7-day follow-up", 47_520, 31_680),
    ("Assertive Outreach Service", 38_800, 25_920),
    ("Total", 216_000, 144_000),
]
# measure, County position, City position, target (County, City): March 2017, illustrative
SLA_POSITIONS = [
    ("LPT-SLA-1", 1, 1, (1, 1)),
    ("LPT-SLA-2", 960, 824, (947, 815)),
    ("LPT-SLA-3", 137, 141, (133, 133)),
    ("LPT-SLA-4", 94.7, 94.4, (95, 95)),
    ("LPT-SLA-5", 188, 165, (192, 163)),
]
MONTHS = [f"{y}-{m:02d}" for y, m in [(2016, m) for m in range(4, 13)] + [(2017, m) for m in range(1, 4)]]


def _phased(total: float, parts: int) -> list[float]:
    """`total` in `parts` monthly amounts to the penny, the last one taking the remainder."""
    each = round(total / parts, 2)
    return [each] * (parts - 1) + [round(total - each * (parts - 1), 2)]


def demo_tables() -> dict[str, pd.DataFrame]:
    budget = pd.DataFrame([b[:4] for b in BUDGET], columns=["cost_centre", "service", "subjective", "annual_budget"])
    ledger = []
    for cost_centre, _, subjective, annual, outturn in BUDGET:
        for index, (period, actual) in enumerate(zip(MONTHS, _phased(outturn, 12)), start=1):
            forecast = outturn if index == 12 else round(annual + (outturn - annual) * index / 12)
            ledger.append((period, cost_centre, subjective, actual, float(forecast)))
    movements = []
    for group, (types, opening, new, ended, closing) in MOVEMENT_TYPES.items():
        for row in zip(types, opening, new, ended, closing):
            movements.append(("2017-03", group, *row))
        movements.append(("2017-03", group, "Total", sum(opening), sum(new), sum(ended), sum(closing)))
    staffing = []
    for period, column in (("2017-03", 3), ("2017-07", 4)):
        for organisation in ("CCC", "CPFT"):
            posts = [s for s in STAFFING if s[0] == organisation]
            staffing += [(period, organisation, s[1], s[2], s[column]) for s in posts]
            staffing.append((period, organisation, "Total", round(sum(s[2] for s in posts), 2),
                             PRINTED_STAFFING_TOTALS[period][organisation]))
        staffing.append((period, "GRAND TOTAL", "", round(sum(s[2] for s in STAFFING), 2),
                         PRINTED_STAFFING_TOTALS[period]["GRAND TOTAL"]))
    results, targets = [], []
    for measure, county, city, (t_county, t_city) in SLA_POSITIONS:
        results += [("County", measure, "2017-03", county), ("City", measure, "2017-03", city)]
        targets += [("County", measure, "2016-17", t_county, 0), ("City", measure, "2016-17", t_city, 0)]
    return {
        "budget": budget,
        "ledger": pd.DataFrame(ledger, columns=["period", "cost_centre", "subjective", "actual", "forecast_outturn"]),
        "movements": pd.DataFrame(movements, columns=["period", "client_group", "package_type", "opening", "new", "ended",
                                                      "closing"]),
        "savings": pd.DataFrame([("2017-03", "Independent sector provider savings 2016-17", 1_253_000.0, 1_353_000.0,
                                  1_353_000.0)], columns=["period", "scheme", "target", "stretch_target", "delivered"]),
        "staffing": pd.DataFrame(staffing, columns=["period", "organisation", "post", "establishment_wte", "vacant_wte"]),
        "sla_results": pd.DataFrame(results, columns=["area", "measure", "period", "value"]),
        "sla_targets": pd.DataFrame(targets, columns=["area", "measure", "year", "annual_target", "tolerance_pct"]),
        "sla_schedule": pd.DataFrame(SLA_SCHEDULE, columns=["service", "county_penalty", "city_penalty"]),
    }


def write_csv_folder(tables: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return folder


def write_sqlite(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        for name, frame in tables.items():
            frame.to_sql(name, connection, index=False)
    connection.close()
    return path


def run(out_dir) -> list[str]:
    """The budget part of ``s75xl demo``: refresh the shipped budget monitor from the shipped
    SQLite ledger into out_dir/budget_monitor_2017_03.xlsx; returns the report's lines."""
    from ..resources import shipped_path
    from .apply import refresh_budget

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = refresh_budget(shipped_path("templates", "budget_monitor.xlsx"), SQLITE, period="2017-03",
                            out=out / "budget_monitor_2017_03.xlsx")
    return report.lines()


if __name__ == "__main__":
    tables = demo_tables()
    print(write_csv_folder(tables, CSV_FOLDER), write_sqlite(tables, SQLITE))
