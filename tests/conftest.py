"""Shared fixtures: where the test data lives, and the shipped catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
PEER_CASES = DATA / "peer_cases"  # numbers from the peers' own tests (shared/reference/spc_ci.md section 3)


@pytest.fixture(scope="session")
def catalogue():
    from s75xl.catalogue import load_catalogue

    return load_catalogue()
