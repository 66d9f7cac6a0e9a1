"""Whole-archive search: one index, read by the site's search box and by ``papers search``.

The index is lunr's: the same tokenizer rule, stop words, Porter stemmer and BM25 field
weights as ``lunr.Index`` (``tests/test_search.py`` checks the weights against the ``lunr``
package's own builder). What differs is its layout. lunr.js loads one whole index, ~2 MB per
1,000 papers; here the inverted index is split by the first two characters of each term, so a
browser downloads only the dictionary shards and postings of the words typed, and the papers'
display data in chunks of 10 (README, "Search", compares this with Pagefind at 50k papers).

Querying (here and in ``generator/theme/assets/javascripts/search.js``, which must agree):
every word must match (AND); a word matches its stemmed term, or, if the index lacks that
term, terms one edit away (a typo); the word being typed also matches the most frequent terms
it starts with. A paper's score sums boost × weight over the terms it matched, in integers, so
both sides rank identically; ties go to the newer, more upvoted paper.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path

from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS

from .escape import printable
from .model import Paper
from .store import write_if_changed

FORMAT = 1
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
BOOST_EXACT, BOOST_PREFIX, BOOST_FUZZY = 4, 2, 1
PREFIX_MIN, PREFIX_LIMIT = 3, 8  # a half-typed word of 3+ letters: its 8 commonest completions
FUZZY_MIN = 4  # shortest stem tried with one edit
CHUNK = 10  # papers per display chunk (results are scattered: small chunks, few bytes)
BLOCK_BYTES = 24_000  # postings per file, roughly; a bigger term gets a file of its own
EPOCH = date(1970, 1, 1)

_SPLIT = re.compile(r"[\s\-]+")  # lunr's token separator
_TRIM = re.compile(r"^[\W_]+|[\W_]+$")


class _Stemmer(PorterStemmer):
    """lunr.py's Porter stemmer with lunr.js's step 1c, so the browser stems alike.

    lunr.py turns a final y into i after any vowel ("always" -> "alwai"); lunr.js only after
    a consonant ("alway"): 113 of 19,043 corpus words differ without this.
    """

    def step1c(self) -> None:
        if self.k >= 2 and self.b[self.k] == "y" and self.b[self.k - 1] not in "aeiou":
            self.b = self.b[: self.k] + "i" + self.b[self.k + 1 :]


_stemmer = _Stemmer()
_stems: dict[str, str] = {}


def stem(word: str) -> str:
    found = _stems.get(word)
    if found is None:
        found = _stems[word] = _stemmer.stem(word)
    return found


def words(text: str) -> list[str]:
    """Lowercased tokens with leading and trailing punctuation removed (lunr's trimmer)."""
    out = []
    for token in _SPLIT.split(unicodedata.normalize("NFKC", text).lower()):
        if token and not (token[0].isalnum() and token[-1].isalnum()):
            token = _TRIM.sub("", token)
        if token:
            out.append(token)
    return out


def analyze(text: str) -> list[str]:
    """The terms a text is indexed under: words, minus stop words, stemmed."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def field_texts(paper: Paper) -> tuple[str, ...]:
    org = paper.organization
    return (
        paper.title,
        "" if paper.is_title_only else paper.id,
        ", ".join(a.name for a in paper.authors),
        f"{org.name} {org.fullname or ''}" if org else "",
        ", ".join(paper.ai_keywords),
        paper.abstract,
    )


def search_order(papers: Iterable[Paper]) -> list[Paper]:
    """Document numbers: newest day first, then most upvoted; ties in scores go to the lower."""
    return sorted(papers, key=lambda p: (-p.daily_date.toordinal(), -p.upvotes, p.id))


@dataclass
class Index:
    papers: list[Paper]
    postings: dict[str, array]  # term -> [doc, weight * 8 + field, doc, ...] by doc
    df: dict[str, int] = field(default_factory=dict)  # term -> papers containing it
    shards: dict[str, list[str]] = field(default_factory=dict)  # shard key -> sorted terms

    def __post_init__(self) -> None:
        for term, plist in self.postings.items():
            self.df[term] = len(set(plist[::2]))
            self.shards.setdefault(shard_key(term), []).append(term)
        for terms in self.shards.values():
            terms.sort()


def shard_key(term: str) -> str:
    return term[:2].encode("utf-8").hex()


def build_index(papers: Iterable[Paper]) -> Index:
    ordered = search_order(papers)
    counts = [[Counter(analyze(text)) for text in field_texts(p)] for p in ordered]
    return Index(ordered, _weights(counts))


def _weights(counts: list[list[Counter]]) -> dict[str, array]:
    """lunr's BM25 weight of every (paper, field, term), rounded to hundredths."""
    docs = len(counts) or 1
    lengths = [sum(sum(c[f].values()) for c in counts) / docs or 1 for f in range(len(FIELDS))]
    # lunr counts a term once per field it occurs in, not once per paper.
    field_df = Counter(term for fields in counts for c in fields for term in c)
    idf = {t: math.log(1 + abs((docs - n + 0.5) / (n + 0.5))) for t, n in field_df.items()}
    # Arrays, not lists of ints: 7.5M postings at 50k papers are 60 MB instead of 400 MB; and
    # each paper's counts are dropped once weighed, to keep the build's peak memory down.
    postings: defaultdict[str, array] = defaultdict(lambda: array("i"))
    for doc, fields in enumerate(counts):
        counts[doc] = []
        for f, terms in enumerate(fields):
            norm = K1 * (1 - B + B * sum(terms.values()) / lengths[f])
            scale = (K1 + 1) * FIELDS[f][1] * 100
            for term, tf in terms.items():
                # lunr's score is idf * (k1 + 1) * tf / (norm + tf) * boost; kept in hundredths
                weight = int(idf[term] * scale * tf / (norm + tf) + 0.5) or 1
                plist = postings[term]
                plist.append(doc)
                plist.append(weight * 8 + f)
    return postings


# --- querying ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    word: str
    stem: str  # "" for a stop word
    prefix: bool  # the word is still being typed


def parse_query(text: str) -> list[Clause]:
    typed = words(text)
    typing = bool(text) and not text[-1].isspace()
    clauses = []
    for i, word in enumerate(typed):
        last = typing and i == len(typed) - 1
        is_stop = word in STOP_WORDS
        if is_stop and not last:
            continue
        clauses.append(
            Clause(word, "" if is_stop else stem(word), last and len(word) >= PREFIX_MIN)
        )
    if len(clauses) > 1 and not clauses[-1].stem:
        clauses.pop()  # "priors for": a stop word being typed after other words is not required
    return clauses


def expand(clause: Clause, df: dict[str, int], shard: Callable[[str], list[str]]) -> dict:
    """The terms a clause matches, with their boosts."""
    terms: dict[str, int] = {}
    if clause.stem in df:
        terms[clause.stem] = BOOST_EXACT
    if clause.prefix:
        starting = [t for t in shard(clause.word) if t.startswith(clause.word)]
        for term in sorted(starting, key=lambda t: (-df[t], t))[:PREFIX_LIMIT]:
            terms.setdefault(term, BOOST_PREFIX)
    if not terms and len(clause.stem) >= FUZZY_MIN:
        for term in shard(clause.stem):
            if one_edit(clause.stem, term):
                terms[term] = BOOST_FUZZY
    return terms


def one_edit(a: str, b: str) -> bool:
    """True if b is one insertion, deletion, substitution or transposition away from a."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    return a[i + 1 :] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1 :]


def score(clause_terms: list[dict[str, int]], postings: Callable[[str], list[int]]) -> dict:
    """doc -> score, for the papers that match every clause."""
    total: dict[int, int] | None = None
    for terms in clause_terms:
        scores: dict[int, int] = {}
        for term, boost in terms.items():
            plist = postings(term)
            for i in range(0, len(plist), 2):
                doc = plist[i]
                scores[doc] = scores.get(doc, 0) + boost * (plist[i + 1] >> 3)
        if total is None:
            total = scores
        else:
            total = {d: s + scores[d] for d, s in total.items() if d in scores}
    return total or {}


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    until: date | None = None
    category: str | None = None
    org: str | None = None
    has_code: bool = False

    def accepts(self, paper: Paper) -> bool:
        day, arxiv, org = paper.daily_date, paper.arxiv, paper.organization
        return (
            (self.since is None or day >= self.since)
            and (self.until is None or day <= self.until)
            and (self.category is None or bool(arxiv and self.category in arxiv.categories))
            and (self.org is None or bool(org and org.name == self.org))
            and (not self.has_code or bool(paper.github_repo))
        )


SORTS = ("relevance", "upvotes", "newest")


@dataclass
class Hit:
    paper: Paper
    score: int
    terms: set[str]


def search(
    index: Index, text: str, filters: Filters = Filters(), sort: str = "relevance"
) -> list[Hit]:
    """Papers matching ``text``, best first (``sort``: relevance, upvotes or newest)."""
    clauses = parse_query(text)
    if not clauses:
        return []
    expanded = [expand(c, index.df, lambda w: index.shards.get(shard_key(w), [])) for c in clauses]
    matched = {t for terms in expanded for t in terms}
    scores = score(expanded, lambda t: index.postings.get(t, []))
    docs = [d for d in scores if filters.accepts(index.papers[d])]
    docs.sort(key=_sort_key(sort, scores, index.papers))
    return [Hit(index.papers[d], scores[d], matched) for d in docs]


def _sort_key(sort: str, scores: dict[int, int], papers: list[Paper]):
    if sort == "upvotes":
        return lambda d: (-papers[d].upvotes, -scores[d], d)
    if sort == "newest":
        return lambda d: d  # document numbers are newest first
    return lambda d: (-scores[d], d)


# --- writing the index for the browser ------------------------------------------------------


def index_files(index: Index) -> dict[str, bytes]:
    """Every file of the site's index, by path relative to the index folder."""
    files: dict[str, bytes] = {}
    blocks = _blocks(index)
    for key, terms in index.shards.items():
        files[f"d/{key}.json"] = _json({t: [index.df[t], blocks[t]] for t in terms})
    by_block: dict[int, dict[str, list[int]]] = {}
    for term, block in blocks.items():
        by_block.setdefault(block, {})[term] = _by_field(index.postings[term])
    files.update({f"p/{n}.json": _json(terms) for n, terms in by_block.items()})
    for start in range(0, len(index.papers), CHUNK):
        chunk = index.papers[start : start + CHUNK]
        files[f"docs/{start // CHUNK}.json"] = _json([_display(p) for p in chunk])
    files["facets.json"] = _json(_facets(index.papers))
    # The browser asks for every other file with ?v=<version>: after a rebuild, no cached shard
    # of the previous index is mixed with the new dictionary.
    digest = hashlib.sha1()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + files[rel])
    files["meta.json"] = _json(
        _meta() | {"papers": len(index.papers), "version": digest.hexdigest()[:12]}
    )
    return files


def _blocks(index: Index) -> dict[str, int]:
    """Postings files: terms in sorted order, packed into files of about BLOCK_BYTES."""
    blocks, block, size = {}, 0, 0
    for term in sorted(index.postings):
        cost = len(term) + 4 * len(index.postings[term])
        if size and size + cost > BLOCK_BYTES:
            block, size = block + 1, 0
        blocks[term] = block
        size += cost
    return blocks


def _by_field(plist: list[int]) -> list:
    """A term's postings as stored: per field, [field, doc gaps..., weights...] (half the
    gzipped size of interleaved pairs: gaps and weights each compress among their kind)."""
    fields: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(0, len(plist), 2):
        docs, weights = fields.setdefault(plist[i + 1] & 7, ([], []))
        docs.append(plist[i])
        weights.append(plist[i + 1] >> 3)
    out = []
    for f, (docs, weights) in sorted(fields.items()):
        gaps = [docs[0], *(b - a for a, b in pairwise(docs))]
        out.append([f, *gaps, *weights])
    return out


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


def _meta() -> dict:
    """The rules search.js needs to query as parse_query/expand/score do."""
    return {
        "format": FORMAT,
        "chunk": CHUNK,
        "boost": {"exact": BOOST_EXACT, "prefix": BOOST_PREFIX, "fuzzy": BOOST_FUZZY},
        "prefixMin": PREFIX_MIN,
        "prefixLimit": PREFIX_LIMIT,
        "fuzzyMin": FUZZY_MIN,
        "stopWords": sorted(STOP_WORDS),
    }


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


INDEX_DIR = "search-index"  # in the generated folder, so `papers serve` and the build carry it


def update_index(papers: list[Paper], out: Path, cache: Path, hashes: dict[str, str]) -> int:
    """Rebuild the site's index in ``<out>/search-index/`` unless no paper changed since the
    last time; returns the number of files written."""
    key = _index_key(papers, hashes)
    stamp = cache / "search.key"
    folder = out / INDEX_DIR
    if key and stamp.exists() and stamp.read_text() == key and (folder / "meta.json").exists():
        return 0
    files = index_files(build_index(papers))
    # Not fsynced like data/: the index is rebuilt from data/ if a crash loses it.
    written = sum(
        write_if_changed(folder / rel, data, durable=False) for rel, data in files.items()
    )
    for old in list(folder.rglob("*.json")):
        if old.relative_to(folder).as_posix() not in files:
            old.unlink()
    if key:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(key)
    return written


def _index_key(papers: list[Paper], hashes: dict[str, str]) -> str | None:
    if any(p.id not in hashes for p in papers):
        return None  # records not from the store: always rebuild
    digest = hashlib.sha1(Path(__file__).read_bytes())
    for paper_id in sorted(p.id for p in papers):
        digest.update(f"{paper_id}={hashes[paper_id]};".encode())
    return digest.hexdigest()
