"""Spreading a build's reading and rendering over the machine's cores.

A job is split into chunks run in forked worker processes: a child starts with the parent's
memory (records, templates, the page plan) as it was at the fork, so only chunk numbers go to
the workers and only results come back. Results come back in chunk order, so the output is
byte for byte that of one process (tests/sitebuild/test_parallel.py compares them).

One process is used when the job is small, on one core, where fork is not the safe default
(anything but Linux), and when other threads run (the preview server's): forking a process
that has threads can copy a lock another thread holds. `MICROBLOG_JOBS` sets the number of
processes (1: one process), whatever the job's size.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Final, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS: Final = 2000  # below, starting the workers costs more than they save
CHUNKS_PER_WORKER: Final = 4  # small enough to even out, large enough to batch results
JOBS_VARIABLE: Final = "MICROBLOG_JOBS"

_JOB: list[Callable[[int], object]] = []  # what the forked workers run, set before the fork


def workers_for(items: int) -> int:
    """How many processes a job of `items` items is worth."""
    wanted = os.environ.get(JOBS_VARIABLE, "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        count = int(wanted)
    elif items < MIN_ITEMS:
        return 1
    else:
        count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    return max(1, min(count, items))


def map_chunks(
    work: Callable[[Sequence[T]], R],
    items: Sequence[T],
    workers: int,
    done: Callable[[int], None] | None = None,
) -> list[R]:
    """`work` of consecutive chunks of `items`, in order: in `workers` forked processes, or in
    this one when `workers` is 1. `work` and its results must be safe to run in a child (no
    open handle shared) and its results picklable. `done` is told how many items each chunk
    a worker finished had (not called with one process: `work` is in this one)."""
    if workers <= 1 or len(items) < 2:
        return [work(items)] if items else []
    count = min(len(items), workers * CHUNKS_PER_WORKER)
    bounds = [len(items) * number // count for number in range(count + 1)]

    def chunk(number: int) -> R:
        return work(items[bounds[number] : bounds[number + 1]])

    _JOB.append(chunk)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = []
            for number, result in enumerate(pool.map(_run, range(count))):
                results.append(cast(R, result))
                if done is not None:
                    done(bounds[number + 1] - bounds[number])
            return results
    finally:
        _JOB.clear()


def _run(number: int) -> object:
    return _JOB[-1](number)
