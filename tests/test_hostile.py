"""Hostile input and data safety: payloads in every field, malformed files, any string through
the store, and imports killed at random moments."""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ingest.importer import ImportOptions, import_paths
from generator.model import Account, Author, Paper, Source
from generator.store import Store

from .conftest import API_DIR, FIXTURES, make_project, papers

HOSTILE = FIXTURES / "hostile" / "2025-06-02.json"
MALFORMED = FIXTURES / "malformed"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*.yaml")}


# -- malformed files ---------------------------------------------------------------------------
def crafted(tmp: Path) -> dict[str, tuple[Path, str]]:
    good = json.loads((API_DIR / "2026-03-05.json").read_text(encoding="utf-8"))
    cases = {
        "truncated": (b'[{"paper": {"id": "2603.0', "invalid JSON"),
        "wrong-type-list": (
            json.dumps([dict(good[0], paper={**good[0]["paper"], "authors": "Ann"})]).encode(),
            "authors: expected a list",
        ),
        "wrong-type": (
            json.dumps([dict(good[0], numComments="many")]).encode(),
            "numComments: expected an integer",
        ),
        "missing-title": (
            json.dumps(
                [dict(good[0], title=None, paper={**good[0]["paper"], "title": None})]
            ).encode(),
            "paper.title: missing",
        ),
        "not-a-list": (b'{"error": "Too many requests"}', "expected a JSON array"),
        "empty": (b"", "empty file"),
        "not-utf8": (b'[{"title": "\xff\xfe"}]', "not UTF-8"),
    }
    out = {}
    for name, (data, problem) in cases.items():
        path = tmp / f"2026-03-05-{name}.json"
        path.write_bytes(data)
        out[name] = (path, problem)
    big = tmp / "2026-03-05-huge.json"
    with open(big, "wb") as handle:  # 100 MB, sparse: costs no disk
        handle.truncate(100 * 2**20)
    out["huge"] = (big, "100 MB: larger than any capture")
    return out


def test_every_malformed_file_is_rejected_clearly_and_changes_nothing(tmp_path):
    project = make_project(tmp_path / "project")
    assert papers(project, "import", str(API_DIR / "2025-10-15.json")).exit_code == 0
    data = project / "data"
    before = snapshot(data)
    cases = crafted(tmp_path)
    real = sorted(MALFORMED.glob("*.json"))
    real_problem = "expected an object, got str|expected a JSON array of Daily Papers entries"
    for path, problem in [*cases.values(), *((p, real_problem) for p in real)]:
        result = papers(project, "import", str(path))
        assert result.exit_code == 1, path
        assert f"error: {path}" in result.stderr, result.stderr
        assert re.search(problem, result.stderr), result.stderr
        assert snapshot(data) == before, path


def test_a_paper_listed_twice_is_not_malformed(tmp_path):
    # Real answers do this; the entries merge (data/README.md) and the day is stored.
    project = make_project(tmp_path / "project")
    good = json.loads((API_DIR / "2026-03-05.json").read_text(encoding="utf-8"))
    changed = dict(good[0], paper=dict(good[0]["paper"], upvotes=good[0]["paper"]["upvotes"] + 1))
    path = tmp_path / "2026-03-05-duplicate.json"
    path.write_text(json.dumps([good[0], good[1], good[0], changed]), encoding="utf-8")
    result = papers(project, "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("note: ") == 1 and "entries [0] and [3]" in result.stderr
    stored = {p.id: p for p in Store(project / "data").load_all()}
    assert set(stored) == {good[0]["paper"]["id"], good[1]["paper"]["id"]}
    assert stored[good[0]["paper"]["id"]].upvotes == changed["paper"]["upvotes"]


def test_valid_files_of_the_same_run_still_import(tmp_path):
    project = make_project(tmp_path / "project")
    bad = crafted(tmp_path)["truncated"][0]
    result = papers(project, "import", str(bad), str(API_DIR / "2025-10-15.json"))
    assert result.exit_code == 1 and "1 failed" in result.stdout
    expected = json.loads((API_DIR / "2025-10-15.json").read_text())
    assert len(Store(project / "data").load_all()) == len(expected)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "2025-10-15.json"
    path.write_bytes(b"\xef\xbb\xbf" + (API_DIR / "2025-10-15.json").read_bytes())
    result = import_paths(Store(tmp_path / "data"), [path], ImportOptions())
    assert not result.failures and result.tally.new > 0


def test_yaml_is_only_loaded_safely(tmp_path):
    store = Store(tmp_path / "data")
    path = store.path_for("2501.00001")
    path.parent.mkdir(parents=True)
    path.write_text("!!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"2501\.00001\.yaml"):
        store.load(path)
    assert not Path("pwned").exists()


# -- any string survives the store -----------------------------------------------------------
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]))
NONEMPTY = TEXT.filter(lambda s: s != "")


@settings(max_examples=150, deadline=None)
@given(
    title=NONEMPTY,
    abstract=TEXT,
    names=st.lists(NONEMPTY, max_size=4),
    keywords=st.lists(TEXT, max_size=3),
    summary=st.none() | TEXT,
    url=st.none() | TEXT,
    org=st.none() | NONEMPTY,
)
def test_any_string_survives_a_store_round_trip(
    tmp_path_factory, title, abstract, names, keywords, summary, url, org
):
    paper = Paper(
        id="2501.00001",
        title=title,
        abstract=abstract,
        authors=[Author(name=n) for n in names],
        ai_keywords=keywords,
        ai_summary=summary,
        github_repo=url,
        thumbnail=url,
        organization=Account(name=org, fullname=org) if org else None,
        daily_date=date(2025, 1, 1),
        sources=[Source(kind="hf-api", ref="x", fetched_at=datetime(2025, 1, 1, tzinfo=UTC))],
    )
    store = Store(tmp_path_factory.mktemp("store"))
    store.save(paper)
    assert store.load(store.path_for(paper.id)) == paper


# -- crashes ---------------------------------------------------------------------------------
def _import_killed_after(project: Path, files: int) -> int:
    """Start `papers import` in its own process and SIGKILL it as soon as ``files`` records
    exist; returns how many exist after the kill."""
    papers_dir = project / "data" / "papers"

    def count() -> int:
        return sum(1 for _ in papers_dir.glob("*/*.yaml"))

    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(project), "-q", "import", str(API_DIR)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while count() < files and process.poll() is None:
        time.sleep(0.0005)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the import finished before the kill"
    return count()


def test_sigkill_mid_import_never_leaves_a_broken_store(tmp_path):
    """Each kill lands after some records are written and before the last one (asserted, not
    hoped for); every file left parses completely, and a rerun finishes the job."""
    reference = Store(tmp_path / "reference")
    import_paths(reference, [API_DIR], ImportOptions())
    expected = {p.id: p.model_dump(exclude={"sources"}) for p in reference.load_all()}
    project = make_project(tmp_path / "project")
    store = Store(project / "data")
    rng = random.Random(20261126)
    for round_ in range(6):
        if round_ < 5:  # a fresh store each time; the last kill interrupts a half-full one
            shutil.rmtree(project / "data", ignore_errors=True)
        target = rng.randint(1, len(expected) * 3 // 4)
        found = _import_killed_after(project, target)
        assert target <= found < len(expected)
        store.load_all()  # every file present parses completely (raises otherwise)
    assert papers(project, "import", str(API_DIR)).exit_code == 0
    assert {p.id: p.model_dump(exclude={"sources"}) for p in store.load_all()} == expected
    assert not list((project / "data").rglob("*.tmp"))  # the rerun's lock swept leftovers
