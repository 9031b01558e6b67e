"""Benchmark: filling a 100-measure by 13-month dashboard into a template of about 5 MB.

Measured in one run, best of several repeats, on a template generated here (a dashboard sheet
plus a data sheet that brings the file to about 5 MB, as councils' templates with data tabs do):

- floor: copying the same zip with Python's zipfile (read every part, write every part);
- s75xl: `s75xl.fill.fill` (find labels, assess, plan, patch the sheet XML, write atomically);
- openpyxl: load the workbook, write the same cells, save (what the surgical writer replaces).

Prints the ratios (aim: within 2 times the floor and at least 10 times faster than openpyxl)
and writes bench/results/fill.csv. Run: python bench/bench_fill.py
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from report import RESULTS, best_of, record  # noqa: E402

from s75xl.catalogue import default_catalogue  # noqa: E402
from s75xl.fill import fill  # noqa: E402

MONTHS = pd.period_range("2024-03", periods=13, freq="M")


def build(folder: Path, measures: int = 100, data_rows: int = 115_000) -> tuple[Path, Path, pd.DataFrame]:
    ids = [m.id for m in default_catalogue() if m.unit in ("percent", "per_100k", "count")][:measures]
    wb = Workbook()
    ws = wb.active
    ws.title = "Dashboard"
    ws.append(["Monthly"] + [m.strftime("%b %y") for m in MONTHS] + ["Target"])
    for k in range(measures):
        ws.append([f"Local measure {k + 1}"] + [round(float(v), 1) for v in np.random.default_rng(k).uniform(10, 90, 13)] + [50])
    data = wb.create_sheet("Data")
    rng = np.random.default_rng(1)
    for row in rng.uniform(0, 1000, (data_rows, 6)).round(3).tolist():
        data.append(row)
    template = folder / "big_template.xlsx"
    wb.save(template)
    layout = folder / "big_template.layout.toml"
    lines = ['sheet = "Dashboard"', 'header = "Monthly"', 'periods = "month"', "", "[columns]", 'target = "Target"', "", "[measures]"]
    lines += [f'"Local measure {k + 1}" = "{ident}"' for k, ident in enumerate(ids)]
    layout.write_text("\n".join(lines) + "\n")
    rows = [{"measure": ident, "period": str(month), "value": float(rng.uniform(10, 90))} for ident in ids for month in MONTHS]
    return template, layout, pd.DataFrame(rows)



def zip_copy(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info.filename))


def openpyxl_fill(template: Path, target: Path, results: pd.DataFrame, ids: list[str]) -> None:
    wb = load_workbook(template)
    ws = wb["Dashboard"]
    row_of = {ident: k + 2 for k, ident in enumerate(ids)}
    col_of = {str(m): k + 2 for k, m in enumerate(MONTHS)}
    for r in results.itertuples():
        ws.cell(row=row_of[r.measure], column=col_of[r.period], value=r.value)
    wb.save(target)


def main() -> dict:
    work = RESULTS / "fill"
    work.mkdir(parents=True, exist_ok=True)
    template, layout, results = build(work)
    ids = list(dict.fromkeys(results["measure"]))
    floor = best_of(5, lambda: zip_copy(template, work / "copy.xlsx"))
    ours = best_of(5, lambda: fill(template, results, layout=layout, out=work / "filled.xlsx"))
    theirs = best_of(2, lambda: openpyxl_fill(template, work / "openpyxl.xlsx", results, ids))
    figures = {
        "template_mib": template.stat().st_size / 2**20, "cells_written": len(results),
        "zip_copy_floor_s": floor, "s75xl_fill_s": ours, "openpyxl_s": theirs,
        "s75xl_over_floor": ours / floor, "openpyxl_over_s75xl": theirs / ours,
        "meets_aim": ours <= 2 * floor and theirs >= 10 * ours,
    }
    record("fill", figures)
    return figures


if __name__ == "__main__":
    main()
