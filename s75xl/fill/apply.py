"""Filling a template file: find by labels, plan the cell writes, patch the OOXML, write atomically."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pandas as pd
from openpyxl.utils.datetime import to_excel

from ..assess import assess
from ..xlsx.cells import SheetEditor
from ..xlsx.package import Package, TemplateError
from ..xlsx.styles import Styles
from ..xlsx.workbook import set_full_calc_on_load, sheet_parts
from ..catalogue import default_catalogue
from ..errors import S75Error
from ..safety.outputs import check_output, write_atomically
from ..safety.zipguard import xml_refusal
from ..xlsx.values import cell_ref, number_formats, sheet_cells
from .layout import Layout, _sheet, find, is_percent_format
from .linked import with_linked_measures
from .plan import CellWrite, FillReport, plan


class FillError(S75Error):
    """A fill that would not do what was asked (with --strict: one that writes nothing)."""


def default_layout(template: Path) -> Path:
    """templates/x.xlsx -> templates/x.layout.toml"""
    return template.with_name(template.name.rsplit(".", 1)[0] + ".layout.toml")


PLAIN = frozenset((float, int, str, bool, type(None)))


def apply_writes(package: Package, writes: list[CellWrite], *, rag_fill: bool = True) -> bool:
    """Patch the cells into the package's sheet parts; True if a formula was overwritten."""
    parts = sheet_parts(package)
    editors: dict[str, SheetEditor] = {}
    styles = Styles(package) if rag_fill and any(w.rag for w in writes) else None
    sheet = editor = None
    for write in writes:
        if write.sheet != sheet:  # writes come sheet by sheet: look the editor up once per run of them
            sheet, part = write.sheet, parts.get(write.sheet)
            if part is None:
                raise TemplateError(f"The template has no sheet {write.sheet!r}.")
            editor = editors.get(part) or editors.setdefault(part, SheetEditor(package.read(part), part))
        value = write.value
        if type(value) not in PLAIN and isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
            value = to_excel(pd.Timestamp(value).to_pydatetime())
        style = styles.with_fill(editor.style(write.ref), write.rag) if styles and write.rag else None
        editor.set(write.ref, value, style)
    formulas = False
    for part, editor in editors.items():
        package.write_part(part, editor.to_bytes())
        formulas |= editor.formulas_overwritten
    if formulas:
        set_full_calc_on_load(package)
    return formulas


def read_layout_sheet(package: Package, layout: Layout) -> tuple[dict[str, list[list]], set[str]]:
    """The layout's sheet as rows of values (every other sheet name maps to an empty list, as
    `layout.read_template` gives them) and its cells formatted as percentages; no other sheet is
    inflated or parsed (`s75xl/xlsx/values.py`)."""
    import warnings

    parts = sheet_parts(package)
    grid: dict[str, list[list]] = {name: [] for name in parts}
    wanted = _sheet(layout, list(parts))
    with warnings.catch_warnings():  # openpyxl's parser only reads here: the parts it cannot model are not lost
        warnings.simplefilter("ignore", UserWarning)
        try:
            formats = number_formats(package)
            grid[wanted], styles = sheet_cells(package, parts[wanted], formats)
        except S75Error:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged or hostile sheet: one sentence, never a traceback
            refusal = xml_refusal(exc, package.path)
            if refusal is not None:
                raise refusal from None
            raise TemplateError(f"The template {package.path} is damaged or not a workbook s75xl can read "
                                f"({type(exc).__name__}).") from None
    percent = {i for i, code in enumerate(formats) if is_percent_format(code)}  # an unknown style is General
    return grid, {cell_ref(r, c) for (r, c), style in styles.items() if style in percent}


def fill(template: str | Path, results: pd.DataFrame, *, targets: pd.DataFrame | None = None,
         layout: str | Path | None = None, out: str | Path, in_place: bool = False, strict: bool = False,
         timings: dict[str, float] | None = None) -> FillReport:
    """Write the results (assessed against the targets, if given) into the council's template.

    With `strict`, a fill that would write nothing (or leave some of the template's measures
    empty because the data has them only for other periods) is an error and no file is written.
    `timings`, if given, receives the seconds each stage took (bench/bench_fill.py reads them).
    """
    lap = Laps(timings)
    template, out = Path(template), Path(out)
    same = out.resolve() == template.resolve()
    if same and not in_place:
        raise TemplateError(f"The output {out} is the template itself; choose another name, or use the in-place "
                            "option, which keeps a backup.")
    sources = [results.attrs.get("source"), None if targets is None else targets.attrs.get("source"), layout]
    check_output(out, sources if same else [template, *sources])
    package = Package.open(template)
    chosen = Layout.load(layout or default_layout(template))
    lap("open")
    grid, percent_cells = read_layout_sheet(package, chosen)
    lap("read_sheet")
    found = find(chosen, grid)
    results = with_linked_measures(results, default_catalogue(), set(found.measure_rows))
    lap("find")
    assessed = assess(results, targets, spc=any(c.startswith("spc_") for c in chosen.columns))
    lap("assess")
    writes, report = plan(assessed, chosen, found, grid[found.sheet], percent_cells)
    lap("plan")
    if strict and report.warning:
        raise FillError(f"{template}: {report.warning} Nothing was written to {out}.")
    apply_writes(package, writes)
    lap("patch")
    if same:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        shutil.copy2(template, template.with_name(f"{template.stem}.backup-{stamp}{template.suffix}"))
    write_atomically(out, package.write, inputs=sources if same else [template, *sources], mode_from=template)
    lap("save")
    return report


class Laps:
    """Seconds since the last lap, stored under each stage's name (nothing at all without a dict)."""

    def __init__(self, into: dict[str, float] | None):
        self.into = into
        self.last = time.perf_counter() if into is not None else 0.0

    def __call__(self, stage: str) -> None:
        if self.into is not None:
            now = time.perf_counter()
            self.into[stage] = now - self.last
            self.last = now
