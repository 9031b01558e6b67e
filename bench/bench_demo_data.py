"""Benchmark: `s75xl demo-data --people 750000`, the vectorised generator against the per-row one.

Each contender writes the four files for the same number of people in a fresh process (so its
peak memory is its own, read from /proc/self/status), taking turns round after round:

- per-row: the generator s75xl shipped before (bench/synthetic_per_row.py, kept only for this);
- s75xl: `s75xl.synthetic.write`, vectorised and written chunk by chunk.

Both write the same kinds of rows in the same proportions (tests/test_synthetic.py checks the
new one's shape), though not the same rows: the seed's meaning changed with the new generator.
Prints the fastest and median round of each, the speed-up within each round, each one's peak
memory against the size of the CLD file it wrote (the aim: at least 10 times faster, peak memory
below the CSV's size); writes bench/results/demo_data.csv.
Run: python bench/bench_demo_data.py [people] [rounds]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from report import RESULTS, in_child, peak_mib, record  # noqa: E402


def run_one(kind: str, people: int, out: Path) -> dict:
    if kind == "per-row":
        from synthetic_per_row import write
    else:
        from s75xl.synthetic import write
    start = time.perf_counter()
    paths = write(out, people, seed=1)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mib": peak_mib(), "csv_mib": paths["cld"].stat().st_size / 2**20,
            "rows": sum(1 for _ in paths["cld"].open("rb")) - 1}


def main(people: int = 750_000, rounds: int = 2) -> dict:
    times: dict[str, list[dict]] = {"per-row": [], "s75xl": []}
    for _ in range(rounds):
        for kind in times:
            times[kind].append(in_child(Path(__file__), kind, people, RESULTS / f"demo_data_{kind}"))
    secs = {kind: [r["seconds"] for r in runs] for kind, runs in times.items()}
    speedups = [a / b for a, b in zip(secs["per-row"], secs["s75xl"])]
    figures = {"people": people, "rounds": rounds}
    for kind, runs in times.items():
        figures[f"{kind}_min_s"] = min(secs[kind])
        figures[f"{kind}_median_s"] = statistics.median(secs[kind])
        figures[f"{kind}_peak_mib"] = max(r["peak_mib"] for r in runs)
        figures[f"{kind}_cld_csv_mib"] = runs[0]["csv_mib"]
        figures[f"{kind}_cld_rows"] = runs[0]["rows"]
    figures["speedup_min"] = min(secs["per-row"]) / min(secs["s75xl"])
    figures["speedup_lowest_round"] = min(speedups)
    figures["speedup_median_round"] = statistics.median(speedups)
    figures["s75xl_peak_over_csv"] = figures["s75xl_peak_mib"] / figures["s75xl_cld_csv_mib"]
    figures["meets_aim"] = min(speedups) >= 10 and figures["s75xl_peak_over_csv"] < 1
    record("demo_data", figures)
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        import json

        print(json.dumps(run_one(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 750_000, int(sys.argv[2]) if len(sys.argv) > 2 else 2)
