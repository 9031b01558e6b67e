"""Benchmark: every CLD-derivable measure for 12 monthly periods and the financial year.

On a generated extract of about 1,000,000 event rows, measured in one run, two ways:

- each contender in its own fresh process (so peak memory is its own, and every array is new
  memory, as for one `s75xl compute` at the command line);
- read and s75xl taking turns within one long-lived process (the way the issue's 2.0 aim was set,
  and the way a notebook or an Excel session with the worksheet functions computes again and
  again): each runs once untimed first, then the rounds.

The contenders:

- read: pandas.read_csv of the file, nothing else (the floor);
- s75xl: `s75xl.cld.compute` (read, clean, de-duplicate, derive every measure for 13 periods);
- duckdb: a plain, straightforward DuckDB SQL version of the same measures (bench/cld_duckdb.sql)
  over the same file, including building its code lookup table.

The three run in turn, five rounds (this machine's timings swing by half from run to run, so
the fastest of each is taken, the one least disturbed by other work). Prints the best times, the
ratios of the best times, the s75xl/read ratio within each round (lowest, median, highest),
the same for the rounds within one process, peak memory, and how many figures DuckDB and s75xl
agree on; writes bench/results/cld.csv.
Run: python bench/bench_cld.py [people] [rounds] (250,000 people make about 1,000,000 rows).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from report import lowest_and_median, peak_mib, record, round_ratios, take_turns  # noqa: E402

PERIOD_LABELS = ["2024-25"] + [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in range(1, 4)]


def duckdb_results(cld_path: Path):
    """The DuckDB peer: returns a DataFrame (period, measure, breakdown, numerator, denominator)."""
    import duckdb
    import pandas as pd

    from s75xl.cld import vocab as V
    from s75xl.cld.periods import parse_period

    con = duckdb.connect()
    columns = {"client_type": "Client Type", "event_type": "Event Type", "service_type": "Service Type",
               "service_component": "Service Component", "delivery_mechanism": "Delivery Mechanism",
               "event_outcome": "Event Outcome", "primary_support_reason": "Primary Support Reason",
               "accommodation_status": "Accommodation Status", "employment_status": "Employment Status",
               "client_funding_status": "Client Funding Status", "review_reason": "Review Reason"}
    rows = []
    for field, column in columns.items():
        raw = con.execute(f'SELECT DISTINCT "{column}" FROM read_csv(?, all_varchar = true, header = true)', [str(cld_path)]).fetchall()
        for (value,) in raw:
            if value is not None:
                rows.append((field, value, V.LOOKUPS[field].get(V.value_key(value))))
    code_map = pd.DataFrame(rows, columns=["field", "raw", "r2"])
    outcome_rank = pd.DataFrame({"outcome": list(V.OUTCOME_RANK), "rank": list(V.OUTCOME_RANK.values())})
    settled_status = pd.DataFrame({"status": list(V.SETTLED)})
    numerator_2a = pd.DataFrame({"outcome": [o for o in (
        "NFA: Information and advice or signposting", "NFA: Support ended as planned",
        "NFA: Responsibility moved to another local authority", "NFA: Other", "NFA: No services offered for other reason",
        "NFA: Support ended for other reason", "NFA: Referral to other service within the local authority")]})
    periods = pd.DataFrame([(p.label, p.start.date(), p.end.date()) for p in map(parse_period, PERIOD_LABELS)],
                           columns=["label", "ps", "pe"])
    for name, frame in (("code_map", code_map), ("outcome_rank", outcome_rank), ("settled_status", settled_status),
                        ("numerator_2a", numerator_2a), ("periods", periods)):
        con.register(f"{name}_df", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_df")
    sql = (ROOT / "bench" / "cld_duckdb.sql").read_text().replace("{csv}", "'" + str(cld_path).replace("'", "''") + "'")
    for statement in sql.split(";"):
        if any(line.strip() and not line.strip().startswith("--") for line in statement.splitlines()):
            try:
                con.execute(statement)
            except duckdb.Error as exc:
                first = next(line for line in statement.splitlines() if line.strip() and not line.strip().startswith("--"))
                raise RuntimeError(f"{first.strip()}: {exc}") from None
    return con.execute("SELECT * FROM results").df().rename(columns={"numerator": "numerator", "denominator": "denominator"})


def run_one(kind: str, cld: Path, population: Path) -> dict:
    """Time one contender in this process and report its own peak memory (`report.peak_mib`: not
    getrusage, which a child inherits from its parent). Modules are imported before the clock
    starts, for every contender alike: the work is timed, not Python's start-up."""
    import duckdb  # noqa: F401
    import pandas as pd

    from s75xl.cld import compute

    start = time.perf_counter()
    if kind == "read":
        rows = len(pd.read_csv(cld))
        extra = {"rows": rows}
    elif kind == "s75xl":
        results, quality, _ = compute([cld], PERIOD_LABELS, population=population)
        results.to_pickle(RESULTS / "cld_s75xl.pkl")
        extra = {"results": len(results), "rows_kept": quality.rows_kept}
    else:
        duck = duckdb_results(cld)
        duck.to_pickle(RESULTS / "cld_duckdb.pkl")
        extra = {"results": len(duck)}
    seconds = time.perf_counter() - start
    return {"kind": kind, "seconds": seconds, "peak_mib": peak_mib(), **extra}


def same_process(cld: Path, population: Path, rounds: int) -> dict[str, list[float]]:
    """Seconds of read and s75xl in each round, taking turns within this one process."""
    import pandas as pd

    from s75xl.cld import compute

    return take_turns({"read": lambda: pd.read_csv(cld),
                       "s75xl": lambda: compute([cld], PERIOD_LABELS, population=population)}, rounds)


def agreement() -> tuple[int, list[str]]:
    """How many (period, measure, breakdown) figures the two versions share and which differ."""
    import pandas as pd

    ours = pd.read_pickle(RESULTS / "cld_s75xl.pkl")
    theirs = pd.read_pickle(RESULTS / "cld_duckdb.pkl")
    ours = ours.assign(denominator=ours["denominator"].where(~ours["measure"].isin(["2B", "2C"])))
    merged = theirs.merge(ours, on=["period", "measure", "breakdown"], suffixes=("_duck", "_s75xl"))
    differ = []
    for row in merged.itertuples():
        same_num = row.numerator_duck == row.numerator_s75xl
        same_den = (pd.isna(row.denominator_duck) and pd.isna(row.denominator_s75xl)) or row.denominator_duck == row.denominator_s75xl
        if not (same_num and same_den):
            differ.append(f"{row.period} {row.measure} {row.breakdown}: duckdb {row.numerator_duck}/{row.denominator_duck}, "
                          f"s75xl {row.numerator_s75xl}/{row.denominator_s75xl}")
    return len(merged), differ


def main(people: int = 250_000, rounds: int = 5) -> dict:
    from s75xl.synthetic import write

    RESULTS.mkdir(parents=True, exist_ok=True)
    data = RESULTS / f"cld_{people}"
    if not (data / "cld.csv").exists():
        write(data, people, seed=2024)  # chunk by chunk: this process stays small either way
    cld, population = data / "cld.csv", data / "population.csv"
    runs: dict[str, dict] = {}
    fresh_ratios = []
    for _ in range(rounds):
        this_round = {}
        for kind in ("read", "s75xl", "duckdb"):
            done = subprocess.run([sys.executable, __file__, "--one", kind, str(cld), str(population)],
                                  capture_output=True, text=True, check=True)
            this_round[kind] = json.loads(done.stdout.strip().splitlines()[-1])
            if kind not in runs or this_round[kind]["seconds"] < runs[kind]["seconds"]:
                runs[kind] = this_round[kind]
        fresh_ratios.append(this_round["s75xl"]["seconds"] / this_round["read"]["seconds"])
    done = subprocess.run([sys.executable, __file__, "--same-process", str(cld), str(population), str(rounds)],
                          capture_output=True, text=True, check=True)
    within = json.loads(done.stdout.strip().splitlines()[-1])
    within_ratios = round_ratios(within, "s75xl", "read")
    (read_low, _), (ours_low, _) = lowest_and_median(within["read"]), lowest_and_median(within["s75xl"])
    shared, differ = agreement()
    summary = {
        "rows": runs["read"]["rows"], "periods": len(PERIOD_LABELS),
        "read_s": runs["read"]["seconds"], "s75xl_s": runs["s75xl"]["seconds"], "duckdb_s": runs["duckdb"]["seconds"],
        "s75xl_over_read": runs["s75xl"]["seconds"] / runs["read"]["seconds"],
        "s75xl_over_duckdb": runs["s75xl"]["seconds"] / runs["duckdb"]["seconds"],
        "rounds": rounds, "s75xl_over_read_lowest_round": min(fresh_ratios),
        "s75xl_over_read_median_round": statistics.median(fresh_ratios), "s75xl_over_read_highest_round": max(fresh_ratios),
        "same_process_read_s": read_low, "same_process_s75xl_s": ours_low,
        "same_process_s75xl_over_read": ours_low / read_low,
        "same_process_lowest_round": min(within_ratios), "same_process_median_round": statistics.median(within_ratios),
        "same_process_highest_round": max(within_ratios),
        "read_peak_mib": runs["read"]["peak_mib"], "s75xl_peak_mib": runs["s75xl"]["peak_mib"],
        "duckdb_peak_mib": runs["duckdb"]["peak_mib"], "figures_compared": shared, "figures_differing": len(differ),
    }
    record("cld", summary)
    for line in differ[:20]:
        print("  differs:", line)
    return summary


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(run_one(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "--same-process":
        print(json.dumps(same_process(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 250_000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
