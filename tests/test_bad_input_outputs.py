"""Output safety: never over an input, atomic, serialised, with the right file mode, nothing left
behind; and a kill test that stops fill and assess at random moments (docs/bad-input.md)."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from s75xl.safety import outputs
from s75xl.safety.outputs import OutputError, check_output, output_lock, write_atomically

from .bad_input_kit import council, run


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return council(tmp_path_factory.mktemp("council"))


@pytest.fixture()
def folder(base, tmp_path):
    shutil.copytree(base, tmp_path / "c")
    return tmp_path / "c"


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_an_unwritable_folder_is_refused_in_one_sentence(folder, monkeypatch):
    real = os.access  # as a read-only folder looks to anyone but root (the tests run as root here)
    monkeypatch.setattr(outputs.os, "access", lambda path, mode: not (mode & os.W_OK) and real(path, mode))
    outcome = run(["compute", "cld.csv", "--out", "r.csv"], folder)
    assert outcome.code == 2 and "cannot be written to" in outcome.err


def test_a_failed_write_names_the_file_and_the_reason_never_none(tmp_path):
    def broken(path):
        raise OSError()

    with pytest.raises(OutputError, match=r"Cannot write .*out\.csv: OSError\.$"):
        write_atomically(tmp_path / "out.csv", broken)
    assert list(tmp_path.iterdir()) == []


def test_a_writer_that_fails_half_way_leaves_the_old_output_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")

    def half(path):
        path.write_text("new, half")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        write_atomically(target, half)
    assert target.read_text() == "old" and hidden(tmp_path) == []


def test_the_filled_file_takes_the_templates_mode_not_0600(folder):
    os.chmod(folder / "dashboard.xlsx", 0o640)
    outcome = run(["fill", "dashboard.xlsx", "--results", "results.csv", "--out", "filled.xlsx"], folder,
                  output="filled.xlsx")
    assert outcome.code == 0
    assert (folder / "filled.xlsx").stat().st_mode & 0o777 == 0o640


def test_in_place_keeps_the_templates_mode(folder):
    os.chmod(folder / "dashboard.xlsx", 0o664)
    from s75xl.fill import fill
    from s75xl.tables import read_table

    fill(folder / "dashboard.xlsx", read_table(folder / "results.csv", "results"), out=folder / "dashboard.xlsx",
         in_place=True, layout=folder / "dashboard.layout.toml")
    assert (folder / "dashboard.xlsx").stat().st_mode & 0o777 == 0o664


def test_assessed_and_computed_files_follow_the_input_or_the_umask(folder):
    os.chmod(folder / "results.csv", 0o604)
    assert run(["assess", "results.csv", "--out", "a.csv"], folder, output="a.csv").code == 0
    assert (folder / "a.csv").stat().st_mode & 0o777 == 0o604
    umask = os.umask(0o022)
    try:
        assert run(["compute", "cld.csv", "--out", "r.csv"], folder, output="r.csv").code == 0
    finally:
        os.umask(umask)
    assert (folder / "r.csv").stat().st_mode & 0o777 == 0o644


def test_a_killed_runs_leftovers_are_removed_by_the_next_run(folder):
    for name in (".filled.xlsx.s75xl-99999.tmp", ".filled.xlsx.s75xl-lock", ".filled.xlsx.tmp",
                 ".filled.xlsx.abc123.tmp"):
        (folder / name).write_bytes(b"partial")
    from s75xl.cli import main

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        assert main(["fill", "dashboard.xlsx", "--results", "results.csv", "--out", "filled.xlsx"]) == 0
    finally:
        os.chdir(cwd)
    assert hidden(folder) == []


def test_two_writers_of_one_output_take_turns(tmp_path):
    target = tmp_path / "out.csv"
    order = []

    def slow(label):
        def write(path):
            order.append(f"{label} start")
            time.sleep(0.3)
            path.write_text(label)
            order.append(f"{label} end")
        return write

    threads = [threading.Thread(target=write_atomically, args=(target, slow(x))) for x in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order in (["a start", "a end", "b start", "b end"], ["b start", "b end", "a start", "a end"])
    assert target.read_text() in ("a", "b") and hidden(tmp_path) == []


def test_a_writer_that_cannot_get_the_lock_in_time_is_refused(tmp_path):
    target = tmp_path / "out.csv"
    with output_lock(target):
        child = subprocess.run([sys.executable, "-c", (
            "import sys; from s75xl.safety import outputs; outputs.LOCK_WAIT = 0.2\n"
            "try:\n    outputs.write_atomically(sys.argv[1], lambda p: p.write_text('x'))\n"
            "except outputs.OutputError as e:\n    print(e)"), str(target)], capture_output=True, text=True)
    assert "Another s75xl run is writing" in child.stdout
    assert not target.exists() and hidden(tmp_path) == []


def test_check_output_compares_the_files_not_the_spellings(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("x")
    (tmp_path / "sub").mkdir()
    for spelling in (source, tmp_path / "sub" / ".." / "in.csv"):
        with pytest.raises(OutputError, match="would overwrite an input"):
            check_output(spelling, [source])
    os.symlink(source, tmp_path / "link.csv")
    with pytest.raises(OutputError, match="would overwrite an input"):
        check_output(tmp_path / "link.csv", [source])


# ---------------------------------------------------------------- the kill test

def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def command(*argv: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from s75xl.cli import main; sys.exit(main(sys.argv[1:]))", *argv]


PACK_FILE = "pack/pack_Norfolk_2017-03.xlsx"
KILLED = {  # name -> (argv, the output file, or the folder every output goes in)
    "fill": (["fill", "dashboard.xlsx", "--results", "results.csv", "--targets", "targets.csv", "--out", "filled.xlsx"],
             "filled.xlsx"),
    "assess": (["assess", "results.csv", "--targets", "targets.csv", "--out", "assessed.csv"], "assessed.csv"),
    "compute": (["compute", "cld.csv", "--population", "population.csv", "--mha", "mha_log.csv", "--out", "r.csv"],
                "r.csv"),
    "check": (["check", "cld.csv", "--out", "quality.csv"], "quality.csv"),
    # the PDF step is LibreOffice, a separate process a kill of s75xl would orphan: the workbook is the test
    "pack": (["pack", "--results", "results.csv", "--targets", "targets.csv", "--no-pdf", "-q", "--out", "pack"],
             PACK_FILE),
    "budget refresh": (["budget", "refresh", "budget_monitor.xlsx", "--ledger", "ledger.sqlite", "--period", "2017-03",
                        "--out", "march.xlsx"], "march.xlsx"),
    # copies of shipped files: a template and its layout, and the demo ledger's database, tables and workbook
    "templates copy": (["templates", "copy", "vital_signs_dashboard", "mine", "--force", "-q"], "mine"),
    "budget demo-ledger": (["budget", "demo-ledger", "--out", "demo", "-q"], "demo"),
}


def comparable(path: Path) -> dict[str, bytes] | bytes:
    """What must equal a clean run's output: the bytes, or for a workbook every part but the
    creation time in docProps/core.xml (the pack and the results workbook are stamped when made)."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): digest(p) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture()
def killable(folder):
    from s75xl.finance.demo import SQLITE
    from s75xl.resources import shipped_path

    shutil.copy(SQLITE, folder / "ledger.sqlite")
    shutil.copy(shipped_path("templates", "budget_monitor.xlsx"), folder / "budget_monitor.xlsx")
    return folder


@pytest.mark.parametrize("name", list(KILLED))
def test_killed_at_random_moments_nothing_is_lost_or_left(name, killable):
    folder = killable
    argv, output = KILLED[name]
    inputs = files(folder)
    started = time.monotonic()
    subprocess.run(command(*argv), cwd=folder, check=True, capture_output=True)
    duration = time.monotonic() - started
    outs = [folder / n for n in files(folder) if n not in inputs]  # every file the clean run wrote
    assert outs and all(str(out.relative_to(folder)).startswith(output) for out in outs)
    reference = {out: comparable(out) for out in outs}
    for out in outs:
        out.unlink()
    rng = random.Random(16)
    for attempt in range(6):
        process = subprocess.Popen(command(*argv), cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, duration * 1.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = files(folder)
        assert {n: d for n, d in now.items() if n in inputs} == inputs, f"attempt {attempt}: an input changed"
        for out in outs:
            if out.exists():  # complete, never half written
                assert comparable(out) == reference[out], f"attempt {attempt}: a partial {out.name}"
        allowed = {p for out in outs for p in (*outputs.leftovers(out), outputs.lock_name(out))}
        extra = [folder / n for n in now if n not in inputs and folder / n not in reference]
        assert set(extra) <= allowed, extra  # hidden, and named so the next run removes them
    subprocess.run(command(*argv), cwd=folder, check=True, capture_output=True)
    assert {out: comparable(out) for out in outs} == reference
    assert sorted(files(folder)) == sorted([*inputs, *(str(out.relative_to(folder)) for out in outs)])
    for out in outs:
        if out.suffix == ".csv":
            assert len(pd.read_csv(out)) > 0
