"""``papers import``: read saved captures (files or folders) into the store, offline.

Each file is parsed completely before anything is stored, so a bad file changes nothing; the
good files of the same run are still imported, and the run exits non-zero naming the bad ones.

Every capture needs a capture time (``Source.fetched_at``), which decides whose text fields win
when captures disagree. A saved file's is, in order: ``--captured-at``; a UTC time in its name
(``2025-10-15T14-03-00Z.json``); the latest time in its content (it was captured after every
time it holds); the day it is dated (``--date``, its name, a scrape's page date) at 00:00 UTC.
Never the clock or the file's mtime: importing the same files anywhere gives the same records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..errors import InputError, PapersError
from ..model import EPOCH, Paper, Trending
from ..store import Store, Tally
from .sources.hf_api import latest_time, load_json, parse_daily_papers, parse_trending
from .sources.hf_html import parse_daily_papers_html
from .sources.text_page import parse_text_page, resolve_page_date

# A day of Daily Papers is well under 1 MB; anything near this is not a capture.
MAX_CAPTURE_BYTES = 32 * 2**20
SUFFIXES = {".json": "hf-api", ".html": "hf-html", ".htm": "hf-html", ".txt": "text-scrape"}
# Folders of captures often carry these beside the data (the corpus does); named explicitly,
# they are still read (and rejected if they are not captures).
_NOT_CAPTURES = re.compile(r"^(readme|license|licence|manifest|notice|copying|changelog)", re.I)
_DATED_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_STAMPED_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2})[-:]?(\d{2})(?:[-:]?(\d{2}))?Z")


@dataclass
class ImportOptions:
    day: date | None = None  # --date: the daily date of every file in this run
    year: int | None = None  # --year: completes a text scrape's "Sep 10"
    captured_at: datetime | None = None  # --captured-at: the capture time of every file
    trending: bool = False  # --trending: the files are answers of the trending list
    today: date = field(default_factory=lambda: datetime.now(UTC).date())


@dataclass
class ImportResult:
    tally: Tally = field(default_factory=Tally)
    files: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth saying, not failures
    trending: int = 0  # trending lists kept


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The importable files named by ``paths``; folders are searched recursively, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if _is_capture(p))
        elif path.is_file():
            files.append(path)
        else:
            raise PapersError(f"{path}: no such file or folder")
    return files


def _is_capture(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not _NOT_CAPTURES.match(path.name) and path.is_file()


def import_paths(store: Store, paths: Iterable[Path], options: ImportOptions) -> ImportResult:
    result = ImportResult()
    for path in collect_files(paths):
        try:
            listed, papers = _read(path, options, result.notes)
        except InputError as exc:
            result.failures.append(str(exc))
            continue
        store.add(papers, result.tally)
        if listed is not None:
            result.trending += store.add_trending(listed)
        result.files += 1
    return result


def _read(path: Path, options: ImportOptions, notes: list[str]) -> tuple[Trending | None, list]:
    if not options.trending:
        return None, read_capture(path, options, notes)
    return read_trending(path, options, notes)


def read_trending(path: Path, options: ImportOptions, notes: list[str] | None = None):
    """A saved answer of the trending list (``?sort=trending``): the list and its papers."""
    if path.suffix.lower() != ".json":
        raise InputError(str(path), "a trending list is a saved API answer (.json)")
    raw = load_json(_read_bytes(path), str(path))
    captured = capture_time(path, options, latest_time(raw), None)
    ref = f"file:{path.name}"
    return parse_trending(raw, where=str(path), ref=ref, fetched_at=captured, notes=notes)


def read_capture(path: Path, options: ImportOptions, notes: list[str] | None = None) -> list[Paper]:
    """Parse one saved capture, choosing the parser by its suffix; ``notes`` gets what is
    worth saying about it (a paper listed twice with different details)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(str(path), f"unknown kind of file (expected {', '.join(SUFFIXES)})")
    data = _read_bytes(path)
    ref = f"file:{path.name}"
    if kind == "hf-api":
        raw = load_json(data, str(path))
    if kind == "hf-html":
        raw = parse_daily_papers_html(_decode(data, path), str(path))
    if kind != "text-scrape":
        day = options.day or _date_in_name(path)
        captured = capture_time(path, options, latest_time(raw), day)
        return parse_daily_papers(
            raw, where=str(path), ref=ref, fetched_at=captured, day=day, kind=kind, notes=notes
        )
    text = _decode(data, path)
    day = resolve_page_date(
        text, str(path), day=options.day, year=options.year, today=options.today
    )
    captured = capture_time(path, options, None, options.day or _date_in_name(path) or day)
    return parse_text_page(text, where=str(path), ref=ref, day=day, fetched_at=captured)


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size == 0:
        raise InputError(str(path), "empty file")
    if size > MAX_CAPTURE_BYTES:
        raise InputError(
            str(path),
            f"{size / 2**20:.0f} MB: larger than any capture can be "
            f"(limit {MAX_CAPTURE_BYTES // 2**20} MB; the largest corpus day is 0.4 MB)",
        )
    return path.read_bytes()


def capture_time(
    path: Path, options: ImportOptions, latest: datetime | None, day: date | None
) -> datetime:
    """A saved file's capture time, by the rule in this module's docstring (``latest``: the
    latest time in its content; ``day``: the day it is dated)."""
    found = options.captured_at or _time_in_name(path) or latest
    if found is None and day is not None:
        found = datetime(day.year, day.month, day.day, tzinfo=UTC)
    # Nothing to go by only when no entry is dated either: parsing then fails on the first
    # entry, or stores nothing from an empty list, so this stand-in is never stored.
    return found or EPOCH


def _time_in_name(path: Path) -> datetime | None:
    match = _STAMPED_NAME.search(path.name)
    if not match:
        return None
    day, hour, minute, second = match.groups()
    try:
        return datetime.fromisoformat(f"{day}T{hour}:{minute}:{second or '00'}+00:00")
    except ValueError:
        return None


def parse_iso_time(text: str) -> datetime:
    """``--captured-at``: an ISO 8601 date or time, UTC unless it names a zone."""
    when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.replace(microsecond=0)


def _date_in_name(path: Path) -> date | None:
    match = _DATED_NAME.search(path.name)
    try:
        return date.fromisoformat(match[1]) if match else None
    except ValueError:
        return None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (byte {exc.start})") from None
