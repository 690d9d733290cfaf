"""Run independent column computations side by side.

Normalizing a table is many independent passes over its columns (split the authors, clean the abstracts,
build the ``extra`` JSON ...), and Arrow's compute kernels release the GIL while they run, so a thread
pool spreads them over the machine's cores with no copying between processes. Results do not depend on
the number of threads: each task is a pure function of its inputs, and results are collected by name.

``BIBTWIN_THREADS`` sets the pool size (default: the number of CPUs Arrow sees; ``1`` runs every task in
the calling thread, in order).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


def n_threads() -> int:
    value = os.environ.get("BIBTWIN_THREADS", "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            raise ValueError(f"BIBTWIN_THREADS must be a whole number, not {value!r}") from None
    import pyarrow as pa
    return max(1, pa.cpu_count())


@lru_cache(maxsize=4)
def _pool(size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="bibtwin")


def run_all(tasks: dict[str, Callable[[], T]]) -> dict[str, T]:
    """``{name: task()}`` for every task, computed on the thread pool; the first failure is raised.

    Tasks must not depend on each other. The largest tasks should come first (they are started in the
    order given), so that the small ones fill the gaps.
    """
    size = n_threads()
    if size == 1 or len(tasks) < 2:
        return {name: task() for name, task in tasks.items()}
    futures = {name: _pool(size).submit(task) for name, task in tasks.items()}
    try:
        return {name: future.result() for name, future in futures.items()}
    finally:
        for future in futures.values():  # after a failure or an interrupt: start nothing more
            future.cancel()
