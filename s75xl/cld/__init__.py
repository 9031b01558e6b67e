"""Client Level Data (CLD): reading councils' extracts and deriving ASCOF and Section 75 measures.

``compute(paths, "2024-25", population=...)`` gives the results table of DESIGN.md. The engine is
Arrow (reading), pandas (the tables users see) and numpy (the derivations), not DuckDB SQL: they
are already the engine's libraries, run wherever s75xl runs (including Pyodide for xlwings Lite),
and let the period-independent work be done once per extract, so each further period costs a few
milliseconds. bench/bench_cld.py measures it against a plain DuckDB SQL version of the same
measures, which it beats by about seven times, and against pandas only reading the file.

Modules, in the order data flows: fields (the specification's columns), csv_file and read
(files), columns and clean (one clean events table), quality (the data-quality log), common (day
numbers, ages, sorting, per-person picks), prepared and episodes (period-independent facts), ascof
and activity (the measures per period), compute. parallel runs independent work on several
threads, and memory turns off numpy's huge-page advice while s75xl computes.
"""

from .compute import compute
from .periods import Period, parse_period
from .read import DataQuality, read_cld

__all__ = ["DataQuality", "Period", "compute", "parse_period", "read_cld"]
