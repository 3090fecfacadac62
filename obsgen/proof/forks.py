"""Work spread over forked processes: the simulation of proof shapes (`suites.prebuild`) and
the rendering of targets (`targets.render_all`).

The workers are forked after the caller has built its inputs, so they inherit them and read
them by index: nothing is pickled on the way in, only the results on the way back. Forking
is used on Linux only: macOS lists fork, but its system libraries are not safe in a forked
child, and Windows has none; there the callers do the work in their own process.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_WORK: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []
"""The function and items of the `forked_map` running, as its workers inherit them."""


def can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def forked_map(work: Callable[[T], R], items: Sequence[T], jobs: int,
               chunksize: int = 1) -> list[R]:
    """`[work(item) for item in items]`, in order, on at most `jobs` forked processes (the
    caller checks `can_fork`)."""
    _WORK[:] = [(work, items)]
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(items))) as pool:
            return pool.map(_run, range(len(items)), chunksize=chunksize)
    finally:
        _WORK.clear()


def _run(i: int) -> Any:
    work, items = _WORK[0]
    return work(items[i])
