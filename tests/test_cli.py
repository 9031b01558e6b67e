"""The command line: what it prints, and one line with exit status 2 for every user error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from s75xl.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and "s75xl, version 0.1.0" in out


def test_rate_prints_value_rounded_and_interval(capsys):
    code, out, _ = run(capsys, "rate", "80", "507180", "2A(1)")
    assert code == 0
    assert "15.773492645609053" in out and "15.8" in out and "12.5 to 19.6" in out


def test_rate_json_and_level(capsys):
    code, out, _ = run(capsys, "rate", "7244", "7968", "1c1a", "--ci", "99.8", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["measure"] == "1C(1A)" and data["rounded"] == 90.9 and data["ci_level"] == 0.998


def test_measures_formats(capsys):
    code, out, _ = run(capsys, "measures", "--group", "MHA", "--format", "csv")
    assert code == 0 and out.count("HAV-") == 11
    code, out, _ = run(capsys, "measures", "--framework", "ASCOF", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 40


def test_info(capsys):
    code, out, _ = run(capsys, "info", "2A(1)", "--year", "2024-25")
    assert code == 0 and out.startswith("2B ") and "replaces     2A(1)" in out


@pytest.mark.parametrize("argv, words", [
    (["rate", "5", "0", "1E"], "denominator is zero"),
    (["rate", "5", "3", "1E"], "larger than the denominator"),
    (["rate", "x", "3", "1E"], "must be a number"),
    (["rate", "1", "3", "9Q"], "Unknown measure '9Q'"),
    (["rate", "1", "3", "1E", "--ci", "80"], "confidence level must be between"),
    (["measures", "--group", "nothing like this"], "No measure matches"),
    (["--catalogue", "/no/such/file.toml", "measures"], "does not exist"),
])
def test_user_errors_are_one_line_and_exit_2(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("s75xl: ") and words in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_demo_reproduces_norfolk(capsys):
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "618.0" in out and "known discrepancy" in out and "NO " not in out


def test_installed_console_script():
    beside = Path(sys.executable).with_name("s75xl")
    exe = str(beside) if beside.exists() else shutil.which("s75xl")
    if exe is None:
        pytest.fail("the s75xl console script is not installed; run pip install -e '.[test]'")
    done = subprocess.run([exe, "rate", "5", "0", "1E"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("s75xl: ") and "Traceback" not in done.stderr


def test_demo_data_compute_and_check(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo-data", "--people", "300", "--seed", "3", "--out", str(out)]) == 0
    results = tmp_path / "results.xlsx"
    code = main(["compute", str(out / "cld.csv"), "--period", "2024-25", "--period", "2024-09",
                 "--population", str(out / "population.csv"), "--mha", str(out / "mha_log.csv"),
                 "--cpa", str(out / "cpa_extract.csv"), "--out", str(results)])
    text = capsys.readouterr().out
    assert code == 0 and "kept" in text and f"to {results}" in text
    from s75xl.tables import read_table

    table = read_table(results, "results")  # the workbook's headings read back as the column names
    assert {"2A", "2B", "2C", "2E(1)", "3D(1A)", "1E", "HAV-22", "HAV-20", "S75-PLACE-NEW"} <= set(table.measure)
    assert main(["check", str(out / "cld.csv")]) == 0
    assert "rows read" in capsys.readouterr().out


def test_compute_without_population_warns(tmp_path, capsys):
    out = tmp_path / "demo"
    main(["demo-data", "--people", "200", "--out", str(out)])
    capsys.readouterr()
    assert main(["compute", str(out / "cld.csv"), "--out", str(tmp_path / "r.csv")]) == 0
    assert "2B needs a population table" in capsys.readouterr().out


def test_compute_refuses_a_file_that_is_not_cld(tmp_path, capsys):
    path = tmp_path / "budget.csv"
    path.write_text("cost centre,budget\nA1,100\n")
    assert main(["compute", str(path), "--out", str(tmp_path / "r.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("s75xl: The file") and "is not a CLD extract" in err and err.count("\n") == 1


def test_catalogue_option_reaches_every_command(tmp_path, capsys):
    """--catalogue adds a council's own measure for fill as well as for info, and lasts one command."""
    import os

    import pandas as pd
    from openpyxl import load_workbook

    ours = tmp_path / "ours.toml"
    ours.write_text('[[measure]]\nid = "OUR-1"\nname = "Carers offered a break"\nframework = "Ours"\ngroup = "Carers"\n'
                    'unit = "percent"\npolarity = "higher"\ndecimals = 1\nfrequency = "monthly"\nsource = "Mosaic"\n'
                    'numerator = "Offered"\ndenominator = "Assessed"\n')
    templates = Path(__file__).parent.parent / "templates"
    book = load_workbook(templates / "vital_signs_dashboard.xlsx")
    book["Dashboard"]["A5"] = "Carers offered a break"  # the council's own measure in the template
    template = tmp_path / "ours.xlsx"
    book.save(template)
    pd.DataFrame({"measure": ["OUR-1"], "period": ["2017-03"], "value": [70.0]}).to_csv(tmp_path / "r.csv", index=False)
    args = ["fill", str(template), "--results", str(tmp_path / "r.csv"), "--layout",
            str(templates / "vital_signs_dashboard.layout.toml"), "--out", str(tmp_path / "out.xlsx")]
    assert main(["--catalogue", str(ours), *args]) == 0
    assert "cells for 1 measures." in capsys.readouterr().out
    assert load_workbook(tmp_path / "out.xlsx")["Dashboard"]["O5"].value == 70.0
    assert "S75XL_CATALOGUE" not in os.environ  # restored after the command
    assert main(args) == 2  # without it, OUR-1 is unknown
    assert "Unknown measure 'OUR-1'" in capsys.readouterr().err
