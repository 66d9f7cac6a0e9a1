"""Related papers: for every paper, the few most similar papers of the whole archive (older and
newer), by the cosine of TF-IDF vectors of their titles, AI keywords and abstracts.

The terms are the search index's own analysis (``search._counts``: the same stemmed words, kept
between builds), so a build analyses no text twice. Similarities are sparse matrix products
(scipy, and sparse_dot_topn, which keeps only each row's best as it multiplies), so memory
stays proportional to the papers, not their pairs.

Stability matters as much as quality: a page is re-rendered only when its list changes, so a
day's new papers must not move every list. Document frequencies (IDF) are therefore counted over
a reference set that changes once a quarter, not daily: the papers before the quarter of the
newest paper (or all papers, while those are fewer than half the archive). Between two quarter
starts an old paper's vector never changes, so a list changes only when a new or edited paper
enters it. Scores are rounded and ties go to the lower paper id, and the same records give
the same lists however the caches were filled: a cold build and an incremental one agree.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy import sparse
from sparse_dot_topn import sp_matmul_topn

from . import search
from .files import atomic_write
from .model import Paper

SHOWN = 6  # papers listed on a page
# Fields read, and their weights: equal, as no boost in a grid moved the quality sample
# (benchmarks/related_eval.py) beyond its noise.
BOOSTS = {"title": 1.0, "keywords": 1.0, "abstract": 1.0}
# IDF is log(1 + IDF_BASE / df): common words keep some weight (the quality sample preferred it
# to log(papers / df)), and the base is fixed, not a count that grows with the archive.
IDF_BASE = 100_000.0
KEEP = 24  # each paper's heaviest terms, for finding candidates
CANDIDATES = 96  # per paper, scored again with every term
DECIMALS = 4  # scores are compared at this precision: float noise never reorders a list
PAIRS = 20_000  # candidate pairs scored at once (two rows of ~100 terms copied per pair)


def related(
    papers: Iterable[Paper], cache: Path | None = None, shown: int = SHOWN, threads: int = 1
) -> dict[str, tuple[str, ...]]:
    """Each paper's most similar papers, most similar first, by id. Candidates come from a
    product of each paper's heaviest terms only (common words made full products 20 times
    slower), kept to the best few per paper as it is computed (sparse_dot_topn); the best
    candidates by the full cosine are kept."""
    ordered = sorted(papers, key=lambda p: p.id)
    ids = [p.id for p in ordered]
    if len(ids) < 2:
        return {pid: () for pid in ids}
    full, df_ref = vectors(ordered, cache)
    # Candidates only through terms the reference papers share: a term's first sharing (a new
    # paper using a word only one old paper had) must not change what an old paper searches.
    pruned = heaviest(full, df_ref >= 2, KEEP)
    found = sp_matmul_topn(pruned, pruned.T.tocsr(), CANDIDATES + 1, n_threads=threads or None)
    del pruned
    found.data[found.indices == _rows(found)] = 0  # not itself
    found.eliminate_zeros()
    found.sort_indices()
    rows = _rows(found)
    best = _best(found, _cosines(full, rows, found.indices), shown)
    return {
        pid: tuple(ids[j] for j in row if j >= 0)
        for pid, row in zip(ids, best.tolist(), strict=True)
    }


def _rows(matrix: sparse.csr_matrix) -> np.ndarray:
    """The row of each stored entry."""
    return np.repeat(np.arange(matrix.shape[0], dtype=np.int32), np.diff(matrix.indptr))


def _cosines(full: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The full vectors' cosine of each (row, column) pair, a slice of pairs at a time (each
    pair copies two rows)."""
    out = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), PAIRS):
        r, c = rows[start : start + PAIRS], cols[start : start + PAIRS]
        out[start : start + PAIRS] = np.asarray(full[r].multiply(full[c]).sum(axis=1)).ravel()
    return out


def reference(papers: list[Paper]) -> np.ndarray:
    """Which papers IDF is counted over: those before the newest paper's quarter, if they are
    at least half the archive, else all."""
    newest = max(p.daily_date for p in papers)
    start = newest.replace(month=(newest.month - 1) // 3 * 3 + 1, day=1)
    before = np.array([p.daily_date < start for p in papers], dtype=bool)
    return before if 2 * before.sum() >= len(papers) else np.ones(len(papers), dtype=bool)


def vectors(ordered: list[Paper], cache: Path | None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Unit-length TF-IDF rows of the papers, a row each in order, from the search index's
    analysis (``search._counts``, kept in ``cache``), and each term's document frequency in
    the ``reference`` papers (IDF's). Built on arrays in place, and the analysis let go early:
    at 50k papers each copy of the matrix is 50 MB."""
    read = [i for i, (name, _) in enumerate(search.FIELDS) if BOOSTS.get(name)]
    vocab, doc, field_, term_, tf = search._counts(ordered, cache, read)
    papers = len(ordered)
    boost = np.array([BOOSTS.get(name, 0.0) for name, _ in search.FIELDS], dtype=np.float32)
    # Columns in term order, not the analysis cache's (which depends on its history): a row's
    # sums then run in one order, and a cold and an incremental build agree to the bit.
    rank = np.empty(len(vocab), dtype=np.int32)
    rank[sorted(range(len(vocab)), key=vocab.__getitem__)] = np.arange(len(vocab))
    weight = boost[field_] * (1 + np.log(tf, dtype=np.float32))
    indptr = np.concatenate(([0], np.cumsum(np.bincount(doc, minlength=papers))))
    terms = rank[term_]
    del doc, field_, term_, tf, rank
    m = sparse.csr_matrix((weight, terms, indptr), shape=(papers, len(vocab)))
    m.sum_duplicates()  # a term's fields add up; sorts each row's terms
    row = np.repeat(np.arange(papers, dtype=np.int32), np.diff(m.indptr))
    df_ref = np.bincount(m.indices[reference(ordered)[row]], minlength=len(vocab))
    m.data *= np.log1p(IDF_BASE / np.maximum(df_ref, 1)).astype(np.float32)[m.indices]
    m.data /= np.sqrt(np.bincount(row, weights=m.data**2, minlength=papers)).astype(np.float32)[row]
    return m, df_ref


def heaviest(rows: sparse.csr_matrix, columns: np.ndarray, keep: int) -> sparse.csr_matrix:
    """Each row's ``keep`` heaviest terms among ``columns`` (a mask; ties to the lower column):
    a paper's rarest, most repeated words carry its topic."""
    row = _rows(rows)
    weight = np.where(columns[rows.indices], rows.data, 0)
    # A stable sort: equal weights stay in column order (a row's terms are sorted).
    order = np.lexsort((-weight, row))
    order = order[weight[order] > 0]
    chosen = np.sort(order[_ranks(row[order]) < keep])
    out = sparse.csr_matrix((rows.data[chosen], (row[chosen], rows.indices[chosen])), rows.shape)
    out.sort_indices()
    return out


def _ranks(groups: np.ndarray) -> np.ndarray:
    """Each entry's place within its run of equal ``groups`` values (sorted): 0, 1, 2..."""
    starts = np.flatnonzero(np.diff(groups, prepend=-1))
    return np.arange(len(groups)) - np.repeat(starts, np.diff(np.append(starts, len(groups))))


def _best(found: sparse.csr_matrix, exact: np.ndarray, shown: int) -> np.ndarray:
    """Each row's ``shown`` best columns among its candidates (``found``'s entries, with
    their full cosines ``exact``), highest rounded score first, then lowest column; -1 pads.
    Rows as a padded table: a row's few candidates sort on their own."""
    width = int(np.diff(found.indptr).max(initial=0))
    table = np.full((found.shape[0], width), -np.inf, dtype=np.float32)
    columns = np.full(table.shape, -1, dtype=np.int32)
    rows = _rows(found)
    place = np.arange(len(rows), dtype=np.int32) - found.indptr[rows]
    table[rows, place] = np.round(exact, DECIMALS)
    columns[rows, place] = found.indices
    # Stable: equal scores stay in column order (found's rows are sorted).
    order = np.argsort(-table, axis=1, kind="stable")[:, :shown]
    return np.where(
        np.isfinite(np.take_along_axis(table, order, 1)), np.take_along_axis(columns, order, 1), -1
    )


# --- kept between builds ---------------------------------------------------------------------


FILE = "related.pickle"


def cached(
    papers: list[Paper], hashes: dict[str, str], cache: Path | None, shown: int, threads: int
) -> dict[str, tuple[str, ...]]:
    """``related`` of the papers, read from the last build's when no record changed (a rebuild
    with nothing new then costs a file read, not the products)."""
    if shown == 0:
        return {p.id: () for p in papers}
    key = _key(papers, hashes, shown)
    if key and cache is not None:
        stored = _read(cache / FILE)
        if stored and stored[0] == key:
            return stored[1]
    lists = related(papers, cache, shown, threads)
    if key and cache is not None:
        data = pickle.dumps((key, lists), protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(cache / FILE, data, durable=False)
    return lists


def _read(path: Path) -> tuple | None:
    """The last build's (key, lists), or None: there is none yet, or it is damaged, which
    only costs the computation."""
    try:
        stored = pickle.loads(path.read_bytes())
    except Exception:
        return None
    return stored if isinstance(stored, tuple) and len(stored) == 2 else None


def _key(papers: list[Paper], hashes: dict[str, str], shown: int) -> str | None:
    """A digest of the records (by their hashes), this code and the search's analysis; None
    when a record's hash is unknown (papers not from the store)."""
    if not all(p.id in hashes for p in papers):
        return None
    digest = hashlib.sha1(Path(__file__).read_bytes())
    digest.update(f"{search.code_version()}\0{shown}\n".encode())
    for pid in sorted(p.id for p in papers):
        digest.update(f"{pid}\0{hashes[pid]}\n".encode())
    return digest.hexdigest()
