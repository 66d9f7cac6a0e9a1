"""Merging two captures of the same paper into one record, without ever losing what is known.

The rules make merging two captures order-independent (``merge(a, b)`` and ``merge(b, a)`` give
the same fields) and idempotent:

- counts (upvotes, comments, GitHub stars) take the larger value: they only grow in practice, and
  so importing an old snapshot after a fresh fetch never rolls them back;
- an empty or missing field never erases a stored one;
- every other field (text, lists, the daily date) comes from the capture with the larger
  ``Paper.capture_key``: the more trusted source (``model.SOURCE_RANK``: a plain-text scrape
  only fills gaps), then the later capture time, whatever the order captures arrive in;
  an older capture only fills gaps. A record's key is the best of its sources', so a field the
  newest capture left empty keeps whichever older value the record had (with three or more
  captures that one can depend on their order: data/README.md);
- two captures with the same key that disagree keep the longer value (then the larger), so the
  result still does not depend on the order;
- arXiv's metadata (``arxiv``) comes from the latest non-empty answer from arXiv;
- a title-only id gives way to a real arXiv id;
- provenance gains the new capture; a capture that changed nothing leaves its entry untouched,
  so re-importing the same file rewrites nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from .model import Paper, Source

COUNTS = ("upvotes", "num_comments", "github_stars")


def merge(old: Paper, new: Paper) -> Paper:
    """The record that results from learning ``new`` when ``old`` is stored."""
    fields = {
        name: _merge_field(name, old, new) for name in Paper.model_fields if name != "sources"
    }
    changed = any(fields[name] != getattr(old, name) for name in fields)
    fields["sources"] = _merge_sources(old.sources, new.sources, changed)
    merged = Paper(**fields)
    return old if merged == old else merged


def _merge_field(name: str, old: Paper, new: Paper) -> Any:
    a, b = getattr(old, name), getattr(new, name)
    if name == "id":
        return b if old.is_title_only and not new.is_title_only else a
    if name in COUNTS:
        return max(a, b) if a is not None and b is not None else (a if b is None else b)
    if _empty(b):
        return a
    if _empty(a):
        return b
    if name == "arxiv":  # arXiv's own record: the latest answer is the truth
        return _newer(a, b, old.arxiv_time, new.arxiv_time)
    return _newer(a, b, old.capture_key, new.capture_key)


def _newer(a: Any, b: Any, key_a: Any, key_b: Any) -> Any:
    """The value with the larger key; on a tie the longer value, then the larger, so that the
    result never depends on which capture came first."""
    if key_a != key_b:
        return a if key_a > key_b else b
    return max(a, b, key=_tie_break)


def _tie_break(value: Any) -> tuple[int, str]:
    text = value if isinstance(value, str) else to_json(value).decode()
    return len(text), text


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _merge_sources(old: list[Source], new: list[Source], changed: bool) -> list[Source]:
    by_key = {(s.kind, s.ref): s for s in old}
    for source in new:
        known = by_key.get((source.kind, source.ref))
        # Two captures can share a ref (same file name, same URL): keep the later time, so the
        # record's capture_key never moves back.
        if known is None or (changed and source.fetched_at > known.fetched_at):
            by_key[(source.kind, source.ref)] = source
    return sorted(by_key.values(), key=lambda s: (s.fetched_at, s.kind, s.ref))
