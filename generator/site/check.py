"""A smoke test of a built site, run by the update workflow before it uploads anything:
``papers check [SITE_DIR]`` prints what is wrong and exits 1.

It reads files only (no browser, no network) and checks what a broken dependency, theme or
template would break first: the front page, the latest day's page and a paper it links to carry
their landmarks (the header's search box, the article's title, the paper's ``citation_title``),
the 404 page exists, the sitemap parses and lists those pages, ``robots.txt`` points at the sitemap
by absolute URL, the feeds parse, the search index is there, the theme hook's fixes to
Material's markup landed (no ``autocomplete`` on the drawer checkboxes), and the site fits
GitHub Pages' 1 GB.
"""

from __future__ import annotations

import json
import os
import sys
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from xml.etree import ElementTree

from .. import layout

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _Page(HTMLParser):
    """The tags of a page (name and attributes, in order) and the text of its first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.h1: str | None = None
        self._in_h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "h1" and self.h1 is None:
            self._in_h1, self.h1 = 1, ""
        elif self._in_h1:
            self._in_h1 += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_h1:
            self._in_h1 -= 1

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 = (self.h1 or "") + data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _chrome(rel: str, page: _Page) -> list[str]:
    """What every page of the theme carries, and the papers plugin's fixes (generator/site/plugin.py)."""
    problems = []
    forms = page.find("form", role="search")
    if not forms or not page.find("input", type="search"):
        problems.append(f"{rel}: no header search box (form role=search with a search input)")
    drawer = page.find("input", id="__drawer")
    if not drawer:
        problems.append(f"{rel}: no __drawer checkbox: Material's layout changed")
    for toggle in ("__drawer", "__search"):
        if any("autocomplete" in a for a in page.find("input", id=toggle)):
            problems.append(
                f"{rel}: `autocomplete` on the {toggle} checkbox: the hook's fix failed"
            )
    if page.find("label", for_="__toc") and not page.find("input", id="__toc"):
        problems.append(f"{rel}: a label for __toc without its control: the hook's fix failed")
    return problems


def _titled(rel: str, page: _Page) -> list[str]:
    if not page.find("article") or not (page.h1 or "").strip():
        return [f"{rel}: no article with a title (<h1>)"]
    return []


def _url(rel: str) -> str:
    """The URL path of a built file: ``date/X/index.html`` -> ``date/X/``."""
    return rel.removesuffix("index.html")


def check_site(site: Path, site_url: str = "") -> list[str]:
    """Everything wrong with the built site in ``site``, as ``"file: problem"`` lines; empty when
    it is fit to deploy. ``site_url`` is MkDocs' (empty when the site has none)."""
    site = Path(site)
    if not (site / "index.html").is_file():
        return [f"{site}: no index.html: not a built site"]
    problems: list[str] = []
    pages: list[str] = []

    def page(rel: str, *checks) -> _Page | None:
        path = site / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
            return None
        parsed = _parse(path)
        pages.append(rel)
        for check in checks:
            problems.extend(check(rel, parsed))
        return parsed

    page("index.html", _chrome, _titled)
    page("404.html", _chrome, lambda rel, p: [] if p.h1 else [f"{rel}: no title (<h1>)"])
    days = sorted(site.glob(layout.day("*").url))
    if not days:
        problems.append(f"{layout.DAYS}/: no day's page")
    else:
        day_rel = days[-1].relative_to(site).as_posix()
        day = page(day_rel, _chrome, _titled)
        linked = _paper_links(day_rel, day) if day else []
        if day and not linked:
            problems.append(f"{day_rel}: links to no paper")
        for paper_rel in linked[:1]:
            paper = page(paper_rel, _chrome, _titled)
            if paper is not None and not any(
                (m.get("content") or "").strip() for m in paper.find("meta", name="citation_title")
            ):
                problems.append(f"{paper_rel}: no citation_title meta tag")
    problems += _sitemap(site, site_url, [_url(p) for p in pages if p != "404.html"])
    problems += _robots(site, site_url)
    problems += _feeds(site)
    problems += _size(site)
    meta = site / "search-index" / "meta.json"
    try:
        problems += _semantic(site / "search-index", json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        problems.append(f"search-index/meta.json: {exc.__class__.__name__}: {exc}")
    return problems


def _semantic(index: Path, meta: dict) -> list[str]:
    """The search by meaning's files: each one meta.json names is there, and the vectors cover
    every paper of the index."""
    entry = meta.get("semantic")
    if not entry:
        return []
    names = [entry["model"], entry["rows"], *(name for name, _ in entry["chunks"])]
    problems = [
        f"search-index/{n}: missing (named in meta.json)"
        for n in names
        if not (index / n).is_file()
    ]
    covered = sum(count for _, count in entry["chunks"])
    if covered != meta.get("papers"):
        papers = meta.get("papers")
        problems.append(f"search-index/meta.json: vectors of {covered} papers, of {papers}")
    return problems


def _paper_links(rel: str, page: _Page) -> list[str]:
    """The paper pages a page links to, as files relative to the site."""
    base = PurePosixPath(rel).parent
    found = []
    for attrs in page.find("a"):
        href = urlsplit(attrs.get("href") or "")
        if href.scheme or href.netloc:
            continue
        parts: list[str] = []
        for part in (base / href.path).parts:  # resolve ../ without touching the disk
            if part == "..":
                parts = parts[:-1]
            elif part != ".":
                parts.append(part)
        target = "/".join(parts)
        pattern = layout.paper("*").url
        if fnmatch(target, pattern) and target.count("/") == pattern.count("/"):
            found.append(target)
    return found


def _sitemap(site: Path, site_url: str, expected: list[str]) -> list[str]:
    try:
        root = ElementTree.parse(site / "sitemap.xml").getroot()
    except (OSError, ElementTree.ParseError) as exc:
        return [f"sitemap.xml: {exc}"]
    if root.tag != f"{SITEMAP_NS}urlset":
        return [f"sitemap.xml: the root is {root.tag}, not a sitemap urlset"]
    if not site_url:
        return []  # MkDocs lists no URL without site_url
    locs = {(e.text or "").strip() for e in root.iter(f"{SITEMAP_NS}loc")}
    return [
        f"sitemap.xml: does not list {site_url}{url}"
        for url in expected
        if f"{site_url}{url}" not in locs
    ]


def _robots(site: Path, site_url: str) -> list[str]:
    try:
        lines = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return [f"robots.txt: {exc}"]
    sitemaps = [ln.partition(":")[2].strip() for ln in lines if ln.lower().startswith("sitemap:")]
    if not sitemaps:
        return ["robots.txt: no Sitemap line"]
    if site_url and sitemaps != [f"{site_url}sitemap.xml"]:
        return [f"robots.txt: Sitemap {sitemaps} is not {site_url}sitemap.xml"]
    return []


PAGES_LIMIT = 1_000_000_000  # GitHub Pages publishes sites of at most 1 GB
WARN_AT = 0.8  # of the limit: a warning while there is still room for months of papers


def site_size(site: Path) -> int:
    """The apparent size, as ``du -sb`` and GitHub Pages count it."""
    return sum(os.lstat(Path(top, n)).st_size for top, _d, names in os.walk(site) for n in names)


def warnings(site: Path) -> list[str]:
    """What is fine to deploy today but will not stay so: a site past 80% of GitHub Pages' 1 GB."""
    size = site_size(site)
    if WARN_AT * PAGES_LIMIT < size <= PAGES_LIMIT:
        return [
            f"{site}: {size / 1e6:,.0f} MB, over {WARN_AT:.0%} of GitHub Pages' 1 GB: plan for"
            " extra.papers.citation_files: false or narrower extra.papers.topics"
        ]
    return []


def _size(site: Path) -> list[str]:
    """The site fits GitHub Pages."""
    size = site_size(site)
    if size <= PAGES_LIMIT:
        return []
    return [
        f"{site}: {size / 1e6:,.0f} MB, over GitHub Pages' 1 GB: set extra.papers.citation_files:"
        " false in mkdocs.yml (the day, week, month and topic .bib and .ris files), or narrow"
        " extra.papers.topics"
    ]


def _feeds(site: Path) -> list[str]:
    import feedparser

    problems = []
    for name in ("atom.xml", "rss.xml"):
        rel = layout.feed("latest") + name
        try:
            feed = feedparser.parse((site / rel).read_bytes())
        except OSError as exc:
            problems.append(f"{rel}: {exc}")
            continue
        if feed.bozo:
            problems.append(f"{rel}: does not parse: {feed.get('bozo_exception')}")
        elif not feed.entries:
            problems.append(f"{rel}: no entries")
    rel = layout.feed("latest") + "feed.json"
    try:
        items = json.loads((site / rel).read_text(encoding="utf-8")).get("items")
    except (OSError, ValueError, AttributeError) as exc:
        problems.append(f"{rel}: {exc}")
    else:
        if not items:
            problems.append(f"{rel}: no items")
    return problems
