"""What no check foresaw still ends in one sentence: the command line exits 1 with the error's kind
and a hint, never a traceback and never the error's text (which may quote data); a ribbon button
shows one message box. And a council's catalogue file edited during a long session is read again."""

from __future__ import annotations

import io
import os
import time
from contextlib import redirect_stderr, redirect_stdout

import pytest

from s75xl.catalogue import default_catalogue
from s75xl.cli import main

PERSON = "Johnathan Smithers 9434765919"


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("error", [RuntimeError(PERSON), KeyError(PERSON), ZeroDivisionError(PERSON)])
def test_an_unforeseen_error_is_one_sentence_with_a_hint_and_exit_status_1(monkeypatch, tmp_path, error):
    import s75xl.assess

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(s75xl.assess, "assess", broken)
    code, out, err = run(["assess", "s75xl/data/norfolk_results_2016_17.csv", "--out", str(tmp_path / "a.csv"), "-q"])
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and "Traceback" not in err
    assert lines[0] == (f"s75xl: something unexpected went wrong ({type(error).__name__}); no file was changed. "
                        "Please report this with the command you ran.")
    assert "Smithers" not in out + err and "9434765919" not in out + err and list(tmp_path.iterdir()) == []


def test_a_file_the_system_refuses_is_named_with_the_systems_reason(monkeypatch, tmp_path):
    import s75xl.tables

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "results.csv"))

    monkeypatch.setattr(s75xl.tables, "read_table", refused)
    code, _, err = run(["assess", "results.csv", "--out", str(tmp_path / "a.csv"), "-q"])
    assert code == 2 and err.strip() == f"s75xl: {tmp_path / 'results.csv'}: Permission denied."


def test_an_unforeseen_error_in_a_ribbon_button_is_one_message_box(monkeypatch):
    pytest.importorskip("xlwings")
    from s75xl.excel import macros

    from .test_excel_remote import TEMPLATES, payload
    from .test_excel_remote import run as run_script

    def broken(*args, **kwargs):
        raise RuntimeError(PERSON)

    monkeypatch.setattr(macros, "plan_book", broken)
    actions = run_script("s75_refresh", payload(TEMPLATES / "vital_signs_dashboard.xlsx"))
    alerts = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert alerts == ["Something unexpected went wrong (RuntimeError); no file was changed. Please report this with "
                      "the command you ran."]
    assert [a for a in actions if a["func"] != "alert"] == []


LOCAL = ('[[measure]]\nid = "LOCAL-1"\nname = "{name}"\nframework = "Local"\ngroup = "Local"\nunit = "percent"\n'
         'polarity = "higher"\ndecimals = 1\nfrequency = "monthly"\nsource = "here"\nnumerator = "people"\n'
         'denominator = "people"\n')


def test_an_edited_catalogue_file_is_read_again(tmp_path, monkeypatch):
    path = tmp_path / "mine.toml"
    path.write_text(LOCAL.format(name="First name"))
    monkeypatch.setenv("S75XL_CATALOGUE", str(path))
    assert default_catalogue().get("LOCAL-1").name == "First name"
    assert default_catalogue() is default_catalogue()  # unchanged: the cached one
    path.write_text(LOCAL.format(name="Second, longer name"))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    assert default_catalogue().get("LOCAL-1").name == "Second, longer name"


def test_a_relative_catalogue_name_means_the_file_in_the_current_folder(tmp_path, monkeypatch):
    for folder, name in (("a", "Measure A"), ("b", "Measure B")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "mine.toml").write_text(LOCAL.format(name=name))
    monkeypatch.setenv("S75XL_CATALOGUE", "mine.toml")
    monkeypatch.chdir(tmp_path / "a")
    assert default_catalogue().get("LOCAL-1").name == "Measure A"
    monkeypatch.chdir(tmp_path / "b")
    assert default_catalogue().get("LOCAL-1").name == "Measure B"
