"""`build_pack`: results in, one pack per area out (workbook, PDF), plus a comparison workbook
when there are several areas. The steps are the sub-package's modules, in order: options ->
benchmarks -> assess -> content (with forecasts) -> chart specs -> workbook -> PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..assess import assess
from ..catalogue import Catalogue, default_catalogue
from ..errors import OptionsError, S75Error
from ..safety.messages import clip
from ..safety.outputs import check_output
from ..suppression import hide_derived, suppress
from ..tables import normalise_results
from .commentary import normalise_commentary, unused_commentary
from .compare import write_comparison
from .content import AreaContent, area_content, headline_rows, report_month, select_period
from .options import PackOptions
from .pdf import HOW_TO_GET, to_pdf
from .targets_ahead import TargetsAhead
from .workbook import write_area_workbook

Progress = Callable[[str, str], None]  # (area, stage) -> None


@dataclass
class PackResult:
    """What `build_pack` wrote, and what it has to say."""

    files: list[Path] = field(default_factory=list)
    areas: dict[str, AreaContent] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    pdf_missing: str = ""

    def lines(self) -> list[str]:
        """The summary a command prints: per area, the rating and the exceptions."""
        out = []
        for content in self.areas.values():
            if content.rating:
                r = content.rating
                out.append(f"{content.label}: {r['at_or_above']} of {r['with_target']} measures with a target are at "
                           f"or above target ({r['percent']:g}%).")
            else:
                out.append(f"{content.label}: no measure has a target, so there is no overall rating.")
            for kind in ("negative", "positive"):
                rows = content.exceptions[content.exceptions["exception"] == kind]
                out.append(f"  {kind.capitalize()} exceptions: {len(rows)}")
                out.extend(f"  - {r.measure} {r.measure_name}: {r.exception_reasons}" for r in rows.itertuples())
        return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "pack"


def _source_name(table) -> str:
    return table.attrs.get("source", "") if isinstance(table, pd.DataFrame) else ""


def build_pack(results: pd.DataFrame, *, targets: pd.DataFrame | None = None, benchmarks: pd.DataFrame | None = None,
               commentary: pd.DataFrame | None = None, period=None, out_dir, options: PackOptions | dict | None = None,
               catalogue: Catalogue | None = None, progress: Progress | None = None,
               input_files=()) -> PackResult:
    """Build the quarterly board pack for each area in `results` (the documented results table).

    `targets` is the targets table; `benchmarks` a table of benchmark_<name> columns by area,
    measure and period (`s75xl.pack.benchmarks.read_benchmarks` makes one from the national
    ASCOF data files); `commentary` the report cards' commentary (`s75xl.pack.commentary`).
    Writes ``pack_<area>_<yyyy-mm>.xlsx`` (and ``.pdf``) per area into `out_dir`, and
    ``comparison_<yyyy-mm>.xlsx`` when there are several areas. Each file is written atomically
    and none may be one of the input files (the tables' sources and `input_files`): every name
    is checked before the first is written (s75xl.safety.outputs).

    >>> result = build_pack(results, targets=targets, out_dir="pack")   # doctest: +SKIP
    >>> [p.name for p in result.files]                                  # doctest: +SKIP
    ['pack_Norfolk_2017-03.xlsx', 'pack_Norfolk_2017-03.pdf']
    """
    if options is None:
        options = PackOptions()
    elif isinstance(options, dict):
        options = PackOptions.from_mapping(options)
    elif not isinstance(options, PackOptions):
        raise OptionsError(f"Pack options must be PackOptions or a dict, not {type(options).__name__}.")
    tell = progress or (lambda area, stage: None)
    catalogue = catalogue or default_catalogue()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise S75Error(f"The output folder {out} is a file; choose a folder.")
    result = PackResult()
    benchmark_notes: list[str] = []

    tell("", "checking the results")
    table = _one_figure_a_month(normalise_results(results))
    if benchmarks is not None:
        from .benchmarks import add_intervals, attach_benchmarks

        table, benchmark_notes = attach_benchmarks(add_intervals(table, catalogue), benchmarks, catalogue)
        result.warnings.extend(benchmark_notes)
    tell("", "assessing")
    assessed = assess(table, targets, thresholds=options.thresholds, catalogue=catalogue, spc_options=options.spc)
    if options.suppression:
        assessed = _suppressed(assessed, options.suppression, options.suppression_threshold)
    period_start = select_period(assessed, period if period is not None else options.period)
    areas = sorted(assessed["area"].unique())
    if options.areas is not None:
        unknown = [a for a in options.areas if a not in areas]
        if unknown:
            raise S75Error(f"The results hold no area named {', '.join(map(repr, unknown))}; "
                           f"they hold {', '.join(map(repr, areas))}.")
        areas = list(options.areas)
    notes_commentary = normalise_commentary(commentary, catalogue) if commentary is not None else None
    ahead = TargetsAhead(targets, catalogue)
    month = report_month(assessed)
    measures_by_area = {a: set(headline_rows(assessed[assessed["area"] == a])["measure"]) for a in areas}
    result.warnings.extend(unused_commentary(notes_commentary, measures_by_area))
    inputs = [s for s in (_source_name(results), _source_name(targets), _source_name(benchmarks),
                          _source_name(commentary)) if s]
    protect = [*inputs, *(str(p) for p in input_files if p)]
    mode_from = _source_name(results) or None
    planned = [out / f"pack_{_slug(a or 'all')}_{period_start:%Y-%m}{suffix}" for a in areas
               for suffix in (".xlsx", ".pdf")] + [out / f"comparison_{period_start:%Y-%m}.xlsx"]
    out.mkdir(parents=True, exist_ok=True)  # only once the options are known to be good
    for path in planned:
        check_output(path, protect, what="pack file")
    for area in areas:
        here = (assessed["area"] == area) & (month == period_start) & assessed["value"].notna()
        if not here.any():
            result.warnings.append(f"Area {area!r} has no data for {period_start:%b %Y}: no pack was built for it.")
            continue
        tell(area, "content and forecasts")
        content = area_content(assessed, area, period_start, catalogue=catalogue, targets=ahead,
                               commentary=notes_commentary, options=options,
                               benchmark_methods={area: benchmark_notes})
        result.areas[area] = content
        tell(area, "workbook and charts")
        path = out / f"pack_{_slug(area or 'all')}_{period_start:%Y-%m}.xlsx"
        write_area_workbook(content, path, options, inputs=inputs, protect=protect, mode_from=mode_from)
        result.files.append(path)
        if options.pdf:
            tell(area, "PDF")
            pdf = to_pdf(path, inputs=protect)
            if pdf is None:
                result.pdf_missing = HOW_TO_GET
            else:
                result.files.append(pdf)
    if len(result.areas) > 1:
        tell("", "comparison workbook")
        path = out / f"comparison_{period_start:%Y-%m}.xlsx"
        write_comparison(list(result.areas.values()), path, result.warnings, inputs=protect, mode_from=mode_from)
        result.files.append(path)
    if not result.areas:
        raise S75Error(f"No area has data for {period_start:%b %Y}, so no pack was built.")
    return result


def _one_figure_a_month(table: pd.DataFrame) -> pd.DataFrame:
    """The pack charts one figure per series a month. Rows covering the same months under two names
    with one value (2024-25 and rolling-12:2025-03) are one figure: the first is kept. Rows ending
    in the same month but covering different months (a quarter and a rolling year) are refused in
    one sentence; rows repeating one period are left for `assess` to refuse."""
    keys = ["area", "measure"] + (["breakdown"] if "breakdown" in table else [])
    span = [*keys, "period_start", "period_end"]
    if "period" in table:
        same = table.duplicated([*span, "value"]) & ~table.duplicated([*span, "period"])
        table = table[~same]
    spans = table.drop_duplicates(span)
    month = report_month(spans).rename("_month")
    clash = pd.concat([spans[keys], month], axis=1).duplicated([*keys, "_month"], keep=False)
    if clash.any():
        first = spans[clash].iloc[0]
        rows = spans[clash & (spans[keys] == first[keys]).all(axis=1) & (month == month[clash].iloc[0])]
        periods = "; ".join(f"{r.period_start:%d %b %Y} to {r.period_end:%d %b %Y}" for r in rows.itertuples())
        raise S75Error(f"The results hold {len(rows)} figures for {clip(first['measure'])} ending in "
                       f"{month[clash].iloc[0]:%b %Y} ({periods}); the pack charts one figure a month, so give it one "
                       "kind of period (for example only the rolling-12 rows).")
    return table


def _suppressed(assessed: pd.DataFrame, policies, threshold=None) -> pd.DataFrame:
    """Small-number suppression: suppressed figures become blank (shown as not available), and so
    does everything worked out from them that could give them away: the RAG, the variance, and an
    exception whose reason quotes the figure."""
    masked = suppress(assessed, list(policies), threshold=threshold)
    for column in ("numerator", "denominator", "value", "ci_lower", "ci_upper"):
        if column in masked:
            masked[column] = pd.to_numeric(masked[column], errors="coerce")
    return hide_derived(masked)
