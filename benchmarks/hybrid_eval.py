"""Search by words and by meaning: relevance of the shipped hybrid against its parts and a
plain BM25 baseline, on the frozen sets, and what the semantic side costs.

    pip install bm25s                        # benchmark-only install (the BM25 baseline)
    python benchmarks/hybrid_eval.py         # tables for the dev set and the outsider set
    python benchmarks/hybrid_eval.py --misses

Engines, each as ``papers search`` ranks (generator.search and generator.search.semantic, the code
the browser's search-core.js and semantic.js must agree with):

- ``lexical``: the words only (``extra.papers.semantic: false``);
- ``semantic``: the meaning ranking alone (the query encoder file against the papers' 4-bit
  vectors);
- ``hybrid``: what ships: every-word matches first, then reciprocal-rank fusion;
- ``bm25``: plain BM25 (bm25s, title + abstract, OR), the baseline of benchmarks/search_eval.py.

Sets: benchmarks/relevance/dev/queries.yaml (60 paraphrase and question queries: the only set
anything was tuned on) and benchmarks/relevance/queries.yaml (the 140-query outsider set, ten
kinds; frozen before any search ran). The corpus is /work/shared/corpus/hf-daily-papers,
imported once (search_eval.load_corpus); the papers' vectors are kept under /tmp between runs
(the first run embeds 6,752 papers: about six minutes here), and their cost is printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import search_eval as ev
from generator import search
from generator.search import semantic
from generator.search.semantic import encoder, rank, source, vectors
from generator.settings import PapersSettings

CACHE = Path(tempfile.gettempdir()) / "daily-papers-hybrid-eval"


def engines(index: search.Index, papers: list) -> dict[str, ev.SearchFn]:
    order = search.search_order(papers)
    ids = [p.id for p in order]
    sem = rank.semantic_of(index)

    def lexical(q: str) -> list[str]:
        return [ids[d] for d in search.run(index, q).docs[: ev.DEPTH]]

    def meaning(q: str) -> list[str]:
        return [ids[d] for d in sem.rank(q)]

    def hybrid(q: str) -> list[str]:
        return [ids[d] for d in rank.run(index, q).docs[: ev.DEPTH]]

    out = {"lexical": lexical, "semantic": meaning, "hybrid": hybrid}
    try:
        out["bm25"] = ev.bm25_baseline(papers)
    except ImportError:
        print("(bm25s is not installed: no BM25 column; pip install bm25s)")
    return out


def build(papers: list) -> tuple[search.Index, dict]:
    """The corpus's index with its semantic files, and what making them cost."""
    name = PapersSettings().semantic_model
    folder = source.locate(name, Path.cwd(), CACHE, "https://huggingface.co")
    CACHE.mkdir(parents=True, exist_ok=True)
    model = encoder.load(folder, CACHE / "models")
    digests = [vectors.digest(p, model.digest) for p in papers]
    todo = len(vectors.Store(CACHE / vectors.CACHE_FILE).missing(digests))
    started = time.perf_counter()
    files = search.build_files(papers, None, semantic.index_files_of(folder, CACHE))
    took = time.perf_counter() - started
    meta = files["meta.json"]["semantic"]
    return search.Index.from_files(files), {"embedded": todo, "seconds": took, "bytes": meta}


def _mean(run: dict, kinds: list[str], measure: str) -> float:
    return sum(run["kinds"][k][measure] for k in kinds) / len(kinds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the hybrid's misses")
    args = parser.parse_args()
    papers = ev.load_corpus()
    index, cost = build(papers)
    fns = engines(index, papers)
    titles = {p.id: p.title for p in papers}
    for label, path in (("Dev set", ev.DEV), ("Outsider set", ev.OUTSIDER)):
        queries = ev.load_queries(path)
        runs = {name: ev.evaluate(fn, queries) for name, fn in fns.items()}
        print(ev.table(runs, f"{label} ({path.relative_to(ev.ROOT)}), {len(papers):,} papers"))
        lexical = [k for k in runs["hybrid"]["kinds"] if k not in ("paraphrase", "question")]
        if lexical:
            print(
                f"\nthe {len(lexical)} lexical kinds, mean recall / MRR: "
                + ", ".join(
                    f"{name} {_mean(run, lexical, 'recall'):.2f} / {_mean(run, lexical, 'mrr'):.2f}"
                    for name, run in runs.items()
                )
            )
        if args.misses:
            print(ev.misses(runs, titles, engine="hybrid"))
        print()
    meta = cost["bytes"]
    model_bytes = len(index.get_bytes(meta["model"]))
    print(
        f"embedded {cost['embedded']:,} papers in {cost['seconds']:.1f} s (index build included);"
        f" query model {model_bytes / 1e6:.1f} MB,"
        f" vectors {(meta['bytes'] - model_bytes) / 1e6:.2f} MB for {len(papers):,} papers"
    )


if __name__ == "__main__":
    main()
