"""Plain memory pages while s75xl works through an extract (Linux).

On Linux numpy advises the kernel to back every large array with 2 MiB "transparent huge
pages". Where the kernel then compacts memory synchronously to find them (the setting
/sys/kernel/mm/transparent_hugepage/defrag = madvise, usual on virtual machines), each new array
stalls while it is first written. The CLD engine makes hundreds of short-lived million-row arrays,
and on a million-row extract this stalling took 0.3 s of 1.7 s (bench/bench_cld.py; the pandas
read it is compared with is not affected). `plain_pages` turns the advice off for the duration
and puts back whatever was set before, so nothing outside s75xl's own work changes.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import numpy as np


def _advice_switch():
    """numpy's switch for the huge-page advice (numpy._core in 2.x, numpy.core in 1.x), or None."""
    for module in ("_core", "core"):
        switch = getattr(getattr(getattr(np, module, None), "multiarray", None), "_set_madvise_hugepage", None)
        if switch is not None:
            return switch
    return None


@contextlib.contextmanager
def plain_pages() -> Iterator[None]:
    switch = _advice_switch()
    if switch is None:
        yield
        return
    before = switch(False)
    try:
        yield
    finally:
        switch(before)


def with_plain_pages(function):
    """Run `function` under `plain_pages`."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with plain_pages():
            return function(*args, **kwargs)
    return wrapper
