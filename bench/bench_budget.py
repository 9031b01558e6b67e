"""Benchmark: refreshing the budget monitor as its budget table grows from 100 to 100,000 lines.

For each size, a SQLite ledger with that many budget lines and ledger rows (one month, one row
per line) is generated here, and measured in one run, the three taking turns round after round
(report.take_turns):

- floor: copying the refreshed workbook's zip with Python's zipfile (read every part, write
  every part), the least any tool that writes that file could do;
- s75xl: `s75xl.finance.refresh_budget` from the template (read the ledger through SQLAlchemy,
  compute and check, plan, rewrite the table rows, resize names and chart, write atomically);
- of which the ledger read and arithmetic alone (`build_monitor`), to show where the time goes.

Prints, per size, the fastest and median round of each, the ratio to the floor (of the fastest
times, and the median of each round's own ratio) and how the time grows with size, and writes
bench/results/budget.csv. Run: python bench/bench_budget.py [--sizes 100,1000,10000,100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from report import RESULTS, lowest_and_median, round_ratios, take_turns  # noqa: E402

from s75xl.finance import build_monitor, open_source, refresh_budget  # noqa: E402
from s75xl.finance.demo import demo_tables  # noqa: E402

TEMPLATE = ROOT / "templates" / "budget_monitor.xlsx"


def ledger(path: Path, lines: int) -> Path:
    tables = demo_tables()
    budget = pd.DataFrame({"cost_centre": [f"C{i:06d}" for i in range(lines)],
                           "service": [f"Service {i % 37}" for i in range(lines)],
                           "subjective": ["Supplies"] * lines,
                           "annual_budget": [1000.0 + (i % 500) for i in range(lines)]})
    tables["budget"] = budget
    tables["ledger"] = pd.DataFrame({"period": "2016-04", "cost_centre": budget["cost_centre"],
                                     "subjective": "Supplies", "actual": budget["annual_budget"] / 12,
                                     "forecast_outturn": budget["annual_budget"] * (0.8 + (budget.index % 5) / 10)})
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        for name, frame in tables.items():
            frame.to_sql(name, connection, index=False)
    connection.close()
    return path


def zip_copy(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info.filename))


def main(sizes: list[int], repeats: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for size in sizes:
            source = ledger(work / f"ledger_{size}.sqlite", size)
            out = work / f"monitor_{size}.xlsx"
            rounds = max(1, repeats if size < 100_000 else min(repeats, 2))
            refresh = lambda: refresh_budget(TEMPLATE, source, period="2016-04", out=out)  # noqa: E731
            refresh()  # the floor copies the refreshed workbook
            times = take_turns({"floor": lambda: zip_copy(out, work / "copy.xlsx"), "refresh": refresh,
                                "ledger": lambda: build_monitor(open_source(source), period="2016-04")}, rounds,
                               warm_up=False)
            (floor, floor_median), (ours, ours_median) = lowest_and_median(times["floor"]), lowest_and_median(times["refresh"])
            rows.append({"budget_lines": size, "workbook_mb": round(out.stat().st_size / 1e6, 2), "rounds": rounds,
                         "floor_s": floor, "floor_median_s": floor_median, "refresh_s": ours,
                         "refresh_median_s": ours_median, "ledger_and_checks_s": min(times["ledger"]),
                         "refresh_over_floor": ours / floor,
                         "refresh_over_floor_median_round": statistics.median(round_ratios(times, "refresh", "floor"))})
    for previous, row in zip([None] + rows, rows):
        row["growth_vs_previous_size"] = None if previous is None else row["refresh_s"] / previous["refresh_s"]
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / "budget.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{'lines':>8} {'MB':>6} {'floor s':>8} {'refresh s':>10} {'(median)':>9} {'ledger s':>9} {'x floor':>8} "
          f"{'(median)':>9} {'x prev':>7}")
    for r in rows:
        growth = "" if r["growth_vs_previous_size"] is None else f"{r['growth_vs_previous_size']:.1f}"
        print(f"{r['budget_lines']:>8} {r['workbook_mb']:>6} {r['floor_s']:>8.3f} {r['refresh_s']:>10.3f} "
              f"{r['refresh_median_s']:>9.3f} {r['ledger_and_checks_s']:>9.3f} {r['refresh_over_floor']:>8.1f} "
              f"{r['refresh_over_floor_median_round']:>9.1f} {growth:>7}")
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    main([int(s) for s in args.sizes.split(",")], args.repeats)
