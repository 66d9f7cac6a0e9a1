"""Draw the papers of the DEV relevance set, used only to tune the search (semantic ranking).

    python benchmarks/relevance/dev/draw.py [CORPUS]   # default /work/shared/corpus/hf-daily-papers

Protocol (the README of this folder is this docstring and the header of queries.yaml):

1. This script reads the corpus with the frozen test set's own loader
   (``benchmarks/relevance/draw.py``: ``load`` and ``row`` are reused, not copied) and, with
   ``random.Random(SEED)``, draws ``PER_KIND`` papers for each kind in ``KINDS`` (paraphrase
   first, then question). Any paper is eligible, except the papers of the frozen test set
   (``benchmarks/relevance/sample.json``); a paper is used once across kinds. Each pool is the
   sorted list of eligible ids not drawn yet. The sample goes to ``sample.json`` here.
2. The queries in ``queries.yaml`` were then written by hand from ``sample.json`` alone, one per
   drawn paper, before any search was run on the corpus.
3. draw.py, sample.json and queries.yaml were committed together, frozen, in a commit of their
   own. This set is for tuning; the final measurement uses the frozen test set
   (``benchmarks/relevance/queries.yaml``) only.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from benchmarks.relevance.draw import load, row  # noqa: E402
from generator.model import Paper  # noqa: E402

SEED = 20261129
PER_KIND = 30
CORPUS = Path("/work/shared/corpus/hf-daily-papers")
HERE = Path(__file__).resolve().parent
OUT = HERE / "sample.json"
TEST_SAMPLE = HERE.parent / "sample.json"

KINDS = ("paraphrase", "question")


def test_ids() -> set[str]:
    """Ids of the frozen test set, excluded from the dev draw."""
    return {r["id"] for r in json.loads(TEST_SAMPLE.read_text())}


def draw(papers: dict[str, Paper], excluded: set[str]) -> list[dict]:
    rng = random.Random(SEED)
    used: set[str] = set(excluded)
    sample = []
    for kind in KINDS:
        pool = sorted(pid for pid in papers if pid not in used)
        for pid in rng.sample(pool, PER_KIND):
            used.add(pid)
            sample.append(row(kind, papers[pid], len(pool)))
    return sample


def main(argv: list[str]) -> None:
    corpus = Path(argv[0]) if argv else CORPUS
    papers = load(corpus)
    excluded = test_ids()
    sample = draw(papers, excluded)
    OUT.write_text(json.dumps(sample, indent=1, ensure_ascii=False) + "\n")
    print(
        f"{len(papers)} papers, {len(excluded)} test ids excluded, seed {SEED}: "
        f"{len(sample)} drawn -> {OUT}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
