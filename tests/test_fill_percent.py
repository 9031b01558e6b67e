"""Templates whose percentage cells are formatted 0.0% hold fractions: 88.6% is 0.886 there.

Written as 88.6, Excel would show 8860.0%. fill reads each cell's number format and writes what
the cell means, for values and targets alike; a layout may say so for every cell instead.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from s75xl.catalogue import default_catalogue
from s75xl.demo import read_shipped_csv
from s75xl.fill import fill
from s75xl.fill.layout import Layout, find, is_percent_format, read_grid

from .libreoffice import convert

TEMPLATES = Path(__file__).parent.parent / "templates"
DASHBOARD = "vital_signs_dashboard"


@pytest.fixture(scope="module")
def percent_template(tmp_path_factory) -> Path:
    """The dashboard as many councils format it: the percentage measures' cells as 0.0%. (openpyxl
    saving is fine for this test fixture; s75xl itself never saves a template with openpyxl.)"""
    folder = tmp_path_factory.mktemp("percent")
    layout = Layout.load(TEMPLATES / f"{DASHBOARD}.layout.toml")
    found = find(layout, read_grid(TEMPLATES / f"{DASHBOARD}.xlsx", layout))
    book = load_workbook(TEMPLATES / f"{DASHBOARD}.xlsx")
    sheet = book[found.sheet]
    catalogue = default_catalogue()
    for measure, row in found.measure_rows.items():
        if catalogue.find(measure).unit != "percent":
            continue
        for col in [*found.period_columns.values(), found.columns["target"]]:
            sheet.cell(row=row, column=col).number_format = "0.0%"
    path = folder / f"{DASHBOARD}.xlsx"
    book.save(path)
    shutil.copy(TEMPLATES / f"{DASHBOARD}.layout.toml", folder / f"{DASHBOARD}.layout.toml")
    return path


def _filled(template: Path, out: Path, layout: Path | None = None):
    report = fill(template, read_shipped_csv("norfolk_results_2016_17.csv"),
                  targets=read_shipped_csv("norfolk_targets_2016_17.csv"), out=out, layout=layout)
    layout_file = Layout.load(layout or template.with_name(f"{DASHBOARD}.layout.toml"))
    grid = read_grid(out, layout_file)
    return report, find(layout_file, grid), grid


def _cell(grid, found, measure, col):
    return grid[found.sheet][found.measure_rows[measure] - 1][col - 1]


def test_percent_cells_get_fractions_and_other_cells_keep_their_numbers(percent_template, tmp_path):
    plain_report, plain, plain_grid = _filled(TEMPLATES / f"{DASHBOARD}.xlsx", tmp_path / "plain.xlsx")
    report, found, grid = _filled(percent_template, tmp_path / "percent.xlsx")
    assert plain_report.percent_cells_as_fractions == 0 and report.percent_cells_as_fractions > 0
    catalogue = default_catalogue()
    compared = 0
    for measure in found.measure_rows:
        percent = catalogue.find(measure).unit == "percent"
        for col in [*found.period_columns.values(), found.columns["target"]]:
            before, after = _cell(plain_grid, plain, measure, col), _cell(grid, found, measure, col)
            if isinstance(before, (int, float)):
                assert after == pytest.approx(before / 100 if percent else before), (measure, col)
                compared += 1
    assert compared >= 50
    # the "numerator / denominator" rows stay text
    counts_row = found.measure_rows["NFK-VS-01"] + 1
    assert all(isinstance(v, str) or v is None for v in grid[found.sheet][counts_row - 1][2:])


def test_the_layout_can_say_fraction_or_number_for_every_cell(tmp_path):
    layout_text = (TEMPLATES / f"{DASHBOARD}.layout.toml").read_text(encoding="utf-8")
    fraction = tmp_path / "fraction.layout.toml"
    fraction.write_text('percent_cells = "fraction"\n' + layout_text, encoding="utf-8")
    report, found, grid = _filled(TEMPLATES / f"{DASHBOARD}.xlsx", tmp_path / "f.xlsx", fraction)
    latest = max(found.period_columns)
    value = _cell(grid, found, "NFK-VS-01", found.period_columns[latest])
    assert 0 < value < 1 and report.percent_cells_as_fractions > 0
    bad = tmp_path / "bad.layout.toml"
    bad.write_text('percent_cells = "sometimes"\n' + layout_text, encoding="utf-8")
    from s75xl.fill.layout import LayoutError

    with pytest.raises(LayoutError, match="'percent_cells' must be auto, fraction, number"):
        Layout.load(bad)


@pytest.mark.parametrize("number_format, percent", [
    ("0.0%", True), ("0%", True), ("0.00%;[Red]-0.00%", True), ("General", False), ("0.0", False),
    ('0.0"%"', False), ("0.0\\%", False), ("#,##0", False), (None, False)])
def test_which_number_formats_show_percentages(number_format, percent):
    assert is_percent_format(number_format) is percent


def test_libreoffice_shows_the_right_percentages(percent_template, tmp_path):
    report, found, grid = _filled(percent_template, tmp_path / "percent.xlsx")
    pdf = convert([tmp_path / "percent.xlsx"], "pdf", tmp_path / "pdf")[0]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    results = read_shipped_csv("norfolk_results_2016_17.csv")
    latest = results[results["measure"] == "NFK-VS-01"].sort_values("period").iloc[-1]
    assert latest["value"].endswith("%") and latest["value"] in text  # as Norfolk printed it, e.g. 88.6%
    assert "8860" not in text and "00.0%" not in text.replace("100.0%", "")
