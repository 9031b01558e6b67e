"""Benchmark: filling a 100-measure by 13-month dashboard into templates of about 1, 5 and 20 MB.

Each template is a dashboard sheet plus a data sheet that brings the file to the size, as
councils' templates with data tabs do; all generated here. At each size, measured in one run,
the contenders taking turns round after round:

- floor: copying the same zip with Python's zipfile (read every part, write every part);
- s75xl: `s75xl.fill.fill` (find labels, assess, plan, patch the sheet XML, write atomically);
- openpyxl (1 MB only, it takes many seconds more): load the workbook, write the same cells, save.

Then fill's fixed cost: the same fill into the dashboard alone (no data sheet), whole and stage
by stage as fill itself times them (open, read the layout's sheet, find, assess, plan, patch,
save), and the whole less its assess stage, round by round.

Prints, per size, the fastest and median round of each and the ratios (the aim: fill at most
1.0 times the floor at every size, in its slowest round too; the fixed cost without assess under
0.1 s); writes bench/results/fill.csv.
Run: python bench/bench_fill.py [rounds]
"""

from __future__ import annotations

import statistics
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from report import RESULTS, lowest_and_median, record, round_ratios, take_turns  # noqa: E402

from s75xl.catalogue import default_catalogue  # noqa: E402
from s75xl.fill import fill  # noqa: E402

MONTHS = pd.period_range("2024-03", periods=13, freq="M")
ROWS_PER_MB = 23_000  # data-sheet rows of six 3-decimal numbers per MB of compressed template
SIZES_MB = (1, 5, 20)
SHEET_ROWS = 8 * ROWS_PER_MB  # a data tab of about 8 MB compressed inflates to about 45 MiB


def build(folder: Path, size_mb: float, measures: int = 100) -> tuple[Path, Path, pd.DataFrame]:
    """A template of about size_mb (0 for the dashboard alone), its layout, and results to fill."""
    ids = [m.id for m in default_catalogue() if m.unit in ("percent", "per_100k", "count")][:measures]
    template = folder / f"template_{size_mb}mb.xlsx"
    if not template.exists():  # the same seeds make the same file: built once, kept in bench/results
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Dashboard")
        ws.append(["Monthly"] + [m.strftime("%b %y") for m in MONTHS] + ["Target"])
        for k in range(measures):
            ws.append([f"Local measure {k + 1}"] + [round(float(v), 1) for v in np.random.default_rng(k).uniform(10, 90, 13)] + [50])
        rows = np.random.default_rng(1).uniform(0, 1000, (int(size_mb * ROWS_PER_MB), 6)).round(3).tolist()
        for k, start in enumerate(range(0, len(rows), SHEET_ROWS)):  # data tabs under the 100 MiB part limit
            data = wb.create_sheet("Data" if k == 0 else f"Data {k + 1}")
            for row in rows[start:start + SHEET_ROWS]:
                data.append(row)
        wb.save(template)
    rng = np.random.default_rng(2)
    layout = template.with_name(template.stem + ".layout.toml")
    lines = ['sheet = "Dashboard"', 'header = "Monthly"', 'periods = "month"', "", "[columns]", 'target = "Target"', "", "[measures]"]
    lines += [f'"Local measure {k + 1}" = "{ident}"' for k, ident in enumerate(ids)]
    layout.write_text("\n".join(lines) + "\n")
    rows = [{"measure": ident, "period": str(month), "value": float(rng.uniform(10, 90))} for ident in ids for month in MONTHS]
    return template, layout, pd.DataFrame(rows)


def zip_copy(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info.filename))


def openpyxl_fill(template: Path, target: Path, results: pd.DataFrame) -> None:
    wb = load_workbook(template)
    ws = wb["Dashboard"]
    row_of = {ident: k + 2 for k, ident in enumerate(dict.fromkeys(results["measure"]))}
    col_of = {str(m): k + 2 for k, m in enumerate(MONTHS)}
    for r in results.itertuples():
        ws.cell(row=row_of[r.measure], column=col_of[r.period], value=r.value)
    wb.save(target)


def fixed_cost(template: Path, layout: Path, results: pd.DataFrame, out: Path, rounds: int) -> dict[str, float]:
    """Fill into the dashboard alone, round after round: the whole call, and each of its stages as
    fill itself times them (`fill(timings=...)`: open, read_sheet, find, assess, plan, patch, save)."""
    laps: list[dict[str, float]] = []

    def one() -> None:
        laps.append({})
        fill(template, results, layout=layout, out=out, timings=laps[-1])

    whole = take_turns({"fixed": one}, rounds)["fixed"]
    laps = laps[1:]  # the warm-up round
    figures = {}
    figures["fixed_cost_min_s"], figures["fixed_cost_median_s"] = lowest_and_median(whole)
    without = [total - lap["assess"] for total, lap in zip(whole, laps)]
    figures["fixed_cost_without_assess_min_s"], figures["fixed_cost_without_assess_median_s"] = lowest_and_median(without)
    figures["fixed_cost_without_assess_worst_s"] = max(without)
    for stage in laps[0]:
        figures[f"fixed_stage_{stage}_min_s"], figures[f"fixed_stage_{stage}_median_s"] = \
            lowest_and_median([lap[stage] for lap in laps])
    return figures


def main(rounds: int = 7) -> dict:
    work = RESULTS / "fill"
    work.mkdir(parents=True, exist_ok=True)
    figures: dict = {"rounds": rounds, "cells_per_fill": 100 * 13}
    for size in SIZES_MB:
        template, layout, results = build(work, size)
        contenders = {
            "floor": lambda: zip_copy(template, work / "copy.xlsx"),
            "s75xl": lambda: fill(template, results, layout=layout, out=work / "filled.xlsx"),
        }
        if size == SIZES_MB[0]:
            contenders["openpyxl"] = lambda: openpyxl_fill(template, work / "openpyxl.xlsx", results)
        times = take_turns(contenders, rounds if size != SIZES_MB[0] else max(3, rounds // 2))
        ratios = round_ratios(times, "s75xl", "floor")
        tag = f"{size}mb"
        figures[f"{tag}_template_mib"] = template.stat().st_size / 2**20
        for name, seconds in times.items():
            low, median = lowest_and_median(seconds)
            figures[f"{tag}_{name}_min_s"], figures[f"{tag}_{name}_median_s"] = low, median
        figures[f"{tag}_s75xl_over_floor_min"] = min(times["s75xl"]) / min(times["floor"])
        figures[f"{tag}_s75xl_over_floor_median_round"] = statistics.median(ratios)
        figures[f"{tag}_s75xl_over_floor_worst_round"] = max(ratios)
        if "openpyxl" in times:
            figures[f"{tag}_openpyxl_over_s75xl_min"] = min(times["openpyxl"]) / min(times["s75xl"])
    template, layout, results = build(work, 0)
    figures.update(fixed_cost(template, layout, results, work / "filled_small.xlsx", rounds))
    figures["meets_aim"] = all(figures[f"{s}mb_s75xl_over_floor_worst_round"] <= 1.0 for s in SIZES_MB) \
        and figures["fixed_cost_without_assess_min_s"] < 0.1
    record("fill", figures)
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
