"""A day's papers in Hugging Face's order: most upvoted first, ties in the order of the day's
feed, taken from the day's latest capture (issue 24)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime
from itertools import pairwise

import pytest

from generator import layout, search
from generator.ingest.importer import ImportOptions
from generator.ingest.sources.hf_api import latest_time, parse_daily_papers
from generator.merge import merge
from generator.project import Project
from generator.render.archive import Archive

from .conftest import API_DIR, make_project

CARD_LINK = re.compile(r'<h2 class="paper-card__title"><a href="[^"]*/([^/"]+)\.html">')


def _captures() -> dict[date, tuple[datetime, list[dict]]]:
    """Each day's latest capture among the shipped API answers: (its time, its entries for
    that day, first listing of each paper only), read straight from the JSON."""
    latest: dict[date, tuple[datetime, list[dict]]] = {}
    for path in sorted(API_DIR.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        when, by_day, seen = latest_time(raw), defaultdict(list), set()
        for entry in raw:
            paper = entry["paper"]
            listed = (paper.get("submittedOnDailyAt") or path.stem)[:10]
            if paper["id"] not in seen:
                seen.add(paper["id"])
                by_day[date.fromisoformat(listed)].append(entry)
        for day, entries in by_day.items():
            if day not in latest or when > latest[day][0]:
                latest[day] = (when, entries)
    return latest


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    project = Project.open(make_project(tmp_path_factory.mktemp("order") / "project"))
    project.import_paths([API_DIR], ImportOptions())
    project.render()
    return project


def test_every_shipped_day_page_lists_its_latest_capture_by_upvotes_then_feed_order(rendered):
    upvotes = {p.id: p.upvotes for p in rendered.papers()[0]}
    captures = _captures()
    assert len(captures) >= 10
    ties = 0
    for day, (_, entries) in captures.items():
        feed = [e["paper"]["id"] for e in entries]
        expected = sorted(feed, key=lambda pid: -upvotes[pid])  # stable: ties keep feed order
        page = rendered.settings.generated_dir / layout.day(day).source
        listed = CARD_LINK.findall(page.read_text(encoding="utf-8"))
        assert listed == expected, day
        ties += sum(upvotes[a] == upvotes[b] for a, b in pairwise(expected))
    assert ties > 20  # the order of equal upvotes is what this test is about


def test_the_front_page_and_the_latest_feed_keep_the_day_order(rendered):
    papers = rendered.papers()[0]
    newest = Archive(papers).days[max(p.daily_date for p in papers)]
    generated = rendered.settings.generated_dir
    front = CARD_LINK.findall((generated / "index.md").read_text(encoding="utf-8"))
    assert front == [p.id for p in newest][: len(front)] and len(front) > 3
    feed_file = generated / layout.feed("latest") / "feed.json"
    feed = json.loads(feed_file.read_text(encoding="utf-8"))
    linked = [item["url"].rsplit("/", 1)[-1].removesuffix(".html") for item in feed["items"]]
    assert linked[: len(newest)] == [p.id for p in newest]


def test_the_searchs_newest_sort_lists_each_day_as_its_page(rendered):
    """Document numbers are the archive's order: a query sorted by newest lists a day's papers
    as the day page does, equal upvotes in feed order (it broke them by id before)."""
    papers = rendered.papers()[0]
    index = search.build_index(papers)
    days = Archive(papers).days
    listed = [index.display(d)[0] for d in search.run(index, "model", sort="newest").docs]
    found = set(listed)
    ties = 0
    for day, shown in days.items():
        expected = [p.id for p in shown if p.id in found]
        assert [pid for pid in listed if pid in set(expected)] == expected, day
        ties += sum(a.upvotes == b.upvotes for a, b in pairwise(shown))
    assert ties > 20 and len(found) > 50


def _answer(ids: list[str], votes: int = 3) -> list[dict]:
    template = json.loads((API_DIR / "2025-10-15.json").read_text(encoding="utf-8"))[0]
    return [
        dict(template, paper=dict(template["paper"], id=pid, upvotes=votes, title=f"Paper {pid}"))
        for pid in ids
    ]


@pytest.mark.parametrize("newer_first", [False, True])
def test_the_newest_capture_places_a_paper_whatever_the_import_order(newer_first):
    ids = ["2510.00001", "2510.00002", "2510.00003"]
    old = parse_daily_papers(_answer(ids), where="a", fetched_at=datetime(2025, 10, 15, 9))
    new = parse_daily_papers(_answer(ids[::-1]), where="b", fetched_at=datetime(2025, 10, 15, 20))
    stored = {}
    for paper in new + old if newer_first else old + new:
        stored[paper.id] = merge(stored[paper.id], paper) if paper.id in stored else paper
    day = Archive(list(stored.values())).days[date(2025, 10, 15)]
    assert [p.id for p in day] == ids[::-1]
    assert [p.feed_position for p in day] == [0, 1, 2]
