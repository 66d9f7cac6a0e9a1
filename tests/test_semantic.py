"""Search by meaning (search/semantic/, semantic.js) on the bundled data, with the tiny model
of tests/tiny_model.py: the tokenizer against Hugging Face's, the query encoder file against
the model, Python against the browser's code under Node, the kept vectors, the fusion's
promises, and `papers` with the switch on and off."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from generator import search
from generator.search.semantic import encoder, model, rank, tokenizer, vectors
from generator.store import Store

from .conftest import ROOT, configure, make_project, papers, tiny_model
from .site_tools import require

SCRIPT = Path(__file__).parent / "semantic_parity.js"
SEED = 20261206


@pytest.fixture(scope="module")
def bundled():
    return Store(ROOT / "data").load_all()


@pytest.fixture(scope="module")
def tiny():
    return encoder.load(tiny_model())


@pytest.fixture(scope="module")
def built(bundled, tiny, tmp_path_factory):
    """The bundled papers' index with its semantic side, in memory and on disk."""
    from generator.search.semantic import index_files_of

    cache = tmp_path_factory.mktemp("cache")
    files = search.build_files(bundled, None, index_files_of(tiny_model(), cache))
    folder = tmp_path_factory.mktemp("index")
    for rel, data in search.index_files(files).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return search.Index.from_folder(folder), folder


def _texts(bundled) -> list[str]:
    rng = random.Random(SEED)
    texts = [p.title for p in bundled] + [p.abstract[:300] for p in bundled[:100]]
    texts += [
        "",
        " ",
        "naïve Bayes, état-de-l'art",
        "LLM's CoT (w/ RL)",
        "視頻 diffusion",
        "a" * 150,
    ]
    texts += ["\u2028line\u2029para\tTab\x00nul\ufffd", "Ǆemo ﬁne Σίσυφος", "x\u0301\u0327y"]
    for _ in range(200):
        texts.append(
            "".join(
                chr(rng.choice([rng.randint(32, 126), rng.randint(0xA0, 0x2FF)])) for _ in range(20)
            )
        )
    return texts


def test_tokenizer_matches_hugging_face_tokenizers(bundled):
    from tokenizers import Tokenizer

    hf = Tokenizer.from_file(str(tiny_model() / "tokenizer.json"))
    hf.no_padding()
    vocab = hf.get_vocab()
    special = {name: vocab[name] for name in ("[CLS]", "[SEP]", "[UNK]")}
    differ = [
        t for t in _texts(bundled) if tokenizer.encode(t, vocab, special, 10**6) != hf.encode(t).ids
    ]
    assert differ == []


def _float_graph(tiny, texts: list[str]) -> np.ndarray:
    """The papers' encoder graph before quantization, run on ``texts`` one by one."""
    import onnxruntime as ort

    from generator.search.semantic import runtime

    graph = runtime.build_graph(tiny.weights, tiny.layers, tiny.heads, tiny.eps)
    session = ort.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])
    out = []
    for text in texts:
        ids = np.array([tiny.tokenizer.encode(text).ids])
        feed = {
            "ids": ids,
            "positions": np.arange(ids.shape[1]),
        }
        pooled = session.run(None, feed)[0][0].mean(0)
        out.append(pooled / np.linalg.norm(pooled))
    return np.array(out)


def test_query_encoder_and_papers_encoder_agree(tiny):
    """Two implementations of one model: the query encoder (NumPy, over the file the browser
    gets: int8 layers, 4-bit word pieces) and the ONNX graph of the papers' side."""
    queries = ["diffusion models for video", "how do agents use tools", "Qwen2.5 reasoning RL"]
    exact = _float_graph(tiny, queries)
    read = model.read(model.export(tiny))
    for q, reference in zip(queries, exact, strict=True):
        v = read.encode(q).astype(np.float64)
        assert v @ reference / np.linalg.norm(v) > 0.995, q
    # The int8 graph the build runs: near the float one (0.99 for MiniLM; a random tiny model
    # quantizes worse), and nearer its own text's vector than any other's (a random model puts
    # every text near every other, about 0.92 apart: a margin, not a fixed bound).
    quantized = tiny.encode(queries)
    near = quantized @ exact.T
    assert (np.diag(near) > 0.9).all()
    others = near[~np.eye(len(queries), dtype=bool)].reshape(len(queries), -1)
    assert (np.diag(near) - others.max(1) > 0.02).all(), near
    assert read.encode("").tolist() == [0] * tiny.dims
    with pytest.raises(ValueError, match="DPSM"):
        model.read(b"nope" + model.export(tiny)[4:])


def test_int4_packing_round_trips():
    values = np.array([-8, -7, -1, 0, 1, 7, 3], dtype=np.int8)
    assert model.unpack4(model.pack4(values), len(values)).tolist() == values.tolist()


def _queries(bundled) -> list[list]:
    rng = random.Random(SEED)
    words = [w for p in bundled for w in f"{p.title} {p.abstract}".split()]
    outsider = yaml.safe_load((ROOT / "benchmarks/relevance/queries.yaml").read_text())
    queries = (
        [q["query"] for q in outsider] + [p.title for p in bundled[:40]] + _texts(bundled)[-60:]
    )
    queries += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 9))) for _ in range(300)]
    jobs = [[q, "relevance", None] for q in queries]
    for job in rng.sample(jobs, 40):
        jobs.append([job[0], rng.choice(["upvotes", "newest"]), None])
        jobs.append([job[0], "relevance", {"category": "cs.CV"}])
    for paper in rng.sample(bundled, 30):  # an author's papers, by words and meaning
        words = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        jobs.append([f'author:"{paper.authors[0].name}" {words}', "relevance", None])
    return jobs


def test_python_and_javascript_rank_alike(bundled, built, tmp_path):
    require(shutil.which("node"), "node (Node.js)")
    index, folder = built
    jobs = _queries(bundled)
    (tmp_path / "jobs.json").write_text(json.dumps({"queries": jobs, "top": 20}))
    done = subprocess.run(
        ["node", str(SCRIPT), str(folder), str(tmp_path / "jobs.json")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    javascript = json.loads(done.stdout)["results"]
    meaning = rank.semantic_of(index)
    differ = []
    for (text, sort, filters), js in zip(jobs, javascript, strict=True):
        f = search.Filters(category=filters["category"]) if filters else search.Filters()
        result = rank.run(index, text, f, sort)
        words = search.split_authors(text)[1]  # an author: clause keeps to its papers
        python = {
            "tokens": meaning.model.tokens(text),
            "query": meaning.model.encode(words).tolist(),
            "nearest": meaning.rank(words, rank._accepts(index, f, result)),
            "docs": result.docs[:20],
            "count": len(result.docs),
        }
        if python != js:
            differ.append((text, sort, [k for k in python if python[k] != js[k]]))
    assert differ == [], differ[:10]
    assert sum(1 for j in javascript if j["nearest"]) > len(jobs) / 2  # the side was exercised


def test_every_word_matches_keep_their_rank(bundled, built):
    index, _ = built
    order = search.search_order(bundled)
    queries = [order[3].id, f"arXiv:{order[7].id}v2", order[11].title, "diffusion video", "agents"]
    for text in queries:
        lexical = search.run(index, text)
        every = [d for d in lexical.docs if lexical.scores[d].matched == len(lexical.clauses)]
        assert every, text
        assert rank.run(index, text).docs[: len(every)] == every, text


def test_meaning_fills_in_below_and_sorts_keep_their_meaning(built):
    index, _ = built
    text = "robots learning household chores from human videos"
    lexical, hybrid = search.run(index, text), rank.run(index, text)
    nearest = rank.semantic_of(index).rank(text)
    assert set(nearest[:20]) <= set(hybrid.docs), "the meaning side's best are listed"
    assert set(lexical.docs) <= set(hybrid.docs), "every word match is still listed"
    for sort in ("upvotes", "newest"):
        assert rank.run(index, text, sort=sort).docs == search.run(index, text, sort=sort).docs


def test_meaning_keeps_to_an_author_querys_papers(bundled, built):
    """author:"Name" with words: the meaning side ranks only that author's papers."""
    index, _ = built
    counts = Counter(a.name for p in bundled for a in p.authors)
    name = max(counts, key=lambda n: (counts[n], n))
    theirs = set(search.run(index, f'author:"{name}"').docs)
    assert len(theirs) >= 3
    for words in ("models", "learning from video", "agents reasoning"):
        hybrid = rank.run(index, f'author:"{name}" {words}')
        assert set(hybrid.docs) <= theirs, words
        assert not set(rank.run(index, words).docs) <= theirs  # the meaning side was held back


def test_vectors_are_kept_and_only_new_or_edited_papers_are_embedded(bundled, tiny, tmp_path):
    some = bundled[:30]
    made: list[int] = []
    first = vectors.embed(some, tiny, tmp_path, made.append)
    assert sum(made) == 30
    made.clear()
    again = vectors.embed(some, tiny, tmp_path, made.append)
    assert made == [] and (again == first).all()
    edited = [
        some[0].model_copy(update={"abstract": "A new abstract about protein folding."}),
        *some[1:20],
    ]
    vectors.embed(edited, tiny, tmp_path, made.append)
    assert sum(made) == 1
    kept = vectors.Store(tmp_path / vectors.CACHE_FILE).rows
    assert len(kept) == 20, "papers that left the archive leave the cache"
    (tmp_path / vectors.CACHE_FILE).write_bytes(b"not a zip")
    made.clear()
    assert (vectors.embed(edited, tiny, tmp_path, made.append)[1:] == first[1:20]).all()
    assert sum(made) == 20, "a damaged cache is made again, to the same vectors"


def test_semantic_files_are_named_by_their_bytes_and_a_new_day_changes_only_the_last_chunks(
    bundled, tiny, monkeypatch
):
    ordered = search.search_order(bundled)
    found = vectors.embed(ordered, tiny, None)
    data = model.export(tiny)
    monkeypatch.setattr(vectors, "CHUNK", 100)
    files, meta = vectors.index_files(ordered, found, data)
    newest = max(p.daily_date for p in ordered)
    older = [p for p in ordered if p.daily_date < newest]
    _, meta_before = vectors.index_files(older, vectors.embed(older, tiny, None), data)
    assert all(hashlib.sha1(b).hexdigest()[:12] in name for name, b in files.items())
    full = len(older) // 100  # the chunks the new day's papers do not reach
    assert full >= 2 and meta["chunks"][:full] == meta_before["chunks"][:full]
    assert meta["chunks"][full:] != meta_before["chunks"][full:]
    assert meta["model"] == meta_before["model"] and meta["rows"] != meta_before["rows"]


def test_build_with_and_without_semantic(tmp_path):
    project = make_project(tmp_path / "p")
    shutil.copytree(ROOT / "data", project / "data")
    assert papers(project, "render").exit_code == 0
    index = project / "generated" / "search-index"
    meta = json.loads((index / "meta.json").read_text())
    assert {meta["semantic"]["model"], meta["semantic"]["rows"]} <= {
        f"semantic/{p.name}" for p in (index / "semantic").iterdir()
    }
    # Papers near in meaning fill the list below the word matches (one paper has "dreamdojo"),
    found = papers(project, "search", "-n", "3", "dreamdojo")
    assert found.exit_code == 0 and found.output.splitlines()[0].split()[1] == "2602.06949"
    assert int(found.output.splitlines()[-1].split()[0]) >= 100
    # but a query no paper has a word of gets no guesses.
    assert "0 paper(s) match" in papers(project, "search", "zqxv wkkp").output
    configure(project, semantic="false")
    assert papers(project, "render").exit_code == 0
    assert "semantic" not in json.loads((index / "meta.json").read_text())
    assert not (index / "semantic").exists()
    assert "1 paper(s) match" in papers(project, "search", "dreamdojo").output


def test_a_model_folder_that_is_not_one_is_a_clear_error(tmp_path):
    project = make_project(tmp_path / "p", semantic_model="not-a-model")
    (project / "not-a-model").mkdir()
    shutil.copytree(ROOT / "data", project / "data")
    result = papers(project, "render")
    assert result.exit_code != 0
    assert "extra.papers.semantic_model" in result.output and "model.safetensors" in result.output


def test_a_model_not_installed_is_downloaded_once_from_the_hub_endpoint(tmp_path):
    """A Hub repo that is neither a folder nor installed comes from HF_ENDPOINT's
    /<repo>/resolve/main/<file>, over real HTTP, once; a missing one is an error naming the
    setting."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from generator.errors import InputError
    from generator.search.semantic import source

    hub = tmp_path / "hub" / "someone" / "tiny" / "resolve" / "main"
    shutil.copytree(tiny_model(), hub)
    asked: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            asked.append(self.path)

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, directory=str(tmp_path / "hub"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        cache = tmp_path / "cache"
        folder = source.locate("someone/tiny", tmp_path, cache, endpoint)
        assert encoder.load(folder).digest == encoder.load(tiny_model()).digest
        assert len(asked) == len(source.FILES)
        assert source.locate("someone/tiny", tmp_path, cache, endpoint) == folder
        assert len(asked) == len(source.FILES), "asked again"
        with pytest.raises(InputError, match=r"extra\.papers\.semantic_model"):
            source.locate("someone/missing", tmp_path, cache, endpoint, timeout=5)
    finally:
        server.shutdown()


def test_the_packaged_model_is_found_without_the_network(tmp_path):
    from generator.search.semantic import source

    folder = source.locate(
        "sentence-transformers/all-MiniLM-L6-v2", tmp_path, tmp_path, "http://127.0.0.1:9"
    )
    assert (folder / "model.safetensors").stat().st_size > 80_000_000
    assert json.loads((folder / "config.json").read_text())["hidden_size"] == 384
