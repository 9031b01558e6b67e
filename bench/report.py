"""What every benchmark here shares: taking turns, min and median rounds, per-process peak memory,
and recording the figures (one CSV row in bench/results/ and a printed table).

This machine's timings swing by a third or more from one minute to the next, so contenders are
never timed one after the other in blocks: each round runs every contender once, in turn, and
ratios are taken between figures of the same run (the fastest round of each, and the median).
"""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
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


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def take_turns(contenders: dict, rounds: int, warm_up: bool = True) -> dict[str, list[float]]:
    """Seconds of each contender in each round; in every round all of them run once, in turn.
    With warm_up, each runs once untimed first (imports, caches), as a long-running session would."""
    if warm_up:
        for fn in contenders.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(timed(fn))
    return times


def lowest_and_median(times: list[float]) -> tuple[float, float]:
    return min(times), statistics.median(times)


def round_ratios(times: dict[str, list[float]], ours: str, floor: str) -> list[float]:
    """ours / floor within each round (both measured within seconds of each other)."""
    return [a / b for a, b in zip(times[ours], times[floor])]


def peak_mib() -> float:
    """This process's own peak resident memory (VmHWM), in MiB.

    Not getrusage's ru_maxrss: Linux carries that across fork and exec, so a child started by a
    parent that had grown to 1.3 GiB reports at least 1.3 GiB whatever it did itself. VmHWM
    belongs to the process's own address space, which exec creates afresh.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(script: Path, *args: str) -> dict:
    """Run `python script --one args...` in a fresh process; it prints one JSON object last."""
    done = subprocess.run([sys.executable, str(script), "--one", *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} {' '.join(map(str, args))} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best_of(repeats: int, fn) -> float:
    """The fastest of `repeats` timed calls, in seconds (the least disturbed by a noisy machine)."""
    return min(timed(fn) for _ in range(repeats))
