"""arXiv's API (Atom): categories, DOI, journal reference, comments, version, for known ids;
and a title search that reveals the arXiv id of a paper known only by its title.

Parsing is feedparser's; requests go through the shared client with a rate limiter, because
arXiv asks for at most one call every 3 seconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import feedparser

from ...errors import InputError
from ...model import ArxivInfo, Author, clean_text
from ..http import response_time

BATCH = 100  # ids per call: arXiv allows a few hundred, and smaller answers fail less
_ID_IN_URL = re.compile(r"/abs/(?P<id>\d{4}\.\d{4,5})(?:v(?P<v>\d+))?$")


class ArxivEntry:
    """One paper as arXiv describes it."""

    def __init__(
        self,
        arxiv_id: str,
        info: ArxivInfo,
        title: str,
        abstract: str,
        authors: list[Author],
        published: datetime | None,
    ):
        self.id, self.info, self.title = arxiv_id, info, title
        self.abstract, self.authors, self.published = abstract, authors, published


Fetched = tuple[bytes, str, datetime | None]  # the answer, its URL, when arXiv answered


def fetch_arxiv(client, endpoint: str, limiter, **params: Any) -> Fetched:
    response = client.get(endpoint, params=params, limiter=limiter)
    return response.content, str(response.url), response_time(response)


def fetch_by_ids(client, endpoint: str, limiter, ids: list[str]) -> Fetched:
    return fetch_arxiv(client, endpoint, limiter, id_list=",".join(ids), max_results=len(ids))


def fetch_by_title(client, endpoint: str, limiter, title: str) -> Fetched:
    words = re.sub(r"[^\w\s-]", " ", title).split()
    query = "ti:" + " AND ti:".join(words) if words else 'ti:""'
    return fetch_arxiv(client, endpoint, limiter, search_query=query, max_results=10)


def parse_arxiv_feed(data: bytes, where: str) -> list[ArxivEntry]:
    """The entries of an Atom answer; an answer that is not a feed is an error."""
    feed = feedparser.parse(data)
    if feed.bozo and not feed.entries:
        raise InputError(where, f"not an arXiv Atom feed: {feed.get('bozo_exception')}")
    if not feed.feed and not feed.entries:
        raise InputError(where, "not an arXiv Atom feed (no feed element)")
    entries = []
    for entry in feed.entries:
        match = _ID_IN_URL.search(entry.get("id", ""))
        if match is None:  # arXiv reports a bad id as an entry titled "Error"
            continue
        entries.append(_entry(entry, match["id"], int(match["v"]) if match["v"] else None))
    return entries


def _entry(entry: Any, arxiv_id: str, version: int | None) -> ArxivEntry:
    primary = (entry.get("arxiv_primary_category") or {}).get("term")
    categories = [t["term"] for t in entry.get("tags", []) if t.get("term")]
    info = ArxivInfo(
        primary_category=primary,
        categories=list(dict.fromkeys(([primary] if primary else []) + categories)),
        doi=clean_text(entry.get("arxiv_doi")) or None,
        journal_ref=clean_text(entry.get("arxiv_journal_ref")) or None,
        comments=clean_text(entry.get("arxiv_comment")) or None,
        version=version,
        updated=_time(entry.get("updated_parsed")),
    )
    authors = [
        Author(name=clean_text(a["name"])) for a in entry.get("authors", []) if a.get("name")
    ]
    return ArxivEntry(
        arxiv_id,
        info,
        clean_text(entry.get("title")),
        clean_text(entry.get("summary")),
        authors,
        _time(entry.get("published_parsed")),
    )


def _time(parsed: Any) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
