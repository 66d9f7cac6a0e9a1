"""The search index and its queries, in Python: lunr parity, query rules, `papers search`.

The browser's side of the same rules (the built site's index, searched by search.js) is
tested in test_search_site.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from lunr.builder import Builder

from generator import search
from generator.ingest.importer import ImportOptions, read_capture
from generator.outputs import Writer
from generator.search.build import CHUNK
from generator.store import Store

from .conftest import API_DIR, bundled_project, make_project
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
def bundled_papers():
    return Store(ROOT / "data").load_all()


@pytest.fixture(scope="module")
def bundled(bundled_papers):
    return search.build_index(bundled_papers)


def _lunr_index(papers):
    """The lunr package's own builder over our analysis (whitespace-separated terms, no further
    pipeline): its BM25 weights must be ours."""
    builder = Builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("ref")
    for name, boost in search.FIELDS:
        builder.field(name, boost=boost)
    for n, paper in enumerate(search.search_order(papers)):
        texts = [" ".join(search.analyze(t)) for t in search.field_texts(paper)]
        doc = dict(zip([name for name, _ in search.FIELDS], texts, strict=True))
        builder.add(doc | {"ref": str(n)})
    return builder.build()


def _all_postings(papers) -> dict[str, list[int]]:
    index = search.build_index(papers)
    files = search.build_files(papers)
    out = {}
    for rel in files:
        if rel.startswith("d/"):
            shard = index.get(rel)
            out.update({t: index.postings(t, block) for t, (_, block) in shard.items()})
    return out


def test_weights_are_lunrs_bm25_weights(papers):
    ours = _all_postings(papers)
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
    for term, plist in ours.items():
        for i in range(0, len(plist), 2):
            got[(term, plist[i], plist[i + 1] & 7)] = (plist[i + 1] >> 3) / 100
    assert got.keys() == expected.keys()
    assert len(got) > 10_000
    # Ours are lunr's, kept in units of weightUnit hundredths (at least one unit).
    unit = search.RULES["weightUnit"] / 100
    worst = max(abs(got[k] - max(expected[k], unit)) for k in got)
    assert worst <= unit / 2 + 0.006


def test_stems_match_lunr_js_in_the_browser():
    node = shutil.which("node")
    require(node is not None, "node")
    texts = [p.title + " " + p.abstract for p in Store(ROOT / "data").load_all()]
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
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


# -- analysis ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("llava-1.6", ["llava1.6", "llava", "1.6"]),
        ("pre-training", ["pretrain", "pre", "train"]),
        ("Qwen2.5-VL", ["qwen2.5vl", "qwen2.5", "qwen", "2.5", "vl"]),
        ("Llama 3", ["llama", "3", "llama3"]),
        ("SD 3.5", ["sd", "3.5", "sd3.5"]),
        ("alignment.github.io", ["align", "github", "io"]),
        ("models(LLM", ["model", "llm"]),
        ("LLM's", ["llm"]),
        ("optimisation", ["optim"]),
        ("modelling colour centre", ["model", "color", "center"]),
        ("behavioural analyse", ["behavior", "analyz"]),
        ("2401.01234", ["2401.01234"]),
    ],
)
def test_analysis_splits_on_punctuation_and_keeps_compounds_whole(text, terms):
    assert search.analyze(text) == terms


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("optimisation", "optimization"),
        ("modelling", "modeling"),
        ("generalise", "generalize"),
        ("colour", "color"),
        ("behaviour", "behavior"),
        ("centre", "center"),
        ("catalogue", "catalog"),
        ("labelled", "labeled"),
        ("analysed", "analyzed"),
    ],
)
def test_british_and_american_spellings_are_one_term(british, american):
    assert search.analyze(british) == search.analyze(american)


@pytest.mark.parametrize(
    ("pasted", "bare"),
    [
        ("arXiv:2401.01234", "2401.01234"),
        ("2401.01234v3", "2401.01234"),
        ("https://arxiv.org/abs/2401.01234", "2401.01234"),
        ("https://arxiv.org/pdf/2401.01234v1", "2401.01234"),
        ("https://arxiv.org/pdf/2401.01234v1.pdf", "2401.01234"),
        ("https://huggingface.co/papers/2401.01234", "2401.01234"),
        ("huggingface.co/papers/2401.01234", "2401.01234"),
        ("arxiv 2401.01234", "2401.01234"),
    ],
)
def test_arxiv_ids_in_pasted_forms_become_the_bare_id(pasted, bare):
    assert search.clean_query(pasted).split() == [bare]


def test_organisations_are_found_by_a_part_of_their_handle():
    assert search.split_camel("TencentARC") == "Tencent ARC"
    assert search.split_camel("MicrosoftResearch") == "Microsoft Research"
    assert search.split_camel("ARCLab") == "ARC Lab"


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("transform", "transfrm", 1),
        ("transform", "trasnform", 1),
        ("transform", "rtansform", 1),
        ("transform", "transforms", 1),
        ("transform", "tranzform", 1),
        ("transform", "transform", 0),
        ("transform", "trnsfrm", 2),
        ("transform", "ransfomr", 2),
        ("transform", "rnasfomr", 3),
        ("abc", "acb", 1),
        ("abc", "bca", 2),
    ],
)
def test_edit_distance_counts_transpositions_as_one(a, b, distance):
    assert search.edit_distance(a, b, 3) == distance
    assert search.edit_distance(b, a, 3) == distance
    assert search.edit_distance(a, b, 0) == min(distance, 1)


def test_parse_query_marks_the_word_being_typed():
    clauses = search.parse_query("The Diffusion transfo")
    assert [(c.terms, c.prefix) for c in clauses] == [
        ((("diffus", "exact"),), ""),
        ((("transfo", "exact"),), "transfo"),
    ]
    assert [c.prefix for c in search.parse_query("diffusion transformers ")] == ["", ""]
    assert [c.prefix for c in search.parse_query("thei")] == ["thei"]  # typed so far: "thei..."
    assert search.parse_query("the") == []  # a stop word, too short to complete
    assert search.parse_query("the ") == []
    assert search.parse_query("  ") == search.parse_query("?!") == []


# -- ranking ----------------------------------------------------------------------------------
def _ids(index, query: str, **options) -> list[str]:
    return [h.id for h in search.search(index, query, **options)]


def _texts(papers) -> dict[str, str]:
    return {p.id: " ".join(search.field_texts(p)).lower() for p in papers}


def test_papers_with_every_word_come_first_then_partial_matches(bundled_papers, bundled):
    texts = _texts(bundled_papers)
    ids = _ids(bundled, "diffusion robot ")
    both = [i for i in ids if "diffusion" in texts[i] and "robot" in texts[i]]
    assert both and ids[: len(both)] == both  # all of them first ...
    assert len(ids) > len(both)  # ... then those with one of the words
    assert _ids(bundled, "diffusion robot xqzwvjk ")[: len(both)] == both  # a word found nowhere


def test_a_query_finds_nothing_only_when_no_word_matches(bundled):
    assert _ids(bundled, "xqzwvjk ") == []
    assert _ids(bundled, "xqzwvjk diffusion ")


def test_a_typo_finds_the_word_and_a_prefix_completes_it(bundled):
    right = _ids(bundled, "transformer ")[:10]
    assert right
    for typo in ("transfomer ", "trasnformer ", "rtansformer ", "tarnsformer "):
        assert _ids(bundled, typo)[:10] == right, typo
    assert set(right) <= set(_ids(bundled, "transfor"))


def test_a_typo_never_outranks_an_exact_match():
    papers = [
        search_paper("2501.00001", "A single mode of operation"),
        search_paper("2501.00002", "A model model model of everything"),
    ]
    index = search.build_index(papers)
    ids = _ids(index, "modes ")  # "mode" is known but rare: "model" is tried too
    assert ids == ["2501.00001", "2501.00002"]


def search_paper(pid: str, title: str, **fields):
    from generator.model import Paper

    return Paper(id=pid, title=title, daily_date=date(2025, 1, 1), **fields)


def test_an_arxiv_id_finds_its_paper_first_in_every_pasted_form(bundled_papers, bundled):
    paper = bundled_papers[17]
    forms = [
        paper.id,
        f"arXiv:{paper.id}",
        f"{paper.id}v3",
        f"https://arxiv.org/abs/{paper.id}",
        f"https://arxiv.org/pdf/{paper.id}v1",
        f"https://huggingface.co/papers/{paper.id}",
        f"arxiv {paper.id}",
    ]
    for form in forms:
        assert _ids(bundled, form)[:1] == [paper.id], form


def test_sorts_and_filters(bundled_papers, bundled):
    by_id = {p.id: p for p in bundled_papers}
    hits = search.search(bundled, "model", sort="upvotes")
    votes = [h.upvotes for h in hits]
    assert len(hits) > 50 and votes == sorted(votes, reverse=True)
    newest = [h.day for h in search.search(bundled, "model", sort="newest")]
    assert newest == sorted(newest, reverse=True)
    since, until = date(2026, 2, 20), date(2026, 2, 25)
    window = search.search(bundled, "model", search.Filters(since=since, until=until))
    assert window and all(str(since) <= h.day <= str(until) for h in window)
    coded = search.search(bundled, "model", search.Filters(has_code=True))
    assert coded and all(by_id[h.id].github_repo for h in coded) and len(coded) < len(hits)
    org = search.search(bundled, "model", search.Filters(org="ByteDance-Seed"))
    assert org and all(by_id[h.id].organization.name == "ByteDance-Seed" for h in org)
    assert search.search(bundled, "model", search.Filters(org="NoSuchOrg")) == []


def test_sorting_by_upvotes_keeps_to_papers_with_every_word(bundled_papers, bundled):
    texts = _texts(bundled_papers)
    hits = search.search(bundled, "diffusion robot ", sort="upvotes")
    assert hits and all("diffusion" in texts[h.id] and "robot" in texts[h.id] for h in hits)


def _bundled_project(tmp_path: Path) -> Path:
    return bundled_project(tmp_path / "project")


def test_papers_search_lists_a_paper_first_for_its_title_words(tmp_path, bundled_papers):
    project = _bundled_project(tmp_path)
    for paper in search.search_order(bundled_papers)[::40]:
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
    writer = Writer(docs, cache, salt="s")

    def write(papers, hashes):
        return writer.write([search.index_output(papers, hashes, cache)]).written

    hashes = {p.id: "h1" for p in papers}
    assert write(papers, hashes) > 10
    folder = docs / search.INDEX_DIR
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["papers"] == len(papers) and meta["format"] == search.FORMAT
    assert write(papers, hashes) == 0
    stale = folder / "d" / "ffff.json"
    stale.write_text("{}")
    fewer = papers[: len(papers) // 2]
    assert write(fewer, {p.id: "h1" for p in fewer}) > 0
    assert not stale.exists()
    assert json.loads((folder / "meta.json").read_text())["papers"] == len(fewer)
    assert write(fewer, {p.id: "h2" for p in fewer}) == 0  # new hashes, the same bytes
    (folder / "meta.json").write_text("{}")  # unseen while the key holds; the salt is in it
    assert write(fewer, {p.id: "h2" for p in fewer}) == 0
    other = Writer(docs, cache, salt="other code")
    assert (
        other.write([search.index_output(fewer, {p.id: "h2" for p in fewer}, cache)]).written == 1
    )
    assert json.loads((folder / "meta.json").read_text())["papers"] == len(fewer)


def test_a_new_day_adds_display_chunks_and_leaves_the_others_as_they_were(papers):
    """Display chunks count from the oldest paper: a day's new papers (ahead of every other in
    document order) add files, they do not shift every one (10k files a day at 50k papers)."""
    files = search.build_files(papers)
    newest = max(p.daily_date for p in papers)
    later = date.fromordinal(newest.toordinal() + 1)
    day = [
        p.model_copy(update={"id": f"2699.{n:05d}", "daily_date": later})
        for n, p in enumerate(papers[:7])
    ]
    grown = search.build_files(papers + day)
    old = sorted(rel for rel in files if rel.startswith("docs/"))
    changed = [rel for rel in old if files[rel] != grown[rel]]
    assert changed == [f"docs/{(len(papers) - 1) // CHUNK}.json"]  # the last, filled up
    index = search.Index.from_files(grown)
    shown = [index.display(doc)[0] for doc in range(index.papers)]
    assert shown == [p.id for p in search.search_order(papers + day)]


def test_kept_analysis_gives_the_index_a_fresh_analysis_gives(tmp_path, papers, monkeypatch):
    """The index of edited, added and removed papers, built on the analysis kept from the last
    build, is the index built from scratch; a kept analysis of other rules is not used."""
    monkeypatch.setattr(search.analysis, "SLICE", 40)  # the cold build analyses in worker processes
    monkeypatch.setattr(search.analysis.workers, "count", lambda setting=0: 2)
    cache = tmp_path / "cache"
    assert search.build_files(papers, cache) == search.build_files(papers)
    kept = (cache / search.Analysed.FILE).read_bytes()
    edited = papers[3].model_copy(update={"abstract": "Zebrafish telomeres, " + papers[3].abstract})
    added = papers[4].model_copy(update={"id": "2601.99999", "title": "Quokka alignment"})
    changed = [edited, added, *papers[5:]]  # and papers 0-2 removed
    assert search.build_files(changed, cache) == search.build_files(changed)
    assert search.build_files(papers, cache) == search.build_files(papers)
    (cache / search.Analysed.FILE).write_bytes(kept)
    monkeypatch.setattr(search.analysis, "code_version", lambda: "other rules")
    monkeypatch.setattr(search.analysis, "analyze", lambda text: ["kiwi"] if text else [])
    assert search.build_files(changed, cache) == search.build_files(changed)


def test_papers_search_prints_no_control_characters(tmp_path):
    project = make_project(tmp_path / "project")
    hostile = ROOT / "tests" / "fixtures" / "hostile" / "2025-06-02.json"
    assert run_papers(project, "import", str(hostile)).exit_code == 0
    result = run_papers(project, "search", "ctrl chars")
    assert result.exit_code == 0, result.stderr
    assert "T16 ctrl" in result.stdout and "\ufffd" in result.stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stdout)


def test_papers_search_reads_the_built_index_and_rebuilds_only_after_a_data_change(tmp_path):
    project = _bundled_project(tmp_path)
    assert run_papers(project, "render").exit_code == 0
    meta = project / "generated" / search.INDEX_DIR / "meta.json"
    written = meta.stat().st_mtime_ns
    result = run_papers(project, "search", "diffusion")
    assert result.exit_code == 0 and "paper(s) match" in result.stdout
    assert meta.stat().st_mtime_ns == written  # read, not rebuilt
    Store(project / "data").save(search_paper("2601.99999", "Quokkaformer for marsupials"))
    result = run_papers(project, "search", "quokkaformer")
    assert result.exit_code == 0 and "2601.99999" in result.stdout.splitlines()[0]
    assert meta.stat().st_mtime_ns != written


def test_a_compound_is_matched_by_all_of_its_parts_not_one():
    papers = [
        search_paper("2501.00001", "AIEV-Instruct for code"),
        search_paper("2501.00002", "Instruct tuning for code"),
        search_paper("2501.00003", "Pre training at scale"),
    ]
    index = search.build_index(papers)
    assert _ids(index, "aiev-instruct code ") == ["2501.00001", "2501.00002"]
    result = search.run(index, "aiev-instruct code ")
    assert [result.scores[d].matched for d in result.docs] == [2, 1]  # "instruct" alone: partial
    assert _ids(index, "pre-training ") == ["2501.00003"]  # both parts, written apart
