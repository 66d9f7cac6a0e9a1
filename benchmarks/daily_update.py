"""What the scheduled run costs: a typical day's update of a big archive, built incrementally,
against a cold build of the same data, and checked to be byte-identical to it.

    python benchmarks/make_archive.py 50000 /tmp/archive-50k && papers -C /tmp/archive-50k build
    python benchmarks/daily_update.py /tmp/archive-50k

A typical day (the issue's): 50 new papers on a new day after the last one (existing records under
new ids, each with the abstract of another, random one: new texts), and 150 of the most recent
papers with one more upvote. Then `papers build` (render and MkDocs, as the workflow runs them) is
timed, then a second one with nothing changed, then a cold build of the same data into another
folder (caches of the render and of the build removed first, as on a fresh runner, but for the
paper vectors, which the workflow's cache keeps: `--embed` removes them too), and every file of the
two sites is compared by hash. The existing paper pages the day rewrote are counted (its new papers
enter related lists; its votes change the voted papers' pages and their neighbours'). Each build's
time and peak memory, summed over its processes (RSS, and PSS, which counts a page shared by forked
workers once), are printed, and the site's size. The archive keeps the new papers (each run adds a
day).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import random
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.render import related  # noqa: E402
from generator.search.semantic import vectors  # noqa: E402
from generator.store import Store  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from peak_memory import Run, run  # noqa: E402
from site_bytes import apparent_sizes  # noqa: E402


def a_day(project: Path, new: int = 50, voted: int = 150) -> None:
    store = Store(project / "data")
    papers = sorted(store.load_all(), key=lambda p: (p.daily_date, p.id))
    day = papers[-1].daily_date + timedelta(days=1)
    rng = random.Random(day.toordinal())
    for n, paper in enumerate(papers[:new]):
        fresh = f"{day:%y%m}.{90000 + day.day * 100 + n:05d}"  # new ids every day
        # One paper's title and another's abstract: a text no paper has (an exact copy would
        # tie with its twins and enter no related list), near two topics, as a new paper is.
        other = rng.choice(papers)
        update = {"id": fresh, "daily_date": day, "abstract": other.abstract}
        store.save(paper.model_copy(update=update))
    for paper in papers[-voted:]:
        store.save(paper.model_copy(update={"upvotes": paper.upvotes + 1}))


def papers(project: Path, *args: str) -> Run:
    done = run(["papers", "-C", str(project), *args], stdout=subprocess.DEVNULL)
    if done.returncode:
        raise SystemExit(f"papers {' '.join(args)} failed in {project}")
    return done


def digests(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def related_lists(project: Path) -> dict[str, tuple[str, ...]]:
    """The related papers of each paper, as the last build kept them (render/related.py)."""
    with open(project / ".papers-cache" / related.FILE, "rb") as handle:
        return pickle.load(handle)[1][1].lists()  # generator/cache.py: (version, (key, result))


def touched(pages_before: dict, pages_after: dict, lists_before: dict, lists_after: dict) -> str:
    """How many of the existing paper pages the day rewrote, and how many related lists moved."""
    old = [page for page in pages_before if page.endswith(".html")]
    pages = sum(pages_before[p] != pages_after.get(p) for p in old)
    lists = sum(lists_before[pid] != lists_after.get(pid) for pid in lists_before)
    return (
        f"existing paper pages the day rewrote: {pages} of {len(old)} ({pages / len(old):.2%}); "
        f"related lists changed: {lists} ({lists / len(lists_before):.2%})"
    )


def keep_vectors(cache: Path, cold_cache: Path) -> None:
    """The paper vectors and the converted model: what a runner's restored cache holds even on a
    cold build, since embedding the archive is paid once (issue 21's budget, not a build's)."""
    cold_cache.mkdir(parents=True)
    shutil.copy2(cache / vectors.CACHE_FILE, cold_cache / vectors.CACHE_FILE)
    shutil.copytree(cache / "models", cold_cache / "models")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path, help="a built project (benchmarks/make_archive.py)")
    parser.add_argument(
        "--embed",
        action="store_true",
        help="let the cold build embed every paper again (by default it keeps the paper vectors, "
        "as the workflow's cache does: embedding is a one-time cost, about 20 min at 50k)",
    )
    args = parser.parse_args()
    project = args.project.resolve()
    papers(project, "build")  # up to date first (a whole build if the last was another version)
    pages_before, lists_before = digests(project / "site" / "papers"), related_lists(project)
    a_day(project)
    daily = papers(project, "build")
    pages_after, lists_after = digests(project / "site" / "papers"), related_lists(project)
    unchanged = papers(project, "build")
    cold_project = project.with_name(project.name + "-cold")
    shutil.rmtree(cold_project, ignore_errors=True)
    skip = shutil.ignore_patterns("site", "generated", ".papers-cache")  # a fresh runner's
    shutil.copytree(project, cold_project, symlinks=True, ignore=skip)
    if not args.embed:
        keep_vectors(project / ".papers-cache", cold_project / ".papers-cache")
    cold = papers(cold_project, "build")
    same = digests(project / "site") == digests(cold_project / "site")
    site = sum(size for _files, size in apparent_sizes(project / "site").values())
    print(f"typical day, incremental: {daily}")
    print(f"nothing changed: {unchanged}")
    kept = "" if args.embed else " (paper vectors kept)"
    print(f"cold build of the same data{kept}: {cold}")
    print(f"ratio of the typical day to the cold build: {daily.seconds / cold.seconds:.2f}")
    print(f"byte-identical to the cold build: {same}")
    print(touched(pages_before, pages_after, lists_before, lists_after))
    print(f"site: {site / 1e6:.1f} MB (du -sb)")
    shutil.rmtree(cold_project)


if __name__ == "__main__":
    main()
