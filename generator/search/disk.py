"""The search index on disk: the bytes of its files and the versions they carry.

``FORMAT`` is the layout search-core.js reads; ``Encoded`` and ``_json`` are how every file's
value becomes JSON bytes (``Binary`` files, the semantic side's, stay as they are);
``index_files`` encodes a built index (``build.build_files``) and stamps meta.json with the
digest of the rest; ``code_version`` changes with any module of this
package, for what is kept on disk on the strength of this code (the term counts of
``analysis``, `papers search`'s stamp, the related papers' cache). Imports no other module of
the package: every other one imports it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

FORMAT = 4  # 3: display chunks count from the oldest paper; 4: author files, names listed


class Encoded(bytes):
    """A file's value already encoded as JSON: at 50k papers the postings' 7.5M numbers and
    the dictionary's 2 x 0.5M entries are encoded a file at a time, not held as Python objects
    (~0.5 GB). ``Index.from_files`` decodes them on demand."""


class Binary(bytes):
    """A file that is not JSON (the ``semantic/`` vectors and model): written as it is."""


def _json(value) -> bytes:
    if isinstance(value, (Encoded, Binary)):
        return bytes(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def index_files(files: dict[str, Any]) -> dict[str, bytes]:
    """The encoded files; meta.json carries a version the browser asks every other file
    with (?v=), so no cached shard of a previous index is mixed with a new dictionary."""
    encoded = {rel: _json(value) for rel, value in files.items() if rel != "meta.json"}
    digest = hashlib.sha1()
    for rel in sorted(encoded):
        digest.update(rel.encode() + b"\0" + encoded[rel])
    encoded["meta.json"] = _json(files["meta.json"] | {"version": digest.hexdigest()[:12]})
    return encoded


def code_version() -> str:
    """Changes whenever the index's code does (a new index format, new rules): a digest of
    every module of this package, by name, in order of name."""
    digest = hashlib.sha1()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()[:12]
