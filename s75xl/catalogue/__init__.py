"""The measure catalogue: every ASCOF and local Section 75 measure, as data.

The shipped catalogue is the TOML files in this folder. A council extends or overrides it with
its own file (TOML with the same shape, or CSV with one row per measure and the field names as
columns): an entry with a new id adds a measure, an entry with an existing id replaces the
fields it gives. Set ``S75XL_CATALOGUE`` (paths separated by the OS path separator) or pass
``extra_files`` to `load_catalogue`.

Example::

    >>> from s75xl.catalogue import default_catalogue
    >>> cat = default_catalogue()
    >>> cat.find("ascof 1c(1a)").name
    'Adults (18+) receiving self-directed support'
    >>> cat.find("2A(1)", year="2024-25").id   # followed to its 2023 code
    '2B'
"""

from __future__ import annotations

import csv
import difflib
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import CatalogueError, MeasureNotFoundError
from .codes import code_key, financial_year_start, looks_like_ascof_code
from ..safety.messages import clip
from .schema import Measure, build_measure

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SHIPPED_DIR = Path(__file__).parent
SHIPPED_FILES = ("ascof_2014_2023.toml", "ascof_2023_onward.toml", "havering_s75.toml",
                 "cambridgeshire_s75.toml", "norfolk_vital_signs.toml", "leicestershire_sla.toml",
                 "s75_activity.toml")

__all__ = ["Catalogue", "Measure", "code_key", "default_catalogue", "load_catalogue"]


class Catalogue:
    """Measures by id, with forgiving lookup by code, alias or name."""

    def __init__(self, measures: Iterable[Measure]):
        self._measures: dict[str, Measure] = {m.id: m for m in measures}
        self._index: dict[str, str] = {}
        names: dict[str, list[str]] = {}
        for m in self._measures.values():
            for label in (m.id, *m.aliases):
                key = code_key(label)
                other = self._index.get(key)
                if other is not None and other != m.id:
                    raise CatalogueError(
                        f"catalogue file {m.origin}, entry {m.id!r}: code or alias {label!r} "
                        f"is already used by measure {other!r}.")
                self._index[key] = m.id
            names.setdefault(code_key(m.name), []).append(m.id)
        # Names are a convenience: a name two measures share finds neither.
        self._names = {k: v[0] for k, v in names.items() if len(v) == 1 and k not in self._index}
        self._shared_names = {k: v for k, v in names.items() if len(v) > 1}
        for m in self._measures.values():
            for link in ("renamed_to", "replaces"):
                target = getattr(m, link)
                if target and target not in self._measures:
                    raise CatalogueError(
                        f"catalogue file {m.origin}, entry {m.id!r}: field {link!r} names "
                        f"{target!r}, which is not in the catalogue.")

    def __len__(self) -> int:
        return len(self._measures)

    def __iter__(self):
        return iter(self._measures.values())

    def __contains__(self, code: object) -> bool:
        try:
            self.find(str(code))
        except MeasureNotFoundError:
            return False
        return True

    @property
    def ids(self) -> list[str]:
        return list(self._measures)

    def get(self, measure_id: str) -> Measure:
        """The measure with exactly this id."""
        try:
            return self._measures[measure_id]
        except KeyError:
            raise MeasureNotFoundError(measure_id, self.suggest(measure_id)) from None

    def find(self, code: str | Measure, year: str | int | None = None) -> Measure:
        """The measure a code, alias or name refers to, matched forgivingly.

        With ``year`` (a financial year such as "2024-25"), a code that was renamed is followed to
        the code in force that year, in either direction: "2A(1)" in 2024-25 gives "2B", and "2B"
        in 2016-17 gives "2A(1)".
        """
        if isinstance(code, Measure):
            measure = code
        else:
            key = code_key(code)
            ident = self._index.get(key) or self._names.get(key)
            if ident is None:
                shared = self._shared_names.get(key)
                raise MeasureNotFoundError(str(code), shared or self.suggest(str(code)))
            measure = self._measures[ident]
        if year is not None:
            measure = self._in_force(measure, year)
        return measure

    def _in_force(self, measure: Measure, year: str | int) -> Measure:
        try:
            financial_year_start(year)
        except ValueError as exc:
            raise CatalogueError(str(exc)) from None
        seen = {measure.id}
        current = measure
        for link in ("renamed_to", "replaces"):
            while not current.is_valid_in(year) and getattr(current, link):
                nxt = self._measures[getattr(current, link)]
                if nxt.id in seen:
                    break
                seen.add(nxt.id)
                current = nxt
            if current.is_valid_in(year):
                return current
            current = measure
        return measure

    def suggest(self, code: str, n: int = 3) -> list[str]:
        """The ids nearest to an unknown code, for the error message."""
        key = code_key(code)
        keys = difflib.get_close_matches(key, list(self._index), n=n, cutoff=0.5)
        return list(dict.fromkeys(self._index[k] for k in keys))

    def select(self, group: str | None = None, framework: str | None = None) -> list[Measure]:
        """Measures whose group or framework contains the given text (case-insensitive)."""
        out = list(self._measures.values())
        if group:
            out = [m for m in out if group.lower() in m.group.lower()]
        if framework:
            out = [m for m in out if framework.lower() in m.framework.lower()]
        return out

    def to_frame(self, measures: Iterable[Measure] | None = None):
        """The catalogue (or a selection) as a pandas DataFrame, one row per measure."""
        import pandas as pd

        rows = [m.as_dict() for m in (self if measures is None else measures)]
        return pd.DataFrame(rows)


def _read_toml(path: Path) -> tuple[dict, list[dict]]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise CatalogueError(f"catalogue file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"catalogue file {path} is not valid TOML: {exc}.") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"catalogue file {path} is not UTF-8 text.") from None
    except IsADirectoryError:
        raise CatalogueError(f"catalogue file {path} is a folder, not a file.") from None
    entries = data.get("measure", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"catalogue file {path}: 'measure' must be a list of [[measure]] tables.")
    header = {"framework": data.get("framework", {}), "defaults": data.get("defaults", {})}
    return header, entries


def _read_csv(path: Path) -> tuple[dict, list[dict]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise CatalogueError(f"catalogue file {path} does not exist.") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"catalogue file {path} is not UTF-8 text.") from None
    except (csv.Error, IsADirectoryError) as exc:
        raise CatalogueError(f"catalogue file {path} cannot be read as CSV ({type(exc).__name__}).") from None
    entries = []
    for row in rows:
        entry: dict[str, Any] = {}
        for name, value in row.items():
            if name is None or value is None or value.strip() == "":
                continue
            name, value = name.strip(), value.strip()
            if name in ("decimals",):
                entry[name] = int(value) if value.lstrip("-").isdigit() else value
            elif name == "multiplier":
                try:
                    entry[name] = float(value.replace(",", ""))
                except ValueError:
                    entry[name] = value
            elif name == "survey":
                entry[name] = {"true": True, "yes": True, "false": False, "no": False}.get(value.lower(), value)
            else:
                entry[name] = value
        entries.append(entry)
    return {"framework": {}, "defaults": {}}, entries


def _read_entries(path: Path) -> tuple[str, list[dict]]:
    reader = _read_csv if path.suffix.lower() == ".csv" else _read_toml
    header, entries = reader(path)
    if not isinstance(header["framework"], dict) or not isinstance(header["defaults"], dict):
        raise CatalogueError(f"catalogue file {path}: 'framework' and 'defaults' must be tables.")
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise CatalogueError(f"catalogue file {path}, entry #{position}: must be a [[measure]] table.")
    kind = header["framework"].get("kind", "local")
    defaults = dict(header["defaults"])
    return kind, [{**defaults, **e} for e in entries]


def load_catalogue(extra_files: Iterable[str | os.PathLike] = (), *, shipped: bool = True) -> Catalogue:
    """Load the shipped catalogue, then each extra file in order (later entries win)."""
    merged: dict[str, tuple[dict, str, int, str]] = {}
    paths = [SHIPPED_DIR / f for f in SHIPPED_FILES] if shipped else []
    paths += [Path(p) for p in extra_files]
    for number, path in enumerate(paths):
        kind, entries = _read_entries(path)
        if kind == "ascof" and number >= (len(SHIPPED_FILES) if shipped else 0):
            raise CatalogueError(f"catalogue file {path}: only the shipped catalogue may declare itself ASCOF "
                                 "(kind = \"ascof\"); a council's own measures are local.")
        in_file: set[str] = set()
        for position, entry in enumerate(entries, start=1):
            ident = entry.get("id")
            if isinstance(ident, str) and ident.strip() in in_file:
                raise CatalogueError(f"catalogue file {path}, entry #{position}: the id {clip(ident.strip())} appears "
                                     "twice in this file; keep one.")
            if isinstance(ident, str):
                in_file.add(ident.strip())
            if isinstance(ident, str) and ident.strip() in merged:
                previous, _, _, previous_kind = merged[ident.strip()]
                merged[ident.strip()] = ({**previous, **entry}, str(path), position, previous_kind)
                continue
            if isinstance(ident, str) and kind != "ascof" and looks_like_ascof_code(ident):
                raise CatalogueError(
                    f"catalogue file {path}, entry {ident!r}: a local measure id must not look like "
                    f"an ASCOF code; use a prefix such as 'LOCAL-{ident}'.")
            key = ident.strip() if isinstance(ident, str) and ident.strip() else f"#{path}:{position}"
            merged[key] = (entry, str(path), position, kind)
    measures = [build_measure(entry, origin=origin, position=pos, kind=kind)
                for entry, origin, pos, kind in merged.values()]
    return Catalogue(measures)


def _env_files() -> tuple[str, ...]:
    value = os.environ.get("S75XL_CATALOGUE", "")
    return tuple(p for p in value.split(os.pathsep) if p.strip())


def _stamp(path: str) -> tuple:
    """What makes a cached catalogue stale: the file it names, its size and modification time."""
    try:
        found = os.stat(path)
    except OSError:
        return (os.path.abspath(path), None)
    return (os.path.abspath(path), found.st_size, found.st_mtime_ns)


@lru_cache(maxsize=8)
def _cached(extra: tuple[str, ...], stamps: tuple) -> Catalogue:
    return load_catalogue(extra)


def default_catalogue() -> Catalogue:
    """The shipped catalogue plus any files named in ``S75XL_CATALOGUE``, cached until one of
    those files changes (a long Excel session sees a council's edited catalogue, and a relative
    name means the file in the current folder)."""
    files = _env_files()
    return _cached(files, tuple(_stamp(f) for f in files))


def resolve_measure(measure: str | Measure, catalogue: Catalogue | None = None) -> Measure:
    """A Measure from a code or a Measure, looked up in the given or default catalogue."""
    if isinstance(measure, Measure):
        return measure
    return (catalogue or default_catalogue()).find(measure)
