"""A project folder's operations, as a library: what each ``papers`` command runs. The CLI parses
options and prints; tests and benchmarks call this, not copies of it.

The fetching, rendering and building modules (httpx, Jinja2, feeds, MkDocs) are imported by the
operations that use them: ``papers search`` starts without them (~0.1 s of its ~0.4 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import search
from .files import atomic_write
from .outputs import release_memory
from .render.archive import select_topics
from .settings import Settings, load_settings

if TYPE_CHECKING:
    from .ingest.fetch import Journal
    from .ingest.importer import ImportOptions
    from .model import Paper
    from .outputs import Written
    from .site.build import Built
    from .store import Store


@dataclass
class Rendered:
    """What a render did: the papers shown (after the topic filter) of those stored."""

    papers: int
    stored: int
    days: int
    result: Written


class Project:
    """The project at ``settings.root``: its store, its renders, builds, searches and checks."""

    def __init__(self, settings: Settings, quiet: bool = True):
        self.settings, self.quiet = settings, quiet

    @classmethod
    def open(cls, folder: Path | str = ".", quiet: bool = True) -> Project:
        return cls(load_settings(folder), quiet)

    def store(self, cached: bool = False) -> Store:
        """The data folder's store; ``cached`` keeps parsed records between runs (for the
        commands that read every record). Imported here: ``papers search`` on a fresh index
        reads no record, and the paper model and YAML are a third of its start."""
        from .store import Store

        folder = self.settings.path("data_dir")
        return Store(folder, cache=self.settings.cache_dir / "store" if cached else None)

    def days(
        self, day: date | None, since: date | None, until: date | None, window: int | None
    ) -> tuple[list[date], Journal | None]:
        """One day; a backfill from ``since`` to ``until``, with the journal that lets an
        interrupted one resume; or the refresh window: today in New York and ``window`` (by
        default ``fetch_days``) days before."""
        from .ingest.fetch import Journal, date_range, refresh_window, today_in_new_york

        if day:
            return [day], None
        if since and until:
            return date_range(since, until), Journal(self.settings, since, until)
        n = self.settings.fetch_days if window is None else window
        return refresh_window(today_in_new_york(), n), None

    def import_paths(self, paths: list[Path], options: ImportOptions):
        from .ingest.importer import import_paths

        store = self.store()
        with store.lock():
            return import_paths(store, paths, options)

    def fetch(self, days: list[date], journal: Journal | None = None):
        from .ingest.fetch import capture_trending, fetch_days

        store = self.store()
        with store.lock():
            result = fetch_days(self.settings, store, days, quiet=self.quiet, journal=journal)
            days_done = not result.failures
            if self.settings.trending:
                capture_trending(self.settings, store, result)
        if journal is not None and days_done:
            journal.finish()
        return result

    def enrich(self, refresh: bool = False, limit: int | None = None):
        from .ingest.fetch import enrich

        store = self.store()
        with store.lock():
            return enrich(self.settings, store, refresh=refresh, quiet=self.quiet, limit=limit)

    def hub(self, days: list[date]):
        from .ingest.fetch import hub_citations

        # It reads every record to find the days' papers: the parse cache keeps that cheap.
        store = self.store(cached=True)
        with store.lock():
            return hub_citations(self.settings, store, days, quiet=self.quiet)

    def papers(self, store: Store | None = None) -> tuple[list[Paper], int]:
        """The papers the site shows (the topic filter applied), and how many are stored."""
        stored = (store or self.store(cached=True)).load_all()
        return select_topics(stored, self.settings.topics), len(stored)

    def render(self) -> Rendered:
        """Pages, feeds and the search index into generated/ (only what changed; nothing read
        when neither the inputs nor generated/ changed since the last render: render/stamp.py)."""
        from .outputs import Written
        from .render import stamp
        from .render.pages import make_env, render, salt

        store, env = self.store(cached=True), make_env()
        records = [store.papers_dir, store.trending_dir]
        state = stamp.inputs(self.settings, records, salt(self.settings, env))
        if (report := stamp.unchanged(self.settings, state)) is not None:
            shown, stored, days, outputs = report
            return Rendered(shown, stored, days, Written(unchanged=outputs))
        papers, stored = self.papers(store)
        cache, trending = self.settings.cache_dir, store.latest_trending()
        written = render(self.settings, papers, store.hashes, cache, env, trending)
        self._note_index_data(store)
        days = len({p.daily_date for p in papers})
        outputs = written.written + written.unchanged
        stamp.keep(self.settings, state, (len(papers), stored, days, outputs))
        return Rendered(len(papers), stored, days, written)

    def build_site(self, site_dir: Path | None = None, strict: bool = True) -> Built:
        """MkDocs over docs/ and generated/ (after ``render``): a summary of what it built."""
        from .site.build import build_site

        release_memory()  # before the site build's processes start
        return build_site(self.settings, site_dir, strict=strict)

    def serve(self, dev_addr: str | None = None) -> None:
        from .site.build import serve_site

        serve_site(self.settings, dev_addr)

    def check(self, site_dir: Path | None = None) -> tuple[list[str], list[str]]:
        """What is wrong with the built site, and what is worth a warning (site/check.py);
        no problems: it is fit to deploy."""
        from .site.check import check_site, warnings

        site = site_dir or self.settings.path("site_dir")
        site_url = self.settings.site_url
        if site_url and not site_url.endswith("/"):
            site_url += "/"
        return check_site(site, site_url), warnings(site)

    def search_index(self) -> search.Index:
        """The index the last render wrote, brought up to date first if data/ changed since."""
        store = self.store(cached=True)
        folder = self.settings.generated_dir / search.INDEX_DIR
        stamp = self.settings.cache_dir / "search.data"
        fresh = stamp.exists() and stamp.read_text() == self._data_key(store)
        if not (fresh and (folder / "meta.json").exists()):
            self._update_search_index(store, self.papers(store)[0])
        return search.Index.from_folder(folder)

    def search(self, query: str, filters: search.Filters, sort: str = "relevance"):
        """The site's ranking of ``query``, words and meaning merged (search.semantic.rank)."""
        from .search.semantic import rank

        index = self.search_index()
        return index, rank.run(index, query, filters, sort)

    def _update_search_index(self, store: Store, papers: list[Paper]) -> None:
        """Bring the site's search index alone up to date with ``papers``."""
        from .outputs import Writer
        from .render.pages import make_env, salt
        from .search import semantic

        settings = self.settings
        part = semantic.index_part(settings)
        output = search.index_output(papers, store.hashes, settings.cache_dir, part)
        writer = Writer(settings.generated_dir, settings.cache_dir, salt(settings, make_env()))
        writer.write([output], sweep=False)
        self._note_index_data(store)

    def _note_index_data(self, store: Store) -> None:
        """Note which data the index is of, so that a search can use it without loading the
        store."""
        atomic_write(self.settings.cache_dir / "search.data", self._data_key(store).encode())

    def _data_key(self, store: Store) -> str:
        """What the search index depends on: the records (file sizes and times: cheap at 50k),
        the topic filter, the search by meaning's settings and the index code."""
        settings = self.settings
        topics = settings.topics.model_dump_json()
        meaning = f"{settings.semantic} {settings.semantic_model}"
        return f"{store.fingerprint()} {topics} {meaning} {search.code_version()}"
