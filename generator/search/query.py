"""Querying the index: what ``papers search``, the tests and (in search-core.js) the browser do.

A query's clauses (``clean_query``, ``parse_query``); the index read file by file through
``get(path)`` (``Index``); the terms matching a clause, with typo corrections and completions
(``expand``, ``corrections``, ``completions``, ``edit_distance``); every paper's score
(``score``), the filters (``Filters``) and the order of the results (``run``, ``SORTS``); what a
result shows (``search``, ``hit``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate, chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .analysis import _ARXIV, _LETTERS, RULES, chunks, normalize
from .authors import author_docs, split_authors
from .build import EPOCH, build_files, display_file, prefix_key, suffix_key
from .disk import Encoded

if TYPE_CHECKING:  # only named in annotations: `papers search` never loads the model
    from ..model import Paper

BOOST = RULES["boost"]


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

    def __init__(self, get: Callable[[str], Any], get_bytes: Callable[[str], bytes] | None = None):
        self.get = get
        self.get_bytes = get_bytes  # the files that are not JSON (the semantic side's)
        self.meta = get("meta.json")
        self.papers = self.meta["papers"]
        self.extras: dict[str, Any] = {}  # what later stages keep per index (the vectors)

    @classmethod
    def from_files(cls, files: dict[str, Any]) -> Index:
        def read(rel: str) -> Any:
            # A shard no term falls in does not exist: it reads as empty (a 404 in the browser).
            value = files.get(rel, {})
            return json.loads(value) if isinstance(value, Encoded) else value

        return cls(lru_cache(maxsize=None)(read), lambda rel: bytes(files[rel]))

    @classmethod
    def from_folder(cls, folder: Path) -> Index:
        def read(rel: str) -> Any:
            path = folder / rel
            return json.loads(path.read_bytes()) if path.exists() else {}

        return cls(lru_cache(maxsize=None)(read), lambda rel: (folder / rel).read_bytes())

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
        name, place = display_file(doc, self.papers)
        return self.get(name)[place]


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
    authors: list[str] = field(default_factory=list)  # the query's author: names
    only: np.ndarray | None = None  # with authors: the papers they wrote together


def has_query(text: str) -> bool:
    """Whether ``text`` asks for anything: a word to search for, or an author."""
    names, rest = split_authors(text)
    return bool(names or parse_query(rest))


def run(index: Index, text: str, filters: Filters = Filters(), sort: str = "relevance") -> Result:
    """Every paper matching ``text``, best first (search-core.js ``run``). Its author: clauses
    keep only those authors' papers; with no words besides, newest first (or by upvotes)."""
    names, rest = split_authors(text)
    clauses = parse_query(rest)
    only = np.array(author_docs(names, index.get, index.meta), np.int64) if names else None
    if not clauses:
        return _by_authors(index, names, only, filters, sort) if names else Result([])
    expanded = [expand(c, index) for c in clauses]
    scores = score(clauses, expanded, index)
    docs = scores.docs
    if only is not None:
        docs = docs[np.isin(docs, only)]
    every = scores.matched[docs] == len(clauses)
    if sort != "relevance" and every.any():
        # Sorted by upvotes or date, partial matches would bury the papers asked for.
        docs = docs[every]
    docs = _filtered(index, docs, filters)
    order = np.lexsort(_sort_keys(sort, scores, docs, len(clauses), index))
    matched = {t for terms in expanded for t in terms}
    return Result(docs[order].tolist(), scores, matched, clauses, names, only)


def _by_authors(index: Index, names: list[str], only, filters: Filters, sort: str) -> Result:
    """An author query with no words: the authors' papers, newest first (document order),
    or most upvoted first."""
    docs = _filtered(index, only, filters)
    if sort == "upvotes":
        docs = docs[np.lexsort([docs, -np.array(facets_of(index)["up"], np.int64)[docs]])]
    return Result(docs.tolist(), authors=names, only=only)


def _filtered(index: Index, docs: np.ndarray, filters: Filters) -> np.ndarray:
    if not filters or not len(docs):
        return docs
    accepts = filters.accepts(facets_of(index))
    return docs[[accepts(d) for d in docs.tolist()]]


def facets_of(index: Index) -> dict:
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
        return [*relevance, -np.array(facets_of(index)["up"], dtype=np.int64)[docs]]
    return relevance


def search(
    index: Index, text: str, filters: Filters = Filters(), sort: str = "relevance"
) -> list[Hit]:
    """``run``, with what each result shows."""
    result = run(index, text, filters, sort)
    return [hit(index, d, result) for d in result.docs]


def hit(index: Index, doc: int, result: Result) -> Hit:
    """What result ``doc`` shows; a paper found by meaning alone scores 0 by its words."""
    paper_id, title, names, more, day, upvotes = index.display(doc)
    authors = ", ".join(names) + (f" +{more}" if more else "")
    found = result.scores.get(doc) if result.scores else None
    return Hit(doc, paper_id, title, authors, day, upvotes, found.score if found else 0)


def build_index(papers: Iterable[Paper]) -> Index:
    """An in-memory index of ``papers`` (what ``index_output`` makes, unencoded)."""
    return Index.from_files(build_files(papers))
