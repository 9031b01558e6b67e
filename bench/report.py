"""Recording a benchmark's figures: one CSV row in bench/results/ and a printed table."""

from __future__ import annotations

import csv
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
