"""How many worker processes a parallel step uses, and how they start: one policy for the
render's writer (outputs), the search analysis, related papers and the sharded site build.

- **How many**: ``extra.papers.build_jobs``, or with 0 one per usable core (the CPU affinity a
  container or CI runner grants, not the host's count), at most 4: past 4 the steps are bound
  by memory and disk, and each worker holds its own share of a 50k-paper build.
- **How they start**: ``spawn``, a fresh interpreter, so a worker holds only what it is given,
  not a copy of the build's memory (the site build's shards, the search analysis). One
  exception, in ``outputs``: its workers are forked, because what they write is closures over
  the archive that cannot be pickled, and forked after ``gc.freeze()`` they share the
  archive's pages with the parent instead of copying them.
"""

from __future__ import annotations

import os

MAX_WORKERS = 4


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def count(setting: int = 0) -> int:
    """Worker processes for a parallel step: ``setting`` (``build_jobs``) when set, else one
    per usable core, at most ``MAX_WORKERS``."""
    return setting or min(usable_cores(), MAX_WORKERS)


def spawn():
    """The start method of every worker pool but the writer's (module docstring)."""
    import multiprocessing  # here: `papers search` never starts a worker

    return multiprocessing.get_context("spawn")


def fork():
    """The writer's start method (module docstring: why it is the one exception)."""
    import multiprocessing

    return multiprocessing.get_context("fork")
