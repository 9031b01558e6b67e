"""Independent pieces of work run side by side on the machine's cores.

numpy and Arrow release Python's global lock inside their loops over arrays, so plain threads
run the CLD engine's array work in parallel: decoding columns, the period-independent facts,
and the periods themselves. Results come back in the order the work was given, and the first
error raised by any piece is raised here.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# Beyond 4, memory bandwidth rather than cores limits this work; in the browser (xlwings Lite's
# Pyodide) there are no threads at all.
WORKERS = 1 if sys.platform == "emscripten" else max(1, min(4, os.cpu_count() or 1))


def run_all(work: Sequence[Callable[[], T]], workers: int | None = None) -> list[T]:
    """Each piece's result, in order; with one worker (or one piece) simply one after another."""
    workers = WORKERS if workers is None else workers
    if workers <= 1 or len(work) <= 1:
        return [piece() for piece in work]
    with ThreadPoolExecutor(min(workers, len(work))) as pool:
        return list(pool.map(lambda piece: piece(), work))


@contextlib.contextmanager
def started(work: Sequence[Callable[[], T]], workers: int | None = None) -> Iterator[list[Callable[[], T]]]:
    """Start every piece (in the order given) and hand back, for each, a call that waits for its
    result, so the caller can go on with what needs only the first results while the rest run.
    With one worker each piece runs when its result is first asked for."""
    workers = WORKERS if workers is None else workers
    if workers <= 1:
        yield [functools.cache(piece) for piece in work]
        return
    with ThreadPoolExecutor(min(workers, max(len(work), 1))) as pool:
        yield [future.result for future in [pool.submit(piece) for piece in work]]
