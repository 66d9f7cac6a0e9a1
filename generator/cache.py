"""The one way a cache entry is kept under ``.papers-cache/``: a named file holding a key and a
value, written atomically; read back only when its key equals the key the caller expects now.

A cache only saves work, it never decides what is right: a missing, truncated or damaged file,
one written by another version of the code (its key differs, or its objects no longer
unpickle), or a value pickle cannot keep, all read as ``None`` and the caller rebuilds. The
handbook (design.md, "Caches") lists every entry and what invalidates it.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path
from typing import Any

from .files import atomic_write


def load(path: Path | None, key: object) -> Any | None:
    """The value kept at ``path`` under ``key``; None when there is none to trust."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            stored_key, value = pickle.load(handle)
    except Exception:  # missing, damaged or foreign (any exception unpickling): rebuild
        return None
    return value if stored_key == key else None


def save(path: Path | None, key: object, value: Any) -> None:
    """Keep ``value`` under ``key``; a read-only folder or a value pickle cannot keep leaves
    nothing kept (the next run rebuilds), never an error."""
    if path is None:
        return
    with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):
            atomic_write(path, data, durable=False)
