"""Ledger sources: a folder of CSV files, one CSV, an Excel workbook, or any database SQLAlchemy
reaches (SQLite files by default, PostgreSQL through psycopg), read into tidy tables.

>>> source = open_source("ledger.sqlite")                      # doctest: +SKIP
>>> source.table("ledger")                                      # doctest: +SKIP

Each source holds up to eight tables, named as below unless a mapping file says otherwise; in
each, the columns s75xl needs (left) are found under the council's own names (right)::

    [ledger]                         # mapping.toml, beside the export
    file = "GL export March.csv"     # CSV/Excel sources: the file (or sheet = "..."); databases:
                                     # table = "gl_lines" or query = "ledger.sql"
    cost_centre = "Cost Centre"
    actual = "Net Amount"

Only budget and ledger are required. A table that is absent leaves its workbook table as it
was, and the refresh says so. Every error is one sentence naming the file, table, row or
column; database errors never echo the user name, password or query parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..catalogue import tomllib
from .amounts import amount_column
from .config import normal
from .errors import SourceError

# table -> (required columns, optional columns)
SCHEMA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "budget": (("cost_centre", "annual_budget"), ("service", "subjective")),
    "ledger": (("period", "cost_centre", "actual"), ("subjective", "forecast_outturn")),
    "movements": (("package_type", "opening", "new", "ended", "closing"), ("period", "client_group")),
    "savings": (("scheme", "target", "delivered"), ("stretch_target", "period")),
    "staffing": (("organisation", "post", "vacant_wte"), ("establishment_wte", "period")),
    "sla_results": (("area", "measure", "period", "value"), ("forecast_miss",)),
    "sla_targets": (("measure", "year", "annual_target"), ("area", "tolerance_pct", "profile")),
    "sla_schedule": (("service", "county_penalty", "city_penalty"), ("measure",)),
}
REQUIRED_TABLES = ("budget", "ledger")
AMOUNTS = {"annual_budget", "actual", "forecast_outturn", "target", "stretch_target", "delivered",
           "county_penalty", "city_penalty", "opening", "new", "ended", "closing", "establishment_wte",
           "vacant_wte", "value", "annual_target", "tolerance_pct"}
SOURCE_KEYS = {"file", "sheet", "table", "query"}
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


@dataclass
class Mapping:
    path: Path | None
    tables: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None) -> "Mapping":
        if path is None:
            return cls(None)
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SourceError(f"The mapping file {path} does not exist.") from None
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(f"The mapping file {path} is not valid TOML: {exc}.") from None
        except UnicodeDecodeError as exc:
            raise SourceError(f"The mapping file {path} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8.") from None
        except IsADirectoryError:
            raise SourceError(f"The mapping file {path} is a folder, not a file.") from None
        for table, entry in data.items():
            if table not in SCHEMA:
                raise SourceError(f"The mapping file {path} has a section [{table}]; the tables are "
                                  f"{', '.join(SCHEMA)}.")
            if not isinstance(entry, dict):
                raise SourceError(f"The mapping file {path}: {table} must be a section ([{table}]) of column names.")
            known = SOURCE_KEYS | set(SCHEMA[table][0]) | set(SCHEMA[table][1])
            for key, value in entry.items():
                if key not in known:
                    raise SourceError(f"The mapping file {path}, [{table}]: {key!r} is not a column s75xl reads "
                                      f"(it reads {', '.join(SCHEMA[table][0] + SCHEMA[table][1])}).")
                if not isinstance(value, str):
                    raise SourceError(f"The mapping file {path}, [{table}]: {key} must be text (a column name).")
        return cls(path, data)

    def entry(self, table: str) -> dict[str, str]:
        return self.tables.get(table, {})

    def relative(self, name: str, base: Path) -> Path:
        folder = self.path.parent if self.path else base
        return (folder / name) if not Path(name).is_absolute() else Path(name)

    def where(self, table: str, column: str) -> str:
        council = self.entry(table).get(column)
        return f"column {council!r} (mapped to {column} in {self.path.name})" if council else f"column {column!r}"


class Source:
    """Raw tables from one place; `table(kind)` gives the tidy, checked version or None."""

    label: str

    def __init__(self, mapping: Mapping):
        self.mapping = mapping

    def raw(self, kind: str) -> tuple[pd.DataFrame, str] | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def table(self, kind: str) -> pd.DataFrame | None:
        found = self.raw(kind)
        if found is None:
            if kind in REQUIRED_TABLES:
                raise SourceError(f"{self.label} has no {kind} table" +
                                  (f" (looked for {self.expected(kind)})." if self.expected(kind) else "."))
            return None
        frame, where = found
        return tidy(frame, kind, where, self.mapping)

    def expected(self, kind: str) -> str:
        return ""

    def close(self) -> None:
        pass


def tidy(frame: pd.DataFrame, kind: str, where: str, mapping: Mapping) -> pd.DataFrame:
    """The table with s75xl's column names, amounts as numbers and text trimmed."""
    required, optional = SCHEMA[kind]
    by_normal = {}
    for column in frame.columns:
        by_normal.setdefault(normal(column), column)
    chosen = {}
    entry = mapping.entry(kind)
    for name in required + optional:
        wanted = entry.get(name, name)
        column = by_normal.get(normal(wanted))
        if column is None:
            if name in required or name in entry:
                have = ", ".join(repr(str(c)) for c in list(frame.columns)[:12])
                raise SourceError(f"{where} has no {mapping.where(kind, name)}; its columns are {have}.")
            continue
        chosen[name] = column
    out = pd.DataFrame({name: frame[column].to_numpy() for name, column in chosen.items()}, index=range(len(frame)))
    for name in out.columns:
        if name in AMOUNTS:
            out[name] = amount_column(out.rename(columns={name: str(chosen[name])}), str(chosen[name]), where).to_numpy()
        elif name not in ("period", "year"):
            out[name] = [None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()
                         for v in out[name]]
    out.attrs["where"] = where
    return out


class FileSource(Source):
    """A folder of CSV files (budget.csv, ledger.csv, ...), one CSV (the ledger, its tables beside
    it), or an Excel workbook with a sheet per table."""

    def __init__(self, path: Path, mapping: Mapping):
        super().__init__(mapping)
        self.path = path
        self.folder = path if path.is_dir() else path.parent
        self.excel = path.suffix.lower() in (".xlsx", ".xlsm")
        self.label = f"The ledger source {path}"
        self._sheets: dict | None = None

    def expected(self, kind: str) -> str:
        entry = self.mapping.entry(kind)
        if self.excel:
            return f"a sheet named {entry.get('sheet', kind)!r} in {self.path.name}"
        return f"{entry.get('file', kind + '.csv')} in {self.folder}"

    def raw(self, kind: str):
        entry = self.mapping.entry(kind)
        if self.excel and "file" not in entry:
            return self._sheet(entry.get("sheet", kind))
        if "file" in entry:
            path = self.mapping.relative(entry["file"], self.folder)
            if not path.exists():
                raise SourceError(f"The {kind} file {path} named in {self.mapping.path} does not exist.")
        elif self.path.is_file() and kind == "ledger" and not self.excel:
            path = self.path
        else:
            path = self.folder / f"{kind}.csv"
            if not path.exists():
                return None
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _excel_sheet(path, entry.get("sheet"), kind)
        return read_csv(path), path.name

    def _sheet(self, name: str):
        if self._sheets is None:
            try:
                self._sheets = {normal(s): s for s in pd.ExcelFile(self.path, engine="openpyxl").sheet_names}
            except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
                raise SourceError(f"The workbook {self.path} cannot be read as Excel ({type(exc).__name__}).") from None
        sheet = self._sheets.get(normal(name))
        if sheet is None:
            return None
        return _excel_sheet(self.path, sheet, name)


def _excel_sheet(path: Path, sheet: str | None, kind: str):
    try:
        frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, engine="openpyxl")
    except ValueError:
        raise SourceError(f"The workbook {path} has no sheet {sheet!r} for the {kind} table.") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise SourceError(f"The workbook {path} cannot be read as Excel ({type(exc).__name__}).") from None
    return frame, f"{path.name}, sheet {sheet or 'the first'}"


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as text columns: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", found
    by its byte-order mark) or Windows-1252; comma, semicolon or tab."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=first.count)
    import io

    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"The file {path} cannot be read as CSV ({str(exc).splitlines()[0]}).") from None


class DatabaseSource(Source):
    """Any database SQLAlchemy reaches; tables by name, or the result of a query file."""

    def __init__(self, url: str, mapping: Mapping, label: str):
        super().__init__(mapping)
        from sqlalchemy import create_engine

        self.url = url
        self.label = label
        try:
            self.engine = create_engine(url)
        except Exception as exc:  # noqa: BLE001 - a bad URL or a driver that is not installed
            raise SourceError(f"{label} cannot be used ({_driver_problem(exc)}).") from None
        self._tables: dict[str, str] | None = None

    def _connect(self):
        from sqlalchemy import exc as sa_exc

        try:
            return self.engine.connect()
        except sa_exc.OperationalError as exc:
            text = str(getattr(exc, "orig", exc)).lower()
            if "password" in text or "authentication" in text or "role" in text:
                why = "it refused the user name or password"
            elif "does not exist" in text:
                why = "the database does not exist there"
            elif "unable to open" in text:
                why = "the file cannot be opened"
            else:
                why = "it refused the connection or is not running"
            raise SourceError(f"Could not connect to {self.label}: {why}.") from None

    def expected(self, kind: str) -> str:
        return f"a table named {self.mapping.entry(kind).get('table', kind)!r}"

    def raw(self, kind: str):
        from sqlalchemy import exc as sa_exc, inspect, text

        entry = self.mapping.entry(kind)
        with self._connect() as connection:
            if "query" in entry:
                path = self.mapping.relative(entry["query"], Path.cwd())
                try:
                    sql = path.read_text(encoding="utf-8")
                except FileNotFoundError:
                    raise SourceError(f"The query file {path} for the {kind} table does not exist.") from None
                try:
                    result = connection.execute(text(sql))
                    return pd.DataFrame(result.fetchall(), columns=list(result.keys())), f"the {kind} query {path.name}"
                except sa_exc.DBAPIError as exc:
                    first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
                    raise SourceError(f"The query {path.name} for the {kind} table failed in the database: {first}.") from None
            if self._tables is None:
                self._tables = {normal(n): n for n in inspect(connection).get_table_names()}
            name = self._tables.get(normal(entry.get("table", kind)))
            if name is None:
                if "table" in entry:
                    raise SourceError(f"{self.label} has no table {entry['table']!r} (named for {kind} in "
                                      f"{self.mapping.path.name}).")
                return None
            from sqlalchemy import select, table as sql_table

            frame = pd.read_sql(select("*").select_from(sql_table(name)), connection)
            return frame, f"Table {name} in {self.label}"

    def close(self) -> None:
        self.engine.dispose()


def _driver_problem(exc: Exception) -> str:
    text = str(exc)
    if "Can't load plugin" in text:
        return "s75xl does not know that kind of database"
    if isinstance(exc, ModuleNotFoundError):
        return f"its driver {exc.name} is not installed"
    return "the address is not a database URL"


def safe_label(url) -> str:
    """A database URL as it may be shown: kind, host, port and database, never user or password."""
    host = f"{url.host}{':' + str(url.port) if url.port else ''}" if url.host else ""
    return f"the database {url.get_backend_name()}://{host}/{url.database or ''}"


def open_source(source: str | Path, mapping: str | Path | None = None) -> Source:
    """The ledger source at a path or database URL (see the module docstring)."""
    chosen = Mapping.load(mapping)
    text = str(source)
    if re.match(r"^[a-zA-Z][\w+.-]*://", text):
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(text)
        except ArgumentError:
            raise SourceError("The ledger source is not a valid database URL.") from None
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") and \
                not Path(url.database).exists():  # SQLite would create an empty database there
            raise SourceError(f"The SQLite database {url.database} does not exist.")
        return DatabaseSource(url, chosen, safe_label(url) if url.get_backend_name() != "sqlite" else
                              f"the SQLite database {url.database}")
    path = Path(text)
    if not path.exists():
        raise SourceError(f"The ledger source {path} does not exist.")
    head = path.open("rb").read(16) if path.is_file() else b""
    if path.is_file() and (path.suffix.lower() in SQLITE_SUFFIXES or head == b"SQLite format 3\x00"):
        if head != b"SQLite format 3\x00":
            raise SourceError(f"The ledger source {path} is not a SQLite database.")
        from urllib.parse import quote

        return DatabaseSource(f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true", chosen,
                              f"the SQLite database {path}")
    if path.is_file() and path.suffix.lower() not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise SourceError(f"The ledger source {path} is not a CSV file, an Excel workbook, a SQLite database "
                          "or a folder of CSV files.")
    return FileSource(path, chosen)
