"""Every example in the README runs as written: each command of a ```bash block, each `$ s75xl`
line of a ```text block (whose output must be what follows it), each ```python block (as doctests
where written with >>>), and the output shown after a command ("..." stands for any text).

A block the test must not run (the set-up lines that install s75xl, which .ci/run runs on a clean
machine) carries `<!-- not run by the README test: why -->` on the line before its fence.

The commands run in an empty folder holding the files the README's examples name: a synthetic
council's CLD extract (twice, as two quarters), MHA log, CPA extract and population, and Norfolk's
published dashboard results and targets as results.csv and targets.csv.
"""

from __future__ import annotations

import doctest
import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from s75xl.cli import main

ROOT = Path(__file__).resolve().parent.parent
SKIP = re.compile(r"<!--\s*not run by the README test:.*?-->")


@dataclass
class Block:
    language: str
    text: str
    line: int  # where the fence opens, for messages
    skipped: bool
    follows: Block | None = None  # the block just before, if only blank lines part them


def blocks(markdown: str) -> list[Block]:
    found, lines, i = [], markdown.splitlines(), 0
    while i < len(lines):
        match = re.match(r"^```(\w*)\s*$", lines[i])
        if not match:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        previous = found[-1] if found and all(not l.strip() for l in lines[found[-1].end + 1:i]) else None
        block = Block(match.group(1), "\n".join(lines[i + 1:end]), i + 1, bool(SKIP.search(before)), previous)
        block.end = end
        found.append(block)
        i = end + 1
    return found


README_BLOCKS = blocks((ROOT / "README.md").read_text(encoding="utf-8"))
# The docs pages whose examples are commands (the others show file formats); each is run too.
DOC_PAGES = ["command-line.md", "measures.md", "spc-and-intervals.md", "worksheet-functions.md", "results-workbooks.md"]
DOC_BLOCKS = [(page, b) for page in DOC_PAGES for b in blocks((ROOT / "docs" / page).read_text(encoding="utf-8"))
              if b.language in ("bash", "text") and not b.skipped]


def commands(text: str) -> list[str]:
    """The commands of a bash block: comments dropped, continued lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.split(" #")[0].strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_s75xl(command: str, capsys) -> tuple[int, str]:
    words = shlex.split(command)
    assert words[0] == "s75xl", f"the README test only runs s75xl commands, not {command!r}: mark the block"
    code = main(words[1:])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    assert main(["demo-data", "--people", "1500", "--seed", "7", "--out", str(folder / "gen"), "-q"]) == 0
    for name in ("population.csv", "mha_log.csv", "cpa_extract.csv"):
        shutil.copy(folder / "gen" / name, folder / name)
    for name in ("cld_2024_q3.csv", "cld_2024_q4.csv"):
        shutil.copy(folder / "gen" / "cld.csv", folder / name)
    data = ROOT / "s75xl" / "data"
    shutil.copy(data / "norfolk_results_2016_17.csv", folder / "results.csv")
    shutil.copy(data / "norfolk_targets_2016_17.csv", folder / "targets.csv")
    return folder


def expected_lines(text: str) -> list[re.Pattern]:
    return [re.compile(".*".join(re.escape(part) for part in line.rstrip().split("...")))
            for line in text.splitlines() if line.strip()]


def check_output(output: str, shown: str, where: str) -> None:
    lines = output.splitlines()
    for pattern in expected_lines(shown):
        assert any(pattern.fullmatch(line.rstrip()) for line in lines), \
            f"README line {where}: the output shown has {pattern.pattern!r}, the command printed:\n{output}"


RUNNABLE = [b for b in README_BLOCKS if b.language in ("bash", "python", "text") and not b.skipped]


def test_the_readme_has_examples_to_run_and_marks_few():
    assert sum(b.language == "bash" for b in RUNNABLE) >= 4 and sum(b.language == "python" for b in RUNNABLE) >= 2
    assert sum(b.skipped for b in README_BLOCKS) <= 3


@pytest.mark.parametrize("block", [b for b in RUNNABLE if b.language == "bash"], ids=lambda b: f"line{b.line}")
def test_readme_commands_run(block, workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    output = ""
    for command in commands(block.text):
        code, output = run_s75xl(command, capsys)
        assert code == 0, f"README line {block.line}: {command} exited {code}:\n{output}"
    after = next((b for b in README_BLOCKS if b.follows is block and b.language == "text"), None)
    if after is not None and not after.text.lstrip().startswith(("$", "=")):
        check_output(output, after.text, str(after.line))


@pytest.mark.parametrize("block", [b for b in RUNNABLE if b.language == "text" and b.text.lstrip().startswith("$ ")],
                         ids=lambda b: f"line{b.line}")
def test_readme_terminal_sessions_print_what_they_show(block, workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    sessions = re.split(r"^\$ ", block.text, flags=re.M)[1:]
    for session in sessions:
        command, _, shown = session.partition("\n")
        _, output = run_s75xl(command, capsys)
        assert output.strip() == shown.strip(), f"README line {block.line}: $ {command}\nprinted:\n{output}"


@pytest.mark.parametrize("block", [b for b in RUNNABLE if b.language == "python"], ids=lambda b: f"line{b.line}")
def test_readme_python_runs_and_gives_what_it_promises(block, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    if ">>>" in block.text:
        test = doctest.DocTestParser().get_doctest(block.text, {}, f"README line {block.line}", "README.md", block.line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        runner.run(test, out=sys.stdout.write)
        assert runner.failures == 0, f"README line {block.line}: {runner.failures} example(s) gave other values"
    else:
        exec(compile(block.text, f"README.md line {block.line}", "exec"), {})


@pytest.mark.parametrize("page, block", DOC_BLOCKS, ids=lambda v: v if isinstance(v, str) else f"line{v.line}")
def test_docs_examples_run_and_print_what_they_show(page, block, workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    if block.language == "bash":
        for command in commands(block.text):
            code, output = run_s75xl(command, capsys)
            assert code == 0, f"docs/{page} line {block.line}: {command} exited {code}:\n{output}"
    elif block.text.lstrip().startswith("$ "):
        for session in re.split(r"^\$ ", block.text, flags=re.M)[1:]:
            command, _, shown = session.partition("\n")
            _, output = run_s75xl(command, capsys)
            assert output.strip() == shown.strip(), f"docs/{page} line {block.line}: $ {command}\nprinted:\n{output}"
