"""How fast the command line starts: `s75xl --version`, `--help` and `rate` against a bare
`python -c pass` (the floor) and against importing what the command line used to import eagerly
(pandas, scipy.stats and the whole engine, about 2.7 s on this machine when the issue was filed).

Each command runs in a fresh process; the contenders take turns for several rounds, and the
fastest and median round of each are kept, with each command's ratio to the floor within each
round (this machine is shared and noisy). `python -X importtime` gives, for the
same commands, the time spent importing modules and whether pandas or scipy.stats was imported.

    python bench/bench_startup.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time

from report import lowest_and_median, record, round_ratios

CONTENDERS = {
    "python -c pass": ["-c", "pass"],
    "s75xl --version": ["-m", "s75xl", "--version"],
    "s75xl --help": ["-m", "s75xl", "--help"],
    "s75xl rate 80 507180 2A(1)": ["-m", "s75xl", "rate", "80", "507180", "2A(1)"],
    "everything imported eagerly (before)": ["-c", "import scipy.stats, pandas, rich.table, s75xl.assess, s75xl.cli"],
}


def wall_time(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def import_profile(args: list[str]) -> tuple[float, bool]:
    """Seconds spent importing (the top-level imports' cumulative times) and whether pandas or
    scipy.stats was among them."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], check=True, capture_output=True, text=True)
    total, heavy = 0, False
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if not match:
            continue
        if match.group(2) == "":
            total += int(match.group(1))
        heavy |= match.group(3).strip() in ("pandas", "scipy.stats")
    return total / 1e6, heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    times = {name: [] for name in CONTENDERS}
    for _ in range(rounds):
        for name, args in CONTENDERS.items():
            times[name].append(wall_time(args))
    best = {name: min(t) for name, t in times.items()}
    floor, before = best["python -c pass"], best["everything imported eagerly (before)"]
    figures = {"rounds": rounds, "python -c pass (s)": floor, "eager imports, as before (s)": before}
    for name in ("s75xl --version", "s75xl --help", "s75xl rate 80 507180 2A(1)"):
        importing, heavy = import_profile(CONTENDERS[name])
        figures[f"{name} (s)"], figures[f"{name}, median round (s)"] = lowest_and_median(times[name])
        figures[f"{name} / python -c pass"] = best[name] / floor
        figures[f"{name} / python -c pass, median round"] = statistics.median(round_ratios(times, name, "python -c pass"))
        figures[f"{name} / eager imports"] = best[name] / before
        figures[f"{name}: importing (s)"] = importing
        figures[f"{name}: imports pandas or scipy.stats"] = "yes" if heavy else "no"
    record("startup", figures)


if __name__ == "__main__":
    main()
