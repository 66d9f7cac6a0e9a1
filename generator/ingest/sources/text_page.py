"""Plain-text scrapes of the Daily Papers page: the visible text, title and abstract paragraphs.

Such a scrape has no arXiv ids, authors, votes or year, so each paper gets an id derived from its
normalised title (``model.title_id``) until a richer source supplies the real one.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ...errors import InputError
from ...model import Paper, Source, clean_text, title_id

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_DATE_LINE = re.compile(r"^(?P<mon>[A-Za-z]{3})[a-z]*\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?$")

# Page furniture and card decorations that are neither titles nor abstracts.
_NOISE = re.compile(
    r"""^(?:new|subscribe|daily papers|by\s?ak and the research community
    |get trending papers in your email inbox!?|trending papers|daily weekly monthly
    |[-·•]|\d+|\d+ authors?|submitted by\b.*|upvote|\d+ comments?|previous|next)$""",
    re.IGNORECASE | re.VERBOSE,
)
# An abstract is a long paragraph; a title is a line well under this.
_ABSTRACT_MIN_CHARS = 200


def find_page_date(text: str) -> tuple[int, int, int | None] | None:
    """The first ``Sep 10`` (or ``Sep 10, 2025``) line: (month, day, year or None)."""
    for line in text.splitlines():
        m = _DATE_LINE.match(line.strip())
        if m and m["mon"].lower() in MONTHS:
            return MONTHS[m["mon"].lower()], int(m["day"]), int(m["year"]) if m["year"] else None
    return None


def infer_year(month: int, day: int, today: date) -> int:
    """The latest year in which ``month/day`` is not after ``today``."""
    for year in (today.year, today.year - 1, today.year - 2):
        try:
            if date(year, month, day) <= today:
                return year
        except ValueError:  # 29 February
            continue
    raise ValueError(f"no past date {month}/{day}")


def resolve_page_date(text: str, where: str, *, day: date | None, year: int | None, today: date):
    """The daily date: ``day`` if given, else the ``Sep 10`` line with ``year`` or inferred."""
    if day is not None:
        return day
    found = find_page_date(text)
    if found is None:
        raise InputError(where, "no date line like 'Sep 10' found; pass --date YYYY-MM-DD")
    month, dom, page_year = found
    try:
        return date(year or page_year or infer_year(month, dom, today), month, dom)
    except ValueError as exc:
        raise InputError(where, f"bad page date: {exc}") from None


def parse_text_page(
    text: str, *, where: str, day: date, fetched_at: datetime, ref: str | None = None
) -> list[Paper]:
    """Pair each abstract paragraph with the first title-like line before it; a paper's
    ``feed_position`` is its place on the page."""
    source = Source(kind="text-scrape", ref=ref or where, fetched_at=fetched_at)
    papers: dict[str, Paper] = {}
    title: str | None = None
    for line in _content_lines(text):
        if len(line) < _ABSTRACT_MIN_CHARS:
            title = title or line
            continue
        if title is None:
            raise InputError(where, f"abstract without a title before it: {line[:60]!r}...")
        paper = _paper(title, line, day=day, source=source, place=len(papers))
        papers.setdefault(paper.id, paper)
        title = None
    if not papers:
        raise InputError(where, "no papers found (expected title and abstract paragraphs)")
    return list(papers.values())


def _content_lines(text: str):
    """Non-empty, non-furniture lines after the date line (or all of them if there is none)."""
    lines = [clean_text(raw) for raw in text.splitlines()]
    start = next((i + 1 for i, line in enumerate(lines) if _DATE_LINE.match(line)), 0)
    return [line for line in lines[start:] if line and not _NOISE.match(line)]


def _paper(title: str, abstract: str, *, day: date, source: Source, place: int) -> Paper:
    """A paper known by its title; ``place``, its place on the page, which is the day's order
    on Hugging Face (a scrape has no upvotes to sort by)."""
    return Paper(
        id=title_id(title),
        title=title,
        abstract=abstract,
        daily_date=day,
        feed_position=place,
        sources=[source],
    )
