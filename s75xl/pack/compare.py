"""The comparison workbook for several areas (a region, a family group): each area's overall
rating, and every measure with the areas ranked from best to worst by its polarity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from ..safety.outputs import write_atomically
from .content import AreaContent
from .workbook import Formats, _clean, _print_setup, _write_value


def ranking(contents: list[AreaContent]) -> pd.DataFrame:
    """One row per measure and area: value, target, RAG and rank (1 = best; ties share a rank)."""
    rows = pd.concat([c.measures.assign(area=c.area) for c in contents], ignore_index=True)
    rows = rows.dropna(subset=["value"])
    sign = rows["polarity"].map({"higher": -1, "lower": 1}).fillna(0)
    rows["rank"] = (rows["value"] * sign).groupby(rows["measure"]).rank(method="min")
    rows.loc[sign == 0, "rank"] = np.nan
    rows["areas_ranked"] = rows.groupby("measure")["value"].transform("count")
    return rows.sort_values(["rank_order", "measure", "rank", "area"] if "rank_order" in rows else ["measure", "rank", "area"])


def write_comparison(contents: list[AreaContent], path: Path, warnings: list[str], *, inputs=(),
                     mode_from: str | Path | None = None) -> None:
    """Write the comparison workbook, atomically and never over one of `inputs` (s75xl.safety.outputs)."""
    write_atomically(path, lambda temporary: _write_book(contents, temporary, warnings), inputs=inputs,
                     mode_from=mode_from, what="comparison workbook")


def _write_book(contents: list[AreaContent], temporary: Path, warnings: list[str]) -> None:
    book = xlsxwriter.Workbook(str(temporary), {"nan_inf_to_errors": True, "strings_to_formulas": False, "in_memory": True,
                                           "strings_to_urls": False})
    formats = Formats(book)
    period = contents[0].period
    sheet = book.add_worksheet("Overall ratings")
    _print_setup(sheet, f"Comparison, {period:%B %Y}", one_page=False)
    headers = ("Area", "Measures with a target", "At or above target", "% at or above", "Negative exceptions",
               "Positive exceptions")
    for col, (text, width) in enumerate(zip(headers, (28, 14, 14, 12, 12, 12))):
        sheet.set_column(col, col, width)
        sheet.write(2, col, text, formats.header)
    sheet.merge_range(0, 0, 0, 5, f"Comparison of {len(contents)} areas, {period:%B %Y}", formats.title)
    order = sorted(contents, key=lambda c: -(c.rating["percent"] if c.rating else -1))
    for row, c in enumerate(order, start=3):
        sheet.write(row, 0, _clean(c.area), formats.text)
        r = c.rating or {}
        for col, key in ((1, "with_target"), (2, "at_or_above"), (3, "percent")):
            _write_value(sheet, row, col, r.get(key, np.nan), formats.number(1 if key == "percent" else 0, ""), formats.cell)
        for col, kind in ((4, "negative"), (5, "positive")):
            sheet.write_number(row, col, int((c.exceptions["exception"] == kind).sum()), formats.cell)
    row = len(order) + 4
    for note in warnings:
        sheet.merge_range(row, 0, row, 5, _clean(note), formats.subtitle)
        row += 1

    table = ranking(contents)
    sheet = book.add_worksheet("Ranking by measure")
    _print_setup(sheet, f"Ranking by measure, {period:%B %Y}", one_page=False)
    headers = ("Measure", "Name", "Rank", "Area", "Value", "Target", "RAG", "Exception")
    for col, (text, width) in enumerate(zip(headers, (11, 44, 7, 26, 10, 10, 8, 40))):
        sheet.set_column(col, col, width)
        sheet.write(2, col, text, formats.header)
    sheet.merge_range(0, 0, 0, 7, "Each measure's areas from best (1) to worst by its polarity", formats.title)
    sheet.freeze_panes(3, 0)
    row = 3
    for measure, part in table.groupby("measure", sort=False):
        sheet.merge_range(row, 0, row, 7, f"{measure} {_clean(part['measure_name'].iloc[0])}", formats.group)
        row += 1
        for r in part.itertuples():
            fmt = formats.number(int(r.decimals), r.unit)
            sheet.write(row, 0, r.measure, formats.text)
            sheet.write(row, 1, "", formats.text)
            _write_value(sheet, row, 2, r.rank, formats.number(0, ""), formats.cell)
            sheet.write(row, 3, _clean(r.area), formats.text)
            _write_value(sheet, row, 4, r.value, fmt, formats.cell)
            _write_value(sheet, row, 5, r.target, fmt, formats.cell)
            sheet.write(row, 6, r.rag or "", formats.rag(r.rag))
            sheet.write(row, 7, f"{r.exception}: {r.exception_reasons}" if r.exception else "", formats.text)
            row += 1
    book.close()
