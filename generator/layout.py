"""Where every page lives: each page kind's source (what ``papers render`` writes under
generated/) and its public URL (below the site's root), written once.

Everything that names a page reads it from here: the renderer and its templates (the
``*_url`` filters), the feeds, the papers plugin (which pages are files), the site build's
sitemap, and the browser, through the header's ``data-*-url`` templates (``browser()``).
``handbook/`` lists the result (``papers_reference.urls``).

A page of one thing (a paper, a day, a week, a month) is a file, ``papers/<id>.html``, not a
folder with an ``index.html``: at 50k papers the folders alone were 213 MB of the published
size (a folder is 4 KB to ``du -sb`` and to GitHub Pages' 1 GB limit). Topic pages, being
lists that page, are folders (``org/<name>/``, ``org/<name>/page/2/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The folder of each page kind. Moving a kind is one edit here (tests/test_layout.py).
PAPERS = "papers"
DAYS = "date"
PERIODS = {"week": "week", "month": "month"}
FEEDS = "feeds"
TOPIC_KINDS = ("category", "org")
CITATION_FORMATS = ("bib", "ris")


@dataclass(frozen=True)
class Place:
    source: str  # below generated/: "papers/2510.12586.md"
    url: str  # below the site's root: "papers/2510.12586.html"

    @property
    def stem(self) -> str:
        """The source without ``.md``: the citation files of a page sit beside it."""
        return self.source.removesuffix(".md")


def file_page_dirs() -> tuple[str, ...]:
    """The folders whose pages are files (``papers/x.md`` -> ``papers/x.html``)."""
    return (f"{PAPERS}/", f"{DAYS}/", *(f"{folder}/" for folder in PERIODS.values()))


def _file_page(folder: str, name: str) -> Place:
    return Place(f"{folder}/{name}.md", f"{folder}/{name}.html")


def paper(paper_id: str) -> Place:
    return _file_page(PAPERS, paper_id)


def day(when: date | str) -> Place:
    return _file_page(DAYS, when if isinstance(when, str) else when.isoformat())


def period(key: str, kind: str) -> Place:
    """A week's (``2025-W03``) or a month's (``2025-01``) page."""
    return _file_page(PERIODS[kind], key)


def topic(kind: str, slug: str, page: int = 1) -> Place:
    """An arXiv category's or an organisation's list; its page ``page`` (100 papers each)."""
    folder = f"{kind}/{slug}"
    if page == 1:
        return Place(f"{folder}/index.md", f"{folder}/")
    return Place(f"{folder}/page/{page}.md", f"{folder}/page/{page}/")


def topic_citations(kind: str, slug: str) -> str:
    """The stem of a topic's citation files (one pair for all its pages)."""
    return f"{kind}/{slug}/papers"


def feed(slug: str) -> str:
    """A feed's folder: ``latest``, ``category/cs.CV``, ``org/nvidia`` (``atom.xml`` etc.)."""
    return f"{FEEDS}/{slug}/"


def all_feeds() -> str:
    """The OPML list of every feed."""
    return f"{FEEDS}/all.opml"


def sharded_dirs() -> tuple[str, ...]:
    """The folders of the many pages, shared out between parallel builds."""
    return (*file_page_dirs(), *(f"{kind}/" for kind in TOPIC_KINDS))


def feed_entry_id(paper_id: str) -> str:
    """A feed entry's id: the paper's first URL, frozen. It does not follow ``paper``: a
    changed id would make feed readers show every paper again as new."""
    return f"papers/{paper_id}/"


SECTIONS = {
    "home": Place("index.md", ""),
    "archive": Place("archive.md", "archive/"),
    "topics": Place("topics.md", "topics/"),
    "stats": Place("stats.md", "stats/"),
    "trending": Place("trending.md", "trending/"),
}


def output_path(source: str) -> str:
    """Where MkDocs writes a source with ``use_directory_urls`` (the plugin requires it):
    ``papers/x.md`` -> ``papers/x.html``, ``org/x/index.md`` -> ``org/x/index.html``,
    ``about.md`` -> ``about/index.html``; other files as they are. tests/test_layout.py
    checks it against MkDocs' own ``File.dest_uri`` for every kind of source."""
    if not source.endswith(".md"):
        return source
    stem = source.removesuffix(".md")
    if source.startswith(file_page_dirs()) or stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def page_url(source: str) -> str:
    """A page's URL below the site's root (what the sitemap lists)."""
    return output_path(source).removesuffix("index.html")


def base_of(url: str) -> str:
    """The relative prefix from a page's URL (``date/2025-10-15.html``, ``org/x/``) to the
    site root: what every template puts before a URL of this module."""
    return "../" * url.count("/")


def relative(url: str, start: str) -> str:
    """``url`` as the shortest link from the page at ``start`` (both below the site's root):
    ``base_of(start)`` less the folders the two share (a related paper is ``<id>.html``)."""
    up = start.count("/")
    common = 0
    parts, here = url.split("/"), start.split("/")[:up]
    while common < min(len(parts) - 1, len(here)) and parts[common] == here[common]:
        common += 1
    return "../" * (up - common) + "/".join(parts[common:])


def browser() -> dict[str, str]:
    """The URL templates the browser's scripts fill in (search results, the Saved list)."""
    return {"paper": paper("{id}").url, "day": day("{day}").url}
