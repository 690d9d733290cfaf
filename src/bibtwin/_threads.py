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


def largest_first(tasks: dict[str, Callable[[], T]]) -> dict[str, Callable[[], T]]:
    """``tasks`` ordered by the size of the columns they read, largest first (:func:`run_all` starts them
    in order, so the small ones fill the gaps at the end instead of a large one running alone).

    A task's size is that of the Arrow arrays and pandas Series among its arguments (``functools.partial``),
    in lists, tuples and dicts too; other tasks count as empty and keep their order at the end.
    """
    return dict(sorted(tasks.items(), key=lambda item: -_input_bytes(item[1])))


def _input_bytes(task) -> int:
    def size(value) -> int:
        if hasattr(value, "nbytes") and hasattr(value, "type"):  # Arrow array or chunked array
            return int(value.nbytes)
        array = getattr(getattr(value, "array", None), "_pa_array", None)  # Arrow-backed Series
        if array is not None:
            return int(array.nbytes)
        if isinstance(value, (list, tuple)):
            return sum(size(v) for v in value)
        if isinstance(value, dict):
            return sum(size(v) for v in value.values())
        return 0

    return size(list(getattr(task, "args", ()))) + size(getattr(task, "keywords", {}))

