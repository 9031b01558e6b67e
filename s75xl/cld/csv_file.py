"""Reading a CLD CSV file with Arrow's multi-threaded parser.

Only the columns s75xl uses are parsed: names, postcodes and GP details are never even read
into memory. Coded values are dictionary-encoded while parsing, so each distinct text is
decoded once (columns.py) with no per-row work in Python. Dates are read as text: Arrow's
date parsing in the reader would either stop at the first odd value or, with a strptime
format, silently turn 31/02/2024 into 2 March, where s75xl must report it as invalid; and
dictionary-encoding them in the reader costs most for birth dates, with tens of thousands of
distinct values. columns.parse_dates reads them instead.

UTF-8 is tried first, then Windows-1252 (what Excel's "CSV" writes). The delimiter is whichever
of comma, semicolon, tab or pipe the header line uses most.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

from ..errors import S75Error
from .parallel import run_all

BLOCK_SIZE = 4 << 20  # Arrow parses blocks in parallel; 1 to 4 MiB measured alike here, 8 MiB slower


def _first_line(path: Path, encoding: str) -> str:
    with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as handle:
        return handle.readline()


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def read_csv(path: Path, choose: Callable[[list[str]], dict[str, str]], encoded: Collection[str],
             numbers: dict[str, int] | None = None) -> pd.DataFrame:
    """The chosen columns of a CSV file, named by field: `choose` maps the header to
    {field: column}; the `encoded` fields come back as categoricals, the rest as Arrow text.

    `numbers` names fields of fixed-length digit strings (the NHS number: 10) that are parsed as
    integers (-1 where blank) when every value in the file is plain digits with no leading zero
    to lose, which is the usual case and saves building a million strings; otherwise they are
    read as text like the rest."""
    for encoding in ("utf-8", "cp1252"):
        try:
            line = _first_line(path, encoding)
        except UnicodeDecodeError:
            continue
        if not line.strip():
            raise S75Error(f"The CLD file {path} has no rows.")
        delimiter = _delimiter(line)
        wanted = choose(next(csv.reader([line], delimiter=delimiter)))
        options = {"read_options": arrow_csv.ReadOptions(encoding=encoding, block_size=BLOCK_SIZE),
                   "parse_options": arrow_csv.ParseOptions(delimiter=delimiter)}
        as_numbers = {field: digits for field, digits in (numbers or {}).items() if field in wanted}
        table = None
        try:
            if as_numbers:
                try:
                    table = _read(path, wanted, encoded, as_numbers, options)
                except pa.ArrowInvalid as exc:
                    if "UTF8" in str(exc):
                        raise  # the text itself is not UTF-8: reading it again as text would fail too
                    # otherwise some value is not plain digits: read text below
                if table is not None and not _keeps_digits(table, wanted, as_numbers):
                    table = None
            table = table if table is not None else _read(path, wanted, encoded, {}, options)
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) and encoding == "utf-8":
                continue
            raise S75Error(f"The CLD file {path} cannot be read as a table ({str(exc).splitlines()[0].rstrip('.')}).") from None
        columns = run_all([lambda column=column: _to_pandas(table.column(column)) for column in wanted.values()])
        return pd.DataFrame(dict(zip(wanted, columns)), copy=False)
    raise S75Error(f"The CLD file {path} is neither UTF-8 nor Windows-1252 text.")


def _read(path: Path, wanted: dict[str, str], encoded: Collection[str], numbers: dict[str, int], options: dict) -> pa.Table:
    types = {column: pa.int64() if field in numbers else
             pa.dictionary(pa.int32(), pa.large_string()) if field in encoded else pa.large_string()
             for field, column in wanted.items()}
    return arrow_csv.read_csv(path, **options, convert_options=arrow_csv.ConvertOptions(
        include_columns=list(wanted.values()), column_types=types, strings_can_be_null=True))


def _keeps_digits(table: pa.Table, wanted: dict[str, str], numbers: dict[str, int]) -> bool:
    """Whether no value parsed as a number had fewer digits than its field's length (a leading
    zero, or too short: then the text decides validity, not the number)."""
    for field, digits in numbers.items():
        low = pc.min(table.column(wanted[field])).as_py()
        if low is not None and low < 10 ** (digits - 1):
            return False
    return True


# pandas before 2.1 keeps Arrow text only as 32-bit-offset strings.
PANDAS_NEEDS_SMALL_STRINGS = tuple(int(part) for part in pd.__version__.split(".")[:2]) < (2, 1)


def _to_pandas(column: pa.ChunkedArray):
    """Dictionaries become categoricals (each block of the file has its own dictionary until they
    are unified here, column by column, on parallel threads); numbers, numpy integers; text stays
    Arrow text, which is pandas' own string storage (no copy)."""
    if pa.types.is_integer(column.type):
        return pc.fill_null(column, -1).to_numpy() if len(column) else np.zeros(0, np.int64)
    if not pa.types.is_dictionary(column.type):
        if pa.types.is_large_string(column.type) and PANDAS_NEEDS_SMALL_STRINGS:
            column = column.cast(pa.string())
        return pd.arrays.ArrowStringArray(column)
    column = pa.table({"column": column}).unify_dictionaries().column(0)
    dictionary = column.chunk(0).dictionary if column.num_chunks else pa.array([], pa.large_string())
    indices = pa.chunked_array([chunk.indices for chunk in column.chunks], pa.int32())
    codes = pc.fill_null(indices, -1).to_numpy() if len(indices) else np.zeros(0, np.int32)
    return pd.Categorical.from_codes(codes, categories=pd.Index(dictionary.to_pylist(), dtype=object))
