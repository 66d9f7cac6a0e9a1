"""The analysis of text into terms, by the rules both implementations follow.

``RULES`` (shipped to the browser in meta.json) and the patterns compiled from them; a word's
term (stop words, British spellings, lunr.js's Porter stemmer); a text's chunks and terms
(``chunk``, ``chunks``, ``analyze``, ``joins``); a paper's field texts (``FIELDS``,
``field_texts``). And the term counts of papers (``counts``), kept between builds so a day's
update analyses only its new and edited papers (``Analysed``), and analysed on every core when
there are many. Read by ``build`` (postings), ``query`` (a query's clauses) and
``generator.render.related`` (TF-IDF vectors).
"""

from __future__ import annotations

import hashlib
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, count
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import regex
from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS

from .. import cache as kept
from .. import workers
from .disk import code_version

if TYPE_CHECKING:  # only named in annotations: `papers search` never loads the model
    from ..model import Paper

# (field, lunr boost). Index order is the field number stored in each posting.
FIELDS: tuple[tuple[str, int], ...] = (
    ("title", 10),
    ("id", 10),
    ("authors", 3),
    ("org", 2),
    ("keywords", 2),
    ("abstract", 1),
)
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
    # author:"Name" (straight or curly quotes, the closing one optional while typing) or
    # author:Name (one word); search/authors.py. Spelled out, not (?i): JavaScript lacks it.
    "author": (
        r"(?<![\p{L}\p{N}\p{M}])[Aa][Uu][Tt][Hh][Oo][Rr]:"
        r'(?:["\u201c\u201d]([^"\u201c\u201d]*)["\u201c\u201d]?|([\p{L}\p{N}\p{M}.\u0027\u2019\-]+))'
    ),
    # Letters an author's name key folds that Unicode does not decompose into a letter and
    # an accent (authors.py author_key).
    "authorFold": {
        "ß": "ss",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "þ": "th",
        "ħ": "h",
        "ŧ": "t",
    },
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


# --- term counts, kept between builds -------------------------------------------------------
def counts(
    ordered: list[Paper],
    cache: Path | None = None,
    fields: Iterable[int] | None = None,
    keep: bool = True,
) -> tuple:
    """The term counts of every (paper, field), as columns: vocabulary, paper, field, term
    (a number in the vocabulary), count; ``fields`` (numbers in FIELDS): only those. Analysis
    is most of the index stage's time, so papers whose texts were analysed by the last build
    (``cache``: a folder) are not analysed again: a day's update analyses its new and edited
    papers only. The cache then keeps these papers' analyses (only theirs); not with ``keep``
    False, for a caller that asks about a few papers of the archive."""
    texts = [field_texts(p) for p in ordered]
    digests = [_digest(t) for t in texts]
    known = Analysed.read(cache)
    todo = dict(zip(digests, texts, strict=True))
    todo = {d: t for d, t in todo.items() if d not in known.rows}
    del texts
    if todo:
        known = known.plus(list(todo), _analyse(list(todo.values())))
    if keep and cache is not None and (todo or len(known.rows) != len(set(digests))):
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
        analysed = kept.load(cache / cls.FILE if cache else None, code_version())
        return analysed if isinstance(analysed, Analysed) else cls.empty()

    def write(self, cache: Path) -> None:
        kept.save(cache / self.FILE, code_version(), self)

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
    processes = workers.count()
    size = max(SLICE, -(-len(texts) // (4 * processes)))
    slices = [texts[i : i + size] for i in range(0, len(texts), size)]
    if len(slices) > 1 and processes > 1:
        from concurrent.futures import ProcessPoolExecutor  # here: `papers search` starts faster

        context = workers.spawn()
        with ProcessPoolExecutor(min(processes, len(slices)), mp_context=context) as pool:
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
