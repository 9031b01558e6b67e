"""Benchmark: `assess` on a region's pack load, 10 to 150 areas x 40 measures x 13 months, and
its fixed cost on one council's small table (100 measures x 13 months, 1,300 rows, as `fill` has).

At each size, measured in one run, the two taking turns round after round:

- floor: the least a vectorised pandas version of the same table does (sort by series and date,
  a grouped shift for the previous value, element-wise RAG against the target, a comparison
  with the previous value): no exceptions text, year-ago values or SPC;
- s75xl: `s75xl.assess.assess(results, targets)` with everything, SPC included.

Prints the fastest and median round of each, s75xl over the floor, and the time per row at each
size (the aim: linear from 10 to 150 areas, within 5 times the floor). On the small table a third
contender takes its turn too: assess as `fill` calls it (no targets, no SPC), whose fixed cost
should be a few tens of milliseconds. Writes bench/results/assess.csv.
Run: python bench/bench_assess.py [rounds]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from report import lowest_and_median, record, round_ratios, take_turns  # noqa: E402

from s75xl.assess import assess  # noqa: E402
from s75xl.catalogue import default_catalogue  # noqa: E402

MONTHS = pd.period_range("2024-03", periods=13, freq="M")
SIZES = (10, 50, 150)


def tables(areas: int, measures: int = 40, seed: int = 1, *, rated_only: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Results (one row per area, measure and month) and one year's flat targets per area and measure;
    with rated_only, only measures with a polarity (otherwise the first of every kind, as bench_fill)."""
    rng = np.random.default_rng(seed)
    ids = [m.id for m in default_catalogue()
           if m.unit in ("percent", "per_100k", "count") and (m.polarity != "none" or not rated_only)][:measures]
    area = np.repeat([f"Area {a:03d}" for a in range(areas)], measures * len(MONTHS))
    measure = np.tile(np.repeat(ids, len(MONTHS)), areas)
    period = np.tile([str(m) for m in MONTHS], areas * measures)
    level = rng.uniform(10, 90, areas * measures)
    value = np.round(np.repeat(level, len(MONTHS)) + rng.normal(0, 3, len(area)), 1)
    results = pd.DataFrame({"area": area, "measure": measure, "period": period, "value": value})
    targets = pd.DataFrame({"area": np.repeat([f"Area {a:03d}" for a in range(areas)], measures),
                            "measure": np.tile(ids, areas), "year": "2024-25",
                            "annual_target": np.round(level * rng.uniform(0.9, 1.1, len(level)), 1), "profile": "flat"})
    return results, targets


def floor_input(results: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The same rows with dates, target and polarity sign ready, as a vectorised version starts."""
    catalogue = default_catalogue()
    sign = {m: {"higher": 1, "lower": -1}.get(catalogue.find(m).polarity, 0) for m in results["measure"].unique()}
    out = results.assign(period_start=pd.PeriodIndex(results["period"], freq="M").to_timestamp(),
                         sign=results["measure"].map(sign))
    year = targets.set_index(["area", "measure"])["annual_target"]
    out["target"] = year.reindex(pd.MultiIndex.from_frame(out[["area", "measure"]])).to_numpy()
    out.loc[out["period_start"] < "2024-04-01", "target"] = np.nan
    return out


def floor(table: pd.DataFrame) -> pd.DataFrame:
    t = table.sort_values(["area", "measure", "period_start"], kind="stable")
    previous = t.groupby(["area", "measure"], sort=False)["value"].shift(1)
    worse_by = (t["target"] - t["value"]) * t["sign"] / t["target"].abs() * 100
    rag = np.select([worse_by <= 0, worse_by < 5, worse_by >= 5], ["Green", "Amber", "Red"], None)
    step = np.sign(t["value"] - previous) * t["sign"]
    direction = np.select([step > 0, step < 0, step == 0], ["better", "worse", "similar"], None)
    return t.assign(rag=rag, direction=direction)


def small_table(figures: dict, rounds: int) -> None:
    """One council, 100 measures x 13 months: assess's fixed cost, against the floor of the same table."""
    results, targets = tables(1, 100, rated_only=False)
    prepared = floor_input(results, targets)
    times = take_turns({"floor": lambda: floor(prepared), "s75xl": lambda: assess(results, targets),
                        "fill_call": lambda: assess(results, None, spc=False)}, max(rounds, 5))
    figures["small_rows"] = len(results)
    for name, seconds in times.items():
        figures[f"small_{name}_min_s"], figures[f"small_{name}_median_s"] = lowest_and_median(seconds)
    figures["small_s75xl_over_floor_min"] = min(times["s75xl"]) / min(times["floor"])
    figures["small_s75xl_over_floor_median_round"] = statistics.median(round_ratios(times, "s75xl", "floor"))


def main(rounds: int = 5) -> dict:
    figures: dict = {"rounds": rounds, "measures": 40, "months": len(MONTHS)}
    per_row = {}
    for areas in SIZES:
        results, targets = tables(areas)
        prepared = floor_input(results, targets)
        times = take_turns({"floor": lambda: floor(prepared), "s75xl": lambda: assess(results, targets)}, rounds)
        ratios = round_ratios(times, "s75xl", "floor")
        tag = f"{areas}_areas"
        figures[f"{tag}_rows"] = len(results)
        for name, seconds in times.items():
            figures[f"{tag}_{name}_min_s"], figures[f"{tag}_{name}_median_s"] = lowest_and_median(seconds)
        figures[f"{tag}_s75xl_over_floor_min"] = min(times["s75xl"]) / min(times["floor"])
        figures[f"{tag}_s75xl_over_floor_median_round"] = statistics.median(ratios)
        per_row[areas] = min(times["s75xl"]) / len(results)
        figures[f"{tag}_s75xl_us_per_row"] = per_row[areas] * 1e6
    figures["per_row_150_over_10"] = per_row[SIZES[-1]] / per_row[SIZES[0]]
    small_table(figures, rounds)
    figures["meets_aim"] = figures[f"{SIZES[-1]}_areas_s75xl_over_floor_min"] <= 5 and figures["per_row_150_over_10"] <= 1.25
    record("assess", figures)
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
