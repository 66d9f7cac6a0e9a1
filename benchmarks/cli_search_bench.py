"""What a `papers search` costs in the terminal, once the build wrote the index.

    python benchmarks/make_archive.py 50000 /tmp/archive-50k && papers -C /tmp/archive-50k build
    python benchmarks/cli_search_bench.py /tmp/archive-50k

Each query of benchmarks/search_bench.py, plus misspelled and pasted ones, runs as its own
`papers -C PROJECT search QUERY` process (Python's start, the settings, the shards the query
reads: what a person at a terminal waits for), ``--runs`` times; printed are each query's
median wall time and, over all runs, the median and the slowest. The first run of all is a
warm-up (it may find the index stale and rebuild it) and is not counted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import QUERIES

EXTRA = [
    "langauge modle reasoning",  # three misspelled common words: the most shards read
    "https://arxiv.org/abs/2501.12948v2",
    "qwen2.5 math",
]


def timed(project: Path, query: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["papers", "-C", str(project), "search", query, "-n", "10"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path, help="a built project (mkdocs.yml, data/)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    timed(args.project, "warm up")
    every = []
    for query in QUERIES + EXTRA:
        runs = [timed(args.project, query) for _ in range(args.runs)]
        every += runs
        print(f"{statistics.median(runs):6.2f} s  {query}")
    print(
        f"papers search: median {statistics.median(every):.2f} s, slowest {max(every):.2f} s "
        f"({len(QUERIES + EXTRA)} queries x {args.runs} runs)"
    )


if __name__ == "__main__":
    main()
