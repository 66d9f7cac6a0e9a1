"""The papers grouped the ways pages show them: by day, ISO week, month, arXiv category and
organisation. Pure data, built once per render; templates only read it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from ..order import day_order, newest_first
from ..settings import Topics

if TYPE_CHECKING:
    from ..model import Paper

# Topic slugs become URL paths: only these characters, so nothing needs escaping there.
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def by_votes(papers: list[Paper]) -> list[Paper]:
    """A day's papers as Hugging Face orders them (``order.day_order``)."""
    return sorted(papers, key=day_order)


def by_newest(papers: list[Paper]) -> list[Paper]:
    """Newest day first, each day in its own order (``order.newest_first``)."""
    return sorted(papers, key=newest_first)


@dataclass
class Topic:
    kind: str  # "category" or "org"
    slug: str
    name: str
    papers: list[Paper]  # newest first

    @property
    def path(self) -> str:
        return f"{self.kind}/{self.slug}"


class Archive:
    def __init__(self, papers: list[Paper]):
        self.papers: dict[str, Paper] = {p.id: p for p in sorted(papers, key=lambda p: p.id)}
        days: dict[date, list[Paper]] = defaultdict(list)
        for paper in self.papers.values():
            days[paper.daily_date].append(paper)
        self.days = {day: by_votes(days[day]) for day in sorted(days)}

    @cached_property
    def dates(self) -> list[date]:
        return list(self.days)

    @cached_property
    def _date_index(self) -> dict[date, int]:
        return {day: i for i, day in enumerate(self.dates)}

    def neighbours(self, day: date) -> tuple[date | None, date | None]:
        """The previous and next days that have papers."""
        i = self._date_index[day]
        return (self.dates[i - 1] if i else None), (
            self.dates[i + 1] if i + 1 < len(self.dates) else None
        )

    def paper_neighbours(self, paper: Paper) -> tuple[Paper | None, Paper | None]:
        """The papers before and after ``paper`` in its day's order."""
        day, i = self.days[paper.daily_date], self._day_position[paper.id]
        return (day[i - 1] if i else None), (day[i + 1] if i + 1 < len(day) else None)

    @cached_property
    def _day_position(self) -> dict[str, int]:
        return {p.id: i for papers in self.days.values() for i, p in enumerate(papers)}

    @cached_property
    def weeks(self) -> dict[str, list[Paper]]:
        """``2026-W10`` -> its papers, most upvoted first; weeks in date order."""
        return self._group(week_key)

    @cached_property
    def months(self) -> dict[str, list[Paper]]:
        return self._group(lambda d: d.strftime("%Y-%m"))

    def _group(self, key) -> dict[str, list[Paper]]:
        """Papers by period, most upvoted first; ties in date order, then each day's order
        (feed places of different days do not compare, so the sort is stable over days)."""
        groups: dict[str, list[Paper]] = defaultdict(list)
        for day, papers in self.days.items():
            groups[key(day)] += papers
        return {k: sorted(v, key=lambda p: -p.upvotes) for k, v in groups.items()}

    def days_of(self, key: str, kind: str) -> list[date]:
        return self._period_days[kind].get(key, [])

    @cached_property
    def _period_days(self) -> dict[str, dict[str, list[date]]]:
        out: dict[str, dict[str, list[date]]] = {
            "week": defaultdict(list),
            "month": defaultdict(list),
        }
        for day in self.dates:
            out["week"][week_key(day)].append(day)
            out["month"][day.strftime("%Y-%m")].append(day)
        return out

    def calendar(self) -> dict[int, dict[str, list[date]]]:
        """year -> month key -> days, newest first: the archive page's outline."""
        out: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
        for day in reversed(self.dates):
            out[day.year][day.strftime("%Y-%m")].append(day)
        return {year: dict(months) for year, months in out.items()}

    @cached_property
    def categories(self) -> list[Topic]:
        groups: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers.values():
            for cat in paper.arxiv.categories if paper.arxiv else []:
                if SLUG_RE.match(cat):
                    groups[cat].append(paper)
        return [Topic("category", c, c, by_newest(ps)) for c, ps in sorted(groups.items())]

    @cached_property
    def organizations(self) -> list[Topic]:
        groups: dict[str, list[Paper]] = defaultdict(list)
        names: dict[str, str] = {}
        for paper in self.papers.values():
            org = paper.organization
            if org and SLUG_RE.match(org.name):
                groups[org.name].append(paper)
                names[org.name] = org.fullname or org.name
        return [Topic("org", n, names[n], by_newest(ps)) for n, ps in sorted(groups.items())]

    def latest(self, count: int) -> list[Paper]:
        """The newest papers: latest days first, most upvoted first within a day."""
        out: list[Paper] = []
        for day in reversed(self.dates):
            out += self.days[day]
            if len(out) >= count:
                break
        return out[:count]


def select_topics(papers: list[Paper], topics: Topics) -> list[Paper]:
    """The papers a topic-restricted site shows (``extra.papers.topics``); all without one."""
    categories = set(topics.categories)
    keywords = [k.casefold() for k in topics.keywords]
    if not categories and not keywords:
        return papers
    return [p for p in papers if _matches(p, categories, keywords)]


def _matches(paper: Paper, categories: set[str], keywords: list[str]) -> bool:
    if paper.arxiv and categories.intersection(paper.arxiv.categories):
        return True
    text = " ".join([paper.title, paper.abstract, *paper.ai_keywords]).casefold()
    return any(k in text for k in keywords)
