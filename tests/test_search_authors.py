"""The exact-author query, author:"Name", in Python (generator/search/authors.py): what a name
key folds and keeps apart, what the query lists and in what order, its index files, and
`papers search`. The browser's side: test_search_parity.py (the same results under Node) and
test_authors_site.py (chromium)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from generator import search
from generator.model import Author
from generator.search.authors import author_files, author_key, author_shard, split_authors
from generator.store import Store

from .conftest import bundled_project
from .conftest import papers as run_papers
from .site_tools import ROOT


@pytest.fixture(scope="module")
def archive():
    return Store(ROOT / "data").load_all()


@pytest.fixture(scope="module")
def index(archive):
    return search.build_index(archive)


def _ids(index, result) -> list[str]:
    return [index.display(d)[0] for d in result.docs]


def _written_by(archive, key: str) -> list[str]:
    """The papers an author key names, newest first, found without the index."""
    ordered = search.search_order(archive)
    return [p.id for p in ordered if any(author_key(a.name) == key for a in p.authors)]


def _prolific(archive, n: int = 2) -> list[str]:
    """The keys of the authors with the most papers, most first."""
    counts = defaultdict(int)
    for paper in archive:
        for key in {author_key(a.name) for a in paper.authors}:
            counts[key] += 1
    return sorted(counts, key=lambda k: (-counts[k], k))[:n]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yann LeCun", "yann lecun"),
        ("José Müller", "Jose Muller"),
        ("Łukasz Kaiser", "Lukasz Kaiser"),
        ("Jean-Luc Picard", "Jean Luc Picard"),
        ("Søren  Kierkegaard", "Soren Kierkegaard"),
        ("ＹＡＮＧ Ｌｉ", "Yang Li"),
    ],
)
def test_names_that_differ_in_case_accents_or_punctuation_are_one_author(a, b):
    assert author_key(a) == author_key(b) != ""


@pytest.mark.parametrize(
    ("a", "b"), [("J. Smith", "John Smith"), ("Li Yang", "Yang Li"), ("Wei Li", "Wei Liu")]
)
def test_initials_and_other_names_stay_apart(a, b):
    assert author_key(a) != author_key(b)


@pytest.mark.parametrize(
    ("query", "names", "rest"),
    [
        ('author:"Yann LeCun" world models', ["Yann LeCun"], "  world models"),
        ("Author:\u201cKaiming He\u201d", ["Kaiming He"], " "),
        ("author:Smith", ["Smith"], " "),
        ('author:"Half typed', ["Half typed"], " "),
        ('author:"" x', [], "  x"),
        ("coauthor:x", [], "coauthor:x"),
        ('author:"A B" author:"C D"', ["A B", "C D"], "   "),
    ],
)
def test_author_clauses_are_split_from_the_words(query, names, rest):
    assert split_authors(query) == (names, rest)


def test_an_author_query_lists_exactly_their_papers_newest_first(archive, index):
    for key in _prolific(archive, 5):
        name = next(a.name for p in archive for a in p.authors if author_key(a.name) == key)
        expected = _written_by(archive, key)
        for written in (name, name.upper(), f"  {name.lower()} "):
            result = search.run(index, f'author:"{written}"')
            assert _ids(index, result) == expected, written
            assert result.authors == [written]


def test_an_author_query_with_words_sorts_and_filters_keeps_to_their_papers(archive, index):
    key = _prolific(archive, 1)[0]
    theirs = set(_written_by(archive, key))
    name = f'author:"{key}"'
    for words in ("model", "learning", "video generation"):
        found = _ids(index, search.run(index, f"{name} {words}"))
        assert set(found) <= theirs
    by_votes = search.run(index, name, sort="upvotes")
    votes = [index.display(d)[5] for d in by_votes.docs]
    assert votes == sorted(votes, reverse=True) and set(_ids(index, by_votes)) == theirs
    newest = max(p.daily_date for p in archive if p.id in theirs)
    since = search.Filters(since=newest)
    only_new = _ids(index, search.run(index, name, since))
    assert only_new and set(only_new) < theirs


def test_two_authors_list_the_papers_they_wrote_together(archive, index):
    paper = next(p for p in search.search_order(archive) if len(p.authors) >= 2)
    first, second = (author_key(a.name) for a in paper.authors[:2])
    together = [pid for pid in _written_by(archive, first) if pid in _written_by(archive, second)]
    result = search.run(index, f'author:"{first}" author:"{second}"')
    assert paper.id in _ids(index, result) and _ids(index, result) == together


def test_an_unknown_author_or_initials_list_nothing(archive, index):
    assert search.run(index, 'author:"Nobody Anywhere"').docs == []
    name = next(a.name for p in archive for a in p.authors if len(a.name.split()) == 2)
    first, last = name.split()
    initials = f"{first[0]}. {last}"
    if not any(author_key(a.name) == author_key(initials) for p in archive for a in p.authors):
        assert search.run(index, f'author:"{initials}"').docs == []


def test_a_new_day_rewrites_only_its_authors_files(archive):
    """Papers are numbered from the oldest in the author files: a new day's papers change
    the files of their own authors, and no other."""
    later = date.fromordinal(max(p.daily_date for p in archive).toordinal() + 1)
    known = archive[0].authors[0]
    new = Author(name="Quentin Newcomer")
    day = [
        archive[0].model_copy(update={"id": f"2699.0000{n}", "daily_date": later, "authors": [a]})
        for n, a in enumerate((new, known))
    ]
    before, shards = author_files(search.search_order(archive))
    after, same = author_files(search.search_order(archive + day))
    assert shards == same and shards >= 32  # many files: a real comparison
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    keys = (author_key(new.name), author_key(known.name))
    assert changed == {f"a/{author_shard(key, shards)}.json" for key in keys}
    index = search.build_index(archive + day)
    assert _ids(index, search.run(index, f'author:"{new.name}"')) == ["2699.00000"]
    assert "2699.00001" in _ids(index, search.run(index, f'author:"{known.name}"'))


def test_papers_search_takes_an_author_query(tmp_path, archive):
    project = bundled_project(tmp_path / "project")
    key = _prolific(archive, 1)[0]
    expected = _written_by(archive, key)
    result = run_papers(project, "search", f'author:"{key}"', "-n", "50")
    assert result.exit_code == 0, result.stderr
    listed = [line.split()[1] for line in result.stdout.splitlines()[:-1]]
    assert listed == expected
    assert result.stdout.splitlines()[-1].startswith(f"{len(expected)} paper(s) match")
    empty = run_papers(project, "search", 'author:""')
    assert empty.exit_code != 0 and "nothing to search for" in empty.stderr
