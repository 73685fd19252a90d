"""One way to run work in parallel, for every stage that does (parsing, pages, outputs, the preview's background
regeneration): a pool of worker processes that share one read-only state, or, with no workers, the same tasks run
in this process in the order given (the serial fallback, like Sphinx's `-j 1`).

The state is handed to each worker once, when it starts (the pool's initializer): inherited without a copy where
the worker is forked, pickled once per worker otherwise. Forking is used only while this process runs a single
thread (a build); a process with other threads (`mkdocs serve`) starts its workers from a fork server, since
forking a multi-threaded process can copy a lock some other thread holds. Workers die with the process that
started them (`die_with`), so a killed build or server leaves none behind.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

#: The state of this process's pool: set in a worker when it starts, or here for the serial fallback.
_state: Any = None


def state() -> Any:
    """The state the pool running this task was given (tasks are module-level functions that call this)."""
    return _state


def available_cpus() -> int:
    """CPUs this process may run on: `taskset` or a container may allow fewer than the machine has."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Pool:
    """`workers` processes sharing `shared` (0: every task runs here, at once, in the order submitted).

    Use it as a context manager: leaving the block waits for the tasks still running and stops the workers; an
    exception leaving the block cancels the tasks not yet started."""

    def __init__(self, workers: int, shared: Any = None, start_method: str | None = None):
        self.workers = max(0, workers)
        self._executor: ProcessPoolExecutor | None = None
        if self.workers == 0:
            global _state
            self._previous, _state = _state, shared
            return
        context = multiprocessing.get_context(start_method or _start_method())
        self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker,
                                             initargs=(shared, os.getpid()))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        if self._executor is not None:
            return self._executor.submit(fn, *args)
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as err:  # noqa: BLE001 — handed to whoever asks for the result, as a worker's would be
            future.set_exception(err)
        return future

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any], chunksize: int = 1) -> Iterator[Any]:
        """Results in the order of `items`, each as soon as it and those before it are done."""
        if self._executor is not None:
            return self._executor.map(fn, items, chunksize=chunksize)
        return map(fn, items)

    def close(self, cancel: bool = False) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=cancel)
            self._executor = None
        elif self.workers == 0:
            global _state
            _state = self._previous

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close(cancel=kind is not None)


def _start_method() -> str:
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _start_worker(shared: Any, parent: int) -> None:
    global _state
    _state = shared
    die_with(parent)


def die_with(pid: int) -> None:
    """End this process as soon as process `pid` (the one that started the work) has ended. A thread waits on the
    process (a pidfd on Linux; elsewhere it looks every second): a fork server's workers are the fork server's
    children, and the fork server lives as long as any of them, so the parent's death alone would stop neither."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        handle = None
    if handle is None and not alive(pid):
        os._exit(1)

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while alive(pid):
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name=f"die-with-{pid}", daemon=True).start()


def alive(pid: int) -> bool:
    """Whether process `pid` exists (one of another user counts: it cannot be signalled, but it is there)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
