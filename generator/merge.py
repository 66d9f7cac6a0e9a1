"""Merging two captures of the same paper into one record, without ever losing what is known.

The rules make merging order-independent for counts and idempotent for everything:

- counts (upvotes, comments, GitHub stars) take the larger value: they only grow in practice, and
  so importing an old snapshot after a fresh fetch never rolls them back;
- an empty or missing field never erases a stored one;
- text fields take the newer capture unless it comes from a less trusted source
  (``model.SOURCE_RANK``: a plain-text scrape only fills gaps);
- the daily date stays unless a more trusted source says otherwise;
- arXiv's metadata (``arxiv``) is replaced by each newer non-empty answer from arXiv;
- a title-only id gives way to a real arXiv id;
- provenance gains the new capture; a capture that changed nothing leaves its entry untouched,
  so re-importing the same file rewrites nothing.
"""

from __future__ import annotations

from typing import Any

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
    if name == "arxiv":  # arXiv's own record: the latest non-empty answer is the truth
        return b or a
    if name == "daily_date":
        return b if new.rank > old.rank else a
    if _empty(b):
        return a
    if _empty(a) or new.rank >= old.rank:
        return b
    return a


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _merge_sources(old: list[Source], new: list[Source], changed: bool) -> list[Source]:
    by_key = {(s.kind, s.ref): s for s in old}
    for source in new:
        if changed or (source.kind, source.ref) not in by_key:
            by_key[(source.kind, source.ref)] = source
    return sorted(by_key.values(), key=lambda s: (s.fetched_at, s.kind, s.ref))
