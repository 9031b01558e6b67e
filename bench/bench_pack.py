"""Board packs for many areas: s75xl's time against the floor of XlsxWriter writing the same
cells and charts with nothing computed, peak memory, and how time grows from 10 to 150 areas.

Input (generated here): N areas x 40 measures x 13 months, each measure a random walk with a
flat target, so about a third of the measures are exceptions and get a report card and chart.
s75xl's run is `build_pack` without the PDF (LibreOffice's time is its own): checking the
results, assess (targets, RAG, exceptions, SPC), forecasts, chart specs, one workbook per area
and the comparison workbook. The floor writes, per area, a workbook with the same number of
sheets, the same text and number cells and the same line charts (same series and points),
counted from s75xl's own output, with values made up in advance. Each contender runs in a fresh
process (peak memory is its own VmHWM); at each size the two take turns for a number
of rounds, and the fastest and median round of each are reported with the ratios (of the fastest
times, and the median of each round's own ratio).

    python bench/bench_pack.py                       # 10, 50 and 150 areas, 2 rounds each
    python bench/bench_pack.py --areas 10 --rounds 5 # one size
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MEASURES = 40
MONTHS = 13


def make_inputs(areas: int, seed: int = 1):
    import numpy as np
    import pandas as pd

    from s75xl.catalogue import default_catalogue

    rng = np.random.default_rng(seed)
    ids = [m.id for m in default_catalogue() if m.unit == "percent"][:MEASURES]
    months = pd.date_range("2024-03-01", periods=MONTHS, freq="MS")
    rows, targets = [], []
    for a in range(areas):
        area = f"Area {a + 1:03d}"
        for measure in ids:
            level = rng.uniform(30, 70)
            walk = np.clip(level + np.cumsum(rng.normal(0, 1.5, MONTHS)), 1, 99)
            rows.append(pd.DataFrame({"area": area, "measure": measure, "period": months, "value": walk.round(1)}))
    results = pd.concat(rows, ignore_index=True)
    for measure in ids:
        targets.append({"area": "", "measure": measure, "year": "2024-25", "annual_target": 50.0, "profile": "flat"})
    return results, pd.DataFrame(targets)


def run_s75xl(areas: int, out: Path) -> dict:
    from s75xl.pack import PackOptions, build_pack

    results, targets = make_inputs(areas)
    start = time.perf_counter()
    result = build_pack(results, targets=targets, out_dir=out, options=PackOptions(pdf=False))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "files": len(result.files), "cards": sum(len(c.cards) for c in result.areas.values())}


def census(path: Path) -> dict:
    """What a workbook holds: per sheet, its text and number cells; per chart, series and points."""
    sheets, charts = [], []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml", n)):
            xml = z.read(name).decode()
            text = xml.count('t="s"')
            numbers = len(re.findall(r"<c [^>]*>\s*<v>", xml)) - text
            sheets.append((text, max(numbers, 0)))
        for name in sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)):
            xml = z.read(name).decode()
            series = xml.count("<c:ser>")
            points = xml.count("<c:pt ") // max(series * 2, 1)
            charts.append((series, points))
    return {"sheets": sheets, "charts": charts}


def run_floor(spec_file: Path, out: Path) -> dict:
    """XlsxWriter writing the same cells and charts, with every value made up beforehand."""
    import xlsxwriter

    specs = json.loads(spec_file.read_text())
    prepared = []
    for spec in specs:  # nothing computed in the timed part: the values are made here
        prepared.append({"sheets": [(["label %d" % i for i in range(t)], [float(i) for i in range(n)])
                                    for t, n in spec["sheets"]], "charts": spec["charts"]})
    start = time.perf_counter()
    for i, spec in enumerate(prepared):
        book = xlsxwriter.Workbook(str(out / f"floor_{i}.xlsx"), {"in_memory": True})
        data = book.add_worksheet("data")
        column = 0
        for texts, numbers in spec["sheets"]:
            sheet = book.add_worksheet()
            for r, text in enumerate(texts):
                sheet.write_string(r, 0, text)
            for r, number in enumerate(numbers):
                sheet.write_number(r, 1, number)
        for series, points in spec["charts"]:
            chart = book.add_chart({"type": "line"})
            for s in range(series):
                for p in range(points):
                    data.write_number(p, column + s, float(p))
                chart.add_series({"values": ["data", 0, column + s, points - 1, column + s]})
            column += series
            book.worksheets()[1].insert_chart(0, 3, chart)
        book.close()
    return {"seconds": time.perf_counter() - start}


def child(kind: str, areas: int, workdir: str) -> None:
    from report import peak_mib

    out = Path(workdir)
    if kind == "s75xl":
        figures = run_s75xl(areas, out / "pack")
        specs = [census(p) for p in sorted((out / "pack").glob("*.xlsx"))]
        (out / "specs.json").write_text(json.dumps(specs))
    else:
        figures = run_floor(out / "specs.json", out)
    figures["peak_mib"] = peak_mib()  # this process's own (VmHWM), not getrusage's inherited maximum
    print(json.dumps(figures))


def measure(kind: str, areas: int, workdir: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--areas", str(areas), "--workdir", workdir],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, action="append")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.areas[0], args.workdir)
        return
    from report import lowest_and_median, record

    sizes = args.areas or [10, 50, 150]
    figures, per_area = {}, {}
    for areas in sizes:
        runs: dict[str, list[dict]] = {"s75xl": [], "floor": []}
        with tempfile.TemporaryDirectory() as workdir:
            for _ in range(args.rounds):  # the floor copies the census of s75xl's output just made
                for kind in runs:
                    runs[kind].append(measure(kind, areas, workdir))
        ours, floor = ([run["seconds"] for run in runs[kind]] for kind in ("s75xl", "floor"))
        (ours_low, ours_median), (floor_low, floor_median) = lowest_and_median(ours), lowest_and_median(floor)
        per_area[areas] = ours_low / areas
        figures.update({
            f"{areas}_areas_s75xl_s": ours_low, f"{areas}_areas_s75xl_median_s": ours_median,
            f"{areas}_areas_floor_s": floor_low, f"{areas}_areas_floor_median_s": floor_median,
            f"{areas}_areas_ratio": ours_low / floor_low,
            f"{areas}_areas_ratio_median_round": statistics.median(a / b for a, b in zip(ours, floor)),
            f"{areas}_areas_cards": runs["s75xl"][0]["cards"],
            f"{areas}_areas_s75xl_peak_mib": max(run["peak_mib"] for run in runs["s75xl"]),
            f"{areas}_areas_floor_peak_mib": max(run["peak_mib"] for run in runs["floor"]),
        })
        print(f"{areas} areas: s75xl {ours_low:.1f} s, floor {floor_low:.1f} s, ratio {ours_low / floor_low:.1f} "
              f"(median round {figures[f'{areas}_areas_ratio_median_round']:.1f})", flush=True)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        figures[f"growth_{small}_to_{large}_time_ratio"] = (figures[f"{large}_areas_s75xl_s"]
                                                           / figures[f"{small}_areas_s75xl_s"])
        figures[f"growth_{small}_to_{large}_areas_ratio"] = large / small
        figures["seconds_per_area_smallest_largest"] = f"{per_area[small]:.3f} / {per_area[large]:.3f}"
    record("bench_pack", figures)


if __name__ == "__main__":
    main()
