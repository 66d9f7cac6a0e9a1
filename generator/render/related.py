"""Related papers: for every paper, the few most similar papers of the whole archive (older and
newer), by the cosine of TF-IDF vectors of their titles, AI keywords and abstracts.

The terms are the search index's own analysis (``search.counts``: the same stemmed words, kept
between builds), so a build analyses no text twice. Similarities are sparse matrix products
(scipy, and sparse_dot_topn, which keeps only each row's best as it multiplies), so memory
stays proportional to the papers, not their pairs.

Stability matters as much as quality: a page is re-rendered only when its list changes, so a
day's new papers must not move every list. Document frequencies (IDF) are therefore counted over
a reference set that changes once a quarter, not daily: the papers before the quarter of the
newest paper (or all papers, while those are fewer than half the archive). Between two quarter
starts an old paper's vector never changes, so a list changes only when a new or edited paper
enters it; and a day's update need not recompute the archive: it extends the last build's
result with the new papers (``compute``, ``Known``). Scores are rounded, ties go to the lower
paper id, and the same records give the same lists however the caches were filled: a cold
build and an incremental one agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sparse_dot_topn import sp_matmul_topn

from .. import cache as kept
from .. import search
from ..model import Paper

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


SLACK = 16  # more candidates asked of sparse_dot_topn, so ties at the cut are ours to break


def related(
    papers: Iterable[Paper], cache: Path | None = None, shown: int = SHOWN, threads: int = 1
) -> dict[str, tuple[str, ...]]:
    """Each paper's most similar papers, most similar first, by id."""
    return compute(sorted(papers, key=lambda p: p.id), cache, shown, threads).lists()


@dataclass
class Known:
    """One computation's result and what the next build needs to extend it: the papers (by id,
    with a digest of the texts read), the reference IDF was counted over, each paper's
    candidates (the best ``CANDIDATES`` by heaviest terms, their scores as data, columns
    sorted), their full cosines (aligned with the candidates' data) and the best ``shown``
    of them (positions, -1 pads); ``vectors``, the papers' TF-IDF rows, so that a day's
    update makes only its new papers' (None: fewer than two papers)."""

    ids: list[str]
    digests: list[bytes]
    reference: bytes
    candidates: sparse.csr_matrix
    exact: np.ndarray
    best: np.ndarray
    vectors: Vectors | None = None

    def lists(self) -> dict[str, tuple[str, ...]]:
        ids = self.ids
        return {
            pid: tuple(ids[j] for j in row if j >= 0)
            for pid, row in zip(ids, self.best.tolist(), strict=True)
        }


def compute(
    ordered: list[Paper],
    cache: Path | None,
    shown: int,
    threads: int = 1,
    known: Known | None = None,
) -> Known:
    """``Known`` for papers in id order: ``known``, the last build's, extended by the new papers
    when it can be (same reference, no paper gone or edited: old papers' vectors and the
    scores between them did not move), else computed whole. Both give the same result.
    Candidates come from a product of each paper's heaviest terms only (common words made
    full products 20 times slower), kept to each row's best as it is computed
    (sparse_dot_topn), then ranked by the full cosine."""
    ids = [p.id for p in ordered]
    digests = [_digest(p) for p in ordered]
    mask = reference(ordered) if ordered else np.zeros(0, dtype=bool)
    ref = _reference_digest(ids, digests, mask)
    if known is not None and _extends(known, ids, digests, ref):
        return _extend(known, ordered, ids, digests, cache, shown, threads)
    if len(ids) < 2:
        empty = sparse.csr_matrix((len(ids), len(ids)), dtype=np.float32)
        best = np.full((len(ids), 0), -1, dtype=np.int32)
        return Known(ids, digests, ref, empty, np.zeros(0, dtype=np.float32), best)
    made = Vectors.of(ordered, cache)
    pruned = made.pruned
    found = _candidates(pruned, pruned, np.arange(len(ids), dtype=np.int32), threads)
    exact = _cosines(made.full, _rows(found), found.indices)
    return Known(ids, digests, ref, found, exact, _best(found, exact, shown), made)


def _candidates(
    rows: sparse.csr_matrix, pruned: sparse.csr_matrix, own: np.ndarray, threads: int
) -> sparse.csr_matrix:
    """Each of ``rows``' best ``CANDIDATES`` among all papers (``pruned``), not itself (its
    own column: ``own``), by score, then lowest column."""
    found = sp_matmul_topn(
        rows, pruned.T.tocsr(), CANDIDATES + 1 + SLACK, n_threads=threads or None
    )
    found.data[found.indices == own[_rows(found)]] = 0
    found.eliminate_zeros()
    found.sort_indices()
    keep = _cut(found.indptr, found.data, CANDIDATES)
    return _filtered(found, keep)


def _extend(
    known: Known,
    ordered: list[Paper],
    ids: list[str],
    digests: list[bytes],
    cache: Path | None,
    shown: int,
    threads: int,
) -> Known:
    """``known`` with the new papers: their own candidates, and each old paper's candidates
    with the new papers that beat its last (old papers' scores among themselves are kept)."""
    old = np.searchsorted(np.array(ids), np.array(known.ids)).astype(np.int32)
    new = np.setdiff1d(np.arange(len(ids), dtype=np.int32), old)
    if not len(new):  # the same papers: the same result
        return known
    grown = known.vectors.plus([ordered[i] for i in new.tolist()], new, cache)
    full, pruned = grown.full, grown.pruned
    mine = _candidates(pruned[new], pruned, new, threads)
    entering = sp_matmul_topn(
        pruned[old], pruned[new].T.tocsr(), len(new), n_threads=threads or None
    )
    rows, cols, scores, exact = _joined(
        [
            _entries(known.candidates, old, old, known.exact),
            _entries(entering, old, new),
            _entries(mine, new, None),
        ]
    )
    keep = _cut(_indptr(rows, len(ids)), scores, CANDIDATES)
    rows, cols, scores, exact = rows[keep], cols[keep], scores[keep], exact[keep]
    todo = np.isnan(exact)
    exact[todo] = _cosines(full, rows[todo], cols[todo])
    found = sparse.csr_matrix((scores, cols, _indptr(rows, len(ids))), shape=(len(ids), len(ids)))
    best = _best(found, exact, shown)
    return Known(ids, digests, known.reference, found, exact, best, grown)


def _entries(
    matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray | None, exact=None
) -> tuple:
    """A candidates matrix as (row, column, score, cosine) columns, its rows and columns
    numbered through ``rows`` and ``cols`` (None: as they are); NaN: a cosine to compute."""
    if exact is None:
        exact = np.full(matrix.nnz, np.nan, dtype=np.float32)
    columns = matrix.indices if cols is None else cols[matrix.indices]
    return rows[_rows(matrix)], columns.astype(np.int32), matrix.data, exact


def _joined(parts: list[tuple]) -> tuple:
    """Entries of several parts, sorted by row, then column."""
    rows, cols, scores, exact = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((cols, rows))
    return rows[order], cols[order], scores[order].astype(np.float32), exact[order]


def _indptr(rows: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n))))


def _filtered(matrix: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    rows = _rows(matrix)[keep]
    return sparse.csr_matrix(
        (matrix.data[keep], matrix.indices[keep], _indptr(rows, matrix.shape[0])), matrix.shape
    )


def _cut(indptr: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Which entries are among their row's ``k`` best: highest score, then the entry first in
    the row (rows' columns are sorted: the lowest column). Rows as a padded table."""
    rows = np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))
    place = np.arange(len(rows), dtype=np.int64) - indptr[rows]
    width = int(np.diff(indptr).max(initial=0))
    table = np.full((len(indptr) - 1, width), -np.inf, dtype=np.float32)
    table[rows, place] = scores
    rank = np.empty(table.shape, dtype=np.int32)
    order = np.argsort(-table, axis=1, kind="stable")
    np.put_along_axis(rank, order, np.arange(width, dtype=np.int32)[None, :], axis=1)
    return rank[rows, place] < k


def _extends(known: Known, ids: list[str], digests: list[bytes], ref: bytes) -> bool:
    """Whether ``known`` can be extended to these papers: the same reference, and every paper
    it knows still here with the same texts."""
    if known.reference != ref or known.vectors is None:
        return False
    now = dict(zip(ids, digests, strict=True))
    return all(now.get(pid) == d for pid, d in zip(known.ids, known.digests, strict=True))


def _digest(paper: Paper) -> bytes:
    texts = search.field_texts(paper)
    read = [texts[i] for i, (name, _) in enumerate(search.FIELDS) if BOOSTS.get(name)]
    return hashlib.sha1("\x1f".join(read).encode("utf-8", "surrogatepass")).digest()


def _reference_digest(ids: list[str], digests: list[bytes], mask: np.ndarray) -> bytes:
    digest = hashlib.sha1()
    for pid, d, inside in zip(ids, digests, mask.tolist(), strict=True):
        if inside:
            digest.update(pid.encode() + b"\0" + d)
    return digest.digest()


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


@dataclass
class Vectors:
    """The papers' unit-length TF-IDF rows (``full``), a row each in id order, columns in term
    order (``terms``, sorted), from the search index's analysis (``search.counts``, kept in
    the cache); each term's document frequency in the ``reference`` papers (``df_ref``); each
    row's ``KEEP`` heaviest terms (``pruned``), which find candidates. Kept between builds: a
    day's update makes its new papers' rows only (``plus``); rebuilding the archive's was 4 s
    of a 35 s update at 50k papers."""

    terms: list[str]
    full: sparse.csr_matrix
    df_ref: np.ndarray
    pruned: sparse.csr_matrix

    @classmethod
    def of(cls, ordered: list[Paper], cache: Path | None) -> Vectors:
        terms, counted = _counted(ordered, cache, keep=True)
        m = _tf(counted, len(ordered), len(terms))
        row = _rows(m)
        df_ref = np.bincount(m.indices[reference(ordered)[row]], minlength=len(terms))
        _tfidf(m, df_ref)
        return cls(terms, m, df_ref, heaviest(m, df_ref >= 2, KEEP))

    def plus(self, papers: list[Paper], at: np.ndarray, cache: Path | None) -> Vectors:
        """These rows and the rows of new ``papers`` (none in the reference), which take the
        places ``at`` among all rows; the same as ``of`` all of them (column numbers move as
        new terms join, in order, so no row's sums change order)."""
        words, counted = _counted(papers, cache, keep=False)
        terms = sorted(set(self.terms).union(words))
        old = np.searchsorted(terms, self.terms).astype(np.int32)
        df_ref = np.zeros(len(terms), dtype=self.df_ref.dtype)
        df_ref[old] = self.df_ref
        columns = np.searchsorted(terms, words).astype(np.int32)
        new = _renumbered(_tf(counted, len(papers), len(words)), columns, len(terms))
        _tfidf(new, df_ref)
        shape = self.full.shape[0] + len(papers), len(terms)
        full = _interleaved(_renumbered(self.full, old, len(terms)), new, at, shape)
        pruned = heaviest(new, df_ref >= 2, KEEP)
        pruned = _interleaved(_renumbered(self.pruned, old, len(terms)), pruned, at, shape)
        return Vectors(terms, full, df_ref, pruned)


def _counted(papers: list[Paper], cache: Path | None, keep: bool) -> tuple[list[str], tuple]:
    """The fields' term counts of the papers (``search.counts``), terms numbered in term
    order, not the analysis cache's (which depends on its history): a row's sums then run in
    one order, and a cold and an incremental build agree to the bit."""
    read = [i for i, (name, _) in enumerate(search.FIELDS) if BOOSTS.get(name)]
    vocab, doc, field_, term_, tf = search.counts(papers, cache, read, keep=keep)
    rank = np.empty(len(vocab), dtype=np.int32)
    rank[sorted(range(len(vocab)), key=vocab.__getitem__)] = np.arange(len(vocab))
    return sorted(vocab), (doc, field_, rank[term_], tf)


def _tf(counted: tuple, papers: int, terms: int) -> sparse.csr_matrix:
    """The boosted TF rows, a term's fields added up (each row's terms sorted)."""
    doc, field_, term_, tf = counted
    boost = np.array([BOOSTS.get(name, 0.0) for name, _ in search.FIELDS], dtype=np.float32)
    weight = boost[field_] * (1 + np.log(tf, dtype=np.float32))
    indptr = np.concatenate(([0], np.cumsum(np.bincount(doc, minlength=papers))))
    m = sparse.csr_matrix((weight, term_, indptr), shape=(papers, terms))
    m.sum_duplicates()
    return m


def _tfidf(m: sparse.csr_matrix, df_ref: np.ndarray) -> None:
    """TF rows to unit-length TF-IDF rows, in place (each copy is 50 MB at 50k papers)."""
    row = _rows(m)
    m.data *= np.log1p(IDF_BASE / np.maximum(df_ref, 1)).astype(np.float32)[m.indices]
    m.data /= np.sqrt(np.bincount(row, weights=m.data**2, minlength=m.shape[0])).astype(np.float32)[
        row
    ]


def _renumbered(m: sparse.csr_matrix, columns: np.ndarray, width: int) -> sparse.csr_matrix:
    """``m`` with column ``j`` moved to ``columns[j]`` (increasing: rows stay sorted)."""
    out = sparse.csr_matrix((m.data, columns[m.indices], m.indptr), shape=(m.shape[0], width))
    out.has_sorted_indices = True
    return out


def _interleaved(old: sparse.csr_matrix, new: sparse.csr_matrix, at: np.ndarray, shape):
    """The rows of ``old`` and ``new``, the new ones at rows ``at`` (sorted) of the result."""
    place = np.setdiff1d(np.arange(shape[0]), at)
    order = np.argsort(np.concatenate((place, at)), kind="stable")
    stacked = sparse.vstack([old, new], format="csr")[order]
    stacked.sort_indices()
    return stacked


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
    """``related`` of the papers, through the last build's result kept in ``cache``: read back
    when no record changed (a file read, not the products), extended when papers were only
    added (a day's update: the new papers' products, not the archive's), else computed."""
    if shown == 0:
        return {p.id: () for p in papers}
    version, key = _version(shown), _key(papers, hashes)
    path = cache / FILE if cache is not None else None
    # Kept under the code's version: of other papers (another key), it is still extended.
    stored = kept.load(path, version)
    ok = isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], Known)
    stored_key, known = stored if ok else (None, None)
    if known is not None and key is not None and stored_key == key:
        return known.lists()
    result = compute(sorted(papers, key=lambda p: p.id), cache, shown, threads, known)
    kept.save(path, version, (key, result))
    return result.lists()


def _version(shown: int) -> str:
    """What the kept result depends on besides the papers: this code, the search's analysis
    and the list's length."""
    digest = hashlib.sha1(Path(__file__).read_bytes())
    digest.update(f"{search.code_version()}\0{shown}".encode())
    return digest.hexdigest()


def _key(papers: list[Paper], hashes: dict[str, str]) -> str | None:
    """A digest of the records (by their hashes); None when a record's hash is unknown
    (papers not from the store)."""
    if not all(p.id in hashes for p in papers):
        return None
    digest = hashlib.sha1()
    for pid in sorted(p.id for p in papers):
        digest.update(f"{pid}\0{hashes[pid]}\n".encode())
    return digest.hexdigest()
