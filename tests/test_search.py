"""The search index and its queries, in Python: lunr parity, query rules, `papers search`.

The browser's side of the same rules (the built site's index, searched by search.js) is
tested in test_search_site.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.stop_word_filter import stop_word_filter

from generator import search
from generator.importer import ImportOptions, read_capture
from generator.store import Store

from .conftest import API_DIR, make_project
from .conftest import papers as run_papers
from .site_tools import ROOT, require

LUNR_JS = ROOT / "generator" / "theme" / "assets" / "javascripts" / "vendor" / "lunr-2.3.9.min.js"


@pytest.fixture(scope="module")
def papers():
    out = []
    for path in sorted(API_DIR.glob("*.json")):
        out += read_capture(path, ImportOptions())
    return out


@pytest.fixture(scope="module")
def bundled():
    return search.build_index(Store(ROOT / "data").load_all())


def _lunr_index(papers):
    """The lunr package's own builder, with our trimming and lunr.js's stemming rule."""

    def trim(token, i=None, tokens=None):  # and drop what trims to nothing ("&", "—")
        token = token.update(lambda s, m=None: search._TRIM.sub("", s))
        return token if str(token) else None

    def stem(token, i=None, tokens=None):
        return token.update(lambda s, m=None: search.stem(s))

    Pipeline.register_function(trim, "papersTrim")
    Pipeline.register_function(stem, "papersStem")
    builder = Builder()
    builder.pipeline.add(trim, stop_word_filter, stem)
    builder.ref("ref")
    for name, boost in search.FIELDS:
        builder.field(name, boost=boost)
    for n, paper in enumerate(search.search_order(papers)):
        texts = [unicodedata.normalize("NFKC", t) for t in search.field_texts(paper)]
        doc = dict(zip([name for name, _ in search.FIELDS], texts, strict=True))
        builder.add(doc | {"ref": str(n)})
    return builder.build()


def test_weights_are_lunrs_bm25_weights(papers):
    ours = search.build_index(papers)
    index = _lunr_index(papers)
    terms = {entry["_index"]: term for term, entry in index.inverted_index.items()}
    fields = [name for name, _ in search.FIELDS]
    expected = {}
    for ref, vector in index.field_vectors.items():
        field, doc = ref.split("/")
        elements = vector.elements
        for i in range(0, len(elements), 2):
            expected[(terms[elements[i]], int(doc), fields.index(field))] = elements[i + 1]
    got = {}
    for term, plist in ours.postings.items():
        for i in range(0, len(plist), 2):
            got[(term, plist[i], plist[i + 1] & 7)] = (plist[i + 1] >> 3) / 100
    assert got.keys() == expected.keys()
    assert len(got) > 10_000
    worst = max(abs(got[k] - max(expected[k], 0.01)) for k in got)
    assert worst <= 0.006  # ours are lunr's, in hundredths


def test_stems_match_lunr_js_in_the_browser(bundled):
    node = shutil.which("node")
    require(node is not None, "node")
    words = sorted({w for p in bundled.papers for w in search.words(p.title + " " + p.abstract)})
    words = [w for w in words if w.isascii() and w.isalpha()]
    script = (
        f"const lunr = require({json.dumps(str(LUNR_JS))});"
        "const words = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(words.map(w => lunr.stemmer(new lunr.Token(w)).toString())));"
    )
    run = subprocess.run(
        [node, "-e", script], input=json.dumps(words), text=True, check=True, capture_output=True
    )
    js = json.loads(run.stdout)
    assert len(words) > 3000
    assert [w for w, s in zip(words, js, strict=True) if search.stem(w) != s] == []


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("transform", "transfrm", True),
        ("transform", "trasnform", True),
        ("transform", "transforms", True),
        ("transform", "tranzform", True),
        ("transform", "transform", False),
        ("transform", "trnsfrm", False),
        ("transform", "ransfomr", False),
        ("abc", "acb", True),
        ("abc", "bca", False),
    ],
)
def test_one_edit(a, b, near):
    assert search.one_edit(a, b) is near
    assert search.one_edit(b, a) is near


def test_parse_query_marks_the_word_being_typed():
    clauses = search.parse_query("The Diffusion transfo")
    assert [(c.word, c.stem, c.prefix) for c in clauses] == [
        ("diffusion", "diffus", False),
        ("transfo", "transfo", True),
    ]
    assert [c.prefix for c in search.parse_query("diffusion transformers ")] == [False, False]
    assert [c.word for c in search.parse_query("the")] == ["the"]  # typed so far: "the..."
    assert search.parse_query("the ") == []
    assert search.parse_query("  ") == []


def test_every_word_must_match(bundled):
    both = search.search(bundled, "diffusion robot ")
    assert both
    for hit in both:
        text = " ".join(search.field_texts(hit.paper)).lower()
        assert "diffusion" in text and "robot" in text
    assert len(both) < len(search.search(bundled, "diffusion "))


def test_a_typo_finds_the_word_and_a_prefix_completes_it(bundled):
    right = [h.paper.id for h in search.search(bundled, "transformer ")][:10]
    assert right
    assert [h.paper.id for h in search.search(bundled, "transfomer ")][:10] == right
    assert set(right) <= {h.paper.id for h in search.search(bundled, "transfor")}
    assert search.search(bundled, "xqzwv ") == []


def test_an_arxiv_id_finds_its_paper(bundled):
    paper = bundled.papers[17]
    assert [h.paper.id for h in search.search(bundled, paper.id)][:1] == [paper.id]


def test_sorts_and_filters(bundled):
    hits = search.search(bundled, "model", sort="upvotes")
    votes = [h.paper.upvotes for h in hits]
    assert len(hits) > 50 and votes == sorted(votes, reverse=True)
    newest = [h.paper.daily_date for h in search.search(bundled, "model", sort="newest")]
    assert newest == sorted(newest, reverse=True)
    since, until = date(2026, 2, 20), date(2026, 2, 25)
    window = search.search(bundled, "model", search.Filters(since=since, until=until))
    assert window and all(since <= h.paper.daily_date <= until for h in window)
    coded = search.search(bundled, "model", search.Filters(has_code=True))
    assert coded and all(h.paper.github_repo for h in coded) and len(coded) < len(hits)
    org = search.search(bundled, "model", search.Filters(org="ByteDance-Seed"))
    assert org and all(h.paper.organization.name == "ByteDance-Seed" for h in org)


def _bundled_project(tmp_path: Path) -> Path:
    project = make_project(tmp_path / "project")
    shutil.copytree(ROOT / "data", project / "data")
    return project


def test_papers_search_lists_a_paper_first_for_its_title_words(tmp_path, bundled):
    project = _bundled_project(tmp_path)
    for paper in bundled.papers[::40]:
        words = " ".join(paper.title.split()[:6])
        result = run_papers(project, "search", words, "-n", "3")
        assert result.exit_code == 0, result.stderr
        first = result.stdout.splitlines()[0]
        assert paper.id in first, (words, result.stdout)
    assert "paper(s) match" in result.stdout.splitlines()[-1]


def test_papers_search_filters_and_reports_no_match(tmp_path):
    project = _bundled_project(tmp_path)
    result = run_papers(
        project, "search", "reasoning", "--since", "2026-03-01", "--sort", "upvotes"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()[:-1]
    assert lines and all(line.split()[2] >= "2026-03-01" for line in lines)
    votes = [int(line.split()[3].lstrip("▲")) for line in lines]
    assert votes == sorted(votes, reverse=True)
    none = run_papers(project, "search", "xqzwv")
    assert none.exit_code == 0 and none.stdout.startswith("0 paper(s) match")


def test_the_index_is_rebuilt_only_when_papers_change(tmp_path, papers):
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    hashes = {p.id: "h1" for p in papers}
    assert search.update_index(papers, docs, cache, hashes) > 10
    folder = docs / search.INDEX_DIR
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["papers"] == len(papers) and meta["format"] == search.FORMAT
    assert search.update_index(papers, docs, cache, hashes) == 0
    stale = folder / "d" / "ffff.json"
    stale.write_text("{}")
    fewer = papers[: len(papers) // 2]
    assert search.update_index(fewer, docs, cache, {p.id: "h1" for p in fewer}) > 0
    assert not stale.exists()
    assert json.loads((folder / "meta.json").read_text())["papers"] == len(fewer)


def test_papers_search_prints_no_control_characters(tmp_path):
    project = make_project(tmp_path / "project")
    hostile = ROOT / "tests" / "fixtures" / "hostile" / "2025-06-02.json"
    assert run_papers(project, "import", str(hostile)).exit_code == 0
    result = run_papers(project, "search", "ctrl chars")
    assert result.exit_code == 0, result.stderr
    assert "T16 ctrl" in result.stdout and "\ufffd" in result.stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stdout)
