"""Benchmark: the worksheet functions' fast path against plain numpy (issue: worksheet functions).

Measured in one run, on the same generated arrays, best of several repeats:

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

Prints the ratios (the aim: ASCOF_RATES within 5 times the floor plus a fixed overhead under 5 ms)
and writes them to bench/results/udfs.csv. Run: python bench/bench_udfs.py [rows]
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
from report import best_of, record  # noqa: E402
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



def main(rows: int = 100_000) -> dict:
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

    floor = best_of(7, lambda: num / den * multipliers)
    multiplier_of = {c: (100_000.0 if c.startswith("2A") else 100.0) for c in CODES}

    def list_floor():
        body_rows = table[1:]
        columns = list(zip(*body_rows))
        x, y = np.array(columns[1], dtype=float), np.array(columns[2], dtype=float)
        m = np.array([multiplier_of[c] for c in columns[0]])
        return [row + [v] for row, v in zip(body_rows, (x / y * m).tolist())]

    list_floor_time = best_of(5, list_floor)
    engine = best_of(5, lambda: F._rates_table(table))
    passthrough_time = best_of(3, lambda: call(module, "passthrough", table))
    table_time = best_of(3, lambda: call(F, "ascof_rates", table))
    one_row = [table[0], table[1]]
    overhead = best_of(50, lambda: call(F, "ascof_rates", one_row))
    scalar = best_of(3, lambda: [call(F, "ascof_rate", [[80]], [[507180]], [["2A(1)"]]) for _ in range(200)]) / 200

    results = {
        "rows": rows,
        "numpy_floor_ms": floor * 1e3,
        "list_floor_ms": list_floor_time * 1e3,
        "s75xl_engine_ms": engine * 1e3,
        "engine_over_list_floor": engine / list_floor_time,
        "xlwings_passthrough_ms": passthrough_time * 1e3,
        "ascof_rates_ms": table_time * 1e3,
        "ascof_rates_over_floor": table_time / floor,
        "ascof_rates_over_passthrough": table_time / passthrough_time,
        "fixed_overhead_ms": overhead * 1e3,
        "scalar_ascof_rate_ms": scalar * 1e3,
        "meets_aim_as_written": table_time <= 5 * floor + min(overhead, 0.005),
        "engine_within_5x_list_floor": engine <= 5 * list_floor_time and overhead < 0.005,
    }
    record("udfs", results)
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
