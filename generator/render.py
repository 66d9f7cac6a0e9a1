"""Render the store into Markdown pages under ``docs/`` with the Jinja2 templates in ``templates/``.

Every ``{{ value }}`` is escaped for Markdown and HTML by default (``escape.md`` as the
environment's ``finalize``); only values already marked safe by a filter (``safe_url``, ``pid``
for validated ids) or by a macro pass unchanged.
A page is written only when its text changes, and generated pages whose paper or date is gone
are removed, so a re-render after a small data change touches a few files, not thousands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import escape
from .model import Paper
from .settings import Settings
from .store import atomic_write

TEMPLATES = Path(__file__).parent / "templates"
# Folders (under docs/) that hold only generated pages: stale files in them are removed.
GENERATED_DIRS = ("papers", "date")
# Single generated pages at the top of docs/.
GENERATED_PAGES = ("index.md", "archive.md")


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
        html=escape.html,
        yaml_html=escape.yaml_html,
        safe_url=escape.safe_url,
        pid=escape.paper_id,
        long_date=long_date,
        short_date=lambda d: d.strftime("%b %-d"),
    )
    return env


def long_date(day: date) -> str:
    return day.strftime("%A, %-d %B %Y")


@dataclass
class Archive:
    """Papers grouped the way pages show them: by daily date, most upvoted first."""

    papers: dict[str, Paper]
    days: dict[date, list[Paper]]

    @classmethod
    def of(cls, papers: list[Paper]) -> Archive:
        days: dict[date, list[Paper]] = defaultdict(list)
        for paper in papers:
            days[paper.daily_date].append(paper)
        for day_papers in days.values():
            day_papers.sort(key=lambda p: (-p.upvotes, p.id))
        return cls({p.id: p for p in papers}, dict(sorted(days.items())))

    @property
    def dates(self) -> list[date]:
        return list(self.days)

    def neighbours(self, day: date) -> tuple[date | None, date | None]:
        dates = self.dates
        i = dates.index(day)
        return (dates[i - 1] if i else None), (dates[i + 1] if i + 1 < len(dates) else None)

    def months(self) -> dict[str, list[date]]:
        """``"2025-10"`` -> its dates, newest month and day first."""
        out: dict[str, list[date]] = defaultdict(list)
        for day in reversed(self.dates):
            out[day.strftime("%Y-%m")].append(day)
        return dict(out)


@dataclass
class RenderResult:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    pages: set[Path] = field(default_factory=set)


class Renderer:
    def __init__(self, settings: Settings, env: Environment | None = None):
        self.settings = settings
        self.env = env or make_env()
        self.docs = settings.path("docs_dir")

    def render_all(self, papers: list[Paper]) -> RenderResult:
        archive = Archive.of(papers)
        result = RenderResult()
        for rel, text in self.pages(archive):
            self._write(rel, text, result)
        self._remove_stale(result)
        return result

    def pages(self, archive: Archive):
        """Every generated page as (path under docs/, Markdown text)."""
        site = {"settings": self.settings, "archive": archive}
        for paper in archive.papers.values():
            yield f"papers/{paper.id}.md", self.render("paper.md.j2", paper=paper, **site)
        for day in archive.dates:
            prev, nxt = archive.neighbours(day)
            yield (
                f"date/{day.isoformat()}.md",
                self.render(
                    "date.md.j2", day=day, papers=archive.days[day], prev=prev, next=nxt, **site
                ),
            )
        yield "index.md", self.render("index.md.j2", **site)
        yield "archive.md", self.render("archive.md.j2", **site)

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def _write(self, rel: str, text: str, result: RenderResult) -> None:
        path = self.docs / rel
        result.pages.add(path)
        data = text.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            result.unchanged += 1
            return
        atomic_write(path, data)
        result.written += 1

    def _remove_stale(self, result: RenderResult) -> None:
        for folder in GENERATED_DIRS:
            for path in (self.docs / folder).glob("*.md"):
                if path not in result.pages:
                    path.unlink()
                    result.removed += 1
