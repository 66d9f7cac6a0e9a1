"""Make a synthetic archive of N papers from real corpus text, for scale benchmarks.

    python benchmarks/make_archive.py 50000 /tmp/archive-50k [--corpus DIR]

Every paper is a real corpus paper (title, abstract, authors, keywords, organisation, counts)
given a fresh arXiv-style id and a daily date: 25 papers a weekday, going back from
2026-03-05, so 50,000 papers span ~7.7 years of weekdays, as the full archive would. The
output is a project folder (mkdocs.yml, docs/, theme) with data/ filled through the store.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest.importer import ImportOptions, read_capture  # noqa: E402
from generator.model import Paper  # noqa: E402
from generator.settings import PapersSettings  # noqa: E402
from generator.store import Store  # noqa: E402
from tests.conftest import make_project  # noqa: E402

PER_DAY = 25


def corpus_papers(corpus: Path) -> list[Paper]:
    papers: list[Paper] = []
    for path in sorted(corpus.glob("*.json")):
        papers += read_capture(path, ImportOptions())
    return papers


def weekdays(last: date):
    day = last
    while True:
        if day.weekday() < 5:
            yield day
        day -= timedelta(days=1)


def synthesize(source: list[Paper], count: int) -> list[Paper]:
    out, days = [], weekdays(date(2026, 3, 5))
    day = next(days)
    for i in range(count):
        if i and i % PER_DAY == 0:
            day = next(days)
        base = source[i % len(source)]
        new_id = f"{day:%y%m}.{10000 + i % 90000:05d}"
        out.append(base.model_copy(update={"id": new_id, "daily_date": day, "submitted_at": None}))
    return out


def link_skeleton(project: Path) -> Path:
    """Point the project's theme and hand-written pages at this checkout (symlinks, not the
    copies make_project leaves), so a benchmark measures the code as it is now, not as it was
    when the archive was made."""
    for rel in ("docs", "generator/theme"):
        shutil.rmtree(project / rel)
        (project / rel).symlink_to(ROOT / rel, target_is_directory=True)
    return project


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("project", type=Path)
    corpus = ROOT.parent / "shared" / "corpus" / "hf-daily-papers"
    parser.add_argument("--corpus", type=Path, default=corpus)
    args = parser.parse_args()
    # The packaged model (tests' projects default to a tiny one).
    model = PapersSettings().semantic_model
    project = link_skeleton(make_project(args.project, semantic_model=model))
    store = Store(project / "data")
    papers = synthesize(corpus_papers(args.corpus), args.count)
    for paper in papers:
        store.save(paper)
    print(f"{len(papers)} papers over {len({p.daily_date for p in papers})} days in {project}")


if __name__ == "__main__":
    main()
