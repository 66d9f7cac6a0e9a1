"""Paper vectors: each paper's text embedded once by the sentence model, kept between builds, and
written into the search index as the files the browser and ``papers search`` rank by meaning.

A paper's text is its title and abstract; its vector is the model's unit vector in integer
steps of ``DOC_STEP`` (4 bits a component: 192 bytes a paper at 384 dimensions). Vectors are
kept in ``.papers-cache/semantic-vectors.npz`` by a digest of the text and the model, so a
day embeds only its new and edited papers, and a new model embeds everything again.

The index's ``semantic/`` files: the query encoder (``model.py``), the vectors in chunks of
``CHUNK`` papers in the order papers arrive (day, then id: a new day changes the last chunk
only, and the others stay in the browser's cache), and ``rows``, each row's document number in
this index (int32). Every name carries a digest of its bytes, so a browser never mixes files
of two builds and keeps what did not change.
"""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...files import atomic_write
from . import model as query_model
from .encoder import Encoder
from .rank import FUSION

if TYPE_CHECKING:
    from ...model import Paper

DOC_STEP = 0.02  # a component's step: +-0.16 covers a unit vector's 384 components (sd 0.05)
CHUNK = 4096
CACHE_FILE = "semantic-vectors.npz"
SAVE_EVERY = 180  # seconds between writes of the cache while a cold build embeds


def text(paper: Paper) -> str:
    return f"{paper.title}. {paper.abstract}" if paper.abstract else paper.title


def digest(paper: Paper, model_digest: str) -> bytes:
    return hashlib.sha1(
        f"{model_digest}\x1f{text(paper)}".encode("utf-8", "surrogatepass")
    ).digest()


def quantize(unit: np.ndarray) -> np.ndarray:
    return np.clip(np.round(unit / DOC_STEP), -8, 7).astype(np.int8)


class Store:
    """The kept vectors, by digest: read whole, extended, written back atomically."""

    def __init__(self, path: Path | None):
        self.path = path
        self.rows: dict[bytes, np.ndarray] = {}
        if path is not None and path.exists():
            self.rows = _read(path)

    def missing(self, digests: list[bytes]) -> list[int]:
        return [i for i, d in enumerate(digests) if d not in self.rows]

    def save(self, keep: list[bytes]) -> None:
        """Write the vectors of ``keep`` (the current papers') made so far: no others."""
        if self.path is None:
            return
        keys = sorted(set(keep) & self.rows.keys())
        buffer = io.BytesIO()
        np.savez(
            buffer,
            digests=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 20),
            vectors=np.stack([self.rows[k] for k in keys]) if keys else np.zeros((0, 0), np.int8),
        )
        atomic_write(self.path, buffer.getvalue(), durable=False)


def _read(path: Path) -> dict[bytes, np.ndarray]:
    """The kept vectors; {} for a damaged or foreign file (they are made again)."""
    try:
        with np.load(path) as data:
            digests, vectors = data["digests"], data["vectors"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        return {}
    if digests.ndim != 2 or digests.shape[1] != 20 or len(digests) != len(vectors):
        return {}
    return {bytes(d): v for d, v in zip(digests, vectors, strict=True)}


def embed(
    papers: list[Paper], encoder: Encoder, cache: Path | None, progress: Callable | None = None
) -> np.ndarray:
    """Every paper's quantized vector (papers x dims, int8), embedding only what ``cache``
    does not hold, in batches of 256; the cache is written at the end and every few minutes
    between, so an interrupted cold build keeps most of what it made."""
    digests = [digest(p, encoder.digest) for p in papers]
    store = Store(cache / CACHE_FILE if cache else None)
    todo = store.missing(digests)
    saved = time.monotonic()
    for start in range(0, len(todo), 256):
        batch = todo[start : start + 256]
        vectors = quantize(encoder.encode([text(papers[i]) for i in batch]))
        store.rows.update((digests[i], v) for i, v in zip(batch, vectors, strict=True))
        if time.monotonic() - saved > SAVE_EVERY:
            store.save(digests)
            saved = time.monotonic()
        if progress:
            progress(len(batch))
    if todo or len(store.rows) != len(set(digests)):
        store.save(digests)  # and papers that left the archive: their vectors go
    return (
        np.stack([store.rows[d] for d in digests])
        if papers
        else np.zeros((0, encoder.dims), np.int8)
    )


def arrival(papers: list[Paper]) -> list[int]:
    """Positions of ``papers`` in the order they arrive: day, then id."""
    return sorted(range(len(papers)), key=lambda i: (papers[i].daily_date, papers[i].id))


def index_files(ordered: list[Paper], vectors: np.ndarray, model_file: bytes) -> tuple[dict, dict]:
    """The ``semantic/`` files of an index whose document numbers are ``ordered``'s positions
    (``vectors`` in the same order), and the entry meta.json gets."""
    rows = arrival(ordered)
    files: dict[str, bytes] = {}
    model_name = _named("model", model_file, files)
    chunks = []
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        chunks.append([_named("docs", query_model.pack4(vectors[part]), files), len(part)])
    rows_name = _named("rows", np.array(rows, dtype="<i4").tobytes(), files)
    meta = {
        "model": model_name,
        "chunks": chunks,
        "rows": rows_name,
        "dims": int(vectors.shape[1]) if len(vectors) else 0,
        "fusion": FUSION,
        "bytes": sum(len(b) for b in files.values()),
    }
    return files, meta


def _named(stem: str, data: bytes, files: dict[str, bytes]) -> str:
    name = f"semantic/{stem}-{hashlib.sha1(data).hexdigest()[:12]}.bin"
    files[name] = data
    return name
