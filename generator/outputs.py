"""The one incremental writer: every file ``papers render`` makes goes through ``Writer``.

What to make is described elsewhere, purely (``render.Pages`` describes the pages and feeds,
``search.index_output`` the search index): an ``Output`` is a path, a key (everything its bytes
depend on) and a way to make it. The writer decides from the keys what to make, makes it (on
every core when there is a lot), writes only bytes that changed, removes what no output claims,
and keeps the keys of the last write in one manifest, ``<cache>/outputs.json``. One rule
invalidates every output: its own key, salted with the generator's code, its templates and the
settings. The built HTML follows in ``site.py``, keyed by the bytes this writer leaves.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import workers
from .files import atomic_write, write_if_changed


@dataclass(slots=True)
class Output:
    """One generated file, or a folder of files made together (``group``: the search index,
    whose files are only known once it is built)."""

    rel: str  # a path under the generated folder; a group's top-level folder
    key: object  # everything its bytes depend on (hashed with the salt); None: always make it
    make: Callable[[], bytes] | Callable[[], dict[str, bytes]]
    group: bool = False


@dataclass
class Written:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    files: set[str] = field(default_factory=set)  # every single-file output, as a path string


@dataclass
class Plan:
    """What a write will do: the keys it records, and the outputs it must make."""

    keys: dict[str, str]
    todo: list[Output] = field(default_factory=list)  # single files
    groups: list[Output] = field(default_factory=list)
    owned: set[str] = field(default_factory=set)  # every group's folder, made or kept
    result: Written = field(default_factory=lambda: Written())


class Manifest:
    """The keys of the last write, as one JSON object in the cache folder (a missing or damaged
    manifest only costs a full write)."""

    def __init__(self, path: Path | None):
        self.path = path

    def load(self) -> dict[str, str]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            return json.loads(self.path.read_text())
        except ValueError:
            return {}

    def save(self, keys: dict[str, str]) -> None:
        if self.path is not None:
            atomic_write(self.path, json.dumps(keys, sort_keys=True).encode(), durable=False)


class Writer:
    def __init__(self, out: Path, cache: Path | None, salt: str, jobs: int = 0):
        self.out = out
        self.manifest = Manifest(cache / "outputs.json" if cache else None)
        self.salt = salt
        self.jobs = jobs  # processes for large batches; 0: one per core, at most 4

    def write(self, outputs: Iterable[Output], sweep: bool = True) -> Written:
        """Make the outputs whose key changed or whose file is missing. ``sweep``: the outputs
        are all there are, so every other file in the folder is stale and removed."""
        old = self.manifest.load()
        plan = self._plan(outputs, old, {} if sweep else dict(old))
        if len(plan.todo) >= PARALLEL_MIN:
            release_memory()  # before workers fork with a copy of this process
        result = plan.result
        written = _make_all(plan.todo, self.out, self.jobs)
        result.written += written
        result.unchanged += len(plan.todo) - written
        for group in plan.groups:
            written, files = self._write_group(group, old)
            result.written += written
            result.unchanged += files - written
        if sweep:
            self._remove_stale(result, plan.owned)
        if plan.keys != old or plan.groups:  # a written group's key left the manifest
            self.manifest.save(plan.keys)
        return result

    def _plan(self, outputs: Iterable[Output], old: dict[str, str], keys: dict[str, str]) -> Plan:
        plan = Plan(keys)
        for output in outputs:
            key = self._key(output)
            if key is not None:
                keys[output.rel] = key
            if output.group:
                plan.owned.add(output.rel)
            else:
                plan.result.files.add(f"{self.out}/{output.rel}")
            if key is not None and old.get(output.rel) == key and self._exists(output):
                plan.result.unchanged += _count(self.out / output.rel) if output.group else 1
            else:
                (plan.groups if output.group else plan.todo).append(output)
        return plan

    def _key(self, output: Output) -> str | None:
        if output.key is None:
            return None
        return hashlib.sha1(repr((self.salt, output.key)).encode()).hexdigest()

    def _exists(self, output: Output) -> bool:
        if output.group:
            path = self.out / output.rel
            return path.is_dir() and any(path.iterdir())
        # A string, not a Path: 80k of them were 1.6 s of a day's update at 50k papers.
        return os.path.exists(f"{self.out}/{output.rel}")

    def _write_group(self, group: Output, old: dict[str, str]) -> tuple[int, int]:
        """A group is written in place (a rename per file costs seconds over the search index's
        14k files); its key leaves the manifest first, so a write a crash cut short is redone."""
        if group.rel in old:
            self.manifest.save({k: v for k, v in old.items() if k != group.rel})
        folder = self.out / group.rel
        files = group.make()
        written = sum(
            write_if_changed(folder / rel, data, atomic=False) for rel, data in files.items()
        )
        for path in list(folder.rglob("*")):
            if path.is_file() and path.relative_to(folder).as_posix() not in files:
                path.unlink()
        for path in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()  # a part of the group that is gone (semantic/ when switched off)
        return written, len(files)

    def _remove_stale(self, result: Written, owned: set[str]) -> None:
        """Every file that no output made is stale (a group's folder is the group's own)."""
        # Bottom-up, so that folders emptied of stale files can go too.
        owned_tops = {(rel,) for rel in owned}
        for top, _dirs, files in os.walk(self.out, topdown=False):
            if Path(top).relative_to(self.out).parts[:1] in owned_tops:
                continue
            for name in files:
                if f"{top}/{name}" not in result.files:
                    os.unlink(f"{top}/{name}")
                    result.removed += 1
            if top != str(self.out) and not os.listdir(top):
                os.rmdir(top)


def release_memory() -> None:
    """Give what Python freed back to the system (glibc keeps it otherwise): at 50k papers
    this process holds 330 MB after rendering, 170 MB after this."""
    import ctypes
    import ctypes.util

    gc.collect()
    libc = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
    if trim is not None:  # glibc only
        trim(0)


def _count(folder: Path) -> int:
    return sum(len(files) for _top, _dirs, files in os.walk(folder))


PARALLEL_MIN = 2000  # below this, starting workers costs more than it saves
_FORKED: tuple[list[Output], Path] | None = None


def _make_all(outputs: list[Output], out: Path, jobs: int) -> int:
    """Make and write single-file outputs; returns how many files changed. Large batches run
    on every core: forked workers inherit the outputs and write their own share of the files,
    and this process writes the first share itself (one process fewer holding the archive)."""
    processes = workers.count(jobs)
    if processes < 2 or len(outputs) < PARALLEL_MIN:
        return _make_slice(outputs, out)
    global _FORKED
    _FORKED = (outputs, out)
    step = -(-len(outputs) // processes)
    slices = [(i, min(i + step, len(outputs))) for i in range(0, len(outputs), step)]
    # Frozen, the collector leaves the archive's objects alone in the workers, so their pages
    # stay shared with this process instead of each being copied on the first collection.
    gc.freeze()
    try:
        with workers.fork().Pool(len(slices) - 1) as pool:  # why fork: workers.py
            others = pool.map_async(_make_forked_slice, slices[1:])
            mine = _make_forked_slice(slices[0])
            return mine + sum(others.get())
    finally:
        _FORKED = None
        gc.unfreeze()


def _make_forked_slice(bounds: tuple[int, int]) -> int:
    outputs, out = _FORKED
    return _make_slice(outputs[bounds[0] : bounds[1]], out)


def _make_slice(outputs: list[Output], out: Path) -> int:
    return sum(write_if_changed(out / o.rel, o.make()) for o in outputs)
