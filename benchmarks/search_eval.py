"""Relevance of the whole-archive search, measured against a plain BM25 baseline.

    python benchmarks/search_eval.py                 # the Markdown table
    python benchmarks/search_eval.py --misses        # and every miss, by kind
    python benchmarks/search_eval.py --json out.json # and every query's ranks, for diffing

Two sets, each scored as recall at 10 (the paper is in the first ten results) and MRR at 10
(1/rank of the paper if it is in the first ten, else 0), per kind and overall:

- benchmarks/relevance/queries.yaml: 140 outsider queries on the 6,752-paper corpus
  (/work/shared/corpus/hf-daily-papers), written from randomly drawn papers before any search
  was run (the protocol is in that file's header and in benchmarks/relevance/draw.py);
- tests/fixtures/search/queries.yaml: the 38 older queries on the bundled data (data/).

"ours" is ``generator.search``, the code ``papers search`` and (through search.js, which must
agree) the site run: the query goes in as typed, so its last word also completes as a prefix,
as in the search box. "bm25" is a plain baseline over the same papers: bm25s (Lucene's BM25,
k1 1.5, b 0.75) on title + abstract, split by a lowercase word regex, no stemming or stop
words, any word may match (OR). Tune on kinds, never on single queries: the outsider set is
frozen.

The corpus is imported once with the project's importer into a temporary project, cached under
/tmp keyed by the corpus's content. bm25s is a benchmark-only install (README, "Search"):
``pip install bm25s``.

Other engines can be scored the same way: ``evaluate(search_fn, queries)`` takes any function
from a query to a ranked list of paper ids (a JS implementation driven through Node, say).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import search  # noqa: E402
from generator.ingest.importer import ImportOptions, import_paths  # noqa: E402
from generator.model import Paper  # noqa: E402
from generator.store import Store  # noqa: E402

CORPUS = Path("/work/shared/corpus/hf-daily-papers")
OUTSIDER = ROOT / "benchmarks" / "relevance" / "queries.yaml"
DEV = ROOT / "benchmarks" / "relevance" / "dev" / "queries.yaml"
OLD = ROOT / "tests" / "fixtures" / "search" / "queries.yaml"
BUNDLED = ROOT / "data"
CACHE = Path(tempfile.gettempdir()) / "daily-papers-search-eval"
K = 10
DEPTH = 1000  # how deep a miss's rank is looked for (reported with --misses)

SearchFn = Callable[[str], list[str]]


# --- the engine under test: the one place that knows generator.search's API -----------------


def ours(papers: list[Paper]) -> SearchFn:
    """``papers search``'s ranking (generator.search), as query -> ranked paper ids."""
    index = search.build_index(papers)

    def run(query: str) -> list[str]:
        return [_hit_id(hit) for hit in search.search(index, query)[:DEPTH]]

    return run


def _hit_id(hit) -> str:
    if isinstance(hit, str):
        return hit
    paper = getattr(hit, "paper", hit)
    return paper.id


# --- the baseline --------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def bm25_baseline(papers: list[Paper]) -> SearchFn:
    """Plain BM25 (bm25s) over title + abstract, OR semantics."""
    import bm25s  # benchmark-only dependency

    ids = [p.id for p in papers]
    retriever = bm25s.BM25()
    retriever.index([tokenize(f"{p.title} {p.abstract}") for p in papers], show_progress=False)
    depth = min(DEPTH, len(ids))

    def run(query: str) -> list[str]:
        tokens = [t for t in tokenize(query) if t in retriever.vocab_dict]
        if not tokens:
            return []
        docs, scores = retriever.retrieve([tokens], k=depth, show_progress=False)
        return [ids[d] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return run


# --- papers ----------------------------------------------------------------------------------


def corpus_key(corpus: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(corpus)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def load_corpus(corpus: Path = CORPUS, cache: Path = CACHE) -> list[Paper]:
    """The corpus as ``papers import`` stores it, imported once per corpus content."""
    project = cache / corpus_key(corpus)
    if not (project / "done").exists():
        tmp = Path(tempfile.mkdtemp(prefix="import-", dir=_mkdir(cache)))
        store = Store(tmp / "data")
        with store.lock():
            result = import_paths(store, [corpus], ImportOptions())
        if result.failures:
            raise SystemExit(f"import of {corpus} failed:\n  " + "\n  ".join(result.failures))
        (tmp / "done").write_text(f"{corpus}\n")
        shutil.rmtree(project, ignore_errors=True)
        tmp.rename(project)
    return Store(project / "data", cache=project / "store-cache").load_all()


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- queries and scoring -------------------------------------------------------------------


def load_queries(path: Path) -> list[dict]:
    """Queries as {kind, query, expect: [ids], note?}; the outsider set's ``id`` becomes
    ``expect``."""
    out = []
    for case in yaml.safe_load(path.read_text()):
        expect = case["expect"] if "expect" in case else [case["id"]]
        out.append({**case, "expect": [str(e) for e in expect]})
    return out


def evaluate(search_fn: SearchFn, queries: Iterable[dict], k: int = K) -> dict:
    """Recall@k and MRR@k per kind and overall.

    ``search_fn`` maps a query to ranked paper ids (at least ``k`` of them when there are);
    each query is a dict with ``kind``, ``query`` and ``expect`` (ids) or ``id``. Recall of a
    query is the share of its expected papers in the first ``k``; its reciprocal rank is 1 /
    the rank of the first expected paper there (0 if none is). Returns ``{"kinds": {kind:
    {"n", "recall", "mrr"}}, "overall": {...}, "results": [per query: ..., "ranks"]}`` where
    ``ranks`` are the 1-based ranks of the expected papers in all ``search_fn`` returned
    (None: not returned).
    """
    results = []
    for case in queries:
        expect = case.get("expect") or [case["id"]]
        ranked = list(search_fn(case["query"]))
        position = {pid: i + 1 for i, pid in reversed(list(enumerate(ranked)))}
        ranks = [position.get(pid) for pid in expect]
        top = [r for r in ranks if r is not None and r <= k]
        results.append(
            {
                "kind": case["kind"],
                "query": case["query"],
                "expect": list(expect),
                "ranks": ranks,
                "recall": len(top) / len(expect),
                "rr": 1 / min(top) if top else 0.0,
                "top": ranked[:k],
            }
        )
    kinds: dict[str, list[dict]] = {}
    for r in results:
        kinds.setdefault(r["kind"], []).append(r)
    return {
        "kinds": {kind: _summary(rs) for kind, rs in kinds.items()},
        "overall": _summary(results),
        "results": results,
    }


def _summary(results: list[dict]) -> dict:
    n = len(results)
    return {
        "n": n,
        "recall": sum(r["recall"] for r in results) / n if n else 0.0,
        "mrr": sum(r["rr"] for r in results) / n if n else 0.0,
    }


# --- output ----------------------------------------------------------------------------------


def table(runs: dict[str, dict], title: str) -> str:
    """A Markdown table of recall@10 and MRR@10 per kind, one column pair per engine."""
    names = list(runs)
    first = runs[names[0]]
    head = ["kind", "n"] + [f"{n} R@{K}" for n in names] + [f"{n} MRR" for n in names]
    lines = [f"**{title}**", "", "| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    rows = [(kind, {n: runs[n]["kinds"][kind] for n in names}) for kind in first["kinds"]]
    rows.append(("**all**", {n: runs[n]["overall"] for n in names}))
    for kind, s in rows:
        cells = [kind, str(s[names[0]]["n"])]
        cells += [f"{s[n]['recall']:.2f}" for n in names]
        cells += [f"{s[n]['mrr']:.2f}" for n in names]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misses(runs: dict[str, dict], titles: dict[str, str], engine: str = "ours") -> str:
    """Every query ``engine`` misses at 10, by kind, with each engine's rank of the paper."""
    out = []
    names = list(runs)
    by_kind: dict[str, list[int]] = {}
    for i, r in enumerate(runs[engine]["results"]):
        if r["recall"] < 1:
            by_kind.setdefault(r["kind"], []).append(i)
    for kind, idx in by_kind.items():
        out.append(f"\n### {kind}: {engine} misses {len(idx)}")
        for i in idx:
            r = runs[engine]["results"][i]
            ranks = ", ".join(f"{n} {_rank(runs[n]['results'][i]['ranks'])}" for n in names)
            want = "; ".join(f"{pid} {titles.get(pid, '?')[:70]}" for pid in r["expect"])
            out.append(f"- {r['query']!r}  ({ranks})\n    want: {want}")
            got = r["top"][:3]
            if got:
                out.append("    got:  " + " | ".join(titles.get(p, p)[:45] for p in got))
    return "\n".join(out)


def _rank(ranks: list[int | None]) -> str:
    return "/".join("-" if r is None else str(r) for r in ranks)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--queries", type=Path, default=OUTSIDER)
    parser.add_argument("--misses", action="store_true", help="list each kind's misses")
    parser.add_argument("--json", type=Path, help="write every query's ranks here")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    corpus = load_corpus(args.corpus)
    bundled = Store(BUNDLED).load_all()
    loaded = time.perf_counter()
    engines = {"ours": ours, "bm25": bm25_baseline}
    queries, old_queries = load_queries(args.queries), load_queries(OLD)
    outsider = {n: evaluate(make(corpus), queries) for n, make in engines.items()}
    old = {n: evaluate(make(bundled), old_queries) for n, make in engines.items()}
    done = time.perf_counter()

    print(table(outsider, f"Outsider set ({args.queries.name}, {len(corpus):,} papers)"))
    print()
    print(table(old, f"Old set (tests/fixtures/search/queries.yaml, {len(bundled)} papers)"))
    print(
        f"\nrecall and MRR at {K}; papers loaded in {loaded - started:.1f} s, "
        f"indexed and searched in {done - loaded:.1f} s"
    )
    if args.misses:
        titles = {p.id: p.title for p in [*corpus, *bundled]}
        print("\n## Outsider set: misses of ours" + misses(outsider, titles))
        print("\n## Old set: misses of ours" + misses(old, titles))
    if args.json:
        args.json.write_text(json.dumps({"outsider": outsider, "old": old}, indent=1) + "\n")


if __name__ == "__main__":
    main()
