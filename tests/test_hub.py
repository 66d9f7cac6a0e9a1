"""``papers hub``: the models, datasets and Spaces citing a paper, against the replay server.

The Hub listings it replays are hand-made, not recorded (tests/fixtures/hub-handmade/README.md).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from generator.errors import InputError
from generator.ingest.sources.hf_hub import parse_citing_repos
from generator.merge import merge
from generator.model import HubCitations, HubRepo, Paper
from generator.settings import load_settings
from generator.store import Store

from .conftest import API_DIR, HUB_DIR, make_project
from .conftest import papers as run_papers
from .replay_server import ReplayServer

DAY = "2025-10-15"
CITED, SPACES_ONLY, UNCITED = "2510.12586", "2510.09116", "2510.11693"
FAST = dict(http_timeout=1.0, http_retries=2, http_backoff=0.01, arxiv_interval=0, hub_limit=5)


@pytest.fixture
def server(tmp_path):
    hub = tmp_path / "hub"
    shutil.copytree(HUB_DIR, hub)
    srv = ReplayServer(API_DIR, hub_dir=hub).start()
    yield srv
    srv.shutdown()


@pytest.fixture
def project(tmp_path, server):
    project = make_project(tmp_path / "project", **FAST)
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    return project


def papers(project, server, *args):
    return run_papers(project, *args, env={"HF_ENDPOINT": server.url, "HF_TOKEN": None})


def stored(project) -> dict[str, Paper]:
    return {p.id: p for p in Store(load_settings(project).path("data_dir")).load_all()}


def snapshot(project) -> dict:
    return {p: p.read_bytes() for p in (project / "data").rglob("*.yaml")}


def hub_requests(server) -> list[tuple[str, dict]]:
    return [
        (path, q) for path, q, _ in server.requests if path.startswith("/api/") and "filter" in q
    ]


def page(project, paper_id: str) -> str:
    return (project / "generated" / "papers" / f"{paper_id}.md").read_text(encoding="utf-8")


def handmade(kind: str, paper_id: str) -> list:
    return json.loads((HUB_DIR / kind / f"{paper_id}.json").read_text(encoding="utf-8"))


# -- parsing (pure) ----------------------------------------------------------------------------
def test_parse_sorts_by_downloads_and_leaves_out_private_and_hostile_repos():
    notes: list[str] = []
    repos = parse_citing_repos(handmade("models", CITED), "models.json", "models", 20, notes)
    assert [r.id for r in repos] == [
        "example-lab/EPG-XL",
        "example-lab/EPG-base",
        "quant-org/EPG-XL-GGUF",
        "quant-org/EPG-XL-AWQ",
        "someone/epg_finetune-v2.1",
        "another/EPG-XL-4bit",
    ]
    assert repos[0] == HubRepo(id="example-lab/EPG-XL", downloads=48213, likes=131)
    assert len(notes) == 3 and all("left out" in n for n in notes)  # private, two hostile ids
    top = parse_citing_repos(handmade("models", CITED), "m", "models", 2)
    assert [r.id for r in top] == ["example-lab/EPG-XL", "example-lab/EPG-base"]


def test_parse_spaces_by_likes_without_downloads():
    repos = parse_citing_repos(handmade("spaces", CITED)[::-1], "s", "spaces", 5)
    assert repos == [
        HubRepo(id="example-lab/EPG-demo", downloads=None, likes=57),
        HubRepo(id="fan/epg-playground", downloads=None, likes=4),
    ]


@pytest.mark.parametrize("raw", [{"error": "Invalid filter"}, "[]", None])
def test_an_answer_that_is_not_a_list_is_an_error(raw):
    with pytest.raises(InputError, match="expected a JSON array"):
        parse_citing_repos(raw, "https://huggingface.co/api/models", "models", 5)


@pytest.mark.parametrize(
    "repo_id",
    ["evil/<script>", "javascript:alert(1)", "a/b/c", "gpt2", "a--b/c", "a/b.git", "a/b\n", "ü/x"],
)
def test_hostile_or_foreign_ids_are_rejected(repo_id):
    assert parse_citing_repos([{"id": repo_id, "likes": 1}], "s", "spaces", 5) == []
    with pytest.raises(ValueError):
        HubRepo(id=repo_id)


# -- merging (pure) ----------------------------------------------------------------------------
T0 = datetime(2025, 10, 16, 12, tzinfo=UTC)
XL, BASE = HubRepo(id="lab/xl", downloads=10, likes=1), HubRepo(id="lab/base", downloads=5)
DEMO = HubRepo(id="lab/demo", likes=3)


def with_hub(hub: HubCitations | None) -> Paper:
    return Paper(id=CITED, title="T", daily_date=DAY, hub=hub)


def test_a_newer_answer_replaces_each_kind_it_lists_and_merging_is_order_independent():
    old = with_hub(HubCitations(fetched_at=T0, models=[XL, BASE], spaces=[DEMO]))
    new = with_hub(HubCitations(fetched_at=T0 + timedelta(days=1), models=[BASE]))
    merged = merge(old, new).hub
    assert merged.models == [BASE]  # whole, counts and order included
    assert merged.spaces == [DEMO]  # an empty list never erases
    assert merged.fetched_at == T0 + timedelta(days=1)
    assert merge(new, old).hub == merged


def test_an_identical_answer_keeps_the_stored_time_and_an_older_one_changes_nothing():
    old = with_hub(HubCitations(fetched_at=T0, models=[XL]))
    same = with_hub(HubCitations(fetched_at=T0 + timedelta(hours=4), models=[XL]))
    assert merge(old, same) is old
    older = with_hub(HubCitations(fetched_at=T0 - timedelta(days=1), models=[BASE]))
    assert merge(old, older) is old
    assert merge(old, with_hub(None)) is old


# -- papers hub against the replay server ------------------------------------------------------
def test_requests_ask_each_listing_by_arxiv_tag_sorted_and_limited(project, server):
    result = papers(project, server, "hub", "--date", DAY)
    assert result.exit_code == 0, result.stderr
    asked = hub_requests(server)
    ids = {p.id for p in stored(project).values()}
    assert len(asked) == 3 * len(ids)
    sort = {"/api/models": "downloads", "/api/datasets": "downloads", "/api/spaces": "likes"}
    for path, query in asked:
        assert set(query) == {"filter", "sort", "limit"}
        assert query["sort"] == [sort[path]] and query["limit"] == ["5"]
    assert {(p, q["filter"][0]) for p, q in asked} == {(p, f"arxiv:{i}") for p in sort for i in ids}


def test_the_summary_line_counts_papers_requests_and_repos(project, server):
    result = papers(project, server, "hub", "--date", DAY)
    n = len(stored(project))
    # The Hub's top 5 models by downloads hold the private and the two hostile ones: 2 are kept.
    assert result.stdout.strip() == (
        f"asked the Hub about {n} paper(s) in {3 * n} request(s): 2 updated, {n - 2} unchanged; "
        "cited by 2 model(s), 1 dataset(s), 3 Space(s); 0 failed"
    )
    assert result.stderr.count("note: ") == 3  # what was left out, named


def test_answers_are_stored_and_papers_nothing_cites_gain_nothing(project, server):
    before = snapshot(project)
    assert papers(project, server, "hub", "--date", DAY).exit_code == 0
    records = stored(project)
    hub = records[CITED].hub
    assert [r.id for r in hub.models] == ["example-lab/EPG-XL", "example-lab/EPG-base"]
    assert hub.datasets == [HubRepo(id="example-lab/EPG-eval", downloads=1205, likes=7)]
    assert [r.id for r in hub.spaces] == ["example-lab/EPG-demo", "fan/epg-playground"]
    assert not records[SPACES_ONLY].hub.models and len(records[SPACES_ONLY].hub.spaces) == 1
    after = snapshot(project)
    changed = {p.stem for p in after if after[p] != before[p]}
    assert changed == {CITED, SPACES_ONLY}
    assert papers(project, server, "hub", "--date", DAY).exit_code == 0  # the same answers
    assert snapshot(project) == after


def test_a_failed_request_changes_nothing_and_fails_the_run(project, server):
    assert papers(project, server, "hub", "--date", DAY).exit_code == 0
    before = snapshot(project)
    (server.hub_dir / "spaces" / f"{CITED}.json").write_text("[]")  # it would change the record
    (server.hub_dir / "datasets" / f"{CITED}.json").unlink()
    server.faults[("hub", f"models:{CITED}")] = [("status", 503)] * 3  # beyond the 2 retries
    server.faults[("hub", f"spaces:{SPACES_ONLY}")] = [("body", b"<!doctype html>")]
    result = papers(project, server, "hub", "--date", DAY)
    assert result.exit_code == 1
    assert "2 failed" in result.stdout
    assert f"error: {CITED}:" in result.stderr and f"error: {SPACES_ONLY}:" in result.stderr
    assert snapshot(project) == before


def test_an_empty_answer_never_erases_stored_repos(project, server):
    assert papers(project, server, "hub", "--date", DAY).exit_code == 0
    before = snapshot(project)
    shutil.rmtree(server.hub_dir)
    server.hub_dir.mkdir()  # the Hub now answers [] everywhere
    result = papers(project, server, "hub", "--date", DAY)
    assert result.exit_code == 0 and "0 updated" in result.stdout
    assert snapshot(project) == before


def test_only_the_refresh_window_is_asked(project, server):
    result = papers(project, server, "hub", "--date", "2025-10-14")  # no papers stored that day
    assert result.exit_code == 0
    assert hub_requests(server) == []
    assert "about 0 paper(s) in 0 request(s)" in result.stdout


# -- the paper page ----------------------------------------------------------------------------
def test_the_page_shows_the_top_repos_linked_and_escaped(project, server):
    assert papers(project, server, "render").exit_code == 0
    uncited_before = page(project, UNCITED)
    assert papers(project, server, "hub", "--date", DAY).exit_code == 0
    assert papers(project, server, "render").exit_code == 0
    text = page(project, CITED)
    assert "## On the Hub" in text
    assert (
        '<a href="https://huggingface.co/example-lab/EPG-XL" rel="nofollow ugc">'
        "example-lab/EPG-XL</a>"
        ' <span class="paper-hub__counts">(48,213 downloads, 131 likes)</span>'
    ) in text
    assert 'href="https://huggingface.co/datasets/example-lab/EPG-eval"' in text
    assert 'href="https://huggingface.co/spaces/example-lab/EPG-demo"' in text
    assert "(57 likes)" in text and "downloads, 57" not in text  # Spaces: likes only
    assert "alert(" not in text and "evil/" not in text and "private-org" not in text
    spaces_only = page(project, SPACES_ONLY)
    assert "<li><strong>Spaces:</strong>" in spaces_only and "Models:" not in spaces_only
    assert page(project, UNCITED) == uncited_before  # nothing cites it: not a byte more
    assert "On the Hub" not in uncited_before


def test_a_full_list_links_to_the_rest_on_hugging_face(tmp_path, server):
    project = make_project(tmp_path / "small", **(FAST | {"hub_limit": 1}))
    assert papers(project, server, "fetch", "--date", DAY).exit_code == 0
    assert papers(project, server, "hub", "--date", DAY).exit_code == 0
    assert papers(project, server, "render").exit_code == 0
    text = page(project, CITED)
    # Datasets and Spaces; the one model the Hub answered is the private one, left out.
    assert text.count(f'· <a href="https://huggingface.co/papers/{CITED}">more</a>') == 2
    assert "<strong>Models:</strong>" not in text
