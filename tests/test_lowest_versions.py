"""CI also runs the suite on the lowest versions pyproject.toml allows (.ci/constraints-lowest.txt).
This keeps the two in step: every dependency's floor is pinned there, exactly."""

from __future__ import annotations

import re
from pathlib import Path

from s75xl.catalogue import tomllib

ROOT = Path(__file__).parent.parent


def _floors() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    floors = {}
    for requirement in requirements:
        if ";" in requirement:  # a backport for older Pythons only (tomli)
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\[\]-]+?)(\[[^]]*\])?>=([0-9.]+)", requirement.replace(" ", ""))
        assert match, f"{requirement!r} in pyproject.toml has no lower bound"
        floors[match.group(1).lower().replace("_", "-")] = match.group(3)
    return floors


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / ".ci" / "constraints-lowest.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def _same(floor: str, pin: str) -> bool:
    as_numbers = lambda v: [int(p) for p in v.split(".")]  # noqa: E731
    a, b = as_numbers(floor), as_numbers(pin)
    width = max(len(a), len(b))
    return a + [0] * (width - len(a)) == b + [0] * (width - len(b))


def test_every_lower_bound_is_what_ci_installs_for_its_lowest_run():
    floors, pins = _floors(), _pins()
    assert set(floors) <= set(pins), f"not pinned for the lowest-versions run: {sorted(set(floors) - set(pins))}"
    wrong = {name: (floors[name], pins[name]) for name in floors if not _same(floors[name], pins[name])}
    assert not wrong, f"pyproject floor and CI pin differ (floor, pin): {wrong}"
