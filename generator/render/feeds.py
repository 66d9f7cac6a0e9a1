"""Atom, RSS 2.0 and JSON Feed files for the latest papers and for each topic.

Atom and RSS are written by feedgen (escaping, dates, namespaces); JSON Feed 1.1 is plain JSON.
Every timestamp comes from the papers, never from the clock, so a re-render with the same data
writes the same bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from xml.etree import ElementTree

from feedgen.feed import FeedGenerator

from .. import layout
from ..model import Paper
from .citation import visible_authors

KINDS = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
OPML = layout.all_feeds()  # every feed, for a feed reader to subscribe to at once
# XML 1.0 forbids most control characters; feedgen (lxml) refuses them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Feed:
    slug: str  # "latest", "category/cs.CV", "org/GD-ML": feeds/<slug>/<file>
    title: str
    description: str
    page: str  # absolute URL of the page the feed follows
    papers: list[Paper]

    def path(self, kind: str) -> str:
        return layout.feed(self.slug) + KINDS[kind]


def paper_time(paper: Paper) -> datetime:
    return paper.submitted_at or datetime.combine(paper.daily_date, time(), tzinfo=UTC)


def render_feed(feed: Feed, site_url: str) -> dict[str, bytes]:
    """The feed in every format: path under generated/ -> bytes."""
    return {
        feed.path("atom"): _feedgen(feed, site_url, "atom").atom_str(pretty=True),
        feed.path("rss"): _feedgen(feed, site_url, "rss").rss_str(pretty=True),
        feed.path("json"): _json_feed(feed, site_url),
    }


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _summary(paper: Paper) -> str:
    return paper.ai_summary or paper.abstract or paper.title


def _feedgen(feed: Feed, site_url: str, kind: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(feed.page)
    fg.title(_xml(feed.title))
    fg.subtitle(_xml(feed.description))
    # feedgen takes RSS's <link> from the last link given: the page, after the feed itself.
    fg.link(href=site_url + feed.path(kind), rel="self")
    fg.link(href=feed.page, rel="alternate")
    fg.language("en")
    updated = max((paper_time(p) for p in feed.papers), default=datetime(2023, 5, 4, tzinfo=UTC))
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for paper in reversed(feed.papers):  # feedgen prepends: newest ends up first
        _entry(fg.add_entry(), paper, site_url)
    return fg


def entry_id(paper: Paper, site_url: str) -> str:
    return site_url + layout.feed_entry_id(paper.id)


def _entry(entry, paper: Paper, site_url: str) -> None:
    entry.id(entry_id(paper, site_url))
    entry.title(_xml(paper.title))
    entry.link(href=site_url + layout.paper(paper.id).url)
    entry.summary(_xml(_summary(paper)))
    entry.published(paper_time(paper))
    entry.updated(paper_time(paper))
    for author in visible_authors(paper)[:20]:
        entry.author({"name": _xml(author.name)})
    for category in paper.arxiv.categories if paper.arxiv else []:
        entry.category(term=_xml(category))


def _json_feed(feed: Feed, site_url: str) -> bytes:
    items = [
        {
            "id": entry_id(p, site_url),
            "url": site_url + layout.paper(p.id).url,
            "title": p.title,
            "content_text": _summary(p),
            "date_published": paper_time(p).isoformat(),
            "authors": [{"name": a.name} for a in visible_authors(p)[:20]],
            **({"tags": p.arxiv.categories} if p.arxiv and p.arxiv.categories else {}),
            **({"external_url": f"https://arxiv.org/abs/{p.id}"} if not p.is_title_only else {}),
        }
        for p in feed.papers
    ]
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.description,
        "home_page_url": feed.page,
        "feed_url": site_url + feed.path("json"),
        "language": "en",
        "items": items,
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# Where each feed goes in the OPML file: the slug's first part -> its folder's title.
_OPML_FOLDERS = {"category": "arXiv categories", "org": "Organisations"}


def opml(feeds: list[Feed], site_url: str, site_name: str) -> bytes:
    """An OPML 2.0 subscription list of ``feeds`` (their Atom files), the latest papers first,
    then a folder per kind of topic. No dateCreated: the same feeds give the same bytes."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = _xml(f"{site_name}: all feeds")
    body = ElementTree.SubElement(root, "body")
    folders: dict[str, ElementTree.Element] = {}
    for feed in feeds:
        kind = feed.slug.split("/")[0]
        parent = body
        if kind in _OPML_FOLDERS:
            if kind not in folders:
                title = _OPML_FOLDERS[kind]
                folders[kind] = ElementTree.SubElement(body, "outline", text=title, title=title)
            parent = folders[kind]
        ElementTree.SubElement(parent, "outline", _opml_feed(feed, site_url))
    ElementTree.indent(root, space=" ")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _opml_feed(feed: Feed, site_url: str) -> dict[str, str]:
    # type="rss" is OPML 2.0's word for any feed a reader subscribes to, Atom included.
    title = _xml(feed.title)
    return {
        "type": "rss",
        "text": title,
        "title": title,
        "xmlUrl": site_url + feed.path("atom"),
        "htmlUrl": feed.page,
    }
