"""Hugging Face's trending list (issue 24): captured by ``papers fetch`` against the local replay
server, with faults injected, and imported from a saved answer; kept in data/trending/ in rank
order; its papers join the archive on the days their entries name; nothing is ever lost."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime

import pytest
import yaml

from generator.ingest.importer import ImportOptions, import_paths
from generator.ingest.sources.hf_api import parse_trending
from generator.model import Trending
from generator.store import Store

from .conftest import API_DIR, ARXIV_FEED, FIXTURES, make_project
from .replay_server import ReplayServer
from .test_fetch import FAST, papers, snapshot, store_of

TRENDING = FIXTURES / "hf-trending" / "trending.json"
ANSWER = json.loads(TRENDING.read_text(encoding="utf-8"))
RANKED = [e["paper"]["id"] for e in ANSWER]


@pytest.fixture
def server(tmp_path):
    api = tmp_path / "api"
    shutil.copytree(API_DIR, api)
    srv = ReplayServer(api, ARXIV_FEED, trending=TRENDING).start()
    yield srv
    srv.shutdown()


@pytest.fixture
def project(tmp_path):
    project = make_project(tmp_path / "project", **FAST)
    import_paths(Store(project / "data"), [API_DIR / "2025-10-15.json"], ImportOptions())
    return project


def kept(project) -> list[Trending]:
    store = store_of(project)
    return [Trending.model_validate(yaml.safe_load(p.read_text())) for p in store.trending_files()]


def test_fetch_keeps_the_list_in_rank_order_and_its_new_papers_on_their_days(project, server):
    before = {p.id: p for p in store_of(project).load_all()}
    result = papers(project, server, "fetch", "--date", "2025-10-15")
    assert result.exit_code == 0, result.stderr
    assert "trending list of 26 kept (24 new to the archive)" in result.stdout
    [listed] = kept(project)
    assert listed.papers == RANKED
    assert listed.source == f"{server.url}/api/daily_papers?sort=trending"
    stored = {p.id: p for p in store_of(project).load_all()}
    for entry in ANSWER:
        paper = stored[entry["paper"]["id"]]
        assert paper.daily_date.isoformat() == entry["paper"]["submittedOnDailyAt"][:10]
    # a paper already held keeps its place in its day's feed: a trending rank is not one
    for pid in set(RANKED) & set(before):
        assert stored[pid].feed_position == before[pid].feed_position is not None
    [query] = [q for path, q, _ in server.requests if q.get("sort") == ["trending"]]
    assert query == {"sort": ["trending"], "limit": ["50"]}


def test_the_same_list_again_writes_nothing(project, server):
    assert papers(project, server, "fetch", "--date", "2025-10-15").exit_code == 0
    files = snapshot(store_of(project)) | {
        p: p.read_bytes() for p in store_of(project).trending_files()
    }
    again = papers(project, server, "fetch", "--date", "2025-10-15")
    assert again.exit_code == 0 and "trending list of 26 unchanged" in again.stdout
    assert len(store_of(project).trending_files()) == 1
    assert all(path.read_bytes() == data for path, data in files.items())


@pytest.mark.parametrize(
    "fault",
    [("truncate",), ("html200",), ("body", b'{"error": "x"}'), ("status", 404)],
    ids=["truncated", "html", "not-a-list", "404"],
)
def test_a_failed_trending_answer_changes_nothing_and_fails_the_run(project, server, fault):
    assert papers(project, server, "fetch", "--date", "2025-10-15").exit_code == 0
    before = snapshot(store_of(project))
    server.faults[("trending", "*")] = [fault]
    result = papers(project, server, "fetch", "--date", "2025-10-15")
    assert result.exit_code == 1
    assert "error: trending: " in result.stderr and "trending list failed" in result.stdout
    assert snapshot(store_of(project)) == before and len(kept(project)) == 1


def test_429_and_5xx_are_retried_and_the_list_is_kept(project, server):
    server.faults[("trending", "*")] = [("status", 429, {"Retry-After": "0"}), ("status", 503)]
    result = papers(project, server, "fetch", "--date", "2025-10-15")
    assert result.exit_code == 0, result.stderr
    assert [t.papers for t in kept(project)] == [RANKED]


def test_an_empty_list_keeps_nothing_and_the_last_list_stays(project, server, tmp_path):
    assert papers(project, server, "fetch", "--date", "2025-10-15").exit_code == 0
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    server.trending = empty
    result = papers(project, server, "fetch", "--date", "2025-10-15")
    assert result.exit_code == 0 and "trending list empty, nothing kept" in result.stdout
    assert store_of(project).latest_trending().papers == RANKED


def test_import_of_the_saved_answer_stores_what_fetch_stores(project, server, tmp_path):
    saved = tmp_path / "2026-03-06T08-00-00Z-trending.json"
    shutil.copy(TRENDING, saved)
    result = papers(project, server, "import", "--trending", str(saved))
    assert result.exit_code == 0, result.stderr
    assert "1 trending list(s) kept" in result.stdout
    latest = store_of(project).latest_trending()
    assert latest.papers == RANKED and latest.source == f"file:{saved.name}"
    assert latest.fetched_at == datetime(2026, 3, 6, 8, tzinfo=UTC)
    assert store_of(project).trending_files()[0].name == "2026-03-06T080000Z.yaml"
    other = make_project(tmp_path / "fetched", **FAST)
    import_paths(Store(other / "data"), [API_DIR / "2025-10-15.json"], ImportOptions())
    assert papers(other, server, "fetch", "--date", "2025-10-15").exit_code == 0
    ids = lambda p: sorted(x.id for x in store_of(p).load_all())  # noqa: E731
    assert ids(project) == ids(other)


def test_a_damaged_trending_file_is_named_with_its_field(project, server):
    server.date = "Fri, 06 Mar 2026 08:00:00 GMT"
    assert papers(project, server, "fetch", "--date", "2025-10-15").exit_code == 0
    [path] = store_of(project).trending_files()
    path.write_text(path.read_text().replace("papers:", "paperz:"))
    server.date = "Sat, 07 Mar 2026 08:00:00 GMT"  # a later capture: the kept one is read
    result = papers(project, server, "fetch", "--date", "2025-10-15")
    assert result.exit_code != 0
    assert str(path) in result.stderr and "papers" in result.stderr


def test_parse_trending_lists_a_repeated_paper_once_at_its_first_rank():
    repeated = [ANSWER[0], ANSWER[1], ANSWER[0]]
    listed, papers_ = parse_trending(
        repeated, where="t", fetched_at=datetime(2026, 3, 6, tzinfo=UTC)
    )
    assert listed.papers == RANKED[:2] and [p.feed_position for p in papers_] == [None, None]
    assert parse_trending([], where="t", fetched_at=datetime(2026, 3, 6, tzinfo=UTC)) == (None, [])


def test_the_trending_page_feed_and_opml_follow_the_latest_list_in_rank_order(project, tmp_path):
    from generator import layout
    from generator.project import Project

    site = Project.open(project)
    site.render()
    page = site.settings.generated_dir / layout.SECTIONS["trending"].source
    assert "No trending list has been captured yet" in page.read_text(encoding="utf-8")
    assert not (site.settings.generated_dir / layout.feed("trending")).exists()
    saved = tmp_path / "2026-03-06T08-00-00Z.json"
    saved.write_text(json.dumps(ANSWER[::-1]))  # the newer capture (its name's time), reversed
    site.import_paths([saved], ImportOptions(trending=True))
    site.import_paths([TRENDING], ImportOptions(trending=True))  # 2026-02-17: imported later
    latest = store_of(project).latest_trending()
    assert latest.papers == RANKED[::-1] and len(store_of(project).trending_files()) == 2
    site.render()
    text = page.read_text(encoding="utf-8")
    listed = re.findall(r'paper-card__title"><a href="[^"]*/([^/"]+)\.html"', text)
    assert listed == latest.papers and latest.fetched_at.strftime("%Y-%m-%d %H:%M") in text
    folder = site.settings.generated_dir / layout.feed("trending")
    feed = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
    assert [i["url"].rsplit("/", 1)[-1].removesuffix(".html") for i in feed["items"]] == listed
    opml = (site.settings.generated_dir / layout.all_feeds()).read_text(encoding="utf-8")
    assert "feeds/trending/atom.xml" in opml


def test_a_topic_site_with_none_of_the_trending_papers_says_so(project):
    from generator import layout
    from generator.project import Project

    from .conftest import configure

    import_paths(Store(project / "data"), [TRENDING], ImportOptions(trending=True))
    configure(project, topics="{keywords: [the-words-of-no-paper]}")
    site = Project.open(project)
    site.render()
    page = site.settings.generated_dir / layout.SECTIONS["trending"].source
    text = page.read_text(encoding="utf-8")
    assert "None of the papers trending on Hugging Face at" in text and "05:14 UTC" in text
    assert not (site.settings.generated_dir / layout.feed("trending")).exists()
