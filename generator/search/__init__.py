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

**The modules.** ``analysis`` (the rules, text to terms, and papers' term counts), ``build``
(the index's files from papers), ``query`` (reading the index and ranking) and ``disk`` (the
files' bytes and versions), each importing only those before it, ``disk`` first. This package
re-exports the names the rest of the project uses, so ``search.run`` and the like read as one
module.
"""

from ..settings import INDEX_DIR
from .analysis import (
    FIELDS,
    RULES,
    Analysed,
    analyze,
    chunk_terms,
    chunks,
    clean,
    counts,
    field_texts,
    split_camel,
    stem,
    term,
)
from .authors import author_key, split_authors
from .build import EPOCH, build_files, index_output, prefix_key, search_order, suffix_key
from .disk import FORMAT, code_version, index_files
from .query import (
    BOOST,
    SORTS,
    Clause,
    Filters,
    Index,
    Result,
    build_index,
    clean_query,
    edit_distance,
    facets_of,
    has_query,
    hit,
    parse_query,
    run,
    search,
)

__all__ = [
    "BOOST",
    "EPOCH",
    "FIELDS",
    "FORMAT",
    "INDEX_DIR",
    "RULES",
    "SORTS",
    "Analysed",
    "Clause",
    "Filters",
    "Index",
    "Result",
    "analyze",
    "author_key",
    "build_files",
    "build_index",
    "chunk_terms",
    "chunks",
    "clean",
    "clean_query",
    "code_version",
    "counts",
    "edit_distance",
    "facets_of",
    "field_texts",
    "has_query",
    "hit",
    "index_files",
    "index_output",
    "parse_query",
    "prefix_key",
    "run",
    "search",
    "search_order",
    "split_authors",
    "split_camel",
    "stem",
    "suffix_key",
    "term",
]
