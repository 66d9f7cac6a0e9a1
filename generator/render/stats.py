"""Charts for the stats page, drawn at build time as inline SVG: no script, no third party.

An SVG here has no viewBox, so the browser never scales it: bars are placed in percent of the
width and text is sized in CSS (papers.css), so labels keep their size from a 375 px phone to a
desktop (issue 15). Every bar is focusable and named by its ``<title>``; its value shows on hover
and on keyboard focus. The same numbers are in a table under each chart, and a section with no
data is left out.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup

from ..escape import html
from ..model import Paper
from .archive import Archive

UPVOTE_BUCKETS = [(0, 0), (1, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, None)]
RISING_TOP, RISING_MIN_PAPERS, RISING_BASELINE_MONTHS = 10, 2, 3
QUARTER_TOP, QUARTERS_SHOWN = 5, 4
LABEL_CHARS = 40  # a horizontal bar's label: longer names are cut (the table has them whole)

# Vertical charts, in px: the y-axis title, then the plot, then tick labels and the x-axis title.
PLOT_TOP, PLOT_HEIGHT, BELOW = 40, 160, 44
# Horizontal charts: the axis title, then a row per bar (its label over it).
ROWS_TOP, ROW = 24, 44


@dataclass(frozen=True)
class Bar:
    label: str  # what the bar is: a week, a bucket, an organisation
    value: float  # its drawn length
    text: str  # its value as read ("12", "42%")
    cells: tuple[str, ...] = ()  # its row in the data table after the label; default (text,)
    tip: str = ""  # its accessible name; default "label: text"

    @property
    def name(self) -> str:
        return self.tip or f"{self.label}: {self.text}"

    @property
    def row(self) -> tuple[str, ...]:
        return (self.label, *(self.cells or (self.text,)))


@dataclass
class Chart:
    id: str
    title: str  # the chart's accessible name
    bars: list[Bar]
    columns: tuple[str, ...]  # the data table's headings
    x_title: str
    y_title: str = ""
    horizontal: bool = False
    top: float | None = None  # the value axis's end (default: the largest value)
    caption: str = ""  # shown over the chart when its section has several (a quarter)

    def svg(self) -> Markup:
        return _hbars(self) if self.horizontal else _vbars(self)

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


@dataclass
class Section:
    id: str
    title: str
    charts: list[Chart]
    note: str = ""  # what the numbers are, when the title alone does not say

    @property
    def empty(self) -> bool:
        return all(chart.empty for chart in self.charts)


@dataclass(frozen=True)
class Rising:
    """A keyword whose share of papers grew in ``month`` over the months before it."""

    keyword: str
    papers: int  # papers of the month with it
    share: float  # of the month's papers
    before: float  # of the baseline months' papers

    @property
    def change(self) -> float:
        return self.share - self.before


@dataclass
class RisingKeywords:
    month: str
    baseline: list[str]
    keywords: list[Rising] = field(default_factory=list)


def summary(archive: Archive) -> list[tuple[int | float, str]]:
    """The page's headline numbers, (value, what): those that are zero are not shown."""
    papers = list(archive.papers.values())
    votes = [p.upvotes for p in papers]
    numbers = [
        (len(papers), "papers"),
        (len(archive.dates), "days"),
        (statistics.median(votes) if votes else 0, "median upvotes"),
        (sum(1 for p in papers if p.github_repo), "with code on GitHub"),
        (len(archive.organizations), "organisations"),
        (len(archive.categories), "arXiv categories"),
    ]
    return [(value, what) for value, what in numbers if value]


def sections(archive: Archive) -> list[Section]:
    """Every chart section of the stats page that has data, in page order."""
    made = [
        _per_week(archive),
        _upvotes(archive),
        _code_share(archive),
        _rising(archive),
        _top_topics("orgs", "Top organisations", archive.organizations, "Organisation"),
        _orgs_per_quarter(archive),
        _top_topics("categories", "Top arXiv categories", archive.categories, "Category"),
    ]
    return [section for section in made if section and not section.empty]


# -- the numbers -----------------------------------------------------------------------------
def code_share(months: dict[str, list[Paper]]) -> list[tuple[str, int, int]]:
    """(month, papers with a GitHub repository, papers) for each month."""
    return [(m, sum(1 for p in ps if p.github_repo), len(ps)) for m, ps in months.items()]


def rising_keywords(
    months: dict[str, list[Paper]],
    top: int = RISING_TOP,
    min_papers: int = RISING_MIN_PAPERS,
    baseline_months: int = RISING_BASELINE_MONTHS,
) -> RisingKeywords | None:
    """The keywords whose share of papers grew most in the latest complete month over the
    (up to) ``baseline_months`` months with papers before it.

    The archive's last month may still be running, so the latest complete month is the one
    before it. A keyword counts once per paper, compared case-insensitively; it must be on at
    least ``min_papers`` papers of the month, so one paper does not make a trend. None when
    there is no complete month with a month before it.
    """
    keys = list(months)
    if len(keys) < 3:
        return None
    month, baseline = keys[-2], keys[max(0, len(keys) - 2 - baseline_months) : -2]
    now, now_n = _keyword_counts(months[month])
    before, before_n = _keyword_counts([p for m in baseline for p in months[m]])
    found = [
        Rising(k, n, n / now_n, before[k] / before_n)
        for k, n in now.items()
        if n >= min_papers and n / now_n > before[k] / before_n
    ]
    found.sort(key=lambda r: (-r.change, -r.papers, r.keyword))
    return RisingKeywords(month, baseline, found[:top])


def _keyword_counts(papers: list[Paper]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    for paper in papers:
        counts.update({" ".join(k.split()).casefold() for k in paper.ai_keywords} - {""})
    return counts, len(papers)


def quarter_key(paper: Paper) -> str:
    return f"{paper.daily_date.year} Q{(paper.daily_date.month - 1) // 3 + 1}"


def orgs_per_quarter(
    papers: list[Paper], top: int = QUARTER_TOP
) -> dict[str, list[tuple[str, int]]]:
    """Quarter ("2026 Q1") -> its ``top`` organisations by papers (most first, then by name),
    quarters in date order; organisations are told apart by their handle."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for paper in sorted(papers, key=lambda p: p.daily_date):
        if paper.organization:
            counts[quarter_key(paper)][paper.organization.name] += 1
            names[paper.organization.name] = paper.organization.fullname or paper.organization.name
    return {
        quarter: [(names[o], n) for o, n in sorted(c.items(), key=lambda t: (-t[1], t[0]))[:top]]
        for quarter, c in counts.items()
    }


# -- the sections ----------------------------------------------------------------------------
def _per_week(archive: Archive) -> Section:
    bars = [_count(week, len(ps)) for week, ps in archive.weeks.items()]
    chart = Chart("per-week", "Papers per week", bars, ("Week", "Papers"), "Week", "Papers")
    return Section("per-week", "Papers per week", [chart])


def _upvotes(archive: Archive) -> Section:
    votes = Counter(_bucket(p.upvotes) for p in archive.papers.values())
    bars = [_count(_label(b), votes[_label(b)]) for b in UPVOTE_BUCKETS]
    chart = Chart("upvotes", "Papers by upvotes", bars, ("Upvotes", "Papers"), "Upvotes", "Papers")
    return Section("upvotes", "Papers by upvotes", [chart])


def _code_share(archive: Archive) -> Section:
    bars = [
        Bar(
            month,
            100 * code / total,
            f"{100 * code / total:.0f}%",
            (str(code), str(total), f"{100 * code / total:.1f}%"),
            f"{month}: {100 * code / total:.0f}% ({code} of {total} papers)",
        )
        for month, code, total in code_share(archive.months)
        if total
    ]
    columns = ("Month", "With code", "Papers", "Share")
    chart = Chart("code-share", "Share of papers with code, per month", bars, columns, "Month")
    chart.y_title, chart.top = "Papers with code", 100
    note = "The share of each month's papers that link a GitHub repository."
    return Section("code-share", "Papers with code", [chart], note)


def _rising(archive: Archive) -> Section | None:
    found = rising_keywords(archive.months)
    if not found or not found.keywords:
        return None
    bars = [_rising_bar(r) for r in found.keywords]
    columns = ("Keyword", "Papers", f"Share in {found.month}", "Share before", "Change")
    title = f"Rising keywords in {found.month}"
    chart = Chart("rising", title, bars, columns, "Growth in share of papers", horizontal=True)
    return Section("rising", "Rising keywords", [chart], _rising_note(found))


def _rising_note(found: RisingKeywords) -> str:
    first, last = found.baseline[0], found.baseline[-1]
    before = first if first == last else f"{first} to {last}"
    return (
        f"The AI keywords whose share of papers grew most in {found.month}, the latest complete "
        f"month, over the months before it with papers ({before}): the share of the month's "
        f"papers that have the keyword minus its share before, in percentage points. A keyword "
        f"must be on at least {RISING_MIN_PAPERS} papers of the month."
    )


def _rising_bar(r: Rising) -> Bar:
    change = f"+{100 * r.change:.1f} pts"
    cells = (str(r.papers), f"{100 * r.share:.1f}%", f"{100 * r.before:.1f}%", change)
    tip = f"{r.keyword}: {change} ({100 * r.before:.1f}% to {100 * r.share:.1f}% of papers)"
    return Bar(r.keyword, 100 * r.change, change, cells, tip)


def _top_topics(id: str, title: str, topics: list, column: str) -> Section:
    best = sorted(topics, key=lambda t: (-len(t.papers), t.slug))[:15]
    bars = [_count(t.name, len(t.papers)) for t in best]
    chart = Chart(id, title, bars, (column, "Papers"), "Papers", horizontal=True)
    return Section(id, title, [chart])


def _orgs_per_quarter(archive: Archive) -> Section:
    quarters = list(orgs_per_quarter(list(archive.papers.values())).items())[-QUARTERS_SHOWN:]
    charts = [
        Chart(
            f"orgs-{quarter.replace(' ', '-').lower()}",
            quarter,
            [_count(name, n) for name, n in orgs],
            ("Organisation", "Papers"),
            "Papers",
            horizontal=True,
            caption=quarter,
        )
        for quarter, orgs in reversed(quarters)
    ]
    note = (
        f"The {QUARTER_TOP} organisations with the most papers in each of the latest "
        f"{QUARTERS_SHOWN} quarters, newest first."
    )
    return Section("orgs-per-quarter", "Most active organisations per quarter", charts, note)


def _count(label: str, n: int) -> Bar:
    return Bar(label, n, f"{n:,}", tip=f"{label}: {n:,} paper{'' if n == 1 else 's'}")


def _label(bucket: tuple[int, int | None]) -> str:
    low, high = bucket
    return f"{low}+" if high is None else (str(low) if low == high else f"{low}–{high}")


def _bucket(votes: int) -> str:
    for low, high in UPVOTE_BUCKETS:
        if high is None or votes <= high:
            return _label((low, high))
    raise AssertionError("unreachable")


# -- drawing ---------------------------------------------------------------------------------
def _vbars(chart: Chart) -> Markup:
    top = chart.top or max((b.value for b in chart.bars), default=0) or 1
    step, base = 100 / max(len(chart.bars), 1), PLOT_TOP + PLOT_HEIGHT
    wide_only = _alternate_ticks(chart.bars)
    parts = [
        f'<text class="axis-title" x="0" y="14">{html(chart.y_title)}</text>',
        *_gridlines(chart, top),
    ]
    for i, bar in enumerate(chart.bars):
        h = bar.value / top * PLOT_HEIGHT
        x, anchor = _anchor(i * step, step)
        tick = _tick(i, len(chart.bars), wide_only)
        parts.append(
            f'<g class="bar" tabindex="0" role="img"><title>{html(bar.name)}</title>'
            f'<rect x="{i * step + step * 0.1:.2f}%" y="{base - h:.1f}" width="{step * 0.8:.2f}%" '
            f'height="{h:.1f}"/><text class="bar__value" x="{x:.2f}%" y="{base - h - 6:.1f}" '
            f'text-anchor="{anchor}">{html(bar.text)}</text></g>'
        )
        if tick:
            parts.append(
                f'<text{tick} x="{x:.2f}%" y="{base + 18}" text-anchor="{anchor}">'
                f"{html(bar.label)}</text>"
            )
    parts.append(
        f'<text class="axis-title" x="50%" y="{base + BELOW - 4}" text-anchor="middle">'
        f"{html(chart.x_title)}</text>"
    )
    return _svg(chart, base + BELOW, "".join(parts))


def _gridlines(chart: Chart, top: float) -> list[str]:
    """A line and a label at the value axis's end and half-way, and the baseline."""
    out = []
    for frac in (1, 0.5):
        y = PLOT_TOP + PLOT_HEIGHT * (1 - frac)
        value = top * frac
        text = f"{value:.0f}%" if chart.top == 100 else f"{value:,.0f}"
        if chart.top != 100 and value != int(value):
            continue  # half of an odd count is no count of papers
        out.append(
            f'<line class="grid" x1="0" x2="100%" y1="{y:.0f}" y2="{y:.0f}"/>'
            f'<text class="grid-label" x="0" y="{y - 4:.0f}">{text}</text>'
        )
    base = PLOT_TOP + PLOT_HEIGHT
    out.append(f'<line class="axis" x1="0" x2="100%" y1="{base}" y2="{base}"/>')
    return out


def _anchor(left: float, step: float) -> tuple[float, str]:
    """Where a bar's centred text goes: at the chart's edges, aligned to the bar's outer side
    so the text stays inside the SVG."""
    centre = left + step / 2
    if centre < 12:
        return left + step * 0.1, "start"
    if centre > 88:
        return left + step * 0.9, "end"
    return centre, "middle"


def _alternate_ticks(bars: list[Bar]) -> bool:
    """Whether every other tick label is hidden on a narrow screen: when the labels shown would
    not fit side by side in about 330 px at ~7.5 px a character."""
    shown = math.ceil(len(bars) / _stride(len(bars)))
    longest = max((len(b.label) for b in bars), default=0)
    return shown * (longest * 7.5 + 8) > 330


def _stride(n: int) -> int:
    return max(1, math.ceil(n / 8))  # at most about eight tick labels on a desktop


def _tick(i: int, n: int, wide_only: bool) -> str | None:
    """The class attribute of bar ``i``'s tick label, or None when it has none."""
    stride = _stride(n)
    if i % stride:
        return None
    return ' class="tick tick--wide"' if wide_only and (i // stride) % 2 else ' class="tick"'


def _hbars(chart: Chart) -> Markup:
    top = chart.top or max((b.value for b in chart.bars), default=0) or 1
    parts = [f'<text class="axis-title" x="0" y="14">{html(chart.x_title)}</text>']
    for i, bar in enumerate(chart.bars):
        y, w = ROWS_TOP + i * ROW, bar.value / top * 80  # 20% left for the value after the bar
        label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
        parts.append(
            f'<g class="bar" tabindex="0" role="img"><title>{html(bar.name)}</title>'
            f'<text class="bar__label" x="0" y="{y + 14}">{html(label)}</text>'
            f'<rect x="0" y="{y + 20}" width="{w:.2f}%" height="16"/>'
            f'<text class="bar__value" x="{w:.2f}%" dx="6" y="{y + 33}">{html(bar.text)}</text>'
            "</g>"
        )
    return _svg(chart, ROWS_TOP + ROW * len(chart.bars), "".join(parts), "chart chart--h")


def _svg(chart: Chart, height: float, body: str, cls: str = "chart") -> Markup:
    return Markup(
        f'<svg class="{cls}" width="100%" height="{height:.0f}" role="group" '
        f'aria-labelledby="{chart.id}-title"><title id="{chart.id}-title">{html(chart.title)}'
        f"</title>{body}</svg>"
    )
