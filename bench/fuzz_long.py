"""The long fuzz run: the readers of tests/test_fuzz_readers.py, each fed many more generated
inputs than CI gives them, with the outcomes counted (read, refused with s75xl's own error, or
crashed) and each crash's kind and the start of its input printed.

    python bench/fuzz_long.py [--examples 2000] [--seed 1]

The figures go to bench/results/fuzz_long.csv and the README's "Bad and hostile input" section.
Not a timing benchmark: the seconds are printed only so a reader knows what the run cost.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from report import record  # noqa: E402
from tests.test_fuzz_readers import TARGETS  # noqa: E402


def fuzz(name: str, examples: int, run_seed: int) -> tuple[Counter, list[str], float]:
    strategy, check = TARGETS[name]
    counts: Counter = Counter()
    crashes: list[str] = []

    def one(data):
        try:
            counts[check(data)] += 1
        except Exception as exc:  # noqa: BLE001 - a crash is what this run looks for
            counts["crash"] += 1
            if len(crashes) < 5:
                crashes.append(f"{type(exc).__name__}: {str(exc)[:120]!r} on {bytes(data[:60])!r}")

    runner = seed(run_seed)(settings(max_examples=examples, deadline=None, database=None,
                                     suppress_health_check=list(HealthCheck))(given(strategy)(one)))
    started = time.perf_counter()
    runner()
    return counts, crashes, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figures: dict = {"examples_per_reader": args.examples, "seed": args.seed}
    total = Counter()
    for name in TARGETS:
        counts, crashes, seconds = fuzz(name, args.examples, args.seed)
        total.update(counts)
        figures |= {f"{name}_read": counts["ok"], f"{name}_refused": counts["error"], f"{name}_crashed": counts["crash"],
                    f"{name}_seconds": round(seconds, 1)}
        for crash in crashes:
            print(f"CRASH {name}: {crash}")
    figures |= {"inputs": sum(total.values()), "read": total["ok"], "refused": total["error"], "crashed": total["crash"]}
    record("fuzz_long", figures)
    return 1 if total["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
