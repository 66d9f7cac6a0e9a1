"""Whole-archive search: one index, read by the site's search box and by ``papers search``.

One specification, two implementations: the analysis rules (what a word is, how compounds,
versions and British spellings fold, which words are stop words) are data, written once in
``RULES`` and shipped to the browser in ``meta.json``; the algorithm that uses them is written
here and in ``generator/theme/assets/javascripts/search-core.js`` (no DOM, runs under Node),
and ``tests/test_search_parity.py`` runs both on thousands of generated strings and requires
the same top 20. Both read the index through one function, ``get(path)``, over the same files:
the browser fetches them, ``papers search`` reads them from disk, tests keep them in memory.

**Analysis.** Text is NFKC-normalised and lower-cased, then cut into chunks of letters,
numbers and marks joined by hyphens, underscores or dots. A chunk yields its parts
(``alignment.github.io``: three), hyphenated parts also their compound (``pre-training``:
``pretraining``, ``pre``, ``training``), a dot between digits stays (``llava-1.6``:
``llava1.6``, ``llava``, ``1.6``), and letters and numbers in one part also split
(``qwen2.5``: ``qwen``, ``2.5``). A word followed by a number is also indexed joined
(``Llama 3``: ``llama3``), so "llama3", "llama 3" and "Llama-3" meet. Stop words go; the rest
fold British to American spelling and are Porter-stemmed (lunr.js's stemmer, so both sides
stem alike).

**Weights.** lunr's BM25 (k1 1.2, b 0.75) per (paper, field, term), times the field's boost.

**Queries.** arXiv ids in the forms people paste (``arXiv:2401.01234v2``, abs/pdf URLs,
Hugging Face paper URLs) become the bare id. Each chunk typed is a clause; a clause matches a
paper through its own term (exact), its parts, a typo correction (Damerau distance 1, 2 for
long words, found by the word's first two or last two letters, tried when the word is unknown
or rare) or, for the word being typed, its commonest completions. Papers that match every
clause come first; then papers matching fewer, so a query only finds nothing when no word
matches anything. Within that, papers matching more clauses without a typo first, then the sum
over clauses of the best boost × weight, in integers so both sides rank identically; ties go
to the newer, more upvoted paper.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate, chain, count, pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import regex
from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS

from .escape import printable
from .files import atomic_write
from .outputs import Output
from .settings import INDEX_DIR

if TYPE_CHECKING:  # only named in annotations: `papers search` never loads the model
    from .model import Paper

FORMAT = 2
# (field, lunr boost). Index order is the field number stored in each posting.
FIELDS: tuple[tuple[str, int], ...] = (
    ("title", 10),
    ("id", 10),
    ("authors", 3),
    ("org", 2),
    ("keywords", 2),
    ("abstract", 1),
)
K1, B = 1.2, 0.75  # lunr's BM25 defaults
CHUNK = 5  # papers per display chunk (results are scattered: small chunks, few bytes)
BLOCK_BYTES = 24_000  # postings per file, roughly; a bigger term gets a file of its own
EPOCH = date(1970, 1, 1)
SLICE = 2000  # papers analysed per task; fewer are analysed in-process

# The rules both implementations follow. Patterns are written in the syntax Python's `regex`
# module and JavaScript's RegExp (flag "u") read alike.
RULES: dict[str, Any] = {
    # arXiv ids as pasted: URLs, "arXiv:" prefixes and version suffixes fall away.
    "arxivId": (
        r"(?:https?://)?(?:www\.)?(?:(?:arxiv\.org|huggingface\.co|hf\.co)/"
        r"(?:abs/|pdf/|html/|papers/)?)?(?:arxiv[ :]*)?"
        r"(?<![0-9.])([0-9]{4}\.[0-9]{4,5})(?:v[0-9]+)?(?:\.pdf)?(?![0-9])/?"
    ),
    "possessive": r"(?<=\p{L})['\u2019]s(?![\p{L}\p{N}\p{M}])",  # "LLM's" is "LLM"
    "chunk": r"[\p{L}\p{N}\p{M}]+(?:[\-_\u2010\u2011.][\p{L}\p{N}\p{M}]+)*",
    "dot": r"(?<!\p{N})\.|\.(?!\p{N})",  # a dot that is not between two digits separates
    "hyphen": r"[\-_\u2010\u2011]",
    "pieces": r"\p{N}+(?:\.\p{N}+)*|[^\p{N}]+",  # letters and numbers of one part
    "number": r"^\p{N}+(?:\.\p{N}+)*$",
    "letters": r"^[\p{L}\p{M}]+$",
    "digits2": r"^[0-9]{2}",  # such terms are sharded by four characters, not two
    # British to American, applied to whole words before stemming (both sides alike, so an
    # occasional over-fold costs nothing: "promise" and "promize" are one word to search).
    "fold": [
        [r"^(.{3,}?)is(e|es|ed|ing|er|ers|ation|ations|able)$", "$1iz$2"],
        [r"^(.{3,})ys(e|ed|es|ing|er|ers)$", "$1yz$2"],
        [r"^(.{3,})our(s|ed|ing|ful|ite|ites|able|al|ally)?$", "$1or$2"],
        [r"^(.*[aeiou])ll(ing|ed|er|ers)$", "$1l$2"],
        [r"^(.{2,})tre(s)?$", "$1ter$2"],
        [r"^(.{3,})ogue(s)?$", "$1og$2"],
        [r"^(def|lic|off|pret)ence(s)?$", "$1ense$2"],
        [r"^programme(s)?$", "program$1"],
    ],
    # Weights (lunr's BM25 in hundredths, times the field boost) are stored in units of this
    # many hundredths: a fifth fewer bytes of postings, and the same results on the relevance
    # sets (benchmarks/search_eval.py at units of 1, 10 and 20).
    "weightUnit": 10,
    "joinMax": 5,  # "Llama 3" -> "llama3": numbers up to this many characters
    "partsMax": 30,  # a clause matched by its parts needs all of them, or its first 30
    "stopWords": sorted(STOP_WORDS),
    "boost": {"exact": 8, "part": 4, "prefix": 4, "fuzzy": 1},
    "prefixMin": 4,  # a half-typed word of 4+ letters ...
    "prefixLimit": 5,  # ... also matches its 5 commonest completions
    "fuzzyMin": 4,  # shortest word corrected for typos
    "fuzzyLong": 8,  # from this length, two edits
    "fuzzyRare": 2,  # a known word this rare (papers) is also tried for typos
    "fuzzyLimit": 6,  # corrections kept per word, closest and commonest first
}
_RX = {k: regex.compile(RULES[k]) for k in ("possessive", "chunk", "dot", "hyphen", "pieces")}
_NUMBER = regex.compile(RULES["number"])
# Joins are made when indexing only (a query's "llama3" meets the index's "llama3"; its
# "llama 3" meets "llama" and "3"), so this rule is not in RULES: a number chunk after a space,
# whose chunk before is only letters. Found from the number: the quick part to scan for.
_JOIN_NUMBER = regex.compile(
    r" (\p{N}+(?:\.\p{N}+)*)(?![\p{L}\p{N}\p{M}]|[\-_\u2010\u2011.][\p{L}\p{N}\p{M}])"
)
_JOIN_WORD = regex.compile(
    r"(?<![\p{L}\p{N}\p{M}]|[\p{L}\p{N}\p{M}][\-_\u2010\u2011.])[\p{L}\p{M}]{2,}$"
)
_DIGITS2 = regex.compile(RULES["digits2"])
_LETTERS = regex.compile(RULES["letters"])
_ARXIV = regex.compile(RULES["arxivId"])
_FOLDS = [(regex.compile(p), r.replace("$1", r"\1").replace("$2", r"\2")) for p, r in RULES["fold"]]
_STOP = frozenset(STOP_WORDS)
BOOST = RULES["boost"]


class _Stemmer(PorterStemmer):
    """lunr.py's Porter stemmer made to stem exactly as lunr.js does (tests/test_search_parity.py
    compares them on the corpus and on random words).

    lunr.py turns a final y into i after any vowel ("always" -> "alwai"); lunr.js only after
    a consonant ("alway"): 113 of 19,043 corpus words differ without this. Two more rules
    differ only on odd words ("sses", "glyyed").
    """

    def step1c(self) -> None:
        if self.k >= 2 and self.b[self.k] == "y" and self.b[self.k - 1] not in "aeiou":
            self.b = self.b[: self.k] + "i" + self.b[self.k + 1 :]

    def doublec(self, j: int) -> int:
        # lunr.js never undoubles "yy" (its pattern is ([^aeiouylsz])\1$).
        return 0 if self.b[j] == "y" else super().doublec(j)

    def ends(self, s: str) -> int:
        # lunr.js's step 1 patterns want a letter before "sses", "ies" and "eed".
        if s in ("sses", "ies", "eed") and len(s) > self.k - self.k0:
            return 0
        return super().ends(s)


_stemmer = _Stemmer()


@lru_cache(maxsize=1 << 20)
def stem(word: str) -> str:
    return _stemmer.stem(word)


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


# --- analysis -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chunk:
    """One typed unit: ``main`` is the term it is known by (its compound, or its only part),
    ``parts`` the other terms it yields; ``last`` the raw last part (for completions)."""

    main: str | None
    parts: tuple[str, ...]
    last: str


@lru_cache(maxsize=1 << 20)
def term(word: str) -> str | None:
    """The indexed form of one word: None for a stop word, else folded and stemmed."""
    if not word or word in _STOP:
        return None
    if not _LETTERS.match(word):
        return word  # numbers, versions and model names are kept as written
    for pattern, replacement in _FOLDS:
        word, n = pattern.subn(replacement, word)
        if n:
            break
    return stem(word)


@lru_cache(maxsize=1 << 20)
def chunk(text: str) -> Chunk:
    """The terms of one chunk (already normalised), following the module docstring."""
    main, parts = None, []
    groups = [g for g in _RX["dot"].split(text) if g]
    for group in groups:
        pieces = [p for p in _RX["hyphen"].split(group) if p]
        if len(pieces) > 1:
            parts.append(term("".join(pieces)))
        for piece in pieces:
            parts.append(term(piece))
            sub = _RX["pieces"].findall(piece)
            if len(sub) > 1:
                parts += [term(s) for s in sub if len(s) > 1 or _NUMBER.match(s)]
    kept = [p for p in parts if p]
    if kept and len(groups) == 1:
        main = kept[0]  # a compound, or the word itself
    rest = tuple(dict.fromkeys(p for p in kept if p != main))
    return Chunk(main, rest, _RX["hyphen"].split(groups[-1])[-1] if groups else "")


def clean(text: str) -> str:
    """Normalised, lower-cased, possessives dropped: the text chunks are found in."""
    return _RX["possessive"].sub("", normalize(text))


def chunks(text: str) -> list[tuple[str, Chunk]]:
    """Each chunk of ``text`` as written (cleaned) and analysed."""
    return [(raw, chunk(raw)) for raw in _RX["chunk"].findall(clean(text))]


@lru_cache(maxsize=1 << 20)
def chunk_terms(raw: str) -> tuple[str, ...]:
    c = chunk(raw)
    return (c.main, *c.parts) if c.main else c.parts


def analyze(text: str) -> list[str]:
    """The terms a text is indexed under, with repeats (they count as term frequency): its
    chunks', then each word followed by a number joined ("Llama 3": "llama3")."""
    text = clean(text)
    out = list(chain.from_iterable(map(chunk_terms, _RX["chunk"].findall(text))))
    return out + joins(text)


def joins(text: str) -> list[str]:
    """Each word followed by a number, joined ("llama 3": "llama3"), in a cleaned text."""
    out = []
    for match in _JOIN_NUMBER.finditer(text):
        number, start = match[1], match.start()
        word = _JOIN_WORD.search(text, max(0, start - 64), start)
        if word and len(number) <= RULES["joinMax"]:
            out.append(term(word[0] + number))
    return out


def field_texts(paper: Paper) -> tuple[str, ...]:
    org = paper.organization
    return (
        paper.title,
        "" if paper.is_title_only else paper.id,
        ", ".join(a.name for a in paper.authors),
        f"{org.name} {split_camel(org.name)} {org.fullname or ''}" if org else "",
        ", ".join(paper.ai_keywords),
        paper.abstract,
    )


_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})")


def split_camel(handle: str) -> str:
    """``TencentARC`` -> ``Tencent ARC``: an organisation is found by a part of its handle."""
    return _CAMEL.sub(" ", handle)


# --- building --------------------------------------------------------------------------------
def search_order(papers: Iterable[Paper]) -> list[Paper]:
    """Document numbers: newest day first, then most upvoted; ties in scores go to the lower."""
    return sorted(papers, key=lambda p: (-p.daily_date.toordinal(), -p.upvotes, p.id))


def build_files(papers: Iterable[Paper], cache: Path | None = None) -> dict[str, Any]:
    """Every file of the index, by path, as JSON-ready values or ``Encoded`` JSON;
    ``cache``: a folder where the analysis of the papers' texts is kept for the next build."""
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
    for start in range(0, len(ordered), CHUNK):
        chunk_ = ordered[start : start + CHUNK]
        files[f"docs/{start // CHUNK}.json"] = Encoded(_json([_display(p) for p in chunk_]))
    files["facets.json"] = _facets(ordered)
    files["meta.json"] = _meta(len(ordered))
    return files


class Encoded(bytes):
    """A file's value already encoded as JSON: at 50k papers the postings' 7.5M numbers and
    the dictionary's 2 x 0.5M entries are encoded a file at a time, not held as Python objects
    (~0.5 GB). ``Index.from_files`` decodes them on demand."""


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


def counts(
    ordered: list[Paper], cache: Path | None = None, fields: Iterable[int] | None = None
) -> tuple:
    """The term counts of every (paper, field), as columns: vocabulary, paper, field, term
    (a number in the vocabulary), count; ``fields`` (numbers in FIELDS): only those. Analysis
    is most of the index stage's time, so papers whose texts were analysed by the last build
    (``cache``: a folder) are not analysed again: a day's update analyses its new and edited
    papers only."""
    texts = [field_texts(p) for p in ordered]
    digests = [_digest(t) for t in texts]
    known = Analysed.read(cache)
    todo = dict(zip(digests, texts, strict=True))
    todo = {d: t for d, t in todo.items() if d not in known.rows}
    del texts
    if todo:
        known = known.plus(list(todo), _analyse(list(todo.values())))
    if cache is not None and (todo or len(known.rows) != len(set(digests))):
        known = known.select(digests)
        known.write(cache)
    current = known.select(digests, fields)
    del known  # the columns of 50k papers, twice over, otherwise
    return current.columns()


def _digest(texts: tuple[str, ...]) -> bytes:
    return hashlib.sha1("\x1f".join(texts).encode("utf-8", "surrogatepass")).digest()


@dataclass
class Analysed:
    """Term counts of analysed papers, a row each, found by the digest of the paper's field
    texts (so a changed upvote count is not analysed again, and a changed abstract is)."""

    vocab: list[str]
    rows: dict[bytes, int]
    starts: np.ndarray  # row r's counts are starts[r]:starts[r + 1] of the columns
    field_: np.ndarray
    term_: np.ndarray  # a number in vocab
    tf: np.ndarray

    FILE = "search-terms.pickle"

    @classmethod
    def empty(cls) -> Analysed:
        none = np.zeros(0, dtype=np.int32)
        return cls([], {}, np.zeros(1, dtype=np.int64), none, none, none)

    @classmethod
    def read(cls, cache: Path | None) -> Analysed:
        """The last build's counts; empty if there are none or they are of other rules."""
        try:
            with open(cache / cls.FILE, "rb") as handle:
                version, analysed = pickle.load(handle)
        except Exception:  # none yet, or damaged: it only costs the analysis
            return cls.empty()
        return analysed if version == code_version() else cls.empty()

    def write(self, cache: Path) -> None:
        data = pickle.dumps((code_version(), self), protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(cache / self.FILE, data, durable=False)

    def plus(self, digests: list[bytes], counts: tuple) -> Analysed:
        """These rows and the rows of freshly analysed papers (``_analyse``'s columns)."""
        words, doc, field_, term_, tf = counts
        vocab = dict(zip(self.vocab, range(len(self.vocab)), strict=True))
        remap = np.array([vocab.setdefault(w, len(vocab)) for w in words], dtype=np.int32)
        sizes = np.bincount(doc, minlength=len(digests))
        starts = np.concatenate((self.starts, self.starts[-1] + np.cumsum(sizes)))
        first = len(self.starts) - 1  # not len(rows): two papers can have the same texts
        rows = self.rows | {d: first + i for i, d in enumerate(digests)}
        return Analysed(
            list(vocab),
            rows,
            starts,
            np.concatenate((self.field_, field_)),
            np.concatenate((self.term_, remap[term_])),
            np.concatenate((self.tf, tf)),
        )

    def select(self, digests: list[bytes], fields: Iterable[int] | None = None) -> Analysed:
        """The rows of ``digests``, in that order, with only the words they use; ``fields``:
        only the counts of those fields."""
        rows = np.array([self.rows[d] for d in digests], dtype=np.int64)
        sizes = self.starts[rows + 1] - self.starts[rows]
        starts = np.concatenate(([0], np.cumsum(sizes)))
        # Each row's counts, one after another: positions starts[row] + 0..size-1 (int32:
        # 7.5M of them at 50k papers).
        shift = (self.starts[rows] - starts[:-1]).astype(np.int32)
        take = np.repeat(shift, sizes) + np.arange(starts[-1], dtype=np.int32)
        if fields is not None:
            wanted = np.isin(self.field_[take], list(fields))
            owner = np.repeat(np.arange(len(rows), dtype=np.int32), sizes)[wanted]
            starts = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=len(rows)))))
            take = take[wanted]
        used = np.zeros(len(self.vocab), dtype=bool)
        used[self.term_[take]] = True
        renumber = np.cumsum(used, dtype=np.int32) - 1
        return Analysed(
            [w for w, u in zip(self.vocab, used.tolist(), strict=True) if u],
            {d: i for i, d in enumerate(digests)},
            starts,
            self.field_[take],
            renumber[self.term_[take]],
            self.tf[take],
        )

    def columns(self) -> tuple:
        """``counts``' columns: vocabulary, then paper (the row), field, term and count."""
        doc = np.repeat(np.arange(len(self.starts) - 1, dtype=np.int32), np.diff(self.starts))
        return self.vocab, doc, self.field_, self.term_, self.tf


def _analyse(texts: list[tuple[str, ...]]) -> tuple:
    """``counts``' columns for papers' field texts, numbered from 0. Many papers (a cold
    build) are analysed on every core, in slices, by fresh processes (forked ones would hold a
    copy of the whole build's memory)."""
    size = max(SLICE, -(-len(texts) // (4 * _cores())))
    slices = [texts[i : i + size] for i in range(0, len(texts), size)]
    if len(slices) > 1 and _cores() > 1:
        import multiprocessing  # here: `papers search` starts faster
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(_cores(), len(slices)), mp_context=context) as pool:
            parts = list(pool.map(_count_slice, slices))
    else:
        parts = [_count_slice(s) for s in slices]
    vocab: dict[str, int] = {}
    columns: list[list[np.ndarray]] = [[], [], [], []]
    offset = 0
    for words, doc, field_, term_, tf, papers in parts:
        remap = np.array([vocab.setdefault(w, len(vocab)) for w in words], dtype=np.int32)
        for column, values in zip(columns, (doc + offset, field_, remap[term_], tf), strict=True):
            column.append(values)
        offset += papers
    empty = np.zeros(0, dtype=np.int32)
    return list(vocab), *(np.concatenate(c) if c else empty for c in columns)


def _count_slice(texts: list[tuple[str, ...]]) -> tuple:
    """``_analyse`` of a slice of papers, numbered from 0, with its own vocabulary."""
    vocab: defaultdict[str, int] = defaultdict(count().__next__)
    columns = doc, field_, term_, tf = [array("i") for _ in range(4)]
    for d, fields in enumerate(texts):
        for f, text in enumerate(fields):
            counts = Counter(analyze(text))
            term_.extend(map(vocab.__getitem__, counts))
            tf.extend(counts.values())
            doc.extend([d] * len(counts))
            field_.extend([f] * len(counts))
    return list(vocab), *(np.array(c, dtype=np.int32) for c in columns), len(texts)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


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
    """What a result shows; control characters as U+FFFD, as on the paper's own page."""
    names = [a.name for a in paper.authors]
    authors = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
    title, authors = printable(paper.title), printable(authors)
    return [paper.id, title, authors, paper.daily_date.isoformat(), paper.upvotes]


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


def _json(value) -> bytes:
    if isinstance(value, Encoded):
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


# --- querying --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clause:
    """One chunk of a query: the terms that match it and how strongly, and the word being
    typed (completed from the dictionary) if it is the last one."""

    terms: tuple[tuple[str, str], ...]  # (term, "exact" | "part")
    prefix: str = ""


def clean_query(text: str) -> str:
    """arXiv ids in any pasted form become the bare id."""
    return _ARXIV.sub(r" \1 ", normalize(text))


def parse_query(text: str) -> list[Clause]:
    typing = bool(text) and not text[-1].isspace()
    typed = [c for _, c in chunks(clean_query(text))]
    clauses = []
    for i, c in enumerate(typed):
        last = typing and i == len(typed) - 1
        terms = ((c.main, "exact"),) if c.main else ()
        terms += tuple((p, "part") for p in c.parts)
        prefix = c.last if last and len(c.last) >= RULES["prefixMin"] else ""
        if terms or prefix:
            clauses.append(Clause(terms, prefix))
    if len(clauses) > 1 and not clauses[-1].terms:
        clauses.pop()  # "priors for": a stop word being typed after other words is not required
    return clauses


class Index:
    """The index as the browser sees it: files read on demand through ``get(path)``."""

    def __init__(self, get: Callable[[str], Any]):
        self.get = get
        self.meta = get("meta.json")
        self.papers = self.meta["papers"]

    @classmethod
    def from_files(cls, files: dict[str, Any]) -> Index:
        def read(rel: str) -> Any:
            # A shard no term falls in does not exist: it reads as empty (a 404 in the browser).
            value = files.get(rel, {})
            return json.loads(value) if isinstance(value, Encoded) else value

        return cls(lru_cache(maxsize=None)(read))

    @classmethod
    def from_folder(cls, folder: Path) -> Index:
        def read(rel: str) -> Any:
            path = folder / rel
            return json.loads(path.read_bytes()) if path.exists() else {}

        return cls(lru_cache(maxsize=None)(read))

    def shard(self, kind: str, word: str) -> dict[str, list[int]]:
        key = prefix_key(word) if kind == "d" else suffix_key(word)
        return self.get(f"{kind}/{key}.json") if word else {}

    def fields(self, term_: str, block: int) -> Iterator[tuple[int, list[int], list[int]]]:
        """A term's stored postings, field by field: (field, papers, weights in hundredths)."""
        unit = self.meta["rules"]["weightUnit"]
        for stored in self.get(f"p/{block}.json").get(term_, []):
            n = (len(stored) - 1) // 2
            docs = list(accumulate(stored[1 : n + 1]))
            yield stored[0], docs, [w * unit for w in stored[n + 1 :]]

    def postings(self, term_: str, block: int) -> list[int]:
        """[doc, weight * 8 + field, ...] by field, then doc (what tests compare with lunr)."""
        out: list[int] = []
        for f, docs, weights in self.fields(term_, block):
            out += chain.from_iterable((d, w * 8 + f) for d, w in zip(docs, weights, strict=True))
        return out

    def columns(self, term_: str, block: int) -> tuple[np.ndarray, np.ndarray]:
        """A term's postings as two columns, papers and weights (in hundredths), by field,
        then paper: what ``score`` reads."""
        docs, weights = [], []
        for _, field_docs, field_weights in self.fields(term_, block):
            docs += field_docs
            weights += field_weights
        return np.array(docs, dtype=np.int64), np.array(weights, dtype=np.int64)

    def display(self, doc: int) -> list:
        return self.get(f"docs/{doc // CHUNK}.json")[doc % CHUNK]


Match = tuple[int, int, bool, int]  # (boost, postings block, is a typo correction, part)


def expand(clause: Clause, index: Index) -> dict[str, Match]:
    """term -> its ``Match`` for the terms matching a clause; ``part`` numbers the clause's
    parts (``pre`` and ``train`` of "pre-training") and is -1 for every other term."""
    found: dict[str, Match] = {}
    # A word still being typed is completed, not corrected, unless nothing completes it: a
    # half word is no typo (and correcting each keystroke would fetch postings for nothing).
    completed = completions(clause.prefix, index) if clause.prefix else []
    parts = [t for t, kind in clause.terms if kind == "part"]
    for term_, kind in clause.terms:
        entry = index.shard("d", term_).get(term_)
        if entry and (term_ not in found or found[term_][0] < BOOST[kind]):
            part = parts.index(term_) if kind == "part" else -1
            found[term_] = (BOOST[kind], entry[1], False, part)
        if kind == "exact" and not completed and _wants_typos(term_, entry):
            for near, block in corrections(term_, index):
                found.setdefault(near, (BOOST["fuzzy"], block, True, -1))
    for word, block in completed:
        found.setdefault(word, (BOOST["prefix"], block, False, -1))
    return found


def _wants_typos(term_: str, entry: list[int] | None) -> bool:
    letters = _LETTERS.match(term_) and len(term_) >= RULES["fuzzyMin"]
    return bool(letters) and (entry is None or entry[0] <= RULES["fuzzyRare"])


def corrections(word: str, index: Index) -> list[tuple[str, int]]:
    """Known terms the fewest typos away from ``word`` (not itself), commonest first."""
    limit = 1 if len(word) < RULES["fuzzyLong"] else 2
    seen: dict[str, tuple[int, int, int]] = {}
    for kind in ("d", "s"):
        for other, (df, block) in index.shard(kind, word).items():
            if other != word and other not in seen and abs(len(other) - len(word)) <= limit:
                distance = edit_distance(word, other, limit)
                if distance <= limit:
                    seen[other] = (distance, df, block)
    # Only the closest: "transfom" is "transform", not also "transfer" two edits away.
    closest = min((d for d, _, _ in seen.values()), default=0)
    ranked = sorted(
        ((t, v) for t, v in seen.items() if v[0] == closest),
        key=lambda kv: (-kv[1][1], by_code_point(kv[0])),
    )
    return [(t, block) for t, (_, _, block) in ranked[: RULES["fuzzyLimit"]]]


def completions(prefix: str, index: Index) -> list[tuple[str, int]]:
    dictionary = index.shard("d", prefix)
    starting = [t for t in dictionary if t.startswith(prefix)]
    starting.sort(key=lambda t: (-dictionary[t][0], by_code_point(t)))
    return [(t, dictionary[t][1]) for t in starting[: RULES["prefixLimit"]]]


def by_code_point(word: str) -> tuple[int, ...]:
    """Python compares strings by code point already; spelled out to mirror search-core.js."""
    return tuple(map(ord, word))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent
    transpositions), or ``limit + 1`` once it is certain to exceed ``limit``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return min(prev[-1], limit + 1)


@dataclass
class Scored:
    score: int = 0
    matched: int = 0  # clauses matched
    exact: int = 0  # clauses matched without a typo


@dataclass
class Scores:
    """Every paper's ``Scored``, as columns over all papers (a common word at 50k papers has
    tens of thousands of postings: one Python object each was most of a query's time);
    ``seen`` marks the papers matching at least one term."""

    seen: np.ndarray
    score: np.ndarray
    matched: np.ndarray
    exact: np.ndarray

    @property
    def docs(self) -> np.ndarray:
        return np.flatnonzero(self.seen)

    def get(self, doc: int) -> Scored | None:
        if not (0 <= doc < len(self.seen) and self.seen[doc]):
            return None
        return Scored(int(self.score[doc]), int(self.matched[doc]), int(self.exact[doc]))

    def __getitem__(self, doc: int) -> Scored:
        found = self.get(doc)
        if found is None:
            raise KeyError(doc)
        return found


def score(clauses: list[Clause], expanded: list[dict[str, Match]], index: Index) -> Scores:
    """Every paper's score. A clause counts as matched by its own term, a correction or a
    completion, or by all of its parts: "instruct" alone does not match "AIEV-Instruct" (but
    adds to the score). A clause adds, for each paper, its best term's boost x weight."""
    total, matched, exact = (np.zeros(index.papers, dtype=np.int64) for _ in range(3))
    seen = np.zeros(index.papers, dtype=bool)
    for clause, terms in zip(clauses, expanded, strict=True):
        parts_n = min(sum(kind == "part" for _, kind in clause.terms), RULES["partsMax"])
        value, parts = np.zeros(index.papers, dtype=np.int64), np.zeros(index.papers, np.int64)
        clean, fuzzy = np.zeros(index.papers, dtype=bool), np.zeros(index.papers, dtype=bool)
        for term_, (boost, block, typo, part) in terms.items():
            docs, weights = index.columns(term_, block)
            np.maximum.at(value, docs, boost * weights)
            seen[docs] = True
            if part < 0:
                (fuzzy if typo else clean)[docs] = True
            elif part < RULES["partsMax"]:
                parts[docs] |= 1 << part
        whole = clean | (parts == (1 << parts_n) - 1) if parts_n else clean
        total += value
        matched += whole | fuzzy
        exact += whole
    return Scores(seen, total, matched, exact)


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    until: date | None = None
    category: str | None = None
    org: str | None = None
    has_code: bool = False

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.category or self.org or self.has_code)

    def accepts(self, facets: dict) -> Callable[[int], bool]:
        """A test of document numbers against the facets (search-core.js ``accepts``)."""
        since = (self.since - EPOCH).days if self.since else None
        until = (self.until - EPOCH).days if self.until else None
        org = _number(self.org, [name for name, _ in facets["orgs"]])
        cat = _number(self.category, facets["categories"])
        days = facets["days"]
        return lambda d: (
            (since is None or days[d] >= since)
            and (until is None or days[d] <= until)
            and (org is None or facets["org"][d] == org)
            and (cat is None or cat in facets["cat"][d])
            and (not self.has_code or facets["code"][d] == 1)
        )


def _number(value: str | None, names: list[str]) -> int | None:
    """A facet value's number; -2 for one the index does not know (a stale shared link), which
    matches nothing, unlike "no organisation" (-1)."""
    if not value:
        return None
    return names.index(value) if value in names else -2


SORTS = ("relevance", "upvotes", "newest")


@dataclass
class Hit:
    doc: int
    id: str
    title: str
    authors: str
    day: str
    upvotes: int
    score: int


@dataclass
class Result:
    docs: list[int]
    scores: Scores | dict = field(default_factory=dict)
    matched: set[str] = field(default_factory=set)
    clauses: list[Clause] = field(default_factory=list)


def run(index: Index, text: str, filters: Filters = Filters(), sort: str = "relevance") -> Result:
    """Every paper matching ``text``, best first (search-core.js ``run``)."""
    clauses = parse_query(text)
    if not clauses:
        return Result([], clauses=clauses)
    expanded = [expand(c, index) for c in clauses]
    scores = score(clauses, expanded, index)
    docs = scores.docs
    every = scores.matched[docs] == len(clauses)
    if sort != "relevance" and every.any():
        # Sorted by upvotes or date, partial matches would bury the papers asked for.
        docs = docs[every]
    if filters:
        accepts = filters.accepts(_facets_of(index))
        docs = docs[[accepts(d) for d in docs.tolist()]] if len(docs) else docs
    order = np.lexsort(_sort_keys(sort, scores, docs, len(clauses), index))
    matched = {t for terms in expanded for t in terms}
    return Result(docs[order].tolist(), scores, matched, clauses)


def _facets_of(index: Index) -> dict:
    facets = index.get("facets.json")
    if "days" not in facets:
        running, days = 0, []
        for gap in facets["day"]:
            running += gap
            days.append(running)
        facets["days"] = days
    return facets


def _sort_keys(sort: str, scores: Scores, docs: np.ndarray, clauses: int, index: Index) -> list:
    """``np.lexsort`` keys, the last first: by relevance, papers matching every clause, then
    more matched without a typo, then the higher score; ties to the lower document number
    (newer, then more upvoted)."""
    if sort == "newest":
        return [docs]  # document numbers are newest first
    relevance = [docs, -scores.score[docs], -scores.exact[docs], scores.matched[docs] < clauses]
    if sort == "upvotes":
        return [*relevance, -np.array(_facets_of(index)["up"], dtype=np.int64)[docs]]
    return relevance


def search(
    index: Index, text: str, filters: Filters = Filters(), sort: str = "relevance"
) -> list[Hit]:
    """``run``, with what each result shows."""
    result = run(index, text, filters, sort)
    return [hit(index, d, result) for d in result.docs]


def hit(index: Index, doc: int, result: Result) -> Hit:
    paper_id, title, authors, day, upvotes = index.display(doc)
    return Hit(doc, paper_id, title, authors, day, upvotes, result.scores[doc].score)


def build_index(papers: Iterable[Paper]) -> Index:
    """An in-memory index of ``papers`` (what ``index_output`` makes, unencoded)."""
    return Index.from_files(build_files(papers))


# --- the index on disk -----------------------------------------------------------------------


def index_output(papers: list[Paper], hashes: dict[str, str], cache: Path | None) -> Output:
    """The index, as one output of the writer (``outputs.py``): the folder ``search-index/``,
    keyed by every record's hash (None, always made, for records not from the store)."""
    known = all(p.id in hashes for p in papers)
    key = tuple(sorted((p.id, hashes[p.id]) for p in papers)) if known else None
    return Output(INDEX_DIR, key, lambda: index_files(build_files(papers, cache)), group=True)


def code_version() -> str:
    """Changes whenever the index's code does (a new index format, new rules)."""
    return hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]
