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


# Worksheet functions are tested the way xlwings Server and Lite call them (xlwings.md section 3):
# the Office.js decorators need XLWINGS_ON_SERVER before xlwings is imported, and the PRO licence
# check accepts the noncommercial key offline (government and public health use is permitted).
import os  # noqa: E402
import sys  # noqa: E402

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
UDFS = Path(__file__).parent.parent / "udfs"
if str(UDFS) not in sys.path:
    sys.path.insert(0, str(UDFS))

# Hypothesis' per-example deadline is a timing assertion, and timings belong in bench/: on a shared
# 2-core machine one slow example made a correct test "flaky". Examples are still bounded in number.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("s75xl", deadline=None)
_hypothesis_settings.load_profile("s75xl")
