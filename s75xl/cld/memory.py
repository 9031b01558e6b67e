"""How memory is handed out while s75xl works through an extract (Linux; elsewhere nothing changes).

The CLD engine makes hundreds of short-lived million-row arrays, and on a virtual machine the
first write to each new page of memory is slow. Two defaults make that worse:

- numpy advises the kernel to back every large array with 2 MiB "transparent huge pages". Where
  the kernel then compacts memory synchronously to find them (the setting
  /sys/kernel/mm/transparent_hugepage/defrag = madvise, usual on virtual machines), each new
  array stalls. On a million-row extract this took 0.3 s of 1.7 s.
- glibc gives a freed multi-megabyte array straight back to the system, and each thread has its
  own pool, so the next array of that size is new memory again, page by page: about 88,000 page
  faults on a million-row extract, taking from 0.2 s to over a second of system time here.

`tuned_memory` turns numpy's advice off and has glibc keep freed memory for reuse while s75xl
computes. Afterwards it gives the memory back to the system and restores numpy's advice and
glibc's thresholds, so nothing outlasts it: a notebook or an Excel session that computes with
s75xl and then reads files with pandas reads them as fast as before.

glibc's number of memory pools (M_ARENA_MAX) is left alone. Setting it to one, so that every
thread reused what another freed, cut page faults by a fifth but gained no time measurably (eight
fresh processes each way, fastest 2.37 against 2.36 s), and it cannot be undone: glibc fixes the
number the first time a thread needs a pool, and with one pool pandas' own CSV reader, in the
same process afterwards, was about a tenth slower.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
from collections.abc import Iterator

import numpy as np

# glibc's mallopt parameters (malloc.h), what s75xl sets, and the defaults put back afterwards
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
DEFAULT_THRESHOLD = 128 * 1024
KEEP = {M_MMAP_THRESHOLD: 32 << 20,  # glibc's largest: arrays up to 32 MiB come from the pool
        M_TRIM_THRESHOLD: 1 << 30}  # and freed memory stays there, up to 1 GiB
RESTORE = {M_MMAP_THRESHOLD: DEFAULT_THRESHOLD, M_TRIM_THRESHOLD: DEFAULT_THRESHOLD}


def _advice_switch():
    """numpy's switch for the huge-page advice (numpy._core in 2.x, numpy.core in 1.x), or None."""
    for module in ("_core", "core"):
        switch = getattr(getattr(getattr(np, module, None), "multiarray", None), "_set_madvise_hugepage", None)
        if switch is not None:
            return switch
    return None


@functools.cache
def _glibc():
    """The C library if it is glibc (it has mallopt and malloc_trim), else None."""
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name) if name else None
        return library if library is not None and library.mallopt and library.malloc_trim else None
    except (OSError, AttributeError):
        return None


_depth = 0  # compute calls read_cld: the settings are made and undone by the outermost only


@contextlib.contextmanager
def tuned_memory() -> Iterator[None]:
    global _depth
    switch, libc = _advice_switch(), _glibc()
    before = switch(False) if switch is not None else None
    if libc is not None and _depth == 0:
        for parameter, value in KEEP.items():
            libc.mallopt(parameter, value)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if libc is not None and _depth == 0:
            for parameter, value in RESTORE.items():
                libc.mallopt(parameter, value)
            libc.malloc_trim(0)
        if switch is not None:
            switch(before)


def with_tuned_memory(function):
    """Run `function` under `tuned_memory`."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with tuned_memory():
            return function(*args, **kwargs)
    return wrapper
