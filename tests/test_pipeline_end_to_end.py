"""The documented pipeline, end to end: demo-data -> compute -> assess -> fill, on every shipped
template, with the results' dates written in each form councils send them.

Each period must land in its own column: the test reads every filled period cell back and
compares it with the results row for that measure, kind of period and month.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from s75xl.assess import assess
from s75xl.catalogue import default_catalogue
from s75xl.cli import main
from s75xl.dates import EXCEL_EPOCH
from s75xl.fill.layout import Layout, find, read_grid
from s75xl.fill.linked import with_linked_measures
from s75xl.fill.plan import HEADLINE_BREAKDOWNS

TEMPLATES = Path(__file__).parent.parent / "templates"
TEMPLATE_NAMES = ["havering_quarterly_grid", "vital_signs_dashboard", "s75_top_level_figures",
                  "ascof_annual_summary", "sla_targets"]
MONTHS = [f"{y}-{m:02d}" for y, m in [(2024, m) for m in range(4, 13)] + [(2025, m) for m in range(1, 4)]]
PERIODS = ["2024-25", "rolling-12:2025-03", "Q1-2024-25", "Q2-2024-25", "Q3-2024-25", "Q4-2024-25", *MONTHS]


def _local_rows() -> pd.DataFrame:
    """Results for the templates' local measures, which CLD does not give: Norfolk's vital signs
    monthly, Cambridgeshire's figures quarterly (the template shows 2016-17), Leicestershire's
    SLA and a few ASCOF 2016-17 rows for the year."""
    rng = np.random.default_rng(7)
    rows = []
    for measure in ["NFK-VS-01", "NFK-VS-02", "NFK-VS-03", "NFK-VS-08", "NFK-VS-09", "NFK-VS-10", "NFK-VS-11"]:
        for month in MONTHS:
            start = pd.Timestamp(month + "-01")
            rows.append({"measure": measure, "period": month, "period_start": start,
                         "period_end": start + pd.offsets.MonthEnd(0), "value": round(rng.uniform(50, 99), 1)})
    for measure in ["CAM-2", "CAM-4", "CAM-5", "CAM-8", "CAM-9a", "CAM-11", "CAM-13"]:
        for quarter, start in enumerate(pd.date_range("2016-04-01", periods=4, freq="3MS"), start=1):
            rows.append({"measure": measure, "period": f"Q{quarter}-2016-17", "period_start": start,
                         "period_end": start + pd.offsets.MonthEnd(3), "value": float(rng.integers(5, 400))})
    for measure in ["LPT-SLA-1", "LPT-SLA-2", "LPT-SLA-3", "LPT-SLA-4", "LPT-SLA-5", "1C(1A)", "1E", "2A(1)"]:
        rows.append({"measure": measure, "period": "2016-17", "period_start": pd.Timestamp("2016-04-01"),
                     "period_end": pd.Timestamp("2017-03-31"), "value": round(rng.uniform(40, 99), 1)})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("pipeline")
    assert main(["demo-data", "--people", "800", "--seed", "4", "--out", str(folder)]) == 0
    out = folder / "results.csv"
    argv = ["compute", str(folder / "cld.csv"), "--population", str(folder / "population.csv"),
            "--mha", str(folder / "mha_log.csv"), "--cpa", str(folder / "cpa_extract.csv"),
            "--psr", "Mental Health Support", "--out", str(out)]
    for period in PERIODS:
        argv += ["--period", period]
    assert main(argv) == 0
    computed = pd.read_csv(out, dtype={"area": str})
    local = _local_rows().assign(area=computed["area"].iloc[0])
    local["period_start"] = local["period_start"].dt.strftime("%Y-%m-%d")
    local["period_end"] = local["period_end"].dt.strftime("%Y-%m-%d")
    return pd.concat([computed, local], ignore_index=True)


def _as_form(results: pd.DataFrame, form: str, folder: Path) -> Path:
    """The results written with their dates in one form: ISO text, dd/mm/yyyy text, Excel serial
    numbers, or real date cells in an XLSX file."""
    frame = results.copy()
    dates = {c: pd.to_datetime(frame[c], format="%Y-%m-%d") for c in ("period_start", "period_end")}
    if form == "xlsx":
        path = folder / "results.xlsx"
        frame.assign(**dates).to_excel(path, index=False)
        return path
    for column, values in dates.items():
        frame[column] = {"iso": values.dt.strftime("%Y-%m-%d"), "uk": values.dt.strftime("%d/%m/%Y"),
                         "serial": (values - EXCEL_EPOCH).dt.days}[form]
    path = folder / f"results_{form}.csv"
    frame.to_csv(path, index=False)
    return path


def _expected(results: pd.DataFrame) -> pd.DataFrame:
    """What should land where: the assessed headline rows, by measure, kind of period and month."""
    table = assess(with_linked_measures(results, default_catalogue()))
    breakdown = table["breakdown"].fillna("").astype(str)
    single = table.groupby("measure")["breakdown"].transform("nunique") <= 1
    table = table[breakdown.isin(HEADLINE_BREAKDOWNS) | single]
    return table.assign(month=list(zip(table["period_end"].dt.year, table["period_end"].dt.month)))


def _cell(grid, row: int, col: int):
    line = grid[row - 1] if row - 1 < len(grid) else []
    return line[col - 1] if col - 1 < len(line) else None


@pytest.mark.parametrize("form", ["iso", "uk", "serial", "xlsx"])
def test_every_period_lands_in_its_column_in_every_template(results, form, tmp_path, capsys):
    source = _as_form(results, form, tmp_path)
    assessed_path = tmp_path / "assessed.csv"
    assert main(["assess", str(source), "--out", str(assessed_path)]) == 0
    assert len(pd.read_csv(assessed_path)) == len(results)
    expected = _expected(results)
    checked = 0
    for name in TEMPLATE_NAMES:
        template = tmp_path / f"{name}.xlsx"
        shutil.copy(TEMPLATES / f"{name}.xlsx", template)
        shutil.copy(TEMPLATES / f"{name}.layout.toml", tmp_path / f"{name}.layout.toml")
        out = tmp_path / f"{name}_filled.xlsx"
        capsys.readouterr()
        assert main(["fill", str(template), "--results", str(source), "--out", str(out), "--strict"]) == 0, name
        layout = Layout.load(tmp_path / f"{name}.layout.toml")
        grid = read_grid(out, layout)
        found = find(layout, grid)
        rows = grid[found.sheet]
        for measure, row in found.measure_rows.items():
            mine = expected[expected["measure"] == measure]
            if layout.periods == "none":
                if mine.empty or "value" not in found.columns:
                    continue
                latest = mine.sort_values("period_end").iloc[-1]
                assert _cell(rows, row, found.columns["value"]) == pytest.approx(latest["value"]), (name, measure)
                checked += 1
                continue
            mine = mine[mine["period_kind"] == layout.periods]
            by_month = dict(zip(mine["month"], mine["value"]))
            for month, col in found.period_columns.items():
                if month not in by_month:
                    continue
                want = by_month[month]
                got = _cell(rows, row, col)
                if pd.isna(want):
                    assert got in (None, ""), (name, measure, month)
                else:
                    assert got == pytest.approx(want), (name, measure, month, form)
                checked += 1
    # Havering: 4 quarters for its care-package, MHA and CPA rows; the dashboard's 12 months of 7
    # measures; 4 quarters of Cambridgeshire's 7; and the year-end rows of the other two.
    assert checked >= 4 * 20 + 7 * 12 + 7 * 4 + 5 + 3


def test_havering_care_package_rows_come_from_the_mental_health_activity_counts(results, tmp_path):
    source = _as_form(results, "iso", tmp_path)
    out = tmp_path / "grid.xlsx"
    assert main(["fill", str(TEMPLATES / "havering_quarterly_grid.xlsx"), "--results", str(source), "--out", str(out)]) == 0
    layout = Layout.load(TEMPLATES / "havering_quarterly_grid.layout.toml")
    grid = read_grid(out, layout)
    found = find(layout, grid)
    activity = results[(results["breakdown"] == "Mental Health Support") & results["period"].str.startswith("Q")]
    for hav, s75, column in [("HAV-08", "S75-RES-OPEN-END", "value"), ("HAV-11", "S75-PLACE-NEW", "value"),
                             ("HAV-15", "S75-DOM-ENDED", "value"), ("HAV-17", "S75-TELECARE", "numerator")]:
        rows = activity[activity["measure"] == s75].sort_values("period_end")
        cells = [_cell(grid[found.sheet], found.measure_rows[hav], col) for _, col in sorted(found.period_columns.items())]
        assert cells == pytest.approx(rows[column].astype(float).tolist()), hav


def test_the_readme_example_compute_then_assess_works_with_twin_periods(tmp_path, capsys):
    folder = tmp_path / "demo"
    assert main(["demo-data", "--people", "600", "--seed", "2", "--out", str(folder)]) == 0
    out = tmp_path / "results.csv"
    assert main(["compute", str(folder / "cld.csv"), "--period", "2024-25", "--period", "rolling-12:2025-03",
                 "--period", "2025-03", "--population", str(folder / "population.csv"), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["assess", str(out), "--out", str(tmp_path / "assessed.xlsx")]) == 0
    from s75xl.tables import read_table

    assessed = read_table(tmp_path / "assessed.xlsx", "assessed")  # the workbook's headings read back as names
    year = assessed[(assessed["measure"] == "2A") & (assessed["breakdown"] == "Total")]
    assert sorted(year["period_kind"]) == ["month", "rolling 12 months", "year"]


def test_a_period_with_no_events_is_a_blank_value_with_a_note_not_an_error():
    from s75xl.cld.compute import _add_values

    frame = pd.DataFrame({"measure": ["2A", "2A"], "numerator": [0, 3], "denominator": [0.0, 4.0]})
    out = _add_values(frame)
    assert np.isnan(out["value"][0]) and out["note"][0] == "no events in this period (0 of 0), so there is no rate"
    assert out["value"][1] == 75.0 and out["note"][1] == ""
    results = pd.DataFrame({"measure": ["2A"] * 2, "period_start": ["2025-02-01", "2025-03-01"],
                            "numerator": [3, 0], "denominator": [4, 0]})
    assessed = assess(results)
    assert assessed["value"].iloc[0] == 75.0 and np.isnan(assessed["value"].iloc[1])
    assert assessed["note"].iloc[1].startswith("no events in this period")


def test_a_nonzero_count_over_a_zero_denominator_is_still_an_error():
    from s75xl.tables import TableError

    results = pd.DataFrame({"measure": ["2A"], "period_start": ["2025-03-01"], "numerator": [2], "denominator": [0]})
    with pytest.raises(TableError, match="row 2: 2A: the denominator is zero"):
        assess(results)


def test_two_rows_for_one_period_of_one_series_name_both_rows():
    from s75xl.tables import TableError

    results = pd.DataFrame({"measure": ["2A(1)", "2B", "2A(1)"], "period_start": ["2025-03-01"] * 3,
                            "value": [1.0, 2.0, 3.0]})
    results.attrs["source"] = "results.csv"
    with pytest.raises(TableError, match=r"results.csv, rows 2 and 4: two rows for 2A\(1\) from 01/03/2025 to 31/03/2025"):
        assess(results)


def test_two_periods_of_one_kind_starting_on_one_day_are_refused_not_a_traceback():
    from s75xl.tables import TableError

    results = pd.DataFrame({"measure": ["2A(1)", "2A(1)"], "period_start": ["2025-03-01"] * 2,
                            "period_end": ["2025-03-15", "2025-03-31"], "value": [1.0, 2.0]})
    with pytest.raises(TableError, match="rows 2 and 3: two rows for 2A\\(1\\)"):
        assess(results)
