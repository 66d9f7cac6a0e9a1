"""The YAML store under ``data/``: the only module that knows the file layout.

Layout (documented for people in ``data/README.md``)::

    data/papers/<shard>/<id>.yaml    one record per paper
        shard = the arXiv id's YYMM prefix ("2510"), or "title" for title-only papers
    data/trending/<YYYY>/<time>.yaml    one capture of Hugging Face's trending list
        time = its UTC capture time, 2026-12-07T061502Z

Every write is atomic (temporary file + rename in the same folder), and a file is written only
when its bytes change, so re-running an import or fetch leaves git clean.
"""

from __future__ import annotations

import fcntl
import functools
import gc
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import cache as kept
from .errors import InputError, PapersError, pydantic_field
from .files import atomic_write
from .merge import merge
from .model import PAPER_ID_RE, Paper, Trending, model_dump_compact, title_key

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass
class Tally:
    """What one import or fetch did to the store."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    resolved: int = 0  # title-only papers that gained their arXiv id
    ids: set[str] = field(default_factory=set)

    def count(self, outcome: str, paper_id: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.ids.add(paper_id)


class Store:
    def __init__(self, root: Path, cache: Path | None = None):
        self.root = Path(root)
        self.papers_dir = self.root / "papers"
        self.trending_dir = self.root / "trending"
        self.cache = cache  # a folder where load_all keeps parsed records between runs
        self.hashes: dict[str, str] = {}  # paper id -> sha1 of its file, after load_all

    # -- layout -------------------------------------------------------------------------------
    def path_for(self, paper_id: str) -> Path:
        if not PAPER_ID_RE.match(paper_id):
            raise PapersError(f"not a paper id: {paper_id!r}")
        shard = "title" if paper_id.startswith("title-") else paper_id[:4]
        return self.papers_dir / shard / f"{paper_id}.yaml"

    def fingerprint(self) -> str:
        """Changes when a record is added, removed or rewritten: every write here is a rename
        into its shard folder, which moves that folder's modification time. Folder times only,
        so it costs ~100 stat calls at 50k papers instead of 50,000 (an editor that rewrites a
        file in place moves no folder time: `papers render` notices by content anyway)."""
        digest = hashlib.sha1()
        folders = [self.papers_dir, *sorted(p for p in self.papers_dir.glob("*") if p.is_dir())]
        for folder in folders if self.papers_dir.exists() else []:
            digest.update(f"{folder.name} {folder.stat().st_mtime_ns}\n".encode())
        return digest.hexdigest()

    # -- reading ------------------------------------------------------------------------------
    def load(self, path: Path, data: bytes | None = None) -> Paper:
        paper = _parse_yaml(path, data, Paper)
        if path.name != f"{paper.id}.yaml":
            raise InputError(str(path), f"holds paper {paper.id}, expected by its name", field="id")
        return paper

    def get(self, paper_id: str) -> Paper | None:
        path = self.path_for(paper_id)
        return self.load(path) if path.exists() else None

    def load_all(self) -> list[Paper]:
        """Every stored paper; all bad files are reported together, then it raises.

        With a cache folder, a file whose size and modification time are unchanged since the
        last run is not parsed again (git checkouts and our atomic writes always change the
        time). The cache has a file per shard folder, so a day's update rewrites a few.
        """
        entries: list[tuple[int, int, str, Paper]] = []
        errors: list[str] = []
        folders = sorted(p for p in self.papers_dir.glob("*") if p.is_dir())
        with _no_cycle_collection():
            for folder in folders:
                entries += self._load_folder(folder, errors)
        if errors:
            shown = errors[:20] + ([f"... and {len(errors) - 20} more"] if len(errors) > 20 else [])
            raise PapersError(f"{len(errors)} bad file(s) in {self.root}:\n  " + "\n  ".join(shown))
        self._drop_stale_caches({f.name for f in folders})
        self.hashes = {entry[3].id: entry[2] for entry in entries}
        return [entry[3] for entry in entries]

    def _load_folder(self, folder: Path, errors: list[str]) -> list[tuple[int, int, str, Paper]]:
        cache = self.cache / f"{folder.name}.pickle" if self.cache else None
        cached = _read_cache(cache)
        fresh: dict[str, tuple[int, int, str, Paper]] = {}
        for name in _record_names(folder):
            try:
                fresh[name] = self._load_cached(folder / name, cached.get(name))
            except InputError as exc:
                errors.append(str(exc))
        if fresh != cached and cache is not None and not errors:
            _write_cache(cache, fresh)
        return list(fresh.values())

    def _drop_stale_caches(self, folders: set[str]) -> None:
        if self.cache is not None and self.cache.is_dir():
            for stale in self.cache.glob("*.pickle"):
                if stale.stem not in folders:
                    stale.unlink()

    def _load_cached(self, path: Path, entry: tuple | None) -> tuple[int, int, str, Paper]:
        stat = os.stat(path)
        if entry is not None and entry[:2] == (stat.st_mtime_ns, stat.st_size):
            return entry
        data = path.read_bytes()
        paper = _share_field_set(self.load(path, data))
        digest = hashlib.sha1(data).hexdigest()
        return (stat.st_mtime_ns, stat.st_size, digest, paper)

    # -- writing ------------------------------------------------------------------------------
    def save(self, paper: Paper) -> bool:
        """Write ``paper`` if its file would change; True when it did."""
        path = self.path_for(paper.id)
        data = dump_yaml(paper.to_record())
        if path.exists() and path.read_bytes() == data:
            return False
        atomic_write(path, data)
        return True

    def remove(self, paper_id: str) -> None:
        self.path_for(paper_id).unlink(missing_ok=True)

    # -- the trending list ----------------------------------------------------------------------
    def trending_files(self) -> list[Path]:
        """The kept trending captures, oldest first (their names are their UTC times)."""
        return sorted(self.trending_dir.glob("*/*.yaml")) if self.trending_dir.exists() else []

    def latest_trending(self) -> Trending | None:
        files = self.trending_files()
        return _parse_yaml(files[-1], None, Trending) if files else None

    def add_trending(self, capture: Trending) -> bool:
        """Keep a trending capture; False, writing nothing, when the capture before it in time
        lists the same papers in the same order (an unchanged list costs no file) or one of
        the same time is kept. Old captures stay: ~1 KB each."""
        path = self.trending_dir / trending_name(capture.fetched_at)
        earlier = [f for f in self.trending_files() if f.name < path.name]
        before = _parse_yaml(earlier[-1], None, Trending) if earlier else None
        if path.exists() or (before is not None and before.papers == capture.papers):
            return False
        atomic_write(path, dump_yaml(model_dump_compact(capture)))
        return True

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock on the store, so two runs never write it at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PapersError(f"{self.root} is in use by another papers run") from None
            self._remove_temporary_files()
            yield

    def _remove_temporary_files(self) -> None:
        """Leftovers of a writer killed mid-write; safe to delete while we hold the lock."""
        for tmp in self.papers_dir.glob("*/.*.tmp"):
            tmp.unlink(missing_ok=True)

    def add(self, captures: Iterable[Paper], tally: Tally | None = None) -> Tally:
        """Merge captures into the store (see ``merge``); a title-only record joins its arXiv id."""
        tally = tally or Tally()
        titles = _TitleIndex(self)
        for capture in captures:
            self._add_one(capture, titles, tally)
        return tally

    def _add_one(self, capture: Paper, titles: _TitleIndex, tally: Tally) -> None:
        target = titles.match(capture)
        old = self.get(target or capture.id)
        if old is None:
            self.save(capture)
            titles.note(capture)
            return tally.count("new", capture.id)
        merged = merge(old, capture)
        if merged.id != old.id:  # a title-only record has met its arXiv id
            self.save(merged)
            self.remove(old.id)
            titles.forget(old)
            return tally.count("resolved", merged.id)
        tally.count("updated" if self.save(merged) else "unchanged", merged.id)


class _TitleIndex:
    """Normalised title -> id, to join title-only records with the same paper under its arXiv id.

    Built lazily: an API import only needs the (few) title-only records, a text-scrape import
    needs every title.
    """

    def __init__(self, store: Store):
        self.store = store
        self.title_only: dict[str, str] | None = None
        self.all: dict[str, str] | None = None

    def match(self, capture: Paper) -> str | None:
        key = title_key(capture.title)
        if capture.is_title_only:
            return self._all().get(key)
        return self._title_only().get(key)

    def note(self, paper: Paper) -> None:
        for index in (self.all, self.title_only if paper.is_title_only else None):
            if index is not None:
                index.setdefault(title_key(paper.title), paper.id)

    def forget(self, paper: Paper) -> None:
        for index in (self.all, self.title_only):
            if index is not None and index.get(title_key(paper.title)) == paper.id:
                del index[title_key(paper.title)]

    def _title_only(self) -> dict[str, str]:
        if self.title_only is None:
            paths = sorted((self.store.papers_dir / "title").glob("*.yaml"))
            self.title_only = _titles(self.store.load(p) for p in paths)
        return self.title_only

    def _all(self) -> dict[str, str]:
        if self.all is None:
            self.all = _titles(self.store.load_all())
        return self.all


def _titles(papers: Iterable[Paper]) -> dict[str, str]:
    index: dict[str, str] = {}
    for paper in papers:
        # Prefer the arXiv-id record when a title is known both ways.
        if paper.is_title_only:
            index.setdefault(title_key(paper.title), paper.id)
        else:
            index[title_key(paper.title)] = paper.id
    return index


# Bump when the pickled form changes; a change of the model's fields changes the key by itself
# (``_cache_key``): objects pickled before would lack the new field.
CACHE_VERSION = "5"


@functools.cache
def _cache_key() -> str:
    schema = json.dumps(Paper.model_json_schema(), sort_keys=True).encode()
    return f"{CACHE_VERSION} {hashlib.sha256(schema).hexdigest()[:16]}"


def _record_names(folder: Path) -> list[str]:
    """The record files' names in ``folder``, sorted (as ``glob("*.yaml")``: not hidden ones,
    such as a write's temporary file); names, not paths: sorting 50k paths took 0.8 s."""
    with os.scandir(folder) as scan:
        names = [e.name for e in scan if e.name.endswith(".yaml") and not e.name.startswith(".")]
    return sorted(names)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Records hold no reference cycles, and while millions of their objects pile up Python's
    cycle collector walks them again and again: 3.3 s of loading 50k cached records (5.3 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_cache(path: Path | None) -> dict[str, tuple[int, int, str, Paper]]:
    return kept.load(path, _cache_key()) or {}  # none to trust costs a full parse


def _write_cache(path: Path, entries: dict[str, tuple[int, int, str, Paper]]) -> None:
    kept.save(path, _cache_key(), entries)


_FIELD_SETS: dict[frozenset[str], set[str]] = {}


def _share_field_set(paper: Paper) -> Paper:
    """Papers that set the same fields share one record of them (pydantic keeps a set per
    model, 0.7 KB: 36 MB at 50k papers, and pickling keeps the sharing). Safe because records
    are frozen: pydantic copies the set before changing it (``model_copy``)."""
    fields = paper.__pydantic_fields_set__
    object.__setattr__(
        paper, "__pydantic_fields_set__", _FIELD_SETS.setdefault(frozenset(fields), fields)
    )
    return paper


def _read_text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (byte {exc.start})") from None


def trending_name(when: datetime) -> str:
    """Where a trending capture lives under ``trending/``: ``2026/2026-12-07T061502Z.yaml``."""
    utc = when.astimezone(UTC)
    return f"{utc:%Y}/{utc:%Y-%m-%dT%H%M%SZ}.yaml"


def _parse_yaml(path: Path, data: bytes | None, model: type) -> Any:
    """A record file read and checked as ``model``; errors name the file, the line and field."""
    text = _read_text(path, path.read_bytes() if data is None else data)
    try:
        value = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        problem = f"invalid YAML: {getattr(exc, 'problem', exc)}"
        raise InputError(str(path), problem, line=line) from None
    return _validate(value, path, text, model)


def _validate(data: Any, path: Path, text: str, model: type = Paper) -> Any:
    if not isinstance(data, dict):
        raise InputError(str(path), f"expected a mapping of fields, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        line = _line_of(text, err["loc"])
        raise InputError(
            str(path), err["msg"], field=pydantic_field(err["loc"]), line=line
        ) from None


def _line_of(text: str, loc: tuple) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or its nearest parent), for error messages."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if k.value == part]
            node = found[0] if found else None
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def dump_yaml(data: Any) -> bytes:
    """Stable, human-readable YAML: declared key order, block style, UTF-8, wrapped at 100."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")
