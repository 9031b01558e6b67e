"""Recording a benchmark's figures: one CSV row in bench/results/ and a printed table."""

from __future__ import annotations

import csv
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def record(name: str, figures: dict) -> None:
    """Write the figures to bench/results/<name>.csv and print them, one per line."""
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / f"{name}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(figures))
        writer.writeheader()
        writer.writerow(figures)
    width = max(len(key) for key in figures) + 2
    for key, value in figures.items():
        print(f"{key:{width}}{value:.3f}" if isinstance(value, float) else f"{key:{width}}{value}")


def best_of(repeats: int, fn) -> float:
    """The fastest of `repeats` timed calls, in seconds (the least disturbed by a noisy machine)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
