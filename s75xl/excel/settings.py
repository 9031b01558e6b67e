"""Where the S75 ribbon's buttons take their files from: a Settings sheet, defined names, or the demo.

A workbook says it in one of two ways, read in this order:

1. a sheet named ``S75 Settings`` with a setting in column A and its value in column B::

       Setting      Value
       results      \\\\council\\performance\\results_2016_17.csv
       targets      \\\\council\\performance\\targets_2016_17.csv
       period       2017-03

   A results or targets table may also be a sheet of the workbook itself: ``sheet:Results``
   (the only way on xlwings Lite, which cannot read files on the PC).

2. workbook-level defined names ``S75_RESULTS``, ``S75_TARGETS``, ``S75_PERIOD`` ... each
   referring to one cell that holds the value.

A workbook with neither gets the demo defaults: Norfolk's published 2016/17 vital-signs results
and targets (shipped with s75xl), so the tab does something on the demo dashboard straight away.

The settings are checked when they are read (`Settings` is a frozen dataclass that checks itself):
a file that does not exist, a period that is not a period, or both an extract and a results table
set gives one sentence naming the setting and where it was read, and the button stops before it
writes anything. Relative paths are taken from the workbook's own folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..cld.periods import parse_period
from ..errors import S75Error

SETTINGS_SHEET = "S75 Settings"
NAME_PREFIX = "S75_"
LATEST = "latest"

# setting -> what it is, as shown on the Settings sheet
DESCRIPTIONS = {
    "extract": "CLD extract file(s), separated by ';' (Refresh computes the measures from it; Check data checks it)",
    "population": "population table for the per-100,000 measures (with an extract)",
    "results": "results table (CSV or XLSX, or sheet:Name for a sheet of this workbook), used instead of an extract",
    "targets": "targets table from the Annual Plan (CSV or XLSX, or sheet:Name) (Flag exceptions)",
    "layout": "layout file saying where measures, periods and targets sit in this workbook (blank: found from the sheets)",
    "period": "the period to report: latest, 2017-03, 2016-17, Q2-2016-17 or rolling-12:2017-03",
    "ledger": "finance ledger: a file, a folder of CSV files or a database URL (Refresh budget)",
    "pack folder": "folder the quarterly pack is written to (Build pack)",
}
FILE_SETTINGS = ("population", "results", "targets", "layout")
SHEET_PREFIX = "sheet:"


@dataclass(frozen=True)
class SheetSource:
    """A table held on a sheet of the open workbook rather than in a file."""

    sheet: str

    def __str__(self) -> str:
        return SHEET_PREFIX + self.sheet

    @property
    def name(self) -> str:  # as Path.name, for messages
        return f"sheet {self.sheet!r}"


class SettingsError(S75Error):
    """A ribbon setting that is missing, unreadable or names a file that does not exist."""


def shipped_data(name: str) -> Path:
    """A file shipped in s75xl/data (the demo defaults)."""
    return Path(str(resources.files("s75xl.data").joinpath(name)))


@dataclass(frozen=True)
class Settings:
    """The checked settings of one workbook. `origin` says where they were read, for messages."""

    extract: tuple[Path, ...] = ()
    population: Path | None = None
    results: Path | SheetSource | None = None
    targets: Path | SheetSource | None = None
    layout: Path | None = None
    period: str = LATEST
    ledger: Path | str | None = None  # a file, a folder of CSV files, or a database URL
    pack_folder: Path | None = None
    origin: str = "the demo defaults"
    places: dict = field(default_factory=dict, compare=False, repr=False)  # setting -> "row 3" / "name S75_X"

    def __post_init__(self):
        if self.extract and self.results:
            raise SettingsError(f"{self._where('results')}: set either an extract or a results table, not both.")
        for path in self.extract:
            self._exists("extract", path)
        for name in FILE_SETTINGS:
            path = getattr(self, name)
            if path is not None and not isinstance(path, SheetSource):
                self._exists(name, path)
        if isinstance(self.ledger, Path) and not self.ledger.exists():
            raise SettingsError(f"{self._where('ledger')}: {self.ledger} does not exist.")
        if self.layout is not None and not self.layout.name.endswith(".toml"):
            raise SettingsError(f"{self._where('layout')}: the layout {self.layout.name} is not a layout file "
                                "(a .layout.toml file).")
        if self.period.strip().lower() != LATEST:
            try:
                parse_period(self.period)
            except S75Error:
                raise SettingsError(f"{self._where('period')}: {self.period!r} is not a period; use latest, 2017-03, "
                                    "2016-17, Q2-2016-17 or rolling-12:2017-03.") from None

    def _where(self, name: str) -> str:
        place = self.places.get(name)
        return f"The {name} setting ({self.origin}{', ' + place if place else ''})"

    def _exists(self, name: str, path: Path) -> None:
        if path.is_dir():
            raise SettingsError(f"{self._where(name)}: {path} is a folder; give a file.")
        if not path.is_file():
            raise SettingsError(f"{self._where(name)}: the file {path} does not exist.")

    @property
    def latest(self) -> bool:
        return self.period.strip().lower() == LATEST

    def require(self, name: str, button: str) -> None:
        """Stop the button with a clear message if a setting it needs is not set."""
        if not getattr(self, name.replace(" ", "_")):
            raise SettingsError(f"{button} needs the {name} setting: set it on the {SETTINGS_SHEET} sheet "
                                f"({DESCRIPTIONS[name]}).")

    def rows(self) -> list[list[str]]:
        """The settings as Setting / Value / Meaning rows, as the Settings sheet shows them."""
        out = [["Setting", "Value", "Meaning"]]
        for name in DESCRIPTIONS:
            value = getattr(self, name.replace(" ", "_"))
            text = "; ".join(str(p) for p in value) if isinstance(value, tuple) else ("" if value is None else str(value))
            out.append([name, text, DESCRIPTIONS[name]])
        return out


def demo_settings() -> Settings:
    """Norfolk's published 2016/17 vital signs: results and targets shipped with s75xl."""
    return Settings(results=shipped_data("norfolk_results_2016_17.csv"),
                    targets=shipped_data("norfolk_targets_2016_17.csv"))


def from_values(values: dict[str, object], *, origin: str, places: dict[str, str], folder: Path) -> Settings:
    """Settings from raw setting -> cell value pairs, paths resolved against the workbook's folder."""
    unknown = [name for name in values if name not in DESCRIPTIONS]
    if unknown:
        raise SettingsError(f"{origin}, {places.get(unknown[0], '')}: {unknown[0]!r} is not a setting; the settings are "
                            f"{', '.join(DESCRIPTIONS)}.")

    def path(text) -> Path:
        p = Path(str(text).strip().strip('"'))
        return p if p.is_absolute() else folder / p

    kwargs: dict[str, object] = {}
    for name, raw in values.items():
        text = "" if raw is None else str(raw).strip()
        if not text:
            continue
        key = name.replace(" ", "_")
        if name != "period" and (isinstance(raw, (bool, int, float)) or hasattr(raw, "year")):
            shown = str(raw).upper() if isinstance(raw, bool) else text
            raise SettingsError(f"The {name} setting ({origin}, {places.get(name, '')}) holds {shown}, not a file, "
                                "folder or database name.")
        if name == "extract":
            kwargs[key] = tuple(path(part) for part in text.split(";") if part.strip())
        elif name == "period":
            kwargs[key] = _period_text(raw)
        elif name == "ledger" and "://" in text:
            kwargs[key] = text  # a database URL
        elif name in ("results", "targets") and text.lower().startswith(SHEET_PREFIX):
            kwargs[key] = SheetSource(text[len(SHEET_PREFIX):].strip())
        else:
            kwargs[key] = path(text)
    return Settings(**kwargs, origin=origin, places=places)


def _period_text(raw) -> str:
    """A period typed into a cell: Excel turns "2017-03" into a date, so dates read as months."""
    if hasattr(raw, "year") and hasattr(raw, "month"):
        return f"{raw.year}-{raw.month:02d}"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()

