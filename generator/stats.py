"""Charts for the stats page, drawn at build time as inline SVG: no script, no third party.

Each chart is a ``<figure>`` with an accessible name, and the same numbers as a table for
screen readers and for copying.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from .archive import Archive
from .escape import html

UPVOTE_BUCKETS = [(0, 0), (1, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, None)]


@dataclass
class Chart:
    id: str
    title: str
    bars: list[tuple[str, int]]  # (label, value)
    horizontal: bool = False

    def svg(self) -> str:
        return _hbars(self) if self.horizontal else _vbars(self)


def summary(archive: Archive) -> dict[str, object]:
    papers = list(archive.papers.values())
    votes = [p.upvotes for p in papers]
    return {
        "papers": len(papers),
        "days": len(archive.dates),
        "median_upvotes": statistics.median(votes) if votes else 0,
        "with_code": sum(1 for p in papers if p.github_repo),
        "organisations": len(archive.organizations),
        "categories": len(archive.categories),
    }


def charts(archive: Archive) -> list[Chart]:
    per_week = [(week, len(papers)) for week, papers in archive.weeks.items()]
    votes = Counter(_bucket(p.upvotes) for p in archive.papers.values())
    orgs = sorted(archive.organizations, key=lambda t: (-len(t.papers), t.slug))[:15]
    cats = sorted(archive.categories, key=lambda t: (-len(t.papers), t.slug))[:15]
    out = [
        Chart("per-week", "Papers per week", per_week),
        Chart(
            "upvotes", "Papers by upvotes", [(_label(b), votes[_label(b)]) for b in UPVOTE_BUCKETS]
        ),
    ]
    if orgs:
        out.append(
            Chart("orgs", "Top organisations", [(t.name, len(t.papers)) for t in orgs], True)
        )
    if cats:
        out.append(
            Chart(
                "categories", "Top arXiv categories", [(t.name, len(t.papers)) for t in cats], True
            )
        )
    return out


def _label(bucket: tuple[int, int | None]) -> str:
    low, high = bucket
    return f"{low}+" if high is None else (str(low) if low == high else f"{low}–{high}")


def _bucket(votes: int) -> str:
    for low, high in UPVOTE_BUCKETS:
        if high is None or votes <= high:
            return _label((low, high))
    raise AssertionError("unreachable")


def _vbars(chart: Chart) -> str:
    width, height, top = 720, 200, max((v for _, v in chart.bars), default=0) or 1
    step = width / max(len(chart.bars), 1)
    rects = []
    for i, (label, value) in enumerate(chart.bars):
        h = value / top * (height - 20)
        rects.append(
            f'<rect x="{i * step + step * 0.1:.1f}" y="{height - h:.1f}" width="{step * 0.8:.1f}" '
            f'height="{h:.1f}"><title>{html(label)}: {value}</title></rect>'
        )
    first, last = (html(chart.bars[0][0]), html(chart.bars[-1][0])) if chart.bars else ("", "")
    labels = (
        f'<text x="0" y="{height + 14}">{first}</text>'
        f'<text x="{width}" y="{height + 14}" text-anchor="end">{last}</text>'
    )
    return _svg(chart, width, height + 20, "".join(rects) + labels)


def _hbars(chart: Chart) -> str:
    row, label_w, width = 22, 240, 720
    top = max((v for _, v in chart.bars), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(chart.bars):
        w = value / top * (width - label_w - 50)
        y = i * row
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{html(label[:36])}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}">'
            f"<title>{html(label)}: {value}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{value}</text>'
        )
    return _svg(chart, width, row * len(chart.bars), "".join(parts))


def _svg(chart: Chart, width: int, height: float, body: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" role="img" '
        f'aria-labelledby="{chart.id}-title" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart.id}-title">{html(chart.title)}</title>{body}</svg>'
    )
