"""``papers fetch``, ``papers enrich`` and ``papers hub``: bring papers (and what cites them on
the Hub) from the live services into the store.

Network work runs on a bounded thread pool; every store write happens on the calling thread,
one day at a time, through ``Store.add`` (atomic, merge-never-loses). A day that fails changes
nothing and is reported; the other days are still stored. A backfill keeps a journal of the
days it completed, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tqdm import tqdm

from ..errors import InputError, PapersError
from ..files import atomic_write
from ..model import HUB_KINDS, HubCitations, Paper, Source, title_key
from ..settings import Settings
from ..store import Store, Tally
from .http import Client, FetchError, HttpOptions, RateLimiter
from .sources import arxiv, hf_hub
from .sources.hf_api import (
    fetch_daily_papers,
    fetch_trending,
    parse_daily_papers,
    parse_trending,
)
from .sources.hf_html import fetch_daily_page, parse_daily_papers_html

NEW_YORK = ZoneInfo("America/New_York")  # Daily Papers days are New York calendar days


@dataclass
class FetchResult:
    tally: Tally = field(default_factory=Tally)
    days: int = 0
    skipped: int = 0  # already done by an interrupted backfill
    empty: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    trending: str = ""  # what became of the trending list, for the summary


def today_in_new_york(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(NEW_YORK).date()


def refresh_window(today: date, days: int) -> list[date]:
    """Today and the ``days`` before it, oldest first."""
    return [today - timedelta(days=n) for n in range(days, -1, -1)]


def date_range(since: date, until: date) -> list[date]:
    if until < since:
        raise PapersError(f"--until {until} is before --since {since}")
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def http_options(settings: Settings) -> HttpOptions:
    return HttpOptions(
        timeout=settings.http_timeout, retries=settings.http_retries, backoff=settings.http_backoff
    )


def hf_client(settings: Settings) -> Client:
    token = os.environ.get("HF_TOKEN")
    return Client(http_options(settings), {"Authorization": f"Bearer {token}"} if token else None)


# -- Daily Papers ------------------------------------------------------------------------------
def capture_day(client: Client, settings: Settings, day: date, at: datetime):
    """The papers of one day, from the API or, if that fails, the HTML page; and notes.

    The capture time is the server's ``Date``; ``at`` (our clock) only stands in without one.
    """
    notes: list[str] = []
    try:
        raw, url, answered = fetch_daily_papers(client, settings.hf_endpoint, day)
        captured = answered or at
        return parse_daily_papers(raw, where=url, day=day, fetched_at=captured, notes=notes), notes
    except (FetchError, InputError) as api_error:
        if not settings.html_fallback:
            raise PapersError(f"{day}: {api_error}") from None
        notes = [f"{day}: {api_error}; used the HTML page instead"]
        try:
            text, url, answered = fetch_daily_page(client, settings.hf_endpoint, day)
            raw = parse_daily_papers_html(text, url)
            papers = parse_daily_papers(
                raw, where=url, day=day, fetched_at=answered or at, kind="hf-html", notes=notes
            )
        except (FetchError, InputError) as html_error:
            raise PapersError(f"{day}: {api_error}; HTML page: {html_error}") from None
        return papers, notes


def fetch_days(
    settings: Settings,
    store: Store,
    days: list[date],
    *,
    quiet: bool = False,
    journal: Journal | None = None,
) -> FetchResult:
    result = FetchResult()
    todo = [d for d in days if journal is None or d not in journal.done]
    result.skipped = len(days) - len(todo)
    at = datetime.now(UTC).replace(microsecond=0)
    with hf_client(settings) as client, ThreadPoolExecutor(settings.http_concurrency) as pool:
        futures = {pool.submit(capture_day, client, settings, d, at): d for d in todo}
        for future in _progress(as_completed(futures), len(todo), quiet, "days"):
            _store_day(store, futures[future], future, result, journal)
    return result


def capture_trending(settings: Settings, store: Store, result: FetchResult) -> None:
    """Hugging Face's trending list into ``data/trending/``, and its papers into the store.
    A failed or malformed answer is a failure that changes nothing; an empty one keeps
    nothing (the last list stays the one shown)."""
    at = datetime.now(UTC).replace(microsecond=0)
    try:
        with hf_client(settings) as client:
            raw, url, answered = fetch_trending(client, settings.hf_endpoint, settings.trending)
        listed, papers = parse_trending(raw, where=url, fetched_at=answered or at)
    except (FetchError, InputError) as exc:
        result.failures.append(f"trending: {exc}")
        result.trending = "trending list failed"
        return
    if listed is None:
        result.trending = "trending list empty, nothing kept"
        return
    before = result.tally.new
    store.add(papers, result.tally)
    kept = "kept" if store.add_trending(listed) else "unchanged"
    new = result.tally.new - before
    result.trending = f"trending list of {len(listed.papers)} {kept} ({new} new to the archive)"


def _store_day(store: Store, day: date, future, result: FetchResult, journal) -> None:
    try:
        papers, notes = future.result()
    except PapersError as exc:
        result.failures.append(str(exc))
        return
    result.notes += notes
    # An empty answer stores nothing and removes nothing: stored papers of that day stay.
    result.empty += not papers
    store.add(papers, result.tally)
    result.days += 1
    if journal is not None:
        journal.mark(day)


def _progress(items: Iterator, total: int, quiet: bool, unit: str):
    # tqdm draws on stderr, and only when it is a terminal: CI logs stay clean.
    disable = quiet or not sys.stderr.isatty()
    yield from tqdm(items, total=total, unit=unit, disable=disable, leave=False)


class Journal:
    """The days a backfill has completed, kept until the whole range is done."""

    def __init__(self, settings: Settings, since: date, until: date):
        self.path = settings.cache_dir / f"backfill-{since}-{until}.json"
        self.done: set[date] = set()
        if self.path.exists():
            try:
                self.done = {date.fromisoformat(d) for d in json.loads(self.path.read_text())}
            except (ValueError, TypeError):
                self.done = set()  # a damaged journal only costs a refetch

    def mark(self, day: date) -> None:
        self.done.add(day)
        atomic_write(self.path, json.dumps(sorted(d.isoformat() for d in self.done)).encode())

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


# -- arXiv -------------------------------------------------------------------------------------
@dataclass
class EnrichResult:
    tally: Tally = field(default_factory=Tally)
    asked: int = 0
    failures: list[str] = field(default_factory=list)


def enrich(
    settings: Settings,
    store: Store,
    *,
    refresh: bool = False,
    quiet: bool = False,
    limit: int | None = None,
) -> EnrichResult:
    """Add arXiv metadata to papers that lack it (all papers with ``refresh``), and resolve
    title-only papers to their arXiv ids."""
    papers = store.load_all()
    known = [p for p in papers if not p.is_title_only and (refresh or p.arxiv is None)][:limit]
    titles = [p for p in papers if p.is_title_only][:limit]
    result = EnrichResult(asked=len(known) + len(titles))
    limiter = RateLimiter(settings.arxiv_interval)
    at = datetime.now(UTC).replace(microsecond=0)
    batches = [known[i : i + arxiv.BATCH] for i in range(0, len(known), arxiv.BATCH)]
    with Client(http_options(settings)) as client:
        for batch in _progress(iter(batches), len(batches), quiet, "batches"):
            _enrich_batch(client, settings, limiter, store, batch, at, result)
        for paper in _progress(iter(titles), len(titles), quiet, "titles"):
            _resolve_title(client, settings, limiter, store, paper, at, result)
    return result


def _enrich_batch(client, settings, limiter, store, batch: list[Paper], at, result) -> None:
    try:
        data, url, answered = arxiv.fetch_by_ids(
            client, settings.arxiv_endpoint, limiter, [p.id for p in batch]
        )
        entries = {e.id: e for e in arxiv.parse_arxiv_feed(data, url)}
    except (FetchError, InputError) as exc:
        result.failures.append(str(exc))
        return
    source = Source(kind="arxiv", ref=url, fetched_at=answered or at)
    captures = [
        p.model_copy(update={"arxiv": entries[p.id].info, "sources": [source]})
        for p in batch
        if p.id in entries
    ]
    store.add(captures, result.tally)


def _resolve_title(client, settings, limiter, store, paper: Paper, at, result) -> None:
    try:
        data, url, answered = arxiv.fetch_by_title(
            client, settings.arxiv_endpoint, limiter, paper.title
        )
        entries = arxiv.parse_arxiv_feed(data, url)
    except (FetchError, InputError) as exc:
        result.failures.append(str(exc))
        return
    match = next((e for e in entries if title_key(e.title) == title_key(paper.title)), None)
    if match is None:
        return
    capture = Paper(
        id=match.id,
        title=paper.title,
        abstract=match.abstract,
        authors=match.authors,
        published_at=match.published,
        daily_date=paper.daily_date,
        arxiv=match.info,
        sources=[Source(kind="arxiv", ref=url, fetched_at=answered or at)],
    )
    store.add([capture], result.tally)


# -- the Hub: models, datasets and Spaces citing a paper -----------------------------------------
@dataclass
class HubResult:
    tally: Tally = field(default_factory=Tally)
    papers: int = 0  # papers asked about
    requests: int = 0
    repos: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HUB_KINDS, 0))
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def hub_citations(
    settings: Settings, store: Store, days: list[date], *, quiet: bool = False
) -> HubResult:
    """Ask the Hub which repositories cite each paper of ``days`` (three requests a paper, on
    the bounded pool) and store the answers. A paper with a failed request changes nothing; one
    the Hub lists nothing for adds nothing to its record (see ``merge`` for the rest)."""
    wanted = set(days)
    todo = [p for p in store.load_all() if p.daily_date in wanted and not p.is_title_only]
    result = HubResult(papers=len(todo))
    at = datetime.now(UTC).replace(microsecond=0)
    with hf_client(settings) as client, ThreadPoolExecutor(settings.http_concurrency) as pool:
        futures = {pool.submit(_ask_hub, client, settings, p.id, at): p for p in todo}
        for future in _progress(as_completed(futures), len(todo), quiet, "papers"):
            _store_hub(store, futures[future], future, result)
    return result


def _ask_hub(client: Client, settings: Settings, arxiv_id: str, at: datetime):
    """The three lists for one paper, the number of requests made, and notes; raises
    ``PapersError`` naming the request that failed."""
    lists: dict[str, list] = {}
    notes: list[str] = []
    times: list[datetime] = []
    for n, kind in enumerate(HUB_KINDS, 1):
        try:
            raw, url, answered = hf_hub.fetch_citing_repos(
                client, settings.hf_endpoint, kind, arxiv_id, settings.hub_limit
            )
            lists[kind] = hf_hub.parse_citing_repos(raw, url, kind, settings.hub_limit, notes)
        except (FetchError, InputError) as exc:
            raise HubFailure(f"{arxiv_id}: {exc}", n) from None
        times += filter(None, [answered])
    return HubCitations(fetched_at=max(times, default=at), **lists), notes


class HubFailure(PapersError):
    def __init__(self, message: str, requests: int):
        super().__init__(message)
        self.requests = requests


def _store_hub(store: Store, paper: Paper, future, result: HubResult) -> None:
    try:
        citations, notes = future.result()
    except HubFailure as exc:
        result.requests += exc.requests
        result.failures.append(str(exc))
        return
    result.requests += len(HUB_KINDS)
    result.notes += notes
    for kind in HUB_KINDS:
        result.repos[kind] += len(getattr(citations, kind))
    if not citations:
        # Nothing cites it (most papers): no record grows a "nothing" entry, and a stored list
        # stays (merge never lets an empty answer erase one).
        result.tally.count("unchanged", paper.id)
        return
    # A copy of the stored record with the new answer and no source: every other field merges
    # into itself, and provenance is the answer's own time (hub.fetched_at).
    store.add([paper.model_copy(update={"hub": citations, "sources": []})], result.tally)
