"""What the author query's name key joins and splits on the corpus (issue 24: "names that
differ only in case, accents or initials are your measured call").

    python benchmarks/author_names.py [../shared/corpus/hf-daily-papers]

Every distinct written name is keyed four ways, each fold adding to the one before:
exact text; case; accents (and the letters Unicode does not decompose: ø, ł, ß...);
punctuation and spacing (the site's key, ``author_key``); and one step further, the site does
not take: a first name reduced to its initial ("John Smith" and "J. Smith" as "j smith").

The ground truth is the Hugging Face account a claimed author carries (``hf_user``):
- split: one account written under several keys (a fold too few);
- joined: one key holding names claimed by different accounts (a fold too many: two people).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest.sources.hf_api import parse_daily_papers  # noqa: E402
from generator.search.authors import author_key  # noqa: E402

WHEN = datetime(2026, 1, 1, tzinfo=UTC)  # unused by what is counted


def folds(name: str) -> dict[str, str]:
    case = unicodedata.normalize("NFKC", name).lower()
    accents = "".join(c for c in unicodedata.normalize("NFD", case) if not unicodedata.combining(c))
    key = author_key(name)
    words = key.split()
    initials = " ".join([w[0] for w in words[:-1]] + words[-1:]) if len(words) > 1 else key
    return {"exact": name, "case": case, "accents": accents, "site key": key, "initials": initials}


def authors(corpus: Path) -> list[tuple[str, str | None]]:
    """(name, account or None) of every author entry of every answer."""
    found = []
    for path in sorted(corpus.glob("????-??-??.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        day = date.fromisoformat(path.stem)
        for paper in parse_daily_papers(raw, where=path.name, fetched_at=WHEN, day=day):
            found += [(a.name, a.hf_user) for a in paper.authors if not a.hidden]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = ROOT.parent / "shared" / "corpus" / "hf-daily-papers"
    parser.add_argument("corpus", type=Path, nargs="?", default=default)
    entries = authors(parser.parse_args().corpus)
    names = sorted({name for name, _ in entries})
    accounts: dict[str, set[str]] = defaultdict(set)  # account -> names written for it
    for name, account in entries:
        if account:
            accounts[account].add(name)
    print(f"{len(entries):,} author entries, {len(names):,} names, {len(accounts):,} accounts")
    heads = (("keys", 8), ("names joined", 13), ("split accounts", 15), ("joined accounts", 16))
    print(f"{'fold':<10} " + " ".join(f"{h:>{width}}" for h, width in heads))
    for fold in ("exact", "case", "accents", "site key", "initials"):
        key_of = {name: folds(name)[fold] for name in names}
        keys: dict[str, set[str]] = defaultdict(set)
        for name in names:
            keys[key_of[name]].add(name)
        joined = sum(len(group) for group in keys.values() if len(group) > 1)
        split = sum(1 for written in accounts.values() if len({key_of[n] for n in written}) > 1)
        owners: dict[str, set[str]] = defaultdict(set)
        for account, written in accounts.items():
            for name in written:
                owners[key_of[name]].add(account)
        two = sum(1 for o in owners.values() if len(o) > 1)
        print(f"{fold:<10} {len(keys):>8,} {joined:>13,} {split:>15,} {two:>16,}")
    print_initials(names)


def print_initials(names: list[str]) -> None:
    """Names written with an initial first ("J. Smith"), and the full names they could be."""
    keys = {author_key(n) for n in names}
    full: dict[str, int] = defaultdict(int)  # "j smith" -> full names it could stand for
    for key in keys:
        words = key.split()
        if len(words) > 1 and len(words[0]) > 1:
            full[" ".join([words[0][0], *words[1:]])] += 1
    initial = [k for k in keys if len(k.split()) > 1 and len(k.split()[0]) == 1]
    counts = [full.get(k, 0) for k in initial]
    print(
        f"{len(initial):,} keys start with an initial: {counts.count(0):,} match no full name, "
        f"{counts.count(1):,} one, {sum(c > 1 for c in counts):,} two or more"
    )


if __name__ == "__main__":
    main()
