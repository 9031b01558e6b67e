"""Client Level Data (CLD): reading councils' extracts and deriving ASCOF and Section 75 measures.

``compute(paths, "2024-25", population=...)`` gives the results table of DESIGN.md. The
derivations are written in pandas rather than DuckDB SQL: pandas is already the engine's one
table library, runs wherever s75xl runs (including Pyodide for xlwings Lite), and its grouped,
vectorised operations keep a million-row extract within a few times its read time
(bench/bench_cld.py measures this against a plain DuckDB SQL version of the same measures).
"""

from .compute import compute
from .periods import Period, parse_period
from .read import DataQuality, read_cld

__all__ = ["DataQuality", "Period", "compute", "parse_period", "read_cld"]
