"""Ranking by meaning, and its fusion with the lexical ranking (``semantic.js``'s twin).

**By meaning.** The query's integer vector (``model.QueryModel.encode``) times each paper's
integer vector; the ``DEPTH`` best that the filters let through, ties to the lower document
number. Integers on both sides, so Python and the browser rank alike to the last place.

**Fusion**, for the relevance sort only (by upvotes or date, results are what the words
match, as before):

1. Papers matching every clause of the query keep their lexical order, at the top: an arXiv
   id, an exact title, every word of a short query are never demoted.
2. The rest is weighted reciprocal-rank fusion (weight/(K + rank), ranks from 0) of the
   lexical ranking's and the semantic ranking's first ``DEPTH`` (``FUSION``), ties to the
   lower document number.
3. Then the remaining lexical matches, in lexical order, so every word match is still listed.

A query that no paper has a word of is not merged: its meaning would be a guess.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ... import search
from . import model as query_model

# The fusion's constants, shipped in meta.json ("semantic"."fusion") so that semantic.js and
# this module read the same numbers: K and DEPTH are Hugging Face's hybrid paper search's; the
# semantic side's weight is the best of a grid on the dev set (k 30/60 x 0.5..1.25,
# benchmarks/hybrid_eval.py), 0.78 recall at 10 against 0.75 at equal weights.
DEPTH = 100
K = 60
WEIGHTS = (1.0, 0.75)  # the lexical and the semantic ranking's
FUSION = {"k": K, "depth": DEPTH, "weights": list(WEIGHTS)}


class Semantic:
    """The semantic files of an index, read on first use through ``get_bytes(path)``."""

    def __init__(self, meta: dict, get_bytes: Callable[[str], bytes]):
        self.meta = meta
        self.get_bytes = get_bytes
        self._model: query_model.QueryModel | None = None
        self._docs: np.ndarray | None = None
        self._rows: np.ndarray | None = None

    @property
    def model(self) -> query_model.QueryModel:
        if self._model is None:
            self._model = query_model.read(self.get_bytes(self.meta["model"]))
        return self._model

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(row vectors, each row's document number). The vectors' integers are held as
        float32: a score is at most 384 x 1024 x 8, so float32 sums them exactly (every partial
        sum is an integer under 2^24) and BLAS does it at once."""
        if self._docs is None:
            dims = self.meta["dims"]
            parts = [
                query_model.unpack4(self.get_bytes(name), count * dims).reshape(count, dims)
                for name, count in self.meta["chunks"]
            ]
            self._docs = (
                np.concatenate(parts).astype(np.float32)
                if parts
                else np.zeros((0, dims), np.float32)
            )
            self._rows = np.frombuffer(self.get_bytes(self.meta["rows"]), dtype="<i4").astype(
                np.int64
            )
        return self._docs, self._rows

    def rank(self, text: str, accepts: Callable[[int], bool] | None = None) -> list[int]:
        """The fusion's depth of documents nearest ``text`` in meaning, nearest first."""
        depth = self.meta["fusion"]["depth"]
        query = self.model.encode(text)
        if not query.any():
            return []
        docs, rows = self.vectors()
        scores = (docs @ query.astype(np.float32)).astype(np.int64)
        order = np.lexsort((rows, -scores))
        out: list[int] = []
        for row in order.tolist():
            doc = int(rows[row])
            if accepts is None or accepts(doc):
                out.append(doc)
                if len(out) == depth:
                    break
        return out


def fuse(lexical: list[int], every: int, semantic: list[int], fusion: dict = FUSION) -> list[int]:
    """The final ranking (module docstring): the first ``every`` lexical results are those
    that matched every clause (the lexical ranking puts them first); ``fusion`` the constants
    (an index's meta.json carries them)."""
    protected = lexical[:every]
    kept = set(protected)
    score: dict[int, float] = {}
    depth, k = fusion["depth"], fusion["k"]
    for weight, ranking in zip(fusion["weights"], (lexical[:depth], semantic[:depth]), strict=True):
        for rank, doc in enumerate(ranking):
            if doc not in kept:
                score[doc] = score.get(doc, 0.0) + weight / (k + rank)
    fused = sorted(score, key=lambda d: (-score[d], d))
    seen = kept | set(fused)
    return protected + fused + [d for d in lexical if d not in seen]


def semantic_of(index: search.Index) -> Semantic | None:
    """The index's semantic side, read once per index; None for an index built without it."""
    entry = index.meta.get("semantic")
    if not entry or index.get_bytes is None:
        return None
    if "semantic" not in index.extras:
        index.extras["semantic"] = Semantic(entry, index.get_bytes)
    return index.extras["semantic"]


NO_FILTERS = search.Filters()


def run(
    index: search.Index, text: str, filters: search.Filters = NO_FILTERS, sort: str = "relevance"
) -> search.Result:
    """``search.run``, merged with the ranking by meaning (``fuse``) when the index has one,
    results are sorted by relevance and some paper has a word of the query (search.js
    ``merge``)."""
    result = search.run(index, text, filters, sort)
    semantic = semantic_of(index)
    if semantic is None or sort != "relevance" or not result.clauses or not result.docs:
        return result  # no word of the query is in any paper: its meaning is a guess
    _, words = search.split_authors(text)  # the meaning of the words, not of a name
    nearest = semantic.rank(words, _accepts(index, filters, result))
    docs = np.asarray(result.docs, dtype=np.int64)
    every = int(np.count_nonzero(result.scores.matched[docs] == len(result.clauses)))
    result.docs = fuse(result.docs, every, nearest, semantic.meta["fusion"])
    return result


def _accepts(index: search.Index, filters: search.Filters, result: search.Result):
    """What the meaning side may rank: the filters' papers, within an author query's."""
    test = filters.accepts(search.facets_of(index)) if filters else None
    if result.only is None:
        return test
    only = set(result.only.tolist())
    return lambda d: d in only and (test is None or test(d))
