"""'New since your last visit' (issue 24), in chromium on a site built from the bundled data/
with the newest day and two papers of the day before held back: a first visit marks nothing;
the held-back papers are added (two of them also join a newer trending list) and the site
rebuilt; the next visit marks exactly them, on the front page, their day pages and the Trending
page, and keeps the marks while the visit lasts."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from playwright.sync_api import expect

from generator.model import Trending
from generator.store import Store

from .conftest import bundled_project, papers
from .site_tools import SiteServer, offline_page

pytestmark = pytest.mark.slow
NEWEST, BEFORE, OLDER = "2026-03-05", "2026-03-04", "2026-03-03"
START = datetime(2026, 3, 6, 8, tzinfo=UTC)
STORE = "papers-visits"


def _records(project, day: str) -> list:
    found = []
    for path in sorted((project / "data" / "papers").rglob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record["daily_date"] == day:
            found.append((record["id"], path))
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site without the held-back papers; ``site.add()`` puts them back and rebuilds."""
    project = bundled_project(tmp_path_factory.mktemp("visits") / "project")
    held = tmp_path_factory.mktemp("held")
    newest, before = _records(project, NEWEST), _records(project, BEFORE)
    back = newest + before[-2:]
    for pid, path in back:
        shutil.move(path, held / f"{pid}.yaml")
    assert papers(project, "build").exit_code == 0
    server = SiteServer(project / "site")

    store = Store(project / "data")
    listed = store.latest_trending()
    # The next trending list: two of the held-back papers in, the first two listed out.
    rising = [pid for pid, _ in newest[:2]]

    def add():
        for pid, path in back:
            shutil.move(held / f"{pid}.yaml", path)
        later = listed.fetched_at + timedelta(days=20)
        store.add_trending(
            Trending(fetched_at=later, source="test", papers=rising + listed.papers[2:])
        )
        assert papers(project, "build").exit_code == 0

    server.add = add
    server.new = {NEWEST: [pid for pid, _ in newest], BEFORE: [pid for pid, _ in before[-2:]]}
    server.rising = rising
    yield server
    server.close()


def marked(page) -> list[str]:
    links = page.locator("article.paper-card--new .paper-card__title a")
    return [href.rsplit("/", 1)[-1].removesuffix(".html") for href in _hrefs(links)]


def _hrefs(links) -> list[str]:
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


@pytest.fixture
def reader(browser, site):
    with offline_page(browser, site.url) as page:
        page.clock.install(time=START)
        yield page


def test_a_visit_then_a_new_day_marks_exactly_the_new_papers(reader, site):
    from axe_playwright_python.sync_playwright import Axe

    for path in ("", f"date/{BEFORE}.html", "trending/"):  # a first visit: nothing to compare
        reader.goto(path)
        expect(reader.locator("article.paper-card").first).to_be_visible()
        assert marked(reader) == []
    site.add()
    reader.clock.set_system_time(START + timedelta(hours=20))  # the next day's visit
    reader.goto("")
    expect(reader.locator(".paper-new").first).to_be_visible()
    assert sorted(marked(reader)) == sorted(site.new[NEWEST])
    expect(reader.locator(".day-nav")).to_contain_text(
        f"{len(site.new[NEWEST])} new since your last visit"
    )
    assert Axe().run(reader).violations_count == 0
    reader.goto(f"date/{BEFORE}.html")  # the day filled after the last visit saw it
    expect(reader.locator(".paper-new").first).to_be_visible()
    assert sorted(marked(reader)) == sorted(site.new[BEFORE])
    reader.goto(f"date/{OLDER}.html")
    expect(reader.locator("article.paper-card").first).to_be_visible()
    assert marked(reader) == []
    reader.goto("trending/")  # what joined the list since the last visit saw it
    expect(reader.locator(".paper-new").first).to_be_visible()
    assert sorted(marked(reader)) == sorted(site.rising)
    # Within the visit the marks stay; the visit after this one has seen them.
    reader.clock.set_system_time(START + timedelta(hours=20, minutes=10))
    reader.goto("")
    assert sorted(marked(reader)) == sorted(site.new[NEWEST])
    reader.clock.set_system_time(START + timedelta(hours=44))
    reader.goto("")
    expect(reader.locator("article.paper-card").first).to_be_visible()
    assert marked(reader) == []


def test_no_history_no_marks_and_a_broken_store_changes_nothing_else(reader, site):
    reader.goto(f"date/{BEFORE}.html")
    expect(reader.locator("article.paper-card").first).to_be_visible()
    assert marked(reader) == []
    reader.evaluate(f"localStorage.setItem('{STORE}', '{{\"previous\": 5, \"current\": [')")
    reader.reload()
    expect(reader.locator("article.paper-card").first).to_be_visible()
    assert marked(reader) == []
    assert reader.evaluate(f"JSON.parse(localStorage.getItem('{STORE}')).current.day") == BEFORE
