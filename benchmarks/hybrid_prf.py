"""Pseudo-relevance feedback for the meaning side, measured on the dev set only (issue 21).

    python benchmarks/hybrid_prf.py

The query's vector is moved toward the mean vector of the first m results (of the lexical
ranking, "lex", or of the shipped hybrid, "hyb") by beta, or that mean is fused as a third
ranking ("3way"). No download grows: the papers' vectors are already in the browser. Measured
2026-12-07: no variant beat the shipped hybrid on paraphrase and question together (the
best, lex m3 beta 0.5, moved paraphrase 0.67 to 0.73 and question 0.87 to 0.80), so none
ships. Cosine over float vectors here, hence "base" is not exactly the shipped integer ranking.
"""

import sys

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from benchmarks import hybrid_eval as he
from benchmarks import search_eval as ev
from generator import search
from generator.search.semantic import rank


def main():
    global index, ids, sem, docs, rows, norm, row_of, F
    papers = ev.load_corpus()
    index, _ = he.build(papers)
    ids = [p.id for p in search.search_order(papers)]
    sem = rank.semantic_of(index)
    docs, rows = sem.vectors()
    norm = docs / np.linalg.norm(docs, axis=1, keepdims=True)
    row_of = np.empty(len(rows), np.int64)
    row_of[rows] = np.arange(len(rows))
    F = sem.meta["fusion"]

    def sem_rank(vec, depth=100):
        s = norm @ vec
        order = np.lexsort((rows, -s))[:depth]
        return [int(rows[r]) for r in order]

    def qvec(q):
        v = sem.model.encode(q).astype(np.float32)
        n = np.linalg.norm(v)
        return v / n if n else v

    def variant(beta, m, source, mode):
        def fn(q):
            res = search.run(index, q)
            if not res.clauses or not res.docs:
                return [ids[d] for d in res.docs[:10]]
            d = np.asarray(res.docs, dtype=np.int64)
            every = int(np.count_nonzero(res.scores.matched[d] == len(res.clauses)))
            v = qvec(q)
            first = sem_rank(v)
            if beta == 0:
                return [ids[x] for x in rank.fuse(res.docs, every, first, F)[:10]]
            top = res.docs[:m] if source == "lex" else rank.fuse(res.docs, every, first, F)[:m]
            c = norm[row_of[top]].mean(0)
            if mode == "prf":
                v2 = v + beta * c
                v2 /= np.linalg.norm(v2)
                return [ids[x] for x in rank.fuse(res.docs, every, sem_rank(v2), F)[:10]]
            # three-way: add a third ranking
            third = sem_rank(c / np.linalg.norm(c))
            f = dict(F)
            f["weights"] = [1.0, 0.75]
            score = {}
            kept = set(res.docs[:every])
            for w, r in ((1.0, res.docs[:100]), (0.75, first), (beta, third)):
                for i, x in enumerate(r):
                    if x not in kept:
                        score[x] = score.get(x, 0) + w / (60 + i)
            fused = sorted(score, key=lambda x: (-score[x], x))
            return [ids[x] for x in (res.docs[:every] + fused)[:10]]

        return fn

    qs = ev.load_queries(ev.DEV)
    fns = {"base": variant(0, 0, "lex", "prf")}
    for src in ("lex", "hyb"):
        for m in (3, 5, 10):
            for beta in (0.5, 1.0, 2.0):
                fns[f"prf-{src}-m{m}-b{beta}"] = variant(beta, m, src, "prf")
            fns[f"3way-{src}-m{m}-w0.5"] = variant(0.5, m, src, "3way")
    for name, fn in fns.items():
        r = ev.evaluate(fn, qs)
        k = r["kinds"]
        cells = "  ".join(f"{kind} {k[kind]['recall']:.2f}/{k[kind]['mrr']:.2f}" for kind in k)
        print(f"{name:22s} {cells}", flush=True)


if __name__ == "__main__":
    main()
