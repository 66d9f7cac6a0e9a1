"""The exact-author query, ``author:"Name"``: its syntax, the name keys, and the index's
author files (search-core.js ``authors``, its twin).

A query's ``author:"Name"`` clauses (``split_authors``) leave the rest of the text to the word
search; each names one author, by a key (``author_key``) folded for case, accents and
punctuation, with initials kept apart: "J. Smith" is not "John Smith" (``benchmarks/
author_names.py`` measured what each fold joins on the corpus). The index keeps each key's
papers in ``a/<shard>.json`` files, a shard by a hash of the key (``author_shard``), papers
numbered from the oldest (as the display chunks: a new day rewrites only its authors' shards).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import regex

from .analysis import RULES
from .disk import Encoded, _json

if TYPE_CHECKING:
    from ..model import Paper

_CLAUSE = regex.compile(RULES["author"])
_MARKS = regex.compile(r"\p{M}+")
_SEPARATORS = regex.compile(r"[^\p{L}\p{N}]+")
_FOLD = str.maketrans(RULES["authorFold"])
SHARD_KEYS = 64  # author keys per shard, about: 2-3 KB a file


def split_authors(text: str) -> tuple[list[str], str]:
    """The names of a query's ``author:`` clauses (quoted, or one word), and the rest of the
    query with each clause replaced by a space; a clause with no name is dropped."""
    names = [m.group(1) if m.group(1) is not None else m.group(2) for m in _CLAUSE.finditer(text)]
    return [n for n in names if author_key(n)], _CLAUSE.sub(" ", text)


def author_key(name: str) -> str:
    """A name as the index keys it: NFKC, lower case, accents off (and the letters that have
    none to take off, ``authorFold``), every run of other characters one space."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", name).lower())
    text = _MARKS.sub("", text).translate(_FOLD)
    return _SEPARATORS.sub(" ", text).strip()


def author_shard(key: str, shards: int) -> int:
    """The file of a key: FNV-1a (32 bits) of its UTF-8, modulo the number of shards."""
    value = 0x811C9DC5
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def author_files(ordered: Sequence[Paper]) -> tuple[dict[str, Encoded], int]:
    """The author files of papers in document order, and their number of shards (a power of
    two, so that the archive's growth seldom moves keys between files)."""
    papers: dict[str, list[int]] = defaultdict(list)
    for back, paper in enumerate(reversed(ordered)):
        for key in dict.fromkeys(author_key(a.name) for a in paper.authors if not a.hidden):
            if key:
                papers[key].append(back)
    shards = 1
    while shards * SHARD_KEYS < len(papers):
        shards *= 2
    grouped: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for key in sorted(papers):
        grouped[author_shard(key, shards)][key] = papers[key]
    return {f"a/{n}.json": Encoded(_json(keys)) for n, keys in grouped.items()}, shards


def author_docs(names: list[str], get: Callable[[str], Any], meta: dict) -> list[int]:
    """The document numbers of the papers every name is an author of, newest first."""
    found: set[int] | None = None
    for name in names:
        key = author_key(name)
        shard = author_shard(key, meta["authorShards"])
        backs = get(f"a/{shard}.json").get(key, [])
        docs = {meta["papers"] - 1 - back for back in backs}
        found = docs if found is None else found & docs
    return sorted(found or ())
