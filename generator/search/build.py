"""Building the index: the files ``Index`` reads, from papers.

Document numbers (``search_order``); postings as numpy columns (``Postings``) with lunr's BM25
weights (``_weights``), packed into postings files (``_blocks``); the dictionary and typo
shards (``prefix_key``, ``suffix_key``); what each result shows (``_display``), the facets the
filters read and meta.json (``_meta``). ``build_files`` makes them all, ``index_output`` makes
them the writer's output ``search-index/``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..escape import printable
from ..order import newest_first
from ..outputs import Output
from ..settings import INDEX_DIR
from .analysis import _DIGITS2, FIELDS, RULES, counts
from .authors import author_files
from .disk import FORMAT, Binary, Encoded, _json, index_files

if TYPE_CHECKING:  # only named in annotations: `papers search` never loads the model
    from ..model import Paper

# The search by meaning's part (generator.search.semantic, a later stage: passed in, not imported):
# from the papers in document order, its files (path -> bytes) and its meta.json entry.
Semantic = Callable[[list["Paper"]], tuple[dict[str, bytes], dict]]

K1, B = 1.2, 0.75  # lunr's BM25 defaults
DISPLAY_AUTHORS = 3  # names a result shows
CHUNK = 5  # papers per display chunk (results are scattered: small chunks, few bytes)
BLOCK_BYTES = 24_000  # postings per file, roughly; a bigger term gets a file of its own
EPOCH = date(1970, 1, 1)


def search_order(papers: Iterable[Paper]) -> list[Paper]:
    """Document numbers: the archive's order (newest day first, each day as on its page);
    ties in scores go to the lower."""
    return sorted(papers, key=newest_first)


def build_files(
    papers: Iterable[Paper], cache: Path | None = None, semantic: Semantic | None = None
) -> dict[str, Any]:
    """Every file of the index, by path, as JSON-ready values or ``Encoded`` JSON;
    ``cache``: a folder where the analysis of the papers' texts is kept for the next build;
    ``semantic``: what makes the search by meaning's files (``search.semantic``), given the
    papers in document order: its ``Binary`` files join the index, its entry meta.json."""
    ordered = search_order(papers)
    postings = Postings.of(ordered, cache)
    df = dict(zip(postings.terms, postings.doc_frequencies(), strict=True))
    blocks = _blocks(postings.terms, postings.sizes())
    files: dict[str, Any] = {}
    for kind, key in (("d", prefix_key), ("s", suffix_key)):
        for shard, terms in _group(df, key).items():
            entries = {t: [df[t], blocks[t]] for t in sorted(terms)}
            files[f"{kind}/{shard}.json"] = Encoded(_json(entries))
    files.update(_postings_files(postings, blocks))
    # Display chunks count from the oldest paper (``display_file``): a new day adds chunks
    # instead of shifting every one (10k files rewritten a day at 50k papers).
    oldest_first = ordered[::-1]
    for start in range(0, len(ordered), CHUNK):
        chunk_ = oldest_first[start : start + CHUNK]
        files[f"docs/{start // CHUNK}.json"] = Encoded(_json([_display(p) for p in chunk_]))
    authors, shards = author_files(ordered)
    files.update(authors)
    files["facets.json"] = _facets(ordered)
    files["meta.json"] = _meta(len(ordered)) | {"authorShards": shards}
    if semantic is not None:
        extra, entry = semantic(ordered)
        files.update((rel, Binary(data)) for rel, data in extra.items())
        files["meta.json"]["semantic"] = entry
    return files


def _postings_files(postings: Postings, blocks: dict[str, int]) -> Iterator[tuple[str, Encoded]]:
    """The postings files, in order (terms are sorted, and so are their blocks)."""
    block, terms = 0, {}
    for term_, stored in postings.stored():
        if blocks[term_] != block and terms:
            yield f"p/{block}.json", Encoded(_json(terms))
            terms = {}
        block = blocks[term_]
        terms[term_] = stored
    if terms:
        yield f"p/{block}.json", Encoded(_json(terms))


def _group(df: dict[str, int], key: Callable[[str], str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for term_ in df:
        groups[key(term_)].append(term_)
    return groups


def display_file(doc: int, papers: int) -> tuple[str, int]:
    """The display chunk holding a document, and its place there (search-core.js's
    ``display``): chunks count from the last document, the oldest paper."""
    back = papers - 1 - doc
    return f"docs/{back // CHUNK}.json", back % CHUNK


def prefix_key(word: str) -> str:
    """The dictionary shard of a term: its first two characters, as hex of their UTF-8; four
    for a term that starts with two ASCII digits (every arXiv id starts with "2": 50k of them
    would make a few huge shards)."""
    n = 4 if _DIGITS2.match(word) else 2
    return word[:n].encode("utf-8").hex()


def suffix_key(word: str) -> str:
    """The typo shard of a term: its last two characters (a typo in the first two letters
    still finds the word here)."""
    return word[-2:].encode("utf-8").hex()


# --- postings, as columns --------------------------------------------------------------------
# At 50k papers there are 7.5M (paper, field, term) postings: they are counted, weighed, sorted
# and cut into terms as numpy columns rather than one Python object each (the index stage took
# twice as long that way).


@dataclass
class Postings:
    """Every (paper, field, term) posting of the papers, sorted by term (in code point order),
    field and paper; ``starts[i]:starts[i + 1]`` are the postings of ``terms[i]``."""

    terms: list[str]
    starts: np.ndarray
    doc: np.ndarray
    field_: np.ndarray
    weight: np.ndarray  # lunr's BM25 times the field's boost, in hundredths

    @classmethod
    def of(cls, ordered: list[Paper], cache: Path | None = None) -> Postings:
        vocab, doc, field_, term_, tf = counts(ordered, cache)
        weight = _weights(len(ordered), doc, field_, term_, tf)
        rank = np.empty(len(vocab), dtype=np.int64)
        rank[sorted(range(len(vocab)), key=vocab.__getitem__)] = np.arange(len(vocab))
        # One key, not np.lexsort's three: (term, field, paper) are unique, a third the time.
        width = len(ordered) or 1
        order = np.argsort((rank[term_] * len(FIELDS) + field_) * width + doc)
        sizes = np.bincount(rank[term_], minlength=len(vocab))
        starts = np.concatenate(([0], np.cumsum(sizes)))
        return cls(sorted(vocab), starts, doc[order], field_[order], weight[order])

    def sizes(self) -> list[int]:
        return np.diff(self.starts).tolist()

    def doc_frequencies(self) -> list[int]:
        """Papers per term (a term in two fields of a paper counts once)."""
        width = int(self.doc.max(initial=0)) + 1
        owner = np.repeat(np.arange(len(self.terms)), np.diff(self.starts))
        pairs = np.sort(owner * width + self.doc)
        distinct = np.diff(pairs, prepend=-1) != 0
        return np.bincount(pairs[distinct] // width, minlength=len(self.terms)).tolist()

    def stored(self) -> Iterator[tuple[str, list]]:
        """Each term's postings as stored: per field, [field, doc gaps..., weights...] (half
        the gzipped size of interleaved pairs: gaps and weights each compress among their
        kind), weights in units of ``weightUnit`` (at least one)."""
        first = np.diff(self.field_, prepend=-1) != 0  # a term's first posting in a field
        first[self.starts[:-1]] = True
        group = np.flatnonzero(first)
        gaps = np.diff(self.doc, prepend=0)
        gaps[group] = self.doc[group]
        unit = RULES["weightUnit"]
        stored = np.maximum(1, np.floor(self.weight / unit + 0.5)).astype(np.int64)
        fields, bounds = self.field_[group].tolist(), [*group.tolist(), len(self.doc)]
        starts, g = self.starts.tolist(), 0
        for i, term_ in enumerate(self.terms):
            # A term's numbers become Python ints only here: 7.5M of them at once were 0.5 GB.
            start, end = starts[i], starts[i + 1]
            gaps_, stored_ = gaps[start:end].tolist(), stored[start:end].tolist()
            out = []
            while bounds[g] < end:
                a, b = bounds[g] - start, bounds[g + 1] - start
                out.append([fields[g], *gaps_[a:b], *stored_[a:b]])
                g += 1
            yield term_, out


def _weights(docs: int, doc, field_, term_, tf) -> np.ndarray:
    """lunr's BM25 weight of every (paper, field, term) posting, times the field's boost, in
    hundredths (at least one). Each float operation is the one lunr.py does, in its order, so
    the weights are lunr's to the bit."""
    docs, fields = docs or 1, len(FIELDS)
    lengths = np.bincount(doc * fields + field_, weights=tf, minlength=docs * fields)
    average = [int(lengths[f::fields].sum()) / docs or 1 for f in range(fields)]
    # lunr counts a term once per field it occurs in, not once per paper.
    field_df = np.bincount(term_).tolist()
    idf = np.array([math.log(1 + abs((docs - n + 0.5) / (n + 0.5))) for n in field_df])
    average, scale = np.array(average), np.array([(K1 + 1) * b * 100 for _, b in FIELDS])
    weight = np.empty(len(doc), dtype=np.int32)
    # In slices: each weight is computed alone, and 7.5M at once made 0.3 GB of temporaries.
    for start in range(0, len(doc), 1 << 20):
        part = slice(start, start + (1 << 20))
        d, f, t, n = doc[part], field_[part], term_[part], tf[part]
        norm = K1 * ((1 - B) + B * lengths[d * fields + f] / average[f])
        weight[part] = np.floor(idf[t] * scale[f] * n / (norm + n) + 0.5)
    return np.maximum(weight, 1)


def _blocks(terms: list[str], sizes: list[int]) -> dict[str, int]:
    """Postings files: terms in sorted order, packed into files of about BLOCK_BYTES."""
    blocks, block, size = {}, 0, 0
    for term_, n in zip(terms, sizes, strict=True):
        cost = len(term_) + 8 * n
        if size and size + cost > BLOCK_BYTES:
            block, size = block + 1, 0
        blocks[term_] = block
        size += cost
    return blocks


def _display(paper: Paper) -> list:
    """What a result shows: id, title, the first three authors (each drawn as a link to its
    author query) and how many more, day, upvotes; control characters as U+FFFD, as on the
    paper's own page."""
    names = [printable(a.name) for a in paper.authors if not a.hidden]
    more = max(0, len(names) - DISPLAY_AUTHORS)
    day = paper.daily_date.isoformat()
    return [paper.id, printable(paper.title), names[:DISPLAY_AUTHORS], more, day, paper.upvotes]


def _facets(papers: list[Paper]) -> dict:
    categories = sorted({c for p in papers if p.arxiv for c in p.arxiv.categories})
    orgs = sorted({p.organization.name: p.organization for p in papers if p.organization}.items())
    cat_no = {c: i for i, c in enumerate(categories)}
    org_no = {name: i for i, (name, _) in enumerate(orgs)}
    days = [(p.daily_date - EPOCH).days for p in papers]
    return {
        "day": [days[0], *(b - a for a, b in pairwise(days))] if days else [],
        "up": [p.upvotes for p in papers],
        "code": [1 if p.github_repo else 0 for p in papers],
        "org": [org_no[p.organization.name] if p.organization else -1 for p in papers],
        "cat": [[cat_no[c] for c in p.arxiv.categories] if p.arxiv else [] for p in papers],
        "categories": categories,
        "orgs": [[name, account.fullname or name] for name, account in orgs],
    }


def _meta(papers: int) -> dict:
    """The rules search-core.js applies, and the index's size."""
    return {"format": FORMAT, "chunk": CHUNK, "papers": papers, "rules": RULES}


def index_output(
    papers: list[Paper],
    hashes: dict[str, str],
    cache: Path | None,
    semantic: tuple[Semantic, str] | None = None,
) -> Output:
    """The index, as one output of the writer (``outputs.py``): the folder ``search-index/``,
    keyed by every record's hash (None, always made, for records not from the store) and,
    with ``semantic`` (its files' maker and the model's fingerprint), the model."""
    known = all(p.id in hashes for p in papers)
    key = tuple(sorted((p.id, hashes[p.id]) for p in papers)) if known else None
    make, model = semantic or (None, "")
    if key is not None and semantic:
        key += (("model", model),)
    return Output(INDEX_DIR, key, lambda: index_files(build_files(papers, cache, make)), group=True)
