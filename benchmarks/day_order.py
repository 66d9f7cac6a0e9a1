"""How many corpus days list their papers in Hugging Face's order: most upvoted first, equal
upvotes in the order of the day's latest capture (issue 24). The plain baseline breaks ties by
arXiv id, as the site did before.

    python benchmarks/day_order.py [../shared/corpus/hf-daily-papers]

Every answer is parsed and merged as `papers import` does (`parse_daily_papers`, `merge`); a
day's expected order is its latest capture's papers, in the answer's order, sorted by the
merged records' upvotes (a stable sort: ties keep the answer's order).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest.sources.hf_api import latest_time, parse_daily_papers  # noqa: E402
from generator.merge import merge  # noqa: E402
from generator.render.archive import Archive  # noqa: E402

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def captures(corpus: Path):
    """Every answer's papers and capture time, oldest capture first."""
    found = []
    for path in sorted(corpus.glob("????-??-??.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        when = latest_time(raw) or EPOCH
        day = date.fromisoformat(path.stem)
        found.append((when, parse_daily_papers(raw, where=path.name, fetched_at=when, day=day)))
    return sorted(found, key=lambda c: c[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = ROOT.parent / "shared" / "corpus" / "hf-daily-papers"
    parser.add_argument("corpus", type=Path, nargs="?", default=default)
    corpus = parser.parse_args().corpus
    stored, latest = {}, {}
    for _, papers in captures(corpus):
        for paper in papers:
            known = stored.get(paper.id)
            stored[paper.id] = merge(known, paper) if known else paper
        for day in {p.daily_date for p in papers}:  # a newer capture of the day replaces it
            latest[day] = sorted((p for p in papers if p.daily_date == day), key=_place)
    days = Archive(list(stored.values())).days
    tied = now = before = 0
    for day, feed in latest.items():
        votes = {p.id: stored[p.id].upvotes for p in feed}
        expected = sorted((p.id for p in feed), key=lambda pid: -votes[pid])
        shown = [p.id for p in days[day] if p.id in votes]
        baseline = sorted(votes, key=lambda pid: (-votes[pid], pid))
        tied += len(set(votes.values())) < len(votes)
        now += shown != expected
        before += baseline != expected
    print(f"{len(latest)} days, {len(stored)} papers; {tied} days have equal upvotes")
    print(f"days not in Hugging Face's order: ties by id (before) {before}, by feed (now) {now}")


def _place(paper) -> int:
    return paper.feed_position


if __name__ == "__main__":
    main()
