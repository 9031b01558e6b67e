"""Benchmark: the worksheet functions' fast path against plain numpy (issue: worksheet functions).

Measured in one run, on the same generated arrays, the contenders taking turns round after round
(report.take_turns):

- floor: the same arithmetic in plain numpy on ready-made float arrays (value = x / y * multiplier);
- list floor: plain numpy starting from the same 2-D list Excel sends and giving back the same
  table as a list (columns to arrays, the arithmetic, one value appended to each row): the least
  any function must do with Excel's data, before xlwings' own conversion;
- s75xl engine: ASCOF_RATES' own code on that 2-D list, without xlwings;
- xlwings pass-through: a do-nothing custom function given the same 100,000-row range and
  returning the same number of cells, through xlwings.server.custom_functions_call. This is what
  xlwings itself costs to convert the arguments and the result, before any s75xl code runs;
- ASCOF_RATES over the 100,000-row range through custom_functions_call;
- fixed overhead: ASCOF_RATES over a one-row range;
- scalar ASCOF_RATE: the cost of one single-cell call.

Prints the fastest and median round of each and the ratios, of the fastest times and within each
round (the aim: ASCOF_RATES within 5 times the floor plus a fixed overhead under 5 ms), and writes
them to bench/results/udfs.csv. Run: python bench/bench_udfs.py [rows] [rounds]
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import numpy as np  # noqa: E402
import xlwings as xw  # noqa: E402
from xlwings import server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "udfs"))
sys.path.insert(0, str(ROOT / "bench"))
import statistics  # noqa: E402

from report import lowest_and_median, record, round_ratios, take_turns  # noqa: E402
import s75xl_functions as F  # noqa: E402

CODES = ["1C(1A)", "1C(2A)", "1E", "2A(1)", "2A(2)", "2B(1)", "2D", "HAV-20"]


@xw.func
@xw.arg("table", ndim=2)
def passthrough(table):
    """Returns the range with one more column, the shape ASCOF_RATES returns: xlwings' own cost."""
    return [row + [0.0] for row in table]


def body(name, *args):
    return {"func_name": name, "args": list(args), "version": xw.__version__, "client": "Office.js",
            "runtime": "1.4", "caller_address": "[bench.xlsx]Sheet1!E1"}



def main(rows: int = 100_000, rounds: int = 7) -> dict:
    rng = np.random.default_rng(2024)
    codes = rng.choice(CODES, rows)
    den = rng.integers(500, 600_000, rows).astype(float)
    num = np.floor(den * rng.uniform(0.001, 0.95, rows))
    multipliers = np.array([100_000.0 if c.startswith("2A") else 100.0 for c in codes])
    table = [["measure", "numerator", "denominator"]] + [[c, float(n), float(d)] for c, n, d in zip(codes, num, den)]
    module = sys.modules[__name__]
    call = lambda mod, name, *args: asyncio.run(server.custom_functions_call(body(name, *args), mod))  # noqa: E731

    check = call(F, "ascof_rates", table)
    expected = num / den * multipliers
    got = np.array([row[-1] for row in check[1:]], dtype=float)
    assert np.allclose(got, expected, rtol=1e-12), "ASCOF_RATES disagrees with the numpy floor"

    multiplier_of = {c: (100_000.0 if c.startswith("2A") else 100.0) for c in CODES}

    def list_floor():
        body_rows = table[1:]
        columns = list(zip(*body_rows))
        x, y = np.array(columns[1], dtype=float), np.array(columns[2], dtype=float)
        m = np.array([multiplier_of[c] for c in columns[0]])
        return [row + [v] for row, v in zip(body_rows, (x / y * m).tolist())]

    one_row = [table[0], table[1]]
    times = take_turns({
        "numpy_floor": lambda: num / den * multipliers,
        "list_floor": list_floor,
        "s75xl_engine": lambda: F._rates_table(table),
        "xlwings_passthrough": lambda: call(module, "passthrough", table),
        "ascof_rates": lambda: call(F, "ascof_rates", table),
        "fixed_overhead": lambda: call(F, "ascof_rates", one_row),
        "scalar_ascof_rate": lambda: [call(F, "ascof_rate", [[80]], [[507180]], [["2A(1)"]]) for _ in range(100)],
    }, rounds)
    times["scalar_ascof_rate"] = [t / 100 for t in times["scalar_ascof_rate"]]
    results: dict = {"rows": rows, "rounds": rounds}
    for name, seconds in times.items():
        low, median = lowest_and_median(seconds)
        results[f"{name}_ms"], results[f"{name}_median_ms"] = low * 1e3, median * 1e3
    fastest = {name: min(seconds) for name, seconds in times.items()}
    for ours, floor in (("s75xl_engine", "list_floor"), ("ascof_rates", "numpy_floor"),
                        ("ascof_rates", "xlwings_passthrough")):
        results[f"{ours}_over_{floor}"] = fastest[ours] / fastest[floor]
        results[f"{ours}_over_{floor}_median_round"] = statistics.median(round_ratios(times, ours, floor))
    overhead = fastest["fixed_overhead"]
    results["meets_aim_as_written"] = fastest["ascof_rates"] <= 5 * fastest["numpy_floor"] + min(overhead, 0.005)
    results["engine_within_5x_list_floor"] = fastest["s75xl_engine"] <= 5 * fastest["list_floor"] and overhead < 0.005
    record("udfs", results)
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, int(sys.argv[2]) if len(sys.argv) > 2 else 7)
