"""`s75xl demo` does the whole job from any folder: demo-data, check, compute, assess against the
shipped demo targets, fill every shipped template, the board pack (and its PDF where LibreOffice
is installed), printing each file's path, the overall rating and the exceptions."""

from __future__ import annotations

import os
import shutil

import openpyxl

from s75xl.cli import main
from s75xl.resources import report_templates, shipped_dir


def test_demo_runs_the_whole_job_into_s75xl_demo_in_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    want_pdf = bool(shutil.which("soffice") or shutil.which("libreoffice") or os.environ.get("S75XL_REQUIRE_LIBREOFFICE"))
    assert main(["demo", "--quiet"] + ([] if want_pdf else ["--no-pdf"])) == 0
    out = capsys.readouterr().out
    demo = tmp_path / "s75xl-demo"
    for name in ("inputs/cld.csv", "inputs/mha_log.csv", "inputs/cpa_extract.csv", "check_report.csv",
                 "results.csv", "assessed.csv", "pack/pack_Synthetic_council_2025-03.xlsx",
                 "pack/pack_Norfolk_2017-03.xlsx"):
        assert (demo / name).exists(), name
        assert f"s75xl-demo/{name}" in out, name
    templates = [p.name for p in report_templates()]
    assert len(templates) >= 5
    for name in templates:
        assert (demo / "templates" / name).exists(), name
        assert f"fill {name}: Wrote " in out and f"fill {name}: Wrote 0 cells" not in out, name
    if want_pdf:
        assert (demo / "pack" / "pack_Synthetic_council_2025-03.pdf").exists()
    assert "Synthetic council, Mar 2025: 4 of 10 measures with a target are at or above target (40%)." in out
    assert "Norfolk, Mar 2017: 1 of 6 measures with a target are at or above target (16.7%)." in out
    assert "- S75-REVIEW-ON-TIME Planned reviews completed by their due date: off target: 46 against a target of 60" in out
    assert "618.0" in out  # Norfolk's ASCOF table recomputed, as before


def test_the_demo_pack_carries_national_benchmarks_and_the_example_commentary(tmp_path):
    from s75xl.demo import run_demo

    result = run_demo(tmp_path, pdf=False)
    content = result.pack.areas["Synthetic council"]
    assert set(content.benchmark_names) == {"previous_year", "england", "region", "comparator_group"}
    card = next(c for c in content.cards if c.measure == "S75-REVIEW-ON-TIME")
    assert card.commentary["lead_officer"] == "Example: Head of Adult Social Care"
    book = openpyxl.load_workbook(tmp_path / "pack" / "pack_Synthetic_council_2025-03.xlsx")
    rows = [[c.value for c in row] for row in book["Benchmarks"].iter_rows(min_row=5)]
    assert any(r[0] == "3D(2A)" for r in rows)
    assert any("3D(2A)" in line and "mean of 3 of the 3 members" in line for line in result.lines)
