"""Render the store into the generated folder (``generated/``, beside the hand-written
``docs/``): Markdown from the Jinja2 templates in ``templates/`` (one per page kind), plus feeds
and ``robots.txt``.

Every ``{{ value }}`` is escaped for Markdown and HTML by default (``escape.md`` as the
environment's ``finalize``); only values already marked safe by a filter (``safe_url``, ``pid``
for validated ids, ``math`` for sanitised MathML) or by a macro pass unchanged.
``Pages`` only describes the files (``outputs.Output``: a path, a key, a way to make it); the
one writer in ``outputs.py`` makes those whose key changed, so a re-render after a small data
change touches a few files, not thousands, and removes files whose paper, day or topic is gone.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .. import escape, layout, search
from ..model import HUB_REPO_ID_RE, Paper, Trending
from ..outputs import Output, Writer, Written
from ..search import semantic
from ..settings import Settings
from . import citation, related, stats
from .archive import SLUG_RE, Archive, Topic, week_key
from .feeds import KINDS, OPML, Feed, opml, render_feed

TEMPLATES = Path(__file__).parents[1] / "templates"


def _finalize(value: Any) -> Any:
    if value is None:
        raise TypeError("a template printed None; guard optional fields with {% if %}")
    if isinstance(value, Markup | int | float):
        return value
    return escape.md(value)


def make_env(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        finalize=_finalize,
        # _finalize escapes for Markdown and HTML; autoescape then keeps macro output (Markup)
        # from being escaped twice.
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=escape.md,
        math=escape.md_math,
        html=escape.html,
        pre=escape.pre,
        yaml_html=escape.yaml_html,
        yaml_str=escape.yaml_str,
        safe_url=escape.safe_url,
        pid=escape.paper_id,
        # Links to pages: paper ids are checked (escape.paper_id), dates and period keys are
        # made by the archive, so the URLs need no escaping.
        paper_url=lambda pid: Markup(layout.paper(escape.paper_id(pid)).url),
        day_url=lambda day: Markup(layout.day(day).url),
        day_stem=lambda day: Markup(layout.day(day).stem),  # its citation files' name
        period_url=lambda key, kind: Markup(layout.period(key, kind).url),
        topic_url=lambda slug, kind: Markup(layout.topic(kind, slug).url),  # a checked slug
        feed_url=lambda slug: Markup(layout.feed(slug)),
        relative=lambda url, start: Markup(layout.relative(url, start)),
        slug=slug,
        hub_url=hub_url,
        long_date=long_date,
        short_date=lambda d: d.strftime("%b %-d"),
        thousands=lambda n: f"{n:,}",
        names=lambda authors: escape.md(", ".join(a.name for a in authors)),
        linked_names=linked_names,
        hf_account=hf_account,
    )
    return env


def hf_account(handle: object) -> Markup | None:
    """A Hugging Face account's page (a claimed author, the submitter), or None: handles come
    from the API, so they are checked like slugs (nothing in one needs escaping in a URL)."""
    return Markup(f"https://huggingface.co/{handle}") if slug(handle) else None


def linked_names(authors: list, accounts: frozenset[str]) -> Markup:
    """Authors as on a paper page: "A, B, C", a name linked to its Hugging Face account when
    the account is one of ``accounts`` (``linked_accounts``)."""
    shown = []
    for author in authors:
        name = escape.md(author.name)
        url = hf_account(author.hf_user) if author.hf_user in accounts else None
        shown.append(Markup('<a href="{}">{}</a>').format(url, name) if url else name)
    return Markup(", ").join(shown)


# The markup one account link adds, besides its handle; and all a page's links may add: issue
# 24 lets no paper page grow by more than 200 bytes, and the header's Trending link took 45 of
# them (all accounts linked, 7.5% of the corpus's papers would pass 200: some list 30 claimed
# authors).
ACCOUNT_LINK = len('<a href="https://huggingface.co/"></a>')
ACCOUNT_BYTES = 150


def linked_accounts(paper: Paper, authors: list) -> frozenset[str]:
    """The Hugging Face accounts a paper page links: the submitter's, then the claimed
    authors' in their order, while the links' markup fits in ``ACCOUNT_BYTES``."""
    handles = [paper.submitted_by.name if paper.submitted_by else None]
    handles += [a.hf_user for a in authors]
    links = Counter(h for h in handles if slug(h))  # in order of first place
    budget, linked = ACCOUNT_BYTES, set()
    for handle, times in links.items():
        cost = times * (ACCOUNT_LINK + len(handle))
        if cost <= budget:
            budget -= cost
            linked.add(handle)
    return frozenset(linked)


def slug(value: object) -> Markup | None:
    """A topic slug for a URL path (an arXiv category, an organisation handle), or None."""
    return Markup(value) if isinstance(value, str) and SLUG_RE.match(value) else None


HUB_PAGES = {
    "models": "https://huggingface.co/",
    "datasets": "https://huggingface.co/datasets/",
    "spaces": "https://huggingface.co/spaces/",
}


def hub_url(repo_id: object, kind: str) -> Markup | None:
    """A Hub repository's page, or None: ids come from the Hub's answers, so they are checked
    again here (owner/name of [A-Za-z0-9._-]: nothing in them needs escaping in a URL)."""
    if not (isinstance(repo_id, str) and HUB_REPO_ID_RE.match(repo_id)):
        return None
    return Markup(HUB_PAGES[kind] + repo_id)


def long_date(day: date) -> str:
    return day.strftime("%A, %-d %B %Y")


def render(
    settings: Settings,
    papers: list[Paper],
    hashes: dict[str, str] | None = None,
    cache: Path | None = None,
    env: Environment | None = None,
    trending: Trending | None = None,
) -> Written:
    """Every page, feed and the search index of ``papers``, through the one writer: with a
    ``cache`` folder and the records' ``hashes`` (``Store.hashes``), only what changed is made.
    ``trending``: the latest capture of the trending list, for its page and feed."""
    env = env or make_env()
    similar = related.cached(papers, hashes or {}, cache, settings.related_papers, settings.jobs)
    pages = Pages(settings, env, Archive(papers), hashes or {}, similar, trending)
    index = search.index_output(papers, hashes or {}, cache, semantic.index_part(settings))
    writer = Writer(settings.generated_dir, cache, salt(settings, env), settings.build_jobs)
    return writer.write(chain(pages.outputs(), [index]))


class Pages:
    """The pure description of every page and feed: an ``Output`` each, keyed by the hashes of
    the records it shows (``Store.hashes``: sha1 of each YAML file) and of its neighbours."""

    def __init__(
        self,
        settings: Settings,
        env: Environment,
        archive: Archive,
        hashes: dict[str, str],
        similar: dict[str, tuple[str, ...]] | None = None,
        trending: Trending | None = None,
    ):
        self.settings = settings
        self.similar = similar or {}
        self.env = env
        self.archive = archive
        self.hashes = hashes
        self.site_url = settings.site_url.rstrip("/") + "/" if settings.site_url else "/"
        self.keys = citation.cite_keys(archive.papers.values())
        self.trending = trending  # the latest capture of the trending list

    def _h(self, papers: list[Paper | None]) -> tuple | None:
        """The record hashes of ``papers`` (None stands for "no paper"), or None if unknown;
        with each paper's citation key, which another paper can change (``cite_keys``)."""
        out = []
        for paper in papers:
            if paper is None:
                out.append(None)
            elif paper.id in self.hashes:
                out.append((self.hashes[paper.id], self.keys[paper.id]))
            else:
                return None
        return tuple(out)

    def outputs(self) -> Iterator[Output]:
        archive = self.archive
        yield from self._paper_pages(archive)
        yield from self._day_pages(archive)
        top = self.settings.period_top
        yield from self._period_pages(archive, "week", archive.weeks, top)
        yield from self._period_pages(archive, "month", archive.months, top * 2)
        for topic in archive.categories + archive.organizations:
            yield from self._topic_pages(topic)
        yield from self._site_pages(archive)
        feeds = list(self.feeds(archive))
        for feed in feeds:
            yield from self._feed_files(feed)
        yield Output(OPML, None, lambda: opml(feeds, self.site_url, self.settings.site_name))

    def _page(self, rel: str, key, template: str, url: str, context: Callable[[], dict]) -> Output:
        def make() -> bytes:
            return self.render(template, **self._ctx(url, context())).encode("utf-8")

        return Output(rel, key, make)

    def _paper_pages(self, archive: Archive) -> Iterator[Output]:
        for paper in archive.papers.values():
            prev, nxt = archive.paper_neighbours(paper)
            # A related paper shows its title and day: its upvotes changing re-renders nothing.
            shown = tuple((p.id, p.title, p.daily_date) for p in self._similar(paper))
            key = _and(self._h([paper, prev, nxt]), shown)
            place = layout.paper(paper.id)
            yield self._page(
                place.source,
                key,
                "paper.md.j2",
                place.url,
                lambda p=paper, u=place.url, a=archive: self._paper_context(a, p, u),
            )

    def _similar(self, paper: Paper) -> list[Paper]:
        papers = self.archive.papers
        return [papers[pid] for pid in self.similar.get(paper.id, ()) if pid in papers]

    def _day_pages(self, archive: Archive) -> Iterator[Output]:
        for day in archive.dates:
            prev, nxt = archive.neighbours(day)
            papers = archive.days[day]
            place = layout.day(day)
            ctx = {"day": day, "papers": papers, "prev": prev, "next": nxt, "week": week_key(day)}
            ctx["stem"] = place.stem  # of its citation files
            key = _and(self._h(papers), (day, prev, nxt))
            yield self._page(place.source, key, "date.md.j2", place.url, lambda c=ctx: c)
            yield from self._citation_files(place.stem, papers)

    def _period_pages(self, archive: Archive, kind: str, groups: dict[str, list[Paper]], top: int):
        keys = list(groups)
        for i, key in enumerate(keys):
            ctx = {
                "kind": kind,
                "key": key,
                "papers": groups[key][:top],
                "total": len(groups[key]),
                "days": archive.days_of(key, kind),
                "prev": keys[i - 1] if i else None,
                "next": keys[i + 1] if i + 1 < len(keys) else None,
            }
            cache_key = _and(
                self._h(ctx["papers"]),
                (key, ctx["total"], tuple(ctx["days"]), ctx["prev"], ctx["next"]),
            )
            place = layout.period(key, kind)
            # No citation files of its own: the page links its days' (issue 23), so a paper
            # is in one day's files, not in a week's and a month's as well.
            yield self._page(place.source, cache_key, "period.md.j2", place.url, lambda c=ctx: c)

    def _topic_pages(self, topic: Topic) -> Iterator[Output]:
        size = self.settings.topic_page_size
        pages = max(1, -(-len(topic.papers) // size))
        for n in range(1, pages + 1):
            place = layout.topic(topic.kind, topic.slug, n)
            shown = topic.papers[(n - 1) * size : n * size]
            ctx = {
                "topic": topic,
                "papers": shown,
                "page": n,
                "pages": pages,
                "stem": layout.topic_citations(topic.kind, topic.slug),
                "newer": layout.topic(topic.kind, topic.slug, n - 1).url if n > 1 else "",
                "older": layout.topic(topic.kind, topic.slug, n + 1).url,
            }
            key = _and(self._h(shown), (topic.name, n, pages, len(topic.papers)))
            yield self._page(place.source, key, "topic.md.j2", place.url, lambda c=ctx: c)
        # One pair for the whole topic, linked from each of its pages.
        yield from self._citation_files(
            layout.topic_citations(topic.kind, topic.slug), topic.papers
        )

    def _site_pages(self, archive: Archive) -> Iterator[Output]:
        """The few site-wide pages: made every time (they summarise everything)."""
        latest_week = week_key(archive.dates[-1]) if archive.dates else None
        contexts = {
            "home": lambda: {"latest_week": latest_week},
            "archive": dict,
            "topics": lambda: {"opml": OPML},
            "trending": lambda: {"trending": self.trending, "papers": self._trending_papers()},
            "stats": lambda: {
                "summary": stats.summary(archive),
                "sections": stats.sections(archive),
            },
        }
        for name, place in layout.SECTIONS.items():
            template = "index.md.j2" if name == "home" else f"{name}.md.j2"
            yield self._page(place.source, None, template, place.url, contexts[name])
        robots = f"User-agent: *\nAllow: /\nSitemap: {self.site_url}sitemap.xml\n".encode()
        yield Output("robots.txt", None, lambda: robots)

    def _citation_files(self, stem: str, papers: list[Paper]) -> Iterator[Output]:
        """``stem.bib`` and ``stem.ris``: every paper of a page's day, period or topic."""
        if not self.settings.citation_files:
            return
        key = _and(self._h(papers), ())
        yield Output(f"{stem}.bib", key, lambda: citation.bibtex_file(papers, self.keys))
        yield Output(f"{stem}.ris", key, lambda: citation.ris_file(papers, self.keys))

    def _feed_files(self, feed: Feed) -> Iterator[Output]:
        key = _and(self._h(feed.papers), (feed.slug, feed.title))
        rendered: dict[str, bytes] = {}

        def make(kind: str) -> bytes:
            if not rendered:
                rendered.update(render_feed(feed, self.site_url))
            return rendered[feed.path(kind)]

        for kind in KINDS:
            yield Output(feed.path(kind), key, lambda k=kind: make(k))

    def _ctx(self, url: str, context: dict[str, Any]) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "archive": self.archive,
            "base": layout.base_of(url),
            "url": url,
            "site_url": self.site_url,
            **context,
        }

    def _paper_context(self, archive: Archive, paper: Paper, url: str) -> dict[str, Any]:
        prev, nxt = archive.paper_neighbours(paper)
        image = citation.thumbnail_url(paper) if self.settings.thumbnails else None
        authors = [a for a in paper.authors if not a.hidden]
        return {
            "paper": paper,
            "accounts": linked_accounts(paper, authors),
            "prev": prev,
            "next": nxt,
            "related": self._similar(paper),
            "links": citation.arxiv_links(paper),
            "bibtex": citation.bibtex(paper, self.keys[paper.id]),
            "head": citation.head_html(paper, image),
        }

    def _trending_papers(self) -> list[Paper]:
        """The latest trending list's papers in rank order, those this site shows."""
        listed = self.trending.papers if self.trending else []
        return [self.archive.papers[pid] for pid in listed if pid in self.archive.papers]

    def feeds(self, archive: Archive) -> Iterator[Feed]:
        name, size = self.settings.site_name, self.settings.feed_size
        yield Feed(
            "latest", name, f"The latest papers on {name}.", self.site_url, archive.latest(size)
        )
        page = self.site_url + layout.SECTIONS["trending"].url
        trending = f"Papers trending on Hugging Face, as {name} last saw the list."
        if papers := self._trending_papers():  # no list captured yet: no feed to offer
            yield Feed("trending", f"{name}: trending", trending, page, papers)
        for topic in archive.categories + archive.organizations:
            what = f"arXiv category {topic.name}" if topic.kind == "category" else topic.name
            yield Feed(
                topic.path,
                f"{name}: {what}",
                f"The latest papers of {what} on {name}.",
                self.site_url + layout.topic(topic.kind, topic.slug).url,
                topic.papers[:size],
            )

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)


def _and(hashes: tuple | None, rest: tuple) -> tuple | None:
    return None if hashes is None else (hashes, rest)


def salt(settings: Settings, env: Environment) -> str:
    """What every page depends on besides its records: the generator's code, the templates
    the environment loads (a change to escaping or a template must re-render everything) and
    the settings."""
    digest = hashlib.sha1(settings.model_dump_json().encode())
    code = sorted(Path(__file__).parents[1].rglob("*.py"))  # all of generator/
    templates = sorted(p for d in env.loader.searchpath for p in Path(d).rglob("*.j2"))
    for path in code + templates:
        digest.update(path.read_bytes())
    return digest.hexdigest()
