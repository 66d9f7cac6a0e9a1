"""Related papers: quality on the frozen sample against a plain TF-IDF baseline, and stability.

    pip install scikit-learn                   # benchmark-only (the baseline)
    python benchmarks/related_eval.py           # quality table + stability over the last days
    python benchmarks/related_eval.py --lists   # and every sampled paper's top 5, as Markdown
    python benchmarks/related_eval.py --cost /tmp/archive-50k   # time and memory at 50k

Quality (protocol and sample: benchmarks/related/draw.py, sample.yaml, frozen before any
ranking was looked at): for each of the 48 sampled papers of the 6,752-paper corpus, each
method's top 5 among the whole corpus, scored by the share that has an AI keyword, an arXiv
category or an author in common with the paper. "ours" is ``generator.render.related`` as the site
runs it; "ours, no keywords" the same without the keywords field (keywords are one of ours'
inputs, so the keyword measure flatters it); "tf-idf" is scikit-learn's TfidfVectorizer with its
defaults on title + abstract, ranked by cosine.

Stability: for each of the corpus's last ``--days`` days, the lists of the archive up to the day
before and of the archive with that day are compared: the share of the older papers whose list
changed is what a day's update re-renders. Printed for ours (fixed IDF base) and for the same
weights with the archive size as the IDF base (a global statistic that moves every day).

Cost (``--cost PROJECT``, a project of benchmarks/make_archive.py built once, so the search's
analysis is kept): the wall time of ``related.related`` over the project's papers with the
build's threads, and the peak of the memory it allocates (tracemalloc, which sees numpy's and
scipy's arrays) over what the loaded records hold.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import search_eval as ev
from generator import workers
from generator.model import Paper
from generator.render import related as rel

SAMPLE = Path(__file__).parent / "related" / "sample.yaml"
TOP = 5
Lists = dict[str, tuple[str, ...]]


def ours(papers: list[Paper], cache: Path | None = None, **boosts: float) -> Lists:
    saved = dict(rel.BOOSTS)
    rel.BOOSTS.update(boosts)
    try:
        return rel.related(papers, cache, shown=TOP)
    finally:
        rel.BOOSTS.clear()
        rel.BOOSTS.update(saved)


def baseline(papers: list[Paper], sample: list[str]) -> Lists:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [p.id for p in papers]
    matrix = TfidfVectorizer().fit_transform(f"{p.title} {p.abstract}" for p in papers)
    row = {pid: i for i, pid in enumerate(ids)}
    out = {}
    for pid in sample:
        scores = (matrix[row[pid]] @ matrix.T).toarray().ravel()
        scores[row[pid]] = -1
        order = np.lexsort((np.arange(len(ids)), -scores))[:TOP]
        out[pid] = tuple(ids[j] for j in order)
    return out


def _common(get: Callable[[Paper], set[str]]) -> Callable[[Paper, Paper], bool | None]:
    def shares(a: Paper, b: Paper) -> bool | None:
        x, y = get(a), get(b)
        return bool(x & y) if x and y else None

    return shares


MEASURES = {
    "keyword": _common(lambda p: {k.casefold() for k in p.ai_keywords}),
    "category": _common(lambda p: set(p.arxiv.categories) if p.arxiv else set()),
    "author": _common(lambda p: {a.name.casefold() for a in p.authors}),
}


def quality(lists: Lists, papers: dict[str, Paper], sample: list[str]) -> dict[str, str]:
    row = {}
    for name, shares in MEASURES.items():
        hits = [shares(papers[pid], papers[o]) for pid in sample for o in lists[pid]]
        known = [h for h in hits if h is not None]
        row[name] = f"{sum(known) / len(known):.2f} ({len(known)})" if known else "n/a"
    return row


def stability(papers: list[Paper], days: int, fixed: bool) -> tuple[list[float], list[float]]:
    """For each of the last ``days`` days: the share of older papers whose list changed, and
    the share whose change the day's papers do not explain (the old papers in the list are not
    the old list's first ones, in order: a candidate pushed out, or a weight that moved)."""
    dates = sorted({p.daily_date for p in papers})[-days:]
    changed, unexplained = [], []
    with tempfile.TemporaryDirectory() as cache:
        for day in dates:
            before = [p for p in papers if p.daily_date < day]
            after = [p for p in papers if p.daily_date <= day]
            a, b = _lists(before, Path(cache), fixed), _lists(after, Path(cache), fixed)
            new = {p.id for p in after if p.daily_date == day}
            moved = [pid for pid in a if a[pid] != b[pid]]
            changed.append(len(moved) / len(a))
            unexplained.append(sum(not _explained(a[p], b[p], new) for p in moved) / len(a))
    return changed, unexplained


def _explained(before: tuple[str, ...], after: tuple[str, ...], new: set[str]) -> bool:
    kept = tuple(o for o in after if o not in new)
    return len(kept) < len(after) and kept == before[: len(kept)]


def _lists(papers: list[Paper], cache: Path, fixed: bool) -> Lists:
    saved = rel.IDF_BASE
    rel.IDF_BASE = saved if fixed else float(len(papers))
    try:
        return rel.related(papers, cache)
    finally:
        rel.IDF_BASE = saved


def cost(project: Path) -> str:
    """The whole computation's time and peak allocation, then the time to extend the result
    of all days but the last by the last (what a day's update does)."""
    import time
    import tracemalloc

    from generator.store import Store

    cache = project / ".papers-cache"
    papers = sorted(Store(project / "data", cache=cache / "store").load_all(), key=lambda p: p.id)
    threads = workers.count()
    tracemalloc.start()
    start = time.perf_counter()
    rel.compute(papers, cache, rel.SHOWN, threads)
    seconds, peak = time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    last = max(p.daily_date for p in papers)
    before = rel.compute([p for p in papers if p.daily_date < last], cache, rel.SHOWN, threads)
    start = time.perf_counter()
    rel.compute(papers, cache, rel.SHOWN, threads, known=before)
    day = time.perf_counter() - start
    new = len(papers) - len(before.ids)
    return (
        f"{len(papers)} papers: {seconds:.1f} s, peak {peak / 1e6:.0f} MB allocated (under "
        f"tracemalloc); extended by the last day's {new} papers: {day:.1f} s"
    )


def markdown_lists(runs: dict[str, Lists], papers: dict[str, Paper], sample: list[str]) -> str:
    """Each sampled paper and ours' top 5, as the README lists them (✓: tf-idf's top 5 too)."""
    out = []
    for pid in sample:
        out.append(f"- **{_md(papers[pid].title)}** ({pid})")
        for o in runs["ours"][pid]:
            mark = " ✓" if o in runs["tf-idf"][pid] else ""
            out.append(f"  1. {_md(papers[o].title)} ({o}){mark}")
    return "\n".join(out)


def _md(text: str) -> str:
    return re.sub(r"([\\`*_<>$|\[\]])", r"\\\1", text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", action="store_true", help="print every sampled top 5")
    parser.add_argument("--days", type=int, default=10, help="days of the stability replay")
    parser.add_argument("--cost", type=Path, metavar="PROJECT", help="only time a big archive")
    args = parser.parse_args(argv)
    if args.cost:
        print(cost(args.cost.resolve()))
        return
    corpus = ev.load_corpus()
    papers = {p.id: p for p in corpus}
    sample = [row["id"] for row in yaml.safe_load(SAMPLE.read_text())]
    runs = {
        "ours": ours(corpus),
        "ours, no keywords": ours(corpus, keywords=0.0),
        "tf-idf": baseline(corpus, sample),
    }
    print(f"| method ({len(sample)} papers, top {TOP}) | keyword | category | author | agree |")
    print("|---|---|---|---|---|")
    for name, lists in runs.items():
        q = quality(lists, papers, sample)
        agree = statistics.mean(len(set(lists[p]) & set(runs["tf-idf"][p])) for p in sample)
        print(f"| {name} | {q['keyword']} | {q['category']} | {q['author']} | {agree:.1f} |")
    for fixed in (True, False):
        shares, unexplained = stability(corpus, args.days, fixed)
        label = "ours" if fixed else "ours with the archive's size as IDF base"
        print(
            f"stability, {label}: lists changed by a day (last {args.days} days): "
            f"mean {statistics.mean(shares):.2%}, max {max(shares):.2%}; "
            f"not by a new paper entering: mean {statistics.mean(unexplained):.2%}"
        )
    if args.lists:
        print(markdown_lists(runs, papers, sample))


if __name__ == "__main__":
    main()
