"""Search by meaning: a sentence model's vectors of the papers, made at build time, and the same
model's vector of a query, made in the browser (``semantic.js``) or by ``papers search``.

- ``encoder`` and ``runtime``: the model run by ONNX Runtime in int8, for the papers (a build
  embeds only new and edited papers: ``vectors`` keeps the rest by a digest of text and model);
- ``tokenizer`` and ``model``: the query side, the file the browser downloads once and Python
  reads alike;
- ``vectors``: the kept vectors and the index's ``semantic/`` files;
- ``rank``: ranking by meaning and the fusion with the lexical ranking;
- ``source``: where the model comes from (``extra.papers.semantic_model``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..build import Semantic as FilesFn  # what the index takes: papers -> files, entry

if TYPE_CHECKING:
    from ...model import Paper
    from ...settings import Settings


def index_part(settings: Settings) -> tuple[FilesFn, str] | None:
    """What the search index adds for ``settings``: a function from the index's papers (in
    document order) to its ``semantic/`` files and meta.json entry, and a fingerprint of the
    model for the index's key; None when ``extra.papers.semantic`` is off."""
    if not settings.semantic:
        return None
    from . import source

    folder = source.locate(
        settings.semantic_model, settings.root, settings.cache_dir, settings.hf_endpoint
    )
    return index_files_of(folder, settings.cache_dir), source.fingerprint(folder)


def index_files_of(folder: Path, cache: Path) -> FilesFn:
    """The maker of an index's semantic files with the model in ``folder``, vectors and the
    int8 model kept in ``cache``."""

    def make(ordered: list[Paper]) -> tuple[dict[str, bytes], dict]:
        from . import encoder, model, vectors

        loaded = encoder.load(folder, cache / "models")
        found = vectors.embed(ordered, loaded, cache)
        return vectors.index_files(ordered, found, model.export(loaded))

    return make
