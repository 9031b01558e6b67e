"""The command line's conventions: one error rule, -V, help on every option, --json, --quiet,
progress on standard error, plain text when piped; and the templates and functions commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from s75xl.cli import cli, main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "s75xl" / "data"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def every_command(group=cli, path=()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))
        else:
            yield (*path, name), command


def test_minus_v_and_version_agree(capsys):
    assert run(capsys, "-V")[:2] == run(capsys, "--version")[:2] == (0, "s75xl, version 0.1.0\n")


@pytest.mark.parametrize("path, command", list(every_command()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_option_has_help_and_every_command_an_example_and_quiet(path, command):
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"s75xl {' '.join(path)} {param.opts[0]} has no help"
    assert "quiet" in {p.name for p in command.params}, f"s75xl {' '.join(path)} has no --quiet"
    if path not in (("info",), ("measures",), ("rate",)) and path[-1] != "list":
        assert "Example:" in (command.help or "") or path == ("demo",), f"s75xl {' '.join(path)} has no example"


@pytest.mark.parametrize("argv, words", [
    (["compute", "--bogus"], "--bogus"),  # click's own wording of it differs between 8.1 and 8.2
    (["compute"], "Missing argument 'CLD_FILES...'"),
    (["rate", "1"], "Missing argument 'DENOMINATOR'"),
    (["measures", "--format", "xml"], "Invalid value for '--format'"),
    (["demo-data", "--people", "0", "--out", "x"], "Invalid value for '--people'"),
    (["no-such-command"], "No such command 'no-such-command'"),
    (["templates", "copy", "no_such_template", "x"], "There is no template 'no_such_template'"),
    (["functions", "call", "ASCOF_RATTE", "1", "2", "1E"], "Did you mean ASCOF_RATE"),
    (["fill", "nowhere/x.xlsx", "--results", "r.csv", "--out", "o.xlsx"], "does not exist"),
])
def test_usage_errors_are_one_line_on_stderr_with_exit_2(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("s75xl: ") and words in err and err.count("\n") == 1, err


def test_a_usage_error_from_the_installed_command_is_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "s75xl", "compute", "--bogus"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1
    assert done.stderr.startswith("s75xl: No such option") and done.stderr.endswith("See s75xl compute --help.\n")


def test_measures_piped_to_a_file_never_breaks_a_word(tmp_path):
    done = subprocess.run([sys.executable, "-m", "s75xl", "measures"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0
    from s75xl.catalogue import default_catalogue

    for m in default_catalogue().select():
        assert m.name in done.stdout, f"{m.id}'s name is broken across lines when piped"
    assert "│" not in done.stdout and "\x1b[" not in done.stdout  # no box drawing, no colours


def test_assess_json_summary_and_quiet(tmp_path, capsys):
    out = tmp_path / "assessed.csv"
    code, text, err = run(capsys, "assess", str(DATA / "norfolk_results_2016_17.csv"), "--targets",
                          str(DATA / "norfolk_targets_2016_17.csv"), "--out", str(out), "--json", "--quiet")
    summary = json.loads(text)
    assert code == 0 and err == ""
    assert summary["command"] == "assess" and summary["rows"] == 195 and summary["negative_exceptions"] == 5
    assert summary["positive_exceptions"] == 1


def test_fill_by_shipped_name_with_json(tmp_path, capsys):
    code, text, _ = run(capsys, "fill", "vital_signs_dashboard.xlsx", "--results", str(DATA / "norfolk_results_2016_17.csv"),
                        "--targets", str(DATA / "norfolk_targets_2016_17.csv"), "--out", str(tmp_path / "f.xlsx"), "--json")
    summary = json.loads(text)
    assert code == 0 and summary["written"] == 162 and len(summary["measures_filled"]) == 7
    assert summary["window"][0] == "Mar 2016" and summary["window"][-1] == "Mar 2017"


def test_compute_and_check_json(tmp_path, capsys):
    assert main(["demo-data", "--people", "200", "--seed", "2", "--out", str(tmp_path / "d"), "-q"]) == 0
    capsys.readouterr()
    code, text, _ = run(capsys, "compute", str(tmp_path / "d" / "cld.csv"), "--period", "2024-25", "--population",
                        str(tmp_path / "d" / "population.csv"), "--out", str(tmp_path / "r.csv"), "--json")
    summary = json.loads(text)
    assert code == 0 and summary["results"] > 0 and summary["rows_read"] >= summary["events_kept"] > 0
    code, text, _ = run(capsys, "check", str(tmp_path / "d" / "cld.csv"), "--json")
    summary = json.loads(text)
    assert code == 0 and summary["out"] is None and summary["rows_read"] > 0
    assert all({"kind", "field_or_rule", "count", "example_rows"} <= set(p) for p in summary["problems"])


def test_progress_goes_to_stderr_only_for_a_person(tmp_path):
    args = [sys.executable, "-m", "s75xl", "demo-data", "--people", "50", "--out", str(tmp_path / "d")]
    shown = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "S75XL_PROGRESS": "always"})
    assert shown.returncode == 0 and "Generating 50 people" in shown.stderr and "Generating" not in shown.stdout
    piped = subprocess.run(args, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""  # stderr is not a terminal: no progress
    quiet = subprocess.run([*args, "--quiet"], capture_output=True, text=True, env={**os.environ, "S75XL_PROGRESS": "always"})
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_templates_list_and_copy(tmp_path, capsys):
    code, out, _ = run(capsys, "templates", "list")
    names = [line.split()[0] for line in out.splitlines()]
    assert code == 0 and names == sorted(p.stem for p in (ROOT / "templates").glob("*.xlsx"))
    assert main(["templates", "copy", "sla_targets", str(tmp_path / "mine")]) == 0
    assert "Copied sla_targets.xlsx and sla_targets.layout.toml" in capsys.readouterr().out
    assert (tmp_path / "mine" / "sla_targets.xlsx").read_bytes() == (ROOT / "templates" / "sla_targets.xlsx").read_bytes()
    code, _, err = run(capsys, "templates", "copy", "sla_targets", str(tmp_path / "mine"))
    assert code == 2 and "already exists; pass --force" in err
    assert main(["templates", "copy", "sla_targets", str(tmp_path / "mine"), "--force", "-q"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("argv, shown", [
    (["ASCOF_RATE", "80", "507180", "2A(1)"], "15.773492645609053"),
    (["ascof_round", "15.7735", "2A(1)"], "15.8"),
    (["ASCOF_RATE", "5", "0", "1E"], "#DIV/0!"),
    (["ASCOF_RATE", "", "100", "1E"], "#N/A"),
    (["ASCOF_RATE", "[[5], [7]]", "[[10], [0]]", "1C(1A)"], "50.0\n#DIV/0!"),
    (["ASCOF_CI", "80", "507180", "2A(1)"], "12.506974095747223\t19.631718995016044"),
    (["ASCOF_RAG", "19.3", "16.5", "2A(1)"], "Red"),
    (["ASCOF_REASON", "5", "0", "1E"], "1E: the denominator is zero, so there is no rate."),
])
def test_functions_call_shows_what_the_cell_shows(capsys, argv, shown):
    code, out, err = run(capsys, "functions", "call", *argv)
    assert (code, out.strip()) == (0, shown), err


def test_functions_call_bad_measure_gives_the_hover_reason(capsys):
    code, out, err = run(capsys, "functions", "call", "ASCOF_RATE", "1", "2", "9Q")
    assert code == 2 and err == "s75xl: ASCOF_RATE gives #VALUE!: Unknown measure '9Q'.\n"


def test_functions_list_names_every_function(capsys):
    code, out, _ = run(capsys, "functions", "list")
    assert code == 0 and "ASCOF_RATE(numerator, denominator, measure, [months])" in out and out.count("\n") >= 15


def test_functions_lite_writes_a_bundle_whose_main_py_answers_as_the_module_does(tmp_path, capsys):
    url = "https://intranet.example/s75xl-0.1.0-py3-none-any.whl"
    assert main(["functions", "lite", str(tmp_path / "lite"), "--requirement", url]) == 0
    assert (tmp_path / "lite" / "requirements.txt").read_text() == url + "\n"
    probe = ("import asyncio, main; from xlwings import server; "
             "print(asyncio.run(server.custom_functions_call({'func_name': 'ascof_round', 'args': [[[15.7735]], [['2A(1)']]], "
             "'caller_address': '[B]S!A1', 'content_language': 'en-GB', 'version': '0', 'client': 'Office.js', "
             "'runtime': '1.4'}, main)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path / "lite", capture_output=True, text=True,
                          env={**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"})
    assert done.returncode == 0 and done.stdout.strip() == "[[15.8]]", done.stderr
    capsys.readouterr()
    code, _, err = run(capsys, "functions", "lite", str(tmp_path / "lite"))
    assert code == 2 and "already exists; pass --force" in err


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["rate", "80", "507180", "2A(1)"], ["templates", "list"]])
def test_quick_commands_never_import_pandas_or_scipy_stats(argv):
    """What keeps start-up quick (bench/bench_startup.py measures it): no heavy import on these paths."""
    probe = ("import sys; from s75xl.cli import main; code = main(sys.argv[1:]); "
             "heavy = sorted(m for m in ('pandas', 'scipy.stats', 'openpyxl', 'xlwings') if m in sys.modules); "
             "print(heavy, file=sys.stderr); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.strip() == "[]", done.stderr
