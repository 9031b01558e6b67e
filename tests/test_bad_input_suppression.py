"""Publication outputs can apply the small-number suppression policies (docs/bad-input.md,
"Small-number suppression for publication"): `compute`, `assess` and `pack` take --suppress and
--suppress-threshold. Boundaries: a numerator exactly at the threshold is kept, one below it is
suppressed; rounding to 5 goes to the nearer multiple. No shipped policy has secondary suppression.
"""

from __future__ import annotations

import io
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from s75xl.cli import main
from s75xl.demo import read_shipped_csv

from .bad_input_kit import council, identities


def in_folder(folder: Path, argv: list[str]) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with redirect_stdout(io.StringIO()) as out, redirect_stderr(io.StringIO()) as err:
            code = main(argv)
        return code, out.getvalue() + err.getvalue()
    finally:
        os.chdir(cwd)


@pytest.fixture()
def norfolk(tmp_path):
    """Norfolk's published vital signs with March 2017's NFK-VS-11 numerator set by each test."""
    table = read_shipped_csv("norfolk_results_2016_17.csv")
    read_shipped_csv("norfolk_targets_2016_17.csv").to_csv(tmp_path / "targets.csv", index=False)

    def with_numerator(n: int) -> Path:
        t = table.copy()
        t.loc[(t["measure"] == "NFK-VS-11") & (t["period"] == "2017-03"), ["numerator", "value"]] = [n, f"{n / 8.32:.1f}%"]
        t.to_csv(tmp_path / "results.csv", index=False)
        return tmp_path
    return with_numerator


def march_row(path: Path) -> pd.Series:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return table[(table["measure"] == "NFK-VS-11") & (table["period_end"] == "2017-03-31")].iloc[0]


@pytest.mark.parametrize("numerator, suppressed", [(5, False), (4, True)])
def test_assess_suppresses_below_the_threshold_and_keeps_exactly_the_threshold(norfolk, numerator, suppressed):
    folder = norfolk(numerator)
    code, said = in_folder(folder, ["assess", "results.csv", "--out", "a.csv", "--suppress", "suppress-below",
                                    "--suppress-threshold", "5"])
    assert code == 0, said
    row = march_row(folder / "a.csv")
    figures = [row[c] for c in ("numerator", "denominator", "value", "ci_lower", "ci_upper") if c in row]
    assert (figures == ["[c]"] * len(figures)) is suppressed and (row["suppressed"] == "True") is suppressed
    if not suppressed:
        assert float(row["numerator"]) == numerator and float(row["denominator"]) == 832


def test_assess_without_suppress_keeps_every_figure(norfolk):
    folder = norfolk(1)
    assert in_folder(folder, ["assess", "results.csv", "--out", "a.csv"])[0] == 0
    row = march_row(folder / "a.csv")
    assert float(row["numerator"]) == 1 and "suppressed" not in row


@pytest.mark.parametrize("numerator, published", [(12, 10), (13, 15), (15, 15)])
def test_round_to_5_goes_to_the_nearer_multiple(norfolk, numerator, published):
    folder = norfolk(numerator)
    assert in_folder(folder, ["assess", "results.csv", "--out", "a.csv", "--suppress", "round-to-5"])[0] == 0
    assert float(march_row(folder / "a.csv")["numerator"]) == published


def test_the_assessed_workbook_shows_c_for_suppressed_figures(norfolk):
    folder = norfolk(2)
    code, said = in_folder(folder, ["assess", "results.csv", "--out", "a.xlsx", "--suppress", "suppress-below"])
    assert code == 0, said
    values = [c.value for row in load_workbook(folder / "a.xlsx").worksheets[0].iter_rows() for c in row]
    assert values.count("[c]") >= 3


@pytest.mark.parametrize("numerator, shown", [(5, True), (4, False)])
def test_the_pack_leaves_a_figure_below_the_threshold_blank(norfolk, numerator, shown):
    folder = norfolk(numerator)
    code, said = in_folder(folder, ["pack", "--results", "results.csv", "--targets", "targets.csv", "--no-pdf", "-q",
                                    "--suppress", "suppress-below", "--suppress-threshold", "5", "--out", "pk"])
    assert code == 0, said
    sheet = load_workbook(folder / "pk" / "pack_Norfolk_2017-03.xlsx")["All measures"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "NFK-VS-11")
    value = round(numerator / 8.32, 1)  # the value as the results file gives it
    assert any(isinstance(v, float) and abs(v - value) < 1e-6 for v in row) is shown, row


def test_compute_suppresses_small_counts_from_the_extract(tmp_path):
    folder = council(tmp_path / "c")
    assert in_folder(folder, ["compute", "cld.csv", "--out", "plain.csv"])[0] == 0
    plain = pd.read_csv(folder / "plain.csv")
    counted = plain.dropna(subset=["numerator"])
    smallest = int(counted["numerator"].min())
    code, said = in_folder(folder, ["compute", "cld.csv", "--out", "pub.csv", "--suppress", "suppress-below",
                                    "--suppress-threshold", str(smallest + 1)])
    assert code == 0, said
    published = pd.read_csv(folder / "pub.csv", dtype=str, keep_default_na=False)
    hidden = published["suppressed"] == "True"
    assert hidden.any() and (published.loc[hidden, "numerator"] == "[c]").all()
    kept = published[~hidden & (published["numerator"] != "")]
    assert (pd.to_numeric(kept["numerator"]) >= smallest + 1).all()
    text = (folder / "pub.csv").read_text()
    assert not [p for p in identities(folder) if p in text]


def test_a_bad_threshold_is_refused_before_any_work(tmp_path):
    shutil.copy(Path(__file__).parent.parent / "s75xl" / "data" / "norfolk_results_2016_17.csv", tmp_path / "r.csv")
    code, said = in_folder(tmp_path, ["assess", "r.csv", "--out", "a.csv", "--suppress", "suppress-below",
                                      "--suppress-threshold", "inf"])
    assert code == 2 and "threshold must be a positive number" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_what_is_worked_out_from_a_suppressed_figure_is_blanked_too(norfolk):
    folder = norfolk(3)  # 0.4% against a target of 3.7%: red, and a negative exception quoting 0.4
    code, said = in_folder(folder, ["assess", "results.csv", "--targets", "targets.csv", "--out", "a.csv",
                                    "--suppress", "suppress-below"])
    assert code == 0, said
    row = march_row(folder / "a.csv")
    assert (row["rag"], row["variance_pct"], row["exception"], row["exception_reasons"]) == ("", "", "", "")
    assert "0.4" not in (folder / "a.csv").read_text().split("NFK-VS-11,2017-03")[-1].split("\n")[0]
    code, said = in_folder(folder, ["pack", "--results", "results.csv", "--targets", "targets.csv", "--no-pdf", "-q",
                                    "--suppress", "suppress-below", "--out", "pk"])
    book = load_workbook(folder / "pk" / "pack_Norfolk_2017-03.xlsx")
    row = next(r for r in book["All measures"].iter_rows(values_only=True) if r[0] == "NFK-VS-11")
    assert not any(isinstance(v, str) and ("0.4" in v or v == "Red") for v in row), row
