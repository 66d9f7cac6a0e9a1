"""Would a latent space learned from the archive (LSA) lift the paraphrase and question kinds?

    pip install bm25s scikit-learn          # benchmark-only installs
    python benchmarks/semantic_eval.py      # tuned on the dev set, then the test set once

The lexical search (``generator.search``, as ``papers search`` ranks) is fused with an LSA
ranking: TF-IDF (sublinear, min_df 2, max_df 0.5) of each paper's title (twice), abstract and
keywords, analysed with the search's own analyser, reduced by truncated SVD to ``dims``
dimensions; a query is projected the same way and papers are ranked by cosine. The two rankings
are fused by reciprocal rank (1/(k + rank), k 10, the LSA side weighted 0.5: the best of the
grid on the dev set, benchmarks/relevance/dev/). Also printed: what the browser would fetch per
query to rank the LSA side's first 300 papers from int8 vectors (300 x dims bytes).

Result on this corpus (2026-11-29): the paraphrase kind does not move (dev 0.60 -> 0.63), the
question kind gains 0.10-0.13, and the vectors a query needs cost 19-77 KB on top of the
lexical side's, past the 60 KB budget of a further query. Not adopted; see the README.
"""

from __future__ import annotations

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


def main() -> None:
    papers = ev.load_corpus()
    index = search.build_index(papers)
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
