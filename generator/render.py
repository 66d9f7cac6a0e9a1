"""Render the store into pages under ``docs/``: Markdown from the Jinja2 templates in
``templates/`` (one per page kind), plus feeds and ``robots.txt``.

Every ``{{ value }}`` is escaped for Markdown and HTML by default (``escape.md`` as the
environment's ``finalize``); only values already marked safe by a filter (``safe_url``, ``pid``
for validated ids, ``math`` for sanitised MathML) or by a macro pass unchanged.
A file is written only when its bytes change, and generated files whose paper, day or topic is
gone are removed, so a re-render after a small data change touches a few files, not thousands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import citation, escape, stats
from .archive import SLUG_RE, Archive, Topic, week_key
from .feeds import KINDS, TYPES, Feed, render_feed
from .model import Paper
from .settings import Settings
from .store import atomic_write

TEMPLATES = Path(__file__).parent / "templates"
# Folders (under docs/) that hold only generated files: stale files in them are removed.
GENERATED_DIRS = ("papers", "date", "week", "month", "category", "org", "feeds")
# Single generated files at the top of docs/.
GENERATED_FILES = ("index.md", "archive.md", "topics.md", "stats.md", "robots.txt")


def _finalize(value: Any) -> Any:
    if value is None:
        raise TypeError("a template printed None; guard optional fields with {% if %}")
    if isinstance(value, Markup | int | float):
        return value
    return escape.md(value)


def make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
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
        front_matter=front_matter,
        safe_url=escape.safe_url,
        pid=escape.paper_id,
        slug=slug,
        long_date=long_date,
        short_date=lambda d: d.strftime("%b %-d"),
        thousands=lambda n: f"{n:,}",
    )
    return env


def slug(value: object) -> Markup | None:
    """A topic slug for a URL path (an arXiv category, an organisation handle), or None."""
    return Markup(value) if isinstance(value, str) and SLUG_RE.match(value) else None


def long_date(day: date) -> str:
    return day.strftime("%A, %-d %B %Y")


def front_matter(data: dict[str, Any]) -> Markup:
    """Extra front-matter keys as YAML; the theme escapes them where it prints them."""
    return Markup(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9))


def base_of(url: str) -> str:
    """The relative prefix from a page's directory URL (``date/2025-10-15/``) to the site root."""
    return "../" * url.count("/")


@dataclass
class RenderResult:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    files: set[Path] = field(default_factory=set)


class Renderer:
    def __init__(self, settings: Settings, env: Environment | None = None):
        self.settings = settings
        self.env = env or make_env()
        self.docs = settings.path("docs_dir")
        self.site_url = settings.site_url.rstrip("/") + "/" if settings.site_url else "/"

    def render_all(self, papers: list[Paper]) -> RenderResult:
        archive = Archive(papers)
        result = RenderResult()
        for rel, data in self.files(archive):
            self._write(rel, data, result)
        self._remove_stale(result)
        return result

    def files(self, archive: Archive) -> Iterator[tuple[str, bytes]]:
        """Every generated file as (path under docs/, bytes)."""
        for rel, template, context in self.pages(archive):
            yield rel, self.render(template, archive=archive, **context).encode("utf-8")
        for feed in self.feeds(archive):
            yield from render_feed(feed, self.site_url).items()
        yield (
            "robots.txt",
            f"User-agent: *\nAllow: /\nSitemap: {self.site_url}sitemap.xml\n".encode(),
        )

    def pages(self, archive: Archive) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(path under docs/, template, context) for every Markdown page."""
        for paper in archive.papers.values():
            yield f"papers/{paper.id}.md", "paper.md.j2", self._paper_context(archive, paper)
        for day in archive.dates:
            prev, nxt = archive.neighbours(day)
            ctx = {
                "day": day,
                "papers": archive.days[day],
                "prev": prev,
                "next": nxt,
                "week": week_key(day),
            }
            yield f"date/{day.isoformat()}.md", "date.md.j2", self._ctx(f"date/{day}/", ctx)
        yield from self._periods(archive, "week", archive.weeks, self.settings.period_top)
        yield from self._periods(archive, "month", archive.months, self.settings.period_top * 2)
        for topic in archive.categories + archive.organizations:
            yield from self._topic_pages(topic)
        latest_week = week_key(archive.dates[-1]) if archive.dates else None
        yield "index.md", "index.md.j2", self._ctx("", {"latest_week": latest_week})
        yield "archive.md", "archive.md.j2", self._ctx("archive/", {})
        yield "topics.md", "topics.md.j2", self._ctx("topics/", {})
        stats_ctx = {"summary": stats.summary(archive), "charts": stats.charts(archive)}
        yield "stats.md", "stats.md.j2", self._ctx("stats/", stats_ctx)

    def _ctx(self, url: str, context: dict[str, Any]) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "base": base_of(url),
            "url": url,
            "site_url": self.site_url,
            "feed_types": TYPES,
            "feed_files": KINDS,
            **context,
        }

    def _paper_context(self, archive: Archive, paper: Paper) -> dict[str, Any]:
        url = f"papers/{paper.id}/"
        prev, nxt = archive.paper_neighbours(paper)
        return self._ctx(
            url,
            {
                "paper": paper,
                "prev": prev,
                "next": nxt,
                "links": citation.arxiv_links(paper),
                "bibtex": citation.bibtex(paper),
                "meta": {
                    "paper": {
                        "citation": [list(t) for t in citation.citation_meta(paper)],
                        "jsonld": citation.json_ld(paper, self.site_url + url),
                        **(
                            {"image": citation.thumbnail_url(paper)}
                            if self.settings.thumbnails and citation.thumbnail_url(paper)
                            else {}
                        ),
                    }
                },
            },
        )

    def _periods(self, archive: Archive, kind: str, groups: dict[str, list[Paper]], top: int):
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
            yield f"{kind}/{key}.md", "period.md.j2", self._ctx(f"{kind}/{key}/", ctx)

    def _topic_pages(self, topic: Topic):
        size = self.settings.topic_page_size
        pages = max(1, -(-len(topic.papers) // size))
        for n in range(1, pages + 1):
            rel = f"{topic.path}/index.md" if n == 1 else f"{topic.path}/page/{n}.md"
            url = f"{topic.path}/" if n == 1 else f"{topic.path}/page/{n}/"
            ctx = {
                "topic": topic,
                "papers": topic.papers[(n - 1) * size : n * size],
                "page": n,
                "pages": pages,
                "feed": f"feeds/{topic.path}/",
            }
            yield rel, "topic.md.j2", self._ctx(url, ctx)

    def feeds(self, archive: Archive) -> Iterator[Feed]:
        name, size = self.settings.site_name, self.settings.feed_size
        yield Feed(
            "latest", name, f"The latest papers on {name}.", self.site_url, archive.latest(size)
        )
        for topic in archive.categories + archive.organizations:
            what = f"arXiv category {topic.name}" if topic.kind == "category" else topic.name
            yield Feed(
                topic.path,
                f"{name}: {what}",
                f"The latest papers of {what} on {name}.",
                f"{self.site_url}{topic.path}/",
                topic.papers[:size],
            )

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def _write(self, rel: str, data: bytes, result: RenderResult) -> None:
        path = self.docs / rel
        result.files.add(path)
        if path.exists() and path.read_bytes() == data:
            result.unchanged += 1
            return
        atomic_write(path, data)
        result.written += 1

    def _remove_stale(self, result: RenderResult) -> None:
        for folder in GENERATED_DIRS:
            for path in sorted((self.docs / folder).rglob("*"), reverse=True):
                if path.is_file() and path not in result.files:
                    path.unlink()
                    result.removed += 1
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
