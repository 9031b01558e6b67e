"""An independent check: bench/cld_duckdb.sql, a plain DuckDB SQL version of the CLD measures
written separately from the pandas engine, gives the same figures on generated data."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import bench_cld  # noqa: E402

from s75xl.cld import compute  # noqa: E402
from s75xl.synthetic import write  # noqa: E402

from . import cld_fixture as F  # noqa: E402


def test_duckdb_sql_and_pandas_engine_agree(tmp_path):
    paths = write(tmp_path, 1500, seed=11)
    generated = pd.read_csv(paths["cld"], dtype=str)
    edges = F.edge_cases().reindex(columns=generated.columns)  # people at the edges of the DHSC rules
    pd.concat([generated, edges], ignore_index=True).to_csv(paths["cld"], index=False)
    ours, _, _ = compute([paths["cld"]], bench_cld.PERIOD_LABELS, population=paths["population"])
    theirs = bench_cld.duckdb_results(paths["cld"])
    ours = ours.assign(denominator=ours["denominator"].where(~ours["measure"].isin(["2B", "2C"])))
    merged = theirs.merge(ours, on=["period", "measure", "breakdown"], suffixes=("_sql", "_s75xl"))
    assert len(merged) >= 300  # 2A, 2B, 2C, 2E, 3D, 1E, placements, home support, telecare, reviews x 13 periods
    assert (merged["numerator_sql"] == merged["numerator_s75xl"]).all()
    same_den = (merged["denominator_sql"] == merged["denominator_s75xl"]) | \
        (merged["denominator_sql"].isna() & merged["denominator_s75xl"].isna())
    assert same_den.all()
    assert set(merged["measure"]) >= {"2A", "2B", "2C", "2E(1)", "2E(2)", "3D(1A)", "3D(2A)", "3D(1B)", "3D(2B)", "1E", "S75-RES-NEW",
                                      "S75-DOM-OPEN-END", "S75-TELECARE", "S75-REVIEW-ON-TIME"}
