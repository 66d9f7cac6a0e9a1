"""Related papers (render/related.py): the most similar papers of the archive, stable when a
day adds papers, the same from a cold and an incremental build, and shown on paper pages that
re-render only when their list (or a listed title) changes."""

from __future__ import annotations

import dataclasses
import pickle
import random
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from generator import escape, search
from generator.model import Paper
from generator.render import related
from generator.render.pages import render as render_all
from generator.settings import load_settings
from generator.store import Store

from .conftest import ROOT, bundled_project, configure

TOPICS = {
    "robot": "robot grasping manipulation gripper tactile dexterous",
    "speech": "speech audio waveform vocoder prosody phoneme",
    "protein": "protein folding residue enzyme amino molecular",
}


def paper(pid: str, title: str, abstract: str = "", day: date = date(2025, 3, 3), **kw) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, daily_date=day, **kw)


def topical(pid: str, topic: str, day: date = date(2025, 3, 3)) -> Paper:
    words = TOPICS[topic].split()
    rng = random.Random(pid)
    text = " ".join(rng.choice(words) for _ in range(20))
    return paper(pid, f"{topic} study {pid}", f"We study {text} with a new method.", day)


def bundled() -> list[Paper]:
    return Store(ROOT / "data").load_all()


def test_papers_on_one_topic_list_each_other_first():
    papers = [topical(f"2503.{i:05d}", t) for i, t in enumerate(list(TOPICS) * 4)]
    lists = related.related(papers, shown=3)
    topic = {p.id: p.title.split()[0] for p in papers}
    for pid, similar in lists.items():
        assert len(similar) == 3 and pid not in similar
        assert all(topic[o] == topic[pid] for o in similar), (pid, similar)


def test_a_paper_sharing_no_word_lists_nothing_and_is_listed_nowhere():
    papers = [topical(f"2503.{i:05d}", "robot") for i in range(4)]
    papers.append(paper("2503.09999", "Zebra", "Quokka xylophone."))
    lists = related.related(papers, shown=6)
    assert lists["2503.09999"] == ()
    assert all("2503.09999" not in s and len(s) == 3 for pid, s in lists.items() if pid[-1] != "9")


def test_equal_scores_go_to_the_lower_id_whatever_the_input_order():
    twins = [paper(f"2503.{i:05d}", "Graph neural networks", "Graph networks.") for i in range(9)]
    expected = related.related(twins, shown=4)
    assert expected["2503.00008"] == ("2503.00000", "2503.00001", "2503.00002", "2503.00003")
    shuffled = twins[:]
    random.Random(1).shuffle(shuffled)
    assert related.related(shuffled, shown=4) == expected


def redated(papers: list[Paper]) -> list[Paper]:
    """The bundled papers over two quarters: the first 300 (by id) in December 2025, the rest
    one day each from 2 January 2026, so IDF's reference (the papers before the newest paper's
    quarter) is the same with or without the last days."""
    ordered = sorted(papers, key=lambda p: p.id)
    out = [p.model_copy(update={"daily_date": date(2025, 12, 1)}) for p in ordered[:300]]
    for i, p in enumerate(ordered[300:]):
        out.append(p.model_copy(update={"daily_date": date(2026, 1, 2) + timedelta(i // 20)}))
    return out


def test_a_new_day_changes_only_the_lists_its_papers_enter(tmp_path):
    """A list changes when a new paper enters it, pushing the last out; the rest keep their
    order. The one exception allowed is rare: a paper at the edge of another's candidates (the
    best 96 by heaviest terms) pushed out of them by a new one (benchmarks/related_eval.py
    measures it over real days: about 0.1 % of lists a day)."""
    papers = redated(bundled())
    last = max(p.daily_date for p in papers)
    old = [p for p in papers if p.daily_date < last]
    new = {p.id for p in papers if p.daily_date == last}
    before = related.related(old, tmp_path)
    after = related.related(papers, tmp_path)
    changed = [pid for pid in before if before[pid] != after[pid]]
    assert len(changed) >= 10, "the day's papers enter few lists: the test proves little"
    unexplained = []
    for pid in changed:
        kept = tuple(o for o in after[pid] if o not in new)
        if len(kept) == len(after[pid]) or kept != before[pid][: len(kept)]:
            unexplained.append(pid)
    assert len(unexplained) <= len(changed) // 20, unexplained
    assert len(changed) < len(before) / 4


def test_a_cold_and_an_incremental_computation_agree(tmp_path):
    papers = bundled()
    cold = related.related(papers, tmp_path / "cold")
    # The analysis cache of an incremental build knows the words in another order.
    related.related(sorted(papers, key=lambda p: p.id)[200:], tmp_path / "warm")
    related.related(sorted(papers, key=lambda p: p.id)[:150], tmp_path / "warm")
    assert related.related(papers, tmp_path / "warm") == cold


def test_the_lists_are_kept_between_builds_and_a_damaged_file_is_recomputed(tmp_path):
    papers = bundled()
    hashes = {p.id: "h" for p in papers}
    first = related.cached(papers, hashes, tmp_path, 6, 1)
    stored = tmp_path / related.FILE
    version, (key, known) = pickle.loads(stored.read_bytes())  # generator/cache.py's entry
    assert known.lists() == first
    # Read back, not recomputed, while no record changes: a planted answer comes back.
    planted = dataclasses.replace(known, best=np.full_like(known.best, -1))
    stored.write_bytes(pickle.dumps((version, (key, planted))))
    assert related.cached(papers, hashes, tmp_path, 6, 1) == {p.id: () for p in papers}
    # A changed record, or a damaged file, recomputes (and rewrites) the lists.
    changed = {**hashes, papers[0].id: "h2"}
    stored.write_bytes(pickle.dumps((version, (key, known))))
    assert related.cached(papers, changed, tmp_path, 6, 1) == first
    assert pickle.loads(stored.read_bytes())[1][0] != key
    damages = (b"not a pickle", pickle.dumps("a string"), pickle.dumps((version, (1, 2))))
    for damage in damages:
        stored.write_bytes(damage)
        assert related.cached(papers, hashes, tmp_path, 6, 1) == first
    assert related.cached(papers, hashes, tmp_path, 0, 1) == {p.id: () for p in papers}


def test_an_archive_extended_by_new_days_equals_one_computed_whole(tmp_path, monkeypatch):
    """A day's update extends the last build's result (new papers only: their products, and
    the old papers' candidates they enter); it must equal a computation from nothing, and the
    extension must have been taken (not a recomputation)."""
    papers = redated(bundled())
    days = sorted({p.daily_date for p in papers})
    cache = tmp_path / "cache"
    by_id = sorted(papers, key=lambda p: p.id)
    known = related.compute([p for p in by_id if p.daily_date < days[-3]], cache, 6)
    for day in days[-3:]:
        now = [p for p in by_id if p.daily_date <= day]
        digests = [related._digest(p) for p in now]
        assert related._extends(known, [p.id for p in now], digests, known.reference)
        extended = related.compute(now, cache, 6, known=known)
        whole = related.compute(now, tmp_path / f"cold-{day}", 6)
        assert whole.reference == known.reference  # then compute() must have extended it
        assert extended.lists() == whole.lists()
        assert (extended.candidates != whole.candidates).nnz == 0
        assert np.array_equal(extended.exact, whole.exact)
        grown, made = extended.vectors, whole.vectors
        assert grown.terms == made.terms and np.array_equal(grown.df_ref, made.df_ref)
        for ours, theirs in ((grown.full, made.full), (grown.pruned, made.pruned)):
            assert np.array_equal(ours.indptr, theirs.indptr)
            assert np.array_equal(ours.indices, theirs.indices)
            assert np.array_equal(ours.data, theirs.data)  # to the bit
        known = extended
    # Only the new papers' texts were read: the archive's rows were kept, not made again.
    read, counts = [], search.counts
    monkeypatch.setattr(
        search,
        "counts",
        lambda papers, *a, **k: read.append(len(papers)) or counts(papers, *a, **k),
    )
    extra = by_id[0].model_copy(update={"id": "2699.00001", "daily_date": days[-1]})
    related.compute([*by_id, extra], cache, 6, known=known)
    assert read == [1]


def test_a_changed_text_or_reference_is_computed_whole(tmp_path):
    papers = redated(bundled())
    known = related.compute(sorted(papers, key=lambda p: p.id), tmp_path, 6)
    edited = [
        p.model_copy(update={"abstract": "Quokka."}) if i == 0 else p
        for i, p in enumerate(sorted(papers, key=lambda p: p.id))
    ]
    assert not related._extends(
        known, [p.id for p in edited], [related._digest(p) for p in edited], known.reference
    )
    assert (
        related.compute(edited, tmp_path, 6, known=known).lists()
        == related.compute(edited, tmp_path / "b", 6).lists()
    )
    # A paper dated into the reference quarter changes the reference: no extension.
    moved = [
        p.model_copy(update={"daily_date": date(2025, 12, 1)})
        for p in sorted(papers, key=lambda p: p.id)
    ]
    assert related.compute(moved, tmp_path, 6).reference != known.reference


# --- on the site ------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    return bundled_project(tmp_path / "project")


def render(project: Path):
    settings = load_settings(project)
    store = Store(settings.path("data_dir"), cache=settings.cache_dir / "store")
    return render_all(settings, store.load_all(), store.hashes, settings.cache_dir)


def listed(page: str) -> list[str]:
    """The ids a generated paper page lists under "Related papers"."""
    section = page.split("## Related papers", 1)[1].split("## Cite", 1)[0]
    return re.findall(r'<li><a href="([^"]+)\.html">', section)


def test_every_paper_page_lists_related_papers_that_exist(project):
    render(project)
    pages = load_settings(project).generated_dir / "papers"
    for page in pages.glob("*.md"):
        ids = listed(page.read_text())
        assert 1 <= len(ids) <= 6 and page.stem not in ids
        assert all((pages / f"{i}.md").exists() for i in ids)


def test_a_listed_title_change_rerenders_the_pages_listing_it_and_upvotes_do_not(project):
    render(project)
    docs = load_settings(project).generated_dir
    pages = {p.stem: p.read_text() for p in (docs / "papers").glob("*.md")}
    target = max(pages, key=lambda pid: sum(pid in listed(t) for t in pages.values()))
    # Pages of the target's own day show their neighbours in the day's upvote order: not those.
    day = {p.id: p.daily_date for p in Store(project / "data").load_all()}
    listing = {
        pid for pid, text in pages.items() if target in listed(text) and day[pid] != day[target]
    }
    assert listing
    path = Store(project / "data").path_for(target)
    text = path.read_text()
    path.write_text(re.sub(r"(?m)^upvotes: \d+$", "upvotes: 9999", text))
    render(project)
    assert all((docs / f"papers/{pid}.md").read_text() == pages[pid] for pid in listing)
    # The same words in capitals: the same terms, so the same lists, with a new title to show.
    title = Store(project / "data").load(path).title
    path.write_text(text.replace(title, title.upper(), 1))
    render(project)
    for pid in listing:
        assert escape.md(title.upper()) in (docs / f"papers/{pid}.md").read_text(), pid


def test_zero_related_papers_leaves_the_section_out(project):
    configure(project, related_papers=0)
    render(project)
    pages = list((load_settings(project).generated_dir / "papers").glob("*.md"))
    assert pages and not any("## Related papers" in p.read_text() for p in pages)
