"""``papers import``: capture times of saved files, order-independent imports, repeated entries."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from generator.ingest.importer import ImportOptions, import_paths, read_capture
from generator.store import Store

from .conftest import API_DIR, FIXTURES, SEED, make_project, papers

REPEATED = FIXTURES / "repeated" / "2025-07-04.json"
DAY = "2025-10-15"
# The latest time in tests/fixtures/hf-api/2025-10-15.json (an author's statusLastChangedAt).
DAY_CAPTURED = datetime(2025, 10, 15, 7, 7, 51, tzinfo=UTC)


def snapshot(store: Store) -> dict[str, bytes]:
    return {str(p.relative_to(store.root)): p.read_bytes() for p in store.root.rglob("*.yaml")}


def records(store: Store) -> dict[str, dict]:
    """Stored records without provenance: a capture that changes nothing is not recorded, so
    which of two same-named files a record names can depend on the order (data/README.md)."""
    return {p.id: p.model_dump(exclude={"sources"}) for p in store.load_all()}


def capture_times(path: Path, options: ImportOptions | None = None) -> set[datetime]:
    papers = read_capture(path, options or ImportOptions())
    return {s.fetched_at for p in papers for s in p.sources}


def without_times(value):
    """The entries with every ``…At`` time removed, as an answer that holds no time."""
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if not k.endswith("At")}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


# -- capture times ------------------------------------------------------------------------------
def test_a_saved_answer_was_captured_at_the_latest_time_it_holds():
    assert capture_times(API_DIR / f"{DAY}.json") == {DAY_CAPTURED}


def test_a_utc_time_in_the_name_is_the_capture_time(tmp_path):
    path = tmp_path / f"{DAY}T14-03-00Z.json"
    shutil.copy(API_DIR / f"{DAY}.json", path)
    assert capture_times(path) == {datetime(2025, 10, 15, 14, 3, tzinfo=UTC)}


def test_captured_at_overrides_every_other_rule(tmp_path):
    path = tmp_path / f"{DAY}T14-03-00Z.json"
    shutil.copy(API_DIR / f"{DAY}.json", path)
    when = datetime(2025, 10, 16, 9, tzinfo=UTC)
    assert capture_times(path, ImportOptions(captured_at=when)) == {when}


def test_without_any_time_the_day_it_is_dated_is_the_capture_time(tmp_path):
    path = tmp_path / "2024-05-28.json"
    raw = json.loads((API_DIR / "2024-05-28.json").read_text(encoding="utf-8"))
    path.write_text(json.dumps(without_times(raw)), encoding="utf-8")
    assert capture_times(path) == {datetime(2024, 5, 28, tzinfo=UTC)}
    assert capture_times(SEED, ImportOptions(year=2025)) == {datetime(2025, 9, 10, tzinfo=UTC)}


def test_the_capture_time_does_not_depend_on_when_or_where_it_is_imported(tmp_path):
    copy = tmp_path / "elsewhere" / f"{DAY}.json"
    copy.parent.mkdir()
    shutil.copy(API_DIR / f"{DAY}.json", copy)
    copy.touch()  # a new modification time, too
    stores = [Store(tmp_path / "a"), Store(tmp_path / "b")]
    import_paths(stores[0], [API_DIR / f"{DAY}.json"], ImportOptions())
    import_paths(stores[1], [copy], ImportOptions(today=date(2030, 1, 1)))
    assert snapshot(stores[0]) == snapshot(stores[1])


def test_captured_at_option(tmp_path):
    project = make_project(tmp_path / "project")
    result = papers(
        project, "import", "--captured-at", "2025-10-16T11:00+02:00", str(API_DIR / f"{DAY}.json")
    )
    assert result.exit_code == 0, result.stderr
    stored = Store(project / "data").load_all()
    assert {s.fetched_at for p in stored for s in p.sources} == {
        datetime(2025, 10, 16, 9, tzinfo=UTC)
    }
    bad = papers(project, "import", "--captured-at", "yesterday", str(API_DIR / f"{DAY}.json"))
    assert bad.exit_code == 2 and "not an ISO 8601 time" in bad.stderr


# -- the newest capture wins, whatever the import order -----------------------------------------
def later_capture(tmp_path: Path) -> tuple[Path, str]:
    """A capture of the same day taken that evening, in which one paper's text changed."""
    raw = json.loads((API_DIR / f"{DAY}.json").read_text(encoding="utf-8"))
    entry = raw[0]
    entry["title"] = entry["paper"]["title"] = "A Revised Title"
    entry["paper"].update(
        summary="A revised abstract.",
        ai_summary="A revised summary.",
        githubRepo="https://github.com/example/revised",
        projectPage="https://example.org/revised",
        upvotes=0,  # counts are another rule: the larger value stays
    )
    entry["paper"]["authors"][0]["statusLastChangedAt"] = "2025-10-15T21:30:00.000Z"
    path = tmp_path / "evening" / f"{DAY}.json"  # the same name as the morning's file
    path.parent.mkdir()
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path, entry["paper"]["id"]


def test_importing_two_captures_in_either_order_gives_the_same_records(tmp_path):
    morning = API_DIR / f"{DAY}.json"
    evening, paper_id = later_capture(tmp_path)
    forward, backward = Store(tmp_path / "forward"), Store(tmp_path / "backward")
    import_paths(forward, [morning], ImportOptions())
    import_paths(forward, [evening], ImportOptions())
    import_paths(backward, [evening], ImportOptions())
    import_paths(backward, [morning], ImportOptions())  # the older capture imported last
    assert records(forward) == records(backward)
    paper = forward.get(paper_id)
    assert (paper.title, paper.abstract, paper.ai_summary) == (
        "A Revised Title",
        "A revised abstract.",
        "A revised summary.",
    )
    assert paper.github_repo.endswith("/revised") and paper.project_page.endswith("/revised")
    morning_upvotes = json.loads(morning.read_text(encoding="utf-8"))[0]["paper"]["upvotes"]
    assert paper.upvotes == morning_upvotes > 0
    assert [s.fetched_at for s in paper.sources] == [datetime(2025, 10, 15, 21, 30, tzinfo=UTC)]


def test_reimporting_the_older_capture_changes_no_file(tmp_path):
    store = Store(tmp_path / "data")
    evening, _ = later_capture(tmp_path)
    import_paths(store, [API_DIR / f"{DAY}.json", evening], ImportOptions())
    before = snapshot(store)
    result = import_paths(store, [API_DIR / f"{DAY}.json", evening], ImportOptions())
    assert result.tally.updated == 0 and snapshot(store) == before


# -- a paper listed twice in one answer ---------------------------------------------------------
@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def test_a_real_day_with_a_repeated_entry_imports_every_paper(project):
    result = papers(project, "import", str(REPEATED))
    assert result.exit_code == 0, result.stderr
    assert "note:" not in result.stderr  # identical entries merge silently
    ids = {e["paper"]["id"] for e in json.loads(REPEATED.read_text(encoding="utf-8"))}
    assert {p.id for p in Store(project / "data").load_all()} == ids
    assert f"{len(ids)} new" in result.stdout


def test_a_repeated_entry_that_differs_is_merged_and_named(project, tmp_path):
    raw = json.loads(REPEATED.read_text(encoding="utf-8"))
    raw[-1] = dict(raw[-1], paper=dict(raw[-1]["paper"], upvotes=500))
    path = tmp_path / "2025-07-04.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    result = papers(project, "import", str(path))
    assert result.exit_code == 0, result.stderr
    paper_id = raw[-1]["paper"]["id"]
    assert (
        f"note: {path}: entries [4] and [12] are both paper {paper_id} and differ; merged"
        in result.stderr
    )
    assert Store(project / "data").get(paper_id).upvotes == 500
