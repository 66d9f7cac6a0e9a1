"""A render with nothing to do, known without reading a record.

A render is a function of the records, the settings, the code and templates (``pages.salt``)
and the sentence model, and it leaves generated/ in one state. Kept after each render: the
state of its inputs, taken before it read them (every record file's path, size, times and
inode), and the state of generated/ it left. When both are found again, the render would
write nothing, and it is skipped. At 50k papers, loading the records alone was 4-5 s of a
rebuild with nothing changed; the two folder walks take under 1 s. Anything else (a record
touched, edited or added, a page deleted or hand-edited in generated/, a code, template or
settings change) renders as before, and the writer decides what changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import cache as kept

if TYPE_CHECKING:
    from ..settings import Settings

FILE = "render.pickle"
VERSION = "1"


def folder_state(root: Path) -> str:
    """A digest of every file under ``root`` (hidden ones too): path, size, modification and
    change times, inode. Any write, rename or deletion moves it; reading does not."""
    digest = hashlib.sha1()
    folders = [root] if root.is_dir() else []
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
                continue
            s = entry.stat(follow_symlinks=False)
            line = f"{entry.path}\0{s.st_size} {s.st_mtime_ns} {s.st_ctime_ns} {s.st_ino}\n"
            digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def inputs(settings: Settings, records: list[Path], salt: str) -> str:
    """The state of what a render reads: the files under each of ``records`` (the papers, the
    trending captures), ``salt`` (settings, code, templates) and the sentence model's files."""
    from ..search import semantic

    part = semantic.index_part(settings)
    model = part[1] if part else ""
    folders = "\0".join(folder_state(folder) for folder in records)
    return hashlib.sha1(f"{salt}\0{model}\0{folders}".encode()).hexdigest()


def unchanged(settings: Settings, state: str) -> tuple | None:
    """What the last render reported (papers, stored, days, outputs) when its inputs were in
    ``state`` and generated/ is as it left it; else None."""
    kept_value = kept.load(settings.cache_dir / FILE, (VERSION, state))
    if not isinstance(kept_value, tuple) or len(kept_value) != 2:
        return None
    generated, report = kept_value
    return report if generated == folder_state(settings.generated_dir) else None


def keep(settings: Settings, state: str, report: tuple) -> None:
    """After a render whose inputs were in ``state`` (taken before it read them, so a record
    written meanwhile shows as a change next time)."""
    value = (folder_state(settings.generated_dir), report)
    kept.save(settings.cache_dir / FILE, (VERSION, state), value)
