"""Doing less work on rebuilds, without ever serving stale output: the store's parse cache,
the render cache, and the parallel (sharded) MkDocs build."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from html import escape
from pathlib import Path

import pytest

from generator.ingest.importer import ImportOptions, import_paths
from generator.render.pages import TEMPLATES, make_env
from generator.render.pages import render as render_all
from generator.settings import load_settings
from generator.site.build import build_site
from generator.store import Store

from .conftest import API_DIR, configure, make_project


@pytest.fixture
def project(tmp_path) -> Path:
    project = make_project(tmp_path / "project")
    import_paths(Store(project / "data"), [API_DIR], ImportOptions())
    return project


def cached_store(project: Path) -> Store:
    settings = load_settings(project)
    return Store(settings.path("data_dir"), cache=settings.cache_dir / "store")


def render(project: Path, env=None):
    settings = load_settings(project)
    store = cached_store(project)
    papers = store.load_all()
    return render_all(settings, papers, store.hashes, settings.cache_dir, env)


def test_store_cache_returns_the_same_papers_and_sees_edits(project):
    first = cached_store(project).load_all()
    assert list((project / ".papers-cache" / "store").glob("*.pickle"))
    assert cached_store(project).load_all() == first
    path = Store(project / "data").path_for("2510.12586")
    path.write_text(path.read_text().replace("upvotes: 67", "upvotes: 68"))
    again = {p.id: p for p in cached_store(project).load_all()}
    assert again["2510.12586"].upvotes == 68


def test_store_cache_rewrites_only_the_changed_folders_and_drops_removed_ones(project):
    cached_store(project).load_all()
    caches = project / ".papers-cache" / "store"
    before = {p.name: p.stat().st_mtime_ns for p in caches.glob("*.pickle")}
    assert len(before) > 1
    path = Store(project / "data").path_for("2510.12586")
    path.write_text(path.read_text().replace("upvotes: 67", "upvotes: 68"))
    cached_store(project).load_all()
    after = {p.name: p.stat().st_mtime_ns for p in caches.glob("*.pickle")}
    assert {n for n in before if before[n] != after[n]} == {"2510.pickle"}
    other = next(f for f in (project / "data" / "papers").iterdir() if f.name != "2510")
    gone = {p.id for p in Store(project / "data").load_all() if p.id.startswith(other.name)}
    shutil.rmtree(other)
    left = {p.id for p in cached_store(project).load_all()}
    assert not left & gone and not (caches / f"{other.name}.pickle").exists()


def test_a_damaged_store_cache_is_ignored(project):
    first = cached_store(project).load_all()
    for cache in (project / ".papers-cache" / "store").glob("*.pickle"):
        cache.write_bytes(b"not a pickle")
    assert cached_store(project).load_all() == first


def test_a_store_cache_made_by_another_shape_of_the_model_is_not_used(project, monkeypatch):
    from generator import cache as kept
    from generator import store as store_module
    from generator.model import Paper

    truth = cached_store(project).load_all()
    # Poison the caches under today's key: while the model keeps its shape, they are read.
    key = store_module._cache_key()
    for path in (project / ".papers-cache" / "store").glob("*.pickle"):
        entries = kept.load(path, key)
        poisoned = {
            n: (*e[:3], e[3].model_copy(update={"upvotes": 99_999})) for n, e in entries.items()
        }
        kept.save(path, key, poisoned)
    assert {p.upvotes for p in cached_store(project).load_all()} == {99_999}
    # A field added to the model (as feed_position was): pickles of the old shape are not read.
    schema = Paper.model_json_schema()
    schema["properties"]["new_field"] = {"type": "integer"}
    monkeypatch.setattr(Paper, "model_json_schema", classmethod(lambda cls: schema))
    store_module._cache_key.cache_clear()
    try:
        assert cached_store(project).load_all() == truth
    finally:
        store_module._cache_key.cache_clear()


def test_second_render_writes_nothing_and_skips_the_work(project):
    first = render(project)
    assert first.written > 100
    second = render(project)
    assert (second.written, second.removed) == (0, 0)
    assert second.unchanged == first.written


def test_one_changed_paper_rerenders_only_what_shows_it(project):
    render(project)
    docs = load_settings(project).generated_dir
    before = {p: p.read_bytes() for p in docs.rglob("*") if p.is_file()}
    path = Store(project / "data").path_for("2510.12586")
    path.write_text(path.read_text().replace("upvotes: 67", "upvotes: 1000"))
    result = render(project)
    changed = {p for p in docs.rglob("*") if p.is_file() and before.get(p) != p.read_bytes()}
    names = {str(p.relative_to(docs)) for p in changed}
    assert "papers/2510.12586.md" in names and "date/2025-10-15.md" in names
    assert "1000" in (docs / "papers/2510.12586.md").read_text()
    assert result.written == len(changed) < 40
    assert not any(n.startswith("date/") and n != "date/2025-10-15.md" for n in names)


def test_a_template_change_rerenders_everything(project, tmp_path):
    """A real edit to a template file re-renders every page made from it, though no record
    changed; an unedited copy of the templates renders nothing new."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    first = render(project, make_env(templates))
    assert render(project, make_env(templates)).written == 0
    paper_page = templates / "paper.md.j2"
    paper_page.write_text(paper_page.read_text() + "\nEdited template.\n")
    again = render(project, make_env(templates))
    pages = list((load_settings(project).generated_dir / "papers").glob("*.md"))
    assert again.written == len(pages) > 100
    assert all(p.read_text().endswith("Edited template.\n") for p in pages)
    assert again.written + again.unchanged == first.written + first.unchanged


def test_deleted_output_is_rendered_again(project):
    render(project)
    page = load_settings(project).generated_dir / "papers" / "2510.12586.md"
    page.unlink()
    assert render(project).written == 1 and page.exists()


def digest_tree(folder: Path, sitemap: bool = False) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and (sitemap or not path.name.startswith("sitemap.xml")):
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.mark.slow
def test_parallel_build_equals_a_single_build(project, tmp_path, monkeypatch):
    """Three processes build five shards (a shard is at most SHARD_PAGES pages)."""
    import generator.site.build as site_module

    render(project)
    one = build_site(load_settings(configure(project, build_jobs=1)), tmp_path / "one").path
    sources = len(site_module.source_hashes(load_settings(project)))
    monkeypatch.setattr(site_module, "SHARD_PAGES", -(-sources // 5))
    real, shards = site_module._run_shards, []

    def run_shards(settings, folders, *args):
        shards.append(len(folders))
        return real(settings, folders, *args)

    monkeypatch.setattr(site_module, "_run_shards", run_shards)
    two = build_site(load_settings(configure(project, build_jobs=3)), tmp_path / "two").path
    assert shards == [5] and not list(tmp_path.glob("two.building*"))
    assert digest_tree(one) == digest_tree(two)
    locs = [
        set(re.findall(r"<loc>(.*?)</loc>", (s / "sitemap.xml").read_text())) for s in (one, two)
    ]
    assert locs[0] == locs[1] and len(locs[0]) > 100


def test_parallel_render_equals_a_serial_render(tmp_path, monkeypatch):
    import generator.outputs as outputs_module

    serial = make_project(tmp_path / "serial", build_jobs=1)
    parallel = make_project(tmp_path / "parallel", build_jobs=2)
    for project in (serial, parallel):
        import_paths(Store(project / "data"), [API_DIR], ImportOptions())
    monkeypatch.setattr(outputs_module, "PARALLEL_MIN", 1)
    assert render(serial).written == render(parallel).written > 100
    docs = [load_settings(p).generated_dir for p in (serial, parallel)]
    assert digest_tree(docs[0]) == digest_tree(docs[1])


# -- incremental MkDocs builds ---------------------------------------------------------------


def build(project: Path, site: Path | None = None):
    render(project)
    return build_site(load_settings(project), site)


def change_the_data(project: Path) -> None:
    """A day's kind of change: a new paper on a new day, new upvotes, a paper removed."""
    store = Store(project / "data")
    papers = {p.id: p for p in store.load_all()}
    voted = papers["2510.12586"]
    store.save(voted.model_copy(update={"upvotes": voted.upvotes + 5}))
    new = voted.model_copy(update={"id": "2601.99999", "title": "A paper of a new day"})
    store.save(new.model_copy(update={"daily_date": max(p.daily_date for p in papers.values())}))
    gone = sorted(papers)[0]
    store.path_for(gone).unlink()


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(site)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in site.rglob("*")
        if p.is_file()
    }


@pytest.mark.slow
def test_a_rebuild_builds_only_what_changed_and_equals_a_cold_build(project, tmp_path):
    first = build(project)
    assert first.built == first.sources > 200
    change_the_data(project)
    again = build(project)
    assert 0 < again.built < again.sources / 3, again  # a few pages, not the archive
    removed = sorted(load_settings(project).generated_dir.glob("papers/*.md"))
    cold = build_site(load_settings(project), tmp_path / "cold")
    assert cold.built == cold.sources  # another folder: built whole
    assert digest_tree(again.path, sitemap=True) == digest_tree(cold.path, sitemap=True)
    assert (again.path / "papers" / "2601.99999.html").is_file()
    assert len(list((again.path / "papers").glob("*.html"))) == len(removed)


@pytest.mark.slow
def test_a_rebuild_with_no_change_touches_no_file(project):
    site = build(project).path
    before = stamps(site)
    again = build(project)
    assert again.built == 0 and stamps(site) == before


@pytest.mark.slow
def test_a_rebuild_with_no_change_runs_no_mkdocs(project, monkeypatch):
    build(project)
    from generator.site import build as site_build

    def refused(*_args, **_kwargs):
        raise AssertionError("MkDocs ran with nothing changed")

    monkeypatch.setattr(site_build, "_build_shard", refused)
    assert build(project).built == 0
    page = load_settings(project).generated_dir / "papers" / "2510.12586.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA change.\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="MkDocs ran"):  # a changed page does run it
        build_site(load_settings(project))


@pytest.mark.slow
def test_a_changed_file_that_is_not_a_page_is_copied_without_mkdocs(project, monkeypatch):
    site = build(project).path
    from generator.site import build as site_build

    def refused(*_args, **_kwargs):
        raise AssertionError("MkDocs ran for a file it would only copy")

    monkeypatch.setattr(site_build, "_build_shard", refused)
    meta = load_settings(project).generated_dir / "search-index" / "meta.json"
    meta.write_bytes(meta.read_bytes().replace(b"{", b'{"edited":1,', 1))
    assert build(project).built == 1
    assert (site / "search-index" / "meta.json").read_bytes() == meta.read_bytes()


def project_render(project: Path):
    from generator.project import Project

    return Project(load_settings(project)).render()


def refuse_loading(monkeypatch) -> None:
    def refused(_store):
        raise AssertionError("records loaded")

    monkeypatch.setattr(Store, "load_all", refused)


def test_a_render_with_nothing_changed_reads_no_record(project, monkeypatch):
    first = project_render(project)
    refuse_loading(monkeypatch)
    again = project_render(project)
    assert (again.papers, again.stored, again.days) == (first.papers, first.stored, first.days)
    outputs = first.result.written + first.result.unchanged
    assert (again.result.written, again.result.unchanged, again.result.removed) == (0, outputs, 0)


CHANGES = ["record touched", "record edited", "page deleted", "page edited", "settings"]


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_the_inputs_or_generated_renders_again(project, monkeypatch, change):
    first = project_render(project)
    settings = load_settings(project)
    record = Store(project / "data").path_for("2510.12586")
    page = settings.generated_dir / "papers" / "2510.12586.md"
    before = page.read_bytes()
    if change == "record touched":
        os.utime(record, ns=(record.stat().st_atime_ns, record.stat().st_mtime_ns + 1))
    elif change == "record edited":
        record.write_text(record.read_text().replace("upvotes: 67", "upvotes: 68"))
    elif change == "page deleted":
        page.unlink()
    elif change == "page edited":
        page.write_bytes(before + b"hand edit\n")
    else:
        configure(project, front_page_papers=29)
    with monkeypatch.context() as patched:
        refuse_loading(patched)
        with pytest.raises(AssertionError, match="records loaded"):
            project_render(project)
    again = project_render(project)
    assert again.papers == first.papers
    if change == "record edited":
        assert b"67" in before and b"68" in page.read_bytes()
    elif change != "page edited":  # the writer trusts a page its key says is current
        assert page.read_bytes() == before  # restored, or never changed


@pytest.mark.slow
def test_a_source_edited_in_place_to_the_same_size_is_built_again(project):
    """Sources keep their hashes while their stat is the last build's: an edit that keeps the
    size (and lands within the same second) still changes the change time and is seen."""
    site = build(project).path
    settings = load_settings(project)
    page = next(settings.generated_dir.glob("papers/*.md"))
    text = page.read_text(encoding="utf-8")
    title = text.split("\n# ", 1)[1].split("\n", 1)[0]
    edited = "Y" + title[1:] if title[0] != "Y" else "Z" + title[1:]
    page.write_text(text.replace(f"\n# {title}\n", f"\n# {edited}\n", 1), encoding="utf-8")
    assert len(page.read_bytes()) == len(text.encode())
    again = build_site(settings)
    html = site / "papers" / f"{page.stem}.html"
    assert again.built >= 1 and f">{escape(edited)}</h1>" in html.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("change", ["theme", "settings", "site damaged"])
def test_what_every_page_shares_changing_rebuilds_everything(project, tmp_path, change):
    site = build(project).path
    if change == "theme":
        main = project / "generator" / "theme" / "main.html"
        main.write_text(main.read_text() + "\n{#- edited -#}\n")
    elif change == "settings":
        config = project / "mkdocs.yml"
        config.write_text(
            config.read_text().replace("site_name: Daily Papers", "site_name: Papers")
        )
    else:
        next(site.glob("papers/*.html")).unlink()
    again = build(project)
    assert again.built == again.sources
    cold = build_site(load_settings(project), tmp_path / "cold")
    assert digest_tree(again.path, sitemap=True) == digest_tree(cold.path, sitemap=True)


def test_a_group_write_cut_short_is_redone(tmp_path, monkeypatch):
    """A group (the search index) is written in place: if a crash cuts its write short, the
    next write makes it again, even for the key the folder had before."""
    import generator.outputs as outputs_module
    from generator.outputs import Output, Writer

    before = {f"{n}.json": b"before" for n in range(5)}
    writer = Writer(tmp_path / "out", tmp_path / "cache", salt="s")
    writer.write([Output("group", "k1", lambda: before, group=True)])
    real, done = outputs_module.write_if_changed, []

    def crash(path, data, **options):
        if len(done) == 2:
            raise KeyboardInterrupt
        done.append(path)
        return real(path, data, **options)

    monkeypatch.setattr(outputs_module, "write_if_changed", crash)
    with pytest.raises(KeyboardInterrupt):
        writer.write([Output("group", "k2", lambda: dict.fromkeys(before, b"after"), group=True)])
    monkeypatch.undo()
    assert writer.write([Output("group", "k1", lambda: before, group=True)]).written == 2
    assert all((tmp_path / "out" / "group" / n).read_bytes() == b"before" for n in before)


def test_a_group_remade_under_its_old_key_is_skipped_next_time(tmp_path):
    import shutil as shutil_

    from generator.outputs import Output, Writer

    made = []

    def make():
        made.append(1)
        return {"a.json": b"1"}

    writer = Writer(tmp_path / "out", tmp_path / "cache", salt="s")
    group = Output("group", "k", make, group=True)
    writer.write([group])
    shutil_.rmtree(tmp_path / "out" / "group")  # missing: made again, under the same key
    writer.write([group])
    assert writer.write([group]).unchanged == 1 and len(made) == 2
