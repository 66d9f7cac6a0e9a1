"""``papers fetch`` and ``papers enrich`` against a local server replaying recorded responses."""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.ingest.importer import ImportOptions, import_paths
from generator.settings import load_settings
from generator.store import Store

from .conftest import API_DIR, ARXIV_FEED, FIXTURES, SEED, make_project
from .conftest import papers as run_papers
from .replay_server import ReplayServer

FAST = dict(http_timeout=1.0, http_retries=3, http_backoff=0.01, arxiv_interval=0, fetch_days=1)
DAY = "2025-10-15"


@pytest.fixture
def server(tmp_path):
    api = tmp_path / "api"
    shutil.copytree(API_DIR, api)
    srv = ReplayServer(api, ARXIV_FEED).start()
    yield srv
    srv.shutdown()


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project", **FAST)


def papers(project: Path, server: ReplayServer, *args: str, env: dict | None = None):
    """``papers`` with both services pointed at the replay server (and no token unless given)."""
    environ = {
        "HF_ENDPOINT": server.url,
        "PAPERS_ARXIV_ENDPOINT": f"{server.url}/api/query",
        "HF_TOKEN": None,
    }
    return run_papers(project, *args, env=environ | (env or {}))


def store_of(project: Path) -> Store:
    return Store(load_settings(project).path("data_dir"))


def records(store: Store) -> dict[str, dict]:
    """Stored records without provenance (which says where and when each capture came from)."""
    return {p.id: p.model_dump(exclude={"sources"}) for p in store.load_all()}


def snapshot(store: Store) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in store.root.rglob("*.yaml")}


def api_requests(server: ReplayServer) -> list[dict]:
    """The requests for days (not the trending list's: tests/test_trending.py)."""
    return [
        q
        for path, q, _ in server.requests
        if path == "/api/daily_papers" and q.get("sort") != ["trending"]
    ]


def test_fetch_stores_what_import_stores(project, server, tmp_path):
    result = papers(project, server, "fetch", "--date", DAY)
    assert result.exit_code == 0, result.stderr
    assert "fetched 1 of 1 day(s)" in result.stdout and "0 failed" in result.stdout
    imported = Store(tmp_path / "imported")
    import_paths(imported, [API_DIR / f"{DAY}.json"], ImportOptions())
    assert records(store_of(project)) == records(imported)
    [query] = api_requests(server)
    assert query == {"date": [DAY], "limit": ["100"], "p": ["0"]}
    sources = store_of(project).load_all()[0].sources
    assert (
        sources[0].kind == "hf-api"
        and sources[0].ref == f"{server.url}/api/daily_papers?date={DAY}"
    )


def test_second_fetch_changes_no_file(project, server):
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    before = snapshot(store_of(project))
    again = papers(project, server, "fetch", "--date", DAY)
    assert again.exit_code == 0 and "0 new, 0 updated" in again.stdout
    assert snapshot(store_of(project)) == before


@pytest.mark.parametrize("size", [100, 130])
def test_pages_until_a_short_page(project, server, size):
    entries = [e for f in sorted(API_DIR.glob("*.json")) for e in json.loads(f.read_text())]
    assert len(entries) >= size
    (server.api_dir / "2025-01-01.json").write_text(json.dumps(entries[:size]))
    result = papers(project, server, "fetch", "--date", "2025-01-01")
    assert result.exit_code == 0, result.stderr
    assert f"{size} new" in result.stdout
    assert [q["p"] for q in api_requests(server)] == [["0"], ["1"]]


@pytest.mark.parametrize(
    "faults",
    [
        [("status", 500), ("status", 502), ("status", 503)],
        [("reset",), ("reset",)],
        [("slow", 2.5)],
    ],
    ids=["5xx", "connection-reset", "slower-than-timeout"],
)
def test_transient_failures_are_retried(project, server, faults):
    server.faults[("api", DAY)] = list(faults)
    result = papers(project, server, "fetch", "--date", DAY)
    assert result.exit_code == 0, result.stderr
    assert "0 failed" in result.stdout and "note:" not in result.stderr
    assert len(api_requests(server)) == len(faults) + 1
    assert len(store_of(project).load_all()) == len(
        json.loads((API_DIR / f"{DAY}.json").read_text())
    )


def test_429_retry_after_is_honoured(project, server):
    server.faults[("api", DAY)] = [("status", 429, {"Retry-After": "2"})]
    started = time.monotonic()
    result = papers(project, server, "fetch", "--date", DAY)
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started >= 2.0
    assert len(api_requests(server)) == 2


@pytest.mark.parametrize("fault", [("truncate",), ("html200",), ("body", b'{"error": "x"}')])
def test_bad_api_answer_falls_back_to_the_html_page(project, server, fault):
    server.faults[("api", DAY)] = [fault]
    result = papers(project, server, "fetch", "--date", DAY)
    assert result.exit_code == 0, result.stderr
    assert "used the HTML page instead" in result.stderr
    stored = store_of(project).load_all()
    assert stored and all(p.sources[0].kind == "hf-html" for p in stored)
    assert all(p.sources[0].ref == f"{server.url}/papers/date/{DAY}" for p in stored)


def test_a_failed_day_changes_nothing_and_fails_the_run(project, server):
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    before = snapshot(store_of(project))
    server.faults[("api", DAY)] = [("status", 503)] * 10
    server.faults[("page", DAY)] = [("html200",)]
    result = papers(project, server, "fetch", "--date", DAY)
    assert result.exit_code == 1
    assert f"error: {DAY}: {server.url}/api/daily_papers?date={DAY}" in result.stderr
    assert "HTTP 503 after retries" in result.stderr and "DailyPapers" in result.stderr
    assert "1 failed" in result.stdout
    assert snapshot(store_of(project)) == before


def test_empty_or_shorter_answer_never_removes_papers(project, server):
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    before = snapshot(store_of(project))
    server.faults[("api", DAY)] = [("body", b"[]")]
    result = papers(project, server, "fetch", "--date", DAY)
    assert result.exit_code == 0 and "1 empty day(s)" in result.stdout
    assert snapshot(store_of(project)) == before
    entries = json.loads((API_DIR / f"{DAY}.json").read_text())
    shorter = [dict(e, paper=dict(e["paper"], upvotes=0, ai_summary="")) for e in entries[:2]]
    server.faults[("api", DAY)] = [("body", json.dumps(shorter).encode())]
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    assert snapshot(store_of(project)) == before


def test_backfill_resumes_where_it_stopped(project, server):
    server.faults[("api", "2025-10-15")] = [("status", 500)] * 10
    server.faults[("page", "2025-10-15")] = [("status", 500)] * 10
    first = papers(project, server, "fetch", "--since", "2025-10-13", "--until", "2025-10-16")
    assert first.exit_code == 1 and "fetched 3 of 4 day(s)" in first.stdout
    server.requests.clear()
    server.faults.clear()
    second = papers(project, server, "fetch", "--since", "2025-10-13", "--until", "2025-10-16")
    assert second.exit_code == 0, second.stderr
    assert "fetched 1 of 4 day(s) (3 done earlier)" in second.stdout
    assert [q["date"] for q in api_requests(server)] == [["2025-10-15"]]
    assert not list((project / ".papers-cache").glob("*.json"))


def test_quiet_day_succeeds(project, server):
    result = papers(project, server, "fetch")  # today and yesterday: no recorded files
    assert result.exit_code == 0, result.stderr
    assert "fetched 2 of 2 day(s): 0 new" in result.stdout and "2 empty day(s)" in result.stdout


def test_identifies_itself_and_keeps_the_token_secret(project, server):
    server.faults[("api", DAY)] = [("status", 500)] * 10
    server.faults[("page", DAY)] = [("status", 500)] * 10
    result = papers(project, server, "fetch", "--date", DAY, env={"HF_TOKEN": "hf_s3cr3t"})
    headers = server.requests[0][2]
    assert headers["User-Agent"].startswith("daily-papers/")
    assert headers["Authorization"] == "Bearer hf_s3cr3t"
    assert "hf_s3cr3t" not in result.stdout + result.stderr


def test_a_second_run_is_kept_out_by_the_lock(project, server):
    store = store_of(project)
    with store.lock():
        result = papers(project, server, "fetch", "--date", DAY)
    assert result.exit_code == 1 and "in use by another papers run" in result.stderr


def test_enrich_adds_arxiv_metadata_and_resolves_titles(project, server):
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    store = store_of(project)
    import_paths(store, [SEED], ImportOptions(year=2025))
    result = papers(project, server, "enrich")
    assert result.exit_code == 0, result.stderr
    assert "1 resolved to arXiv ids" in result.stdout
    paper = store.get("2510.12586")
    assert paper.arxiv.primary_category == "cs.CV" and paper.arxiv.categories == ["cs.CV", "cs.LG"]
    assert paper.arxiv.version == 2 and paper.arxiv.doi.startswith("10.0000/")
    assert paper.upvotes == 67  # HF fields untouched
    points = store.get("2409.04828")
    assert points.title.startswith("POINTS: Improving Your Vision-language Model")
    assert len(points.authors) == 6 and points.arxiv.categories == ["cs.CV", "cs.CL"]
    assert points.daily_date.isoformat() == "2025-09-10"
    assert not any(p.title.startswith("POINTS") for p in store.load_all() if p.is_title_only)
    before = snapshot(store)
    assert papers(project, server, "enrich").exit_code == 0
    assert snapshot(store) == before


def test_enrich_failure_changes_nothing(project, server):
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    before = snapshot(store_of(project))
    server.faults[("arxiv", "*")] = [("body", b"<html>oops</html>")] * 5
    result = papers(project, server, "enrich")
    assert result.exit_code == 1 and "not an arXiv Atom feed" in result.stderr
    assert snapshot(store_of(project)) == before


def test_a_fuller_later_capture_adds_papers_and_updates_counts(project, server):
    entries = json.loads((API_DIR / f"{DAY}.json").read_text())
    early = [dict(e, paper=dict(e["paper"], upvotes=1), numComments=0) for e in entries[:3]]
    server.faults[("api", DAY)] = [("body", json.dumps(early).encode())]
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    assert {p.upvotes for p in store_of(project).load_all()} == {1}
    later = papers(project, server, "fetch", "--date", DAY)  # the real, fuller capture
    assert later.exit_code == 0
    assert f"{len(entries) - 3} new, 3 updated" in later.stdout
    stored = {p.id: p for p in store_of(project).load_all()}
    assert {i: stored[e["paper"]["id"]].upvotes for i, e in enumerate(entries)} == {
        i: e["paper"]["upvotes"] for i, e in enumerate(entries)
    }


def test_the_capture_time_of_a_fetch_is_the_servers_date(project, server):
    server.date = "Sat, 18 Oct 2025 09:30:00 GMT"
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    times = {s.fetched_at for p in store_of(project).load_all() for s in p.sources}
    assert times == {datetime(2025, 10, 18, 9, 30, tzinfo=UTC)}


def test_an_older_fetch_fills_gaps_but_never_overwrites_a_newer_capture(project, server, tmp_path):
    entries = json.loads((API_DIR / f"{DAY}.json").read_text())
    newer = tmp_path / f"{DAY}T20-00-00Z.json"  # saved that evening
    newer.write_text(json.dumps([dict(entries[0], title="Evening Title")]))
    import_paths(store_of(project), [newer], ImportOptions())
    server.date = "Wed, 15 Oct 2025 12:00:00 GMT"  # a fetch answered at noon, run later
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    stored = store_of(project).get(entries[0]["paper"]["id"])
    assert stored.title == "Evening Title"
    assert len(stored.sources) == 2


def test_fetch_and_import_of_a_day_listing_a_paper_twice_store_the_same_records(
    project, server, tmp_path
):
    repeated = FIXTURES / "repeated" / "2025-07-04.json"
    shutil.copy(repeated, server.api_dir / repeated.name)
    result = papers(project, server, "fetch", "--date", "2025-07-04")
    assert result.exit_code == 0, result.stderr
    assert "note:" not in result.stderr
    imported = Store(tmp_path / "imported")
    assert not import_paths(imported, [repeated], ImportOptions()).failures
    fetched = records(store_of(project))
    assert fetched == records(imported)
    assert set(fetched) == {e["paper"]["id"] for e in json.loads(repeated.read_text())}
