"""The installed product: a wheel built from this checkout, installed (not editable) in a folder
outside it, carries the templates with their layouts, the worksheet functions and the workbooks,
and works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    (built,) = out.glob("s75xl-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed with pip into its own folder (the dependencies come from this venv)."""
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return target


def run_installed(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "S75XL_CATALOGUE"))}
    env["PYTHONPATH"] = str(installed)  # ahead of the editable install of the checkout
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_wheel_carries_templates_layouts_functions_and_workbooks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in sorted((ROOT / "templates").glob("*.xlsx")):
        assert f"s75xl/shipped/templates/{template.name}" in names
        assert f"s75xl/shipped/templates/{template.stem}.layout.toml" in names
    assert "s75xl/shipped/udfs/s75xl_functions.py" in names and "s75xl_functions.py" in names
    assert "s75xl/shipped/workbooks/s75xl_functions_demo.xlsx" in names
    assert "s75xl/catalogue/ascof_2014_2023.toml" in names and "s75xl/data/norfolk_ascof_2016_17.csv" in names
    assert not any(n.startswith("s75xl/shipped/") and "/build_" in n for n in names)  # the rebuild scripts stay home


def test_installed_package_is_used_and_finds_its_shipped_files(installed, tmp_path):
    done = run_installed(installed, tmp_path, "-c",
                         "import s75xl, s75xl.resources as r; print(s75xl.__file__); print(r.shipped_dir('templates'))")
    assert done.returncode == 0, done.stderr
    module_file, templates = done.stdout.split()
    assert Path(module_file).is_relative_to(installed) and Path(templates) == installed / "s75xl" / "shipped" / "templates"


def test_templates_copy_and_fill_by_name_from_an_empty_folder(installed, tmp_path):
    listing = run_installed(installed, tmp_path, "-m", "s75xl", "templates", "list")
    assert listing.returncode == 0 and "vital_signs_dashboard" in listing.stdout and "Monthly vital signs dashboard" in listing.stdout
    copied = run_installed(installed, tmp_path, "-m", "s75xl", "templates", "copy", "vital_signs_dashboard", "mine")
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "mine" / "vital_signs_dashboard.xlsx").read_bytes() == \
        (ROOT / "templates" / "vital_signs_dashboard.xlsx").read_bytes()
    assert (tmp_path / "mine" / "vital_signs_dashboard.layout.toml").is_file()
    results = ROOT / "s75xl" / "data" / "norfolk_results_2016_17.csv"
    targets = ROOT / "s75xl" / "data" / "norfolk_targets_2016_17.csv"
    filled = run_installed(installed, tmp_path, "-m", "s75xl", "fill", "vital_signs_dashboard", "--results", str(results),
                           "--targets", str(targets), "--out", "march.xlsx", "--json")
    assert filled.returncode == 0, filled.stderr
    assert '"written": 162' in filled.stdout and (tmp_path / "march.xlsx").stat().st_size > 5000


def test_worksheet_functions_import_and_answer_from_the_installed_wheel(installed, tmp_path):
    imported = run_installed(installed, tmp_path, "-c", "import s75xl_functions; print(s75xl_functions.__file__)")
    assert imported.returncode == 0, imported.stderr
    assert Path(imported.stdout.strip()).is_relative_to(installed)
    called = run_installed(installed, tmp_path, "-m", "s75xl", "functions", "call", "ASCOF_ROUND", "15.7735", "2A(1)")
    assert called.returncode == 0 and called.stdout.strip() == "15.8", called.stderr
