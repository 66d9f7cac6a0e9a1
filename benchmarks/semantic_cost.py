"""What the search by meaning costs a build: embedding papers cold, a day's new papers against a
big kept cache, and `papers search`'s semantic side at that size.

    python benchmarks/make_archive.py 50000 /tmp/archive-50k && papers -C /tmp/archive-50k build
    python benchmarks/semantic_cost.py /tmp/archive-50k

Printed, on this machine (the model is the packaged MiniLM, run as the build runs it):

- cold: papers embedded a second over ``--sample`` corpus papers with an empty cache, and what
  that makes of the archive's count (the synthetic archive repeats corpus texts, so its own
  cold build embeds only the distinct ones: the rate is what a real archive would pay);
- a day: 50 papers with new texts (one paper's title, another's abstract) added to the
  archive's kept vectors: the time of ``vectors.embed`` (reading the cache, embedding the 50,
  writing it back) and the process's peak RSS;
- search: the semantic side of a query over the archive's index, encoding and ranking (the
  whole `papers search` command is timed by benchmarks/cli_search_bench.py).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import search
from generator.search.semantic import encoder, rank, source, vectors
from generator.settings import GENERATED_DIR, INDEX_DIR, PapersSettings, load_settings
from generator.store import Store

QUERIES = [
    "how do language models learn to use tools",
    "making video generation faster",
    "robots that learn from human videos",
    "diffusion transformer",
]


def model(cache: Path) -> encoder.Encoder:
    folder = source.locate(
        PapersSettings().semantic_model, Path.cwd(), cache, "https://huggingface.co"
    )
    return encoder.load(folder, cache / "models")


def cold(papers: list, sample: int, cache: Path) -> float:
    chosen = random.Random(1).sample(papers, sample)
    loaded = model(cache)
    loaded.encode(["warm up"])  # the int8 model is made once per model, not per build
    started = time.perf_counter()
    vectors.embed(chosen, loaded, None)
    return sample / (time.perf_counter() - started)


def a_day(papers: list, project: Path, work: Path) -> tuple[float, float]:
    rng = random.Random(2)
    newest = max(p.daily_date for p in papers)
    day = [
        rng.choice(papers).model_copy(
            update={"id": f"2999.{i:05d}", "title": rng.choice(papers).title, "daily_date": newest}
        )
        for i in range(50)
    ]
    shutil.copy(project / ".papers-cache" / vectors.CACHE_FILE, work / vectors.CACHE_FILE)
    loaded = model(work)
    loaded.encode(["warm up"])
    started = time.perf_counter()
    vectors.embed(papers + day, loaded, work)
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def searching(project: Path) -> list[float]:
    index = search.Index.from_folder(project / GENERATED_DIR / INDEX_DIR)
    side = rank.semantic_of(index)
    side.rank("warm up")  # reads the model and the vectors once, as a command does
    times = []
    for query in QUERIES:
        started = time.perf_counter()
        side.rank(query)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()
    settings = load_settings(args.project)
    papers = Store(settings.path("data_dir"), cache=settings.cache_dir / "store").load_all()
    with tempfile.TemporaryDirectory() as tmp:
        rate = cold(papers, args.sample, Path(tmp))
        print(
            f"cold: {rate:.1f} papers a second ({args.sample} papers): {len(papers):,} papers "
            f"would take {len(papers) / rate / 60:.1f} min"
        )
        took, peak = a_day(papers, args.project, Path(tmp))
        print(
            f"a day: 50 new papers against {len(papers):,} kept: {took:.1f} s,"
            f" peak RSS {peak:.0f} MB"
        )
    times = searching(args.project)
    print("search: " + ", ".join(f"{t * 1000:.0f} ms" for t in times) + " (encode and rank)")


if __name__ == "__main__":
    main()
