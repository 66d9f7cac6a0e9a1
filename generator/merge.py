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
- the Hub's citing repositories (``hub``): for each kind (models, datasets, Spaces) the list
  of the latest answer that listed any, whole (its order and counts, which may go down:
  downloads are a 30-day count). An empty list never erases a stored one (a repository made
  private or deleted stays listed until a newer answer lists others of that kind: a glitch
  answering ``[]`` must not wipe what is known). Two answers with the same lists keep the
  earlier time, so an unchanged answer rewrites nothing; a failed request stores nothing;
- a title-only id gives way to a real arXiv id;
- provenance gains the new capture; a capture that changed nothing leaves its entry untouched,
  so re-importing the same file rewrites nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from .model import HUB_KINDS, HubCitations, Paper, Source

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
    if name == "hub":
        return _merge_hub(a, b)
    if name == "arxiv":  # arXiv's own record: the latest answer is the truth
        return _newer(a, b, old.arxiv_time, new.arxiv_time)
    return _newer(a, b, old.capture_key, new.capture_key)


def _newer(a: Any, b: Any, key_a: Any, key_b: Any) -> Any:
    """The value with the larger key; on a tie the longer value, then the larger, so that the
    result never depends on which capture came first."""
    if key_a != key_b:
        return a if key_a > key_b else b
    return max(a, b, key=_tie_break)


def _merge_hub(a: HubCitations, b: HubCitations) -> HubCitations:
    lists = {}
    for kind in HUB_KINDS:
        x, y = getattr(a, kind), getattr(b, kind)
        lists[kind] = x if not y else y if not x else _newer(x, y, a.fetched_at, b.fetched_at)
    for answer in sorted((a, b), key=lambda h: h.fetched_at):
        if all(lists[kind] == getattr(answer, kind) for kind in HUB_KINDS):
            return answer  # the earlier of two same answers: nothing to rewrite
    return HubCitations(fetched_at=max(a.fetched_at, b.fetched_at), **lists)


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
