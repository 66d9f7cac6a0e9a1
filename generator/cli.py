"""The ``papers`` command: a thin layer over the library, one summary line per run.

Exit status: 0 on success (a quiet day with nothing new is a success), 1 when something failed
(the message says what and where), 2 on a usage error.
"""

from __future__ import annotations

import logging
import sys
import time
from functools import cached_property
from pathlib import Path

import click

from . import search
from .cli_help import EPILOG_FETCH, EPILOG_HUB, EPILOG_IMPORT, EPILOG_SEARCH
from .errors import PapersError
from .escape import printable
from .project import Project
from .settings import Settings, load_settings

DAY = click.DateTime(["%Y-%m-%d"])


class PapersGroup(click.Group):
    """The one error path: every expected error (``PapersError``: bad input, a failed request,
    a failed build) becomes one ``error:`` line on stderr and exit status 1, never a
    traceback. Usage errors stay click's (exit 2)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PapersError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


class Context:
    def __init__(self, folder: Path, quiet: bool):
        self.folder, self.quiet = folder, quiet

    @cached_property
    def settings(self) -> Settings:
        """Read once per run (commands and their parts share it)."""
        return load_settings(self.folder)

    @cached_property
    def project(self) -> Project:
        return Project(self.settings, self.quiet)

    def say(self, line: str) -> None:
        """The one summary line of a run (suppressed by --quiet)."""
        if not self.quiet:
            click.echo(line)


_pass_context = click.make_pass_decorator(Context)


def pass_ctx(command):
    """Pass the run's ``Context``, and accept ``-q`` after the command name too."""

    def quiet(click_ctx: click.Context, _param, value: bool) -> None:
        if value:
            click_ctx.find_object(Context).quiet = True

    option = click.option(
        "-q", "--quiet", is_flag=True, expose_value=False, callback=quiet, help="Print errors only."
    )
    return option(_pass_context(command))


@click.group(cls=PapersGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The project folder (holds mkdocs.yml, data/, docs/).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.version_option(package_name="daily-papers")
@click.pass_context
def main(click_ctx: click.Context, project: Path, quiet: bool) -> None:
    """Daily Papers: import papers into data/, render pages into generated/, build the site.

    \b
    A typical run, in the project folder:
      papers import saved/     # a folder of saved Daily Papers answers
      papers build          # render + mkdocs build --strict, into site/
      papers serve          # preview on http://127.0.0.1:8000/
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    click_ctx.obj = Context(project, quiet)


def _iso_time(value: str | None):
    from .ingest.importer import parse_iso_time

    try:
        return None if value is None else parse_iso_time(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time") from None


@main.command("import", epilog=EPILOG_IMPORT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--date", "day", type=DAY, help="Daily date of every file.")
@click.option("--year", type=click.IntRange(2023, 2100), help="Year of a text scrape's date line.")
@click.option(
    "--captured-at",
    metavar="TIME",
    callback=lambda _c, _p, v: _iso_time(v),
    help="When every file was captured (ISO 8601); default: see below.",
)
@click.option("--trending", is_flag=True, help="The files are saved answers of the trending list.")
@pass_ctx
def import_cmd(ctx: Context, paths: tuple[Path, ...], day, trending: bool, **when) -> None:
    """Import saved captures (files or folders) into data/, offline."""
    from .ingest.importer import ImportOptions

    options = ImportOptions(day=day.date() if day else None, trending=trending, **when)
    result = ctx.project.import_paths(list(paths), options)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    t = result.tally
    ctx.say(
        f"imported {result.files} file(s): {t.new} new, {t.updated} updated, "
        f"{t.unchanged} unchanged, {t.resolved} resolved to arXiv ids; "
        + (f"{result.trending} trending list(s) kept; " if trending else "")
        + f"{len(result.failures)} failed"
    )
    _exit_on(result.failures)


def _days(ctx: Context, day, since, until, window: int | None):
    """The days a fetch or hub run is about, and a backfill's journal (``Project.days``)."""
    if day and (since or until):
        raise click.UsageError("use --date, or --since/--until, not both")
    if bool(since) != bool(until):
        raise click.UsageError("--since and --until go together")
    as_day = [d and d.date() for d in (day, since, until)]
    return ctx.project.days(*as_day, window)


_site_dir_option = click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the site here instead of mkdocs.yml's site_dir.",
)


_DAY_OPTIONS = [
    click.option("--date", "day", type=DAY, help="This day only."),
    click.option("--since", type=DAY, help="First day of a backfill."),
    click.option("--until", type=DAY, help="Last day of a backfill."),
    click.option(
        "--days",
        "window",
        type=click.IntRange(0, 366),
        help="Refresh today and this many days before (default: extra.papers.fetch_days).",
    ),
]


def _day_options(command):
    """--date / --since / --until / --days, shared by fetch, hub and update."""
    for option in reversed(_DAY_OPTIONS):
        command = option(command)
    return command


def _fetch(ctx: Context, day, since, until, window) -> tuple[str, list[str]]:
    """Run a fetch under the store's lock: (summary, failures)."""
    days, journal = _days(ctx, day, since, until, window)
    result = ctx.project.fetch(days, journal)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    t = result.tally
    resumed = f" ({result.skipped} done earlier)" if result.skipped else ""
    summary = (
        f"fetched {result.days} of {len(days)} day(s){resumed}: {t.new} new, {t.updated} updated, "
        f"{t.unchanged} unchanged papers; {result.empty} empty day(s); "
        f"{len(result.failures)} failed"
    )
    if result.trending:
        summary += f"; {result.trending}"
    return summary, result.failures


@main.command(epilog=EPILOG_FETCH)
@_day_options
@pass_ctx
def fetch(ctx: Context, day, since, until, window: int | None) -> None:
    """Fetch papers from the Hugging Face Daily Papers API into data/."""
    summary, failures = _fetch(ctx, day, since, until, window)
    ctx.say(summary)
    _exit_on(failures)


def _exit_on(failures: list[str]) -> None:
    for failure in failures:
        click.echo(f"error: {failure}", err=True)
    if failures:
        sys.exit(1)


@main.command(name="enrich")
@click.option("--refresh", is_flag=True, help="Ask arXiv again for papers already enriched.")
@click.option("--limit", type=click.IntRange(1), help="At most this many papers (and titles).")
@pass_ctx
def enrich_cmd(ctx: Context, refresh: bool, limit: int | None) -> None:
    """Add arXiv categories, DOI, journal ref, comments and version to stored papers.

    \b
    Papers known only by title are looked up on arXiv by title and, on an exact
    (normalised) match, joined with their arXiv id. Requests are batched (100 ids)
    and spaced by extra.papers.arxiv_interval seconds (arXiv asks for 3).
    PAPERS_ARXIV_ENDPOINT sets the API URL.

    \b
    Examples:
      papers enrich                 # papers without arXiv metadata
      papers enrich --refresh       # everything again (new versions, DOIs)
    """
    summary, failures = _enrich(ctx, refresh, limit)
    ctx.say(summary)
    _exit_on(failures)


def _enrich(ctx: Context, refresh: bool = False, limit: int | None = None):
    result = ctx.project.enrich(refresh, limit)
    t = result.tally
    summary = (
        f"asked arXiv about {result.asked} paper(s): {t.updated} updated, {t.unchanged} unchanged, "
        f"{t.resolved} resolved to arXiv ids; {len(result.failures)} failed"
    )
    return summary, result.failures


@main.command("hub", epilog=EPILOG_HUB)
@_day_options
@pass_ctx
def hub_cmd(ctx: Context, day, since, until, window: int | None) -> None:
    """Store the models, datasets and Spaces on the Hub that cite recent papers."""
    summary, failures = _hub(ctx, day, since, until, window)
    ctx.say(summary)
    _exit_on(failures)


def _hub(ctx: Context, day, since, until, window) -> tuple[str, list[str]]:
    days, _journal = _days(ctx, day, since, until, window)  # no journal: rerun is cheap
    result = ctx.project.hub(days)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    t, r = result.tally, result.repos
    summary = (
        f"asked the Hub about {result.papers} paper(s) in {result.requests} request(s): "
        f"{t.new + t.updated} updated, {t.unchanged} unchanged; cited by {r['models']} model(s), "
        f"{r['datasets']} dataset(s), {r['spaces']} Space(s); {len(result.failures)} failed"
    )
    return summary, result.failures


def _render(ctx: Context) -> str:
    done = ctx.project.render()
    shown = f"{done.papers} of {done.stored}" if done.papers < done.stored else f"{done.papers}"
    r = done.result
    return (
        f"rendered {shown} papers over {done.days} days (pages, feeds, search index): "
        f"{r.written} file(s) written, {r.unchanged} unchanged, {r.removed} removed"
    )


@main.command()
@pass_ctx
def render(ctx: Context) -> None:
    """Render pages, feeds and the search index from data/ into generated/ (only changes).

    \b
    Example:
      papers render && mkdocs build --strict
    """
    ctx.say(_render(ctx))


@main.command()
@_site_dir_option
@click.option("--no-strict", is_flag=True, help="Let MkDocs warnings pass.")
@pass_ctx
def build(ctx: Context, site_dir: Path | None, no_strict: bool) -> None:
    """Render pages, then build the site with MkDocs (strict by default).

    \b
    Example:
      papers build --site-dir /tmp/site
    """
    started = time.monotonic()
    rendered = _render(ctx)
    built = ctx.project.build_site(site_dir, strict=not no_strict)
    ctx.say(f"{rendered}; {built} in {time.monotonic() - started:.1f} s")


@main.command()
@_day_options
@_site_dir_option
@click.option("--no-enrich", is_flag=True, help="Skip asking arXiv.")
@click.option("--no-hub", is_flag=True, help="Skip asking the Hub what cites the papers.")
@pass_ctx
def update(
    ctx: Context, day, since, until, window, site_dir: Path | None, no_enrich: bool, no_hub: bool
) -> None:
    """Fetch new papers, enrich them from arXiv, ask the Hub what cites them, render and build:
    the scheduled job.

    A day, an arXiv batch or a Hub request that fails does not stop the run: everything else is
    stored and the site is still built (so it can be deployed), and the run then exits 1 naming
    what failed.
    A build that fails leaves the previous site/ in place and exits 1.

    \b
    Examples:
      papers update                                   # the refresh window, as CI runs it
      papers update --since 2025-01-01 --until 2025-01-31
    """
    started = time.monotonic()
    failures: list[str] = []
    try:
        fetched, failed = _fetch(ctx, day, since, until, window)
        failures += failed
        enriched, failed = ("arXiv skipped", []) if no_enrich else _enrich(ctx)
        failures += failed
        cited, failed = ("Hub skipped", []) if no_hub else _hub(ctx, day, since, until, window)
        failures += failed
        rendered = _render(ctx)
        built = ctx.project.build_site(site_dir)
    except PapersError as exc:
        _exit_on([*failures, str(exc)])
    took = time.monotonic() - started
    ctx.say(f"{fetched}; {enriched}; {cited}; {rendered}; {built} in {took:.1f} s")
    _exit_on(failures)


@main.command()
@click.option("-a", "--dev-addr", metavar="IP:PORT", help="Address to serve on (127.0.0.1:8000).")
@pass_ctx
def serve(ctx: Context, dev_addr: str | None) -> None:
    """Render pages, then preview the site with live reload.

    \b
    Example:
      papers serve -a 127.0.0.1:8001
    """
    click.echo(_render(ctx))
    ctx.project.serve(dev_addr)


@main.command("search", epilog=EPILOG_SEARCH)
@click.argument("query")
@click.option(
    "-n", "--limit", default=10, show_default=True, type=click.IntRange(1), help="Results listed."
)
@click.option(
    "--sort",
    type=click.Choice(search.SORTS),
    default="relevance",
    show_default=True,
    help="Order: relevance (words, then meaning), upvotes or newest.",
)
@click.option("--since", type=DAY, help="Daily date on or after.")
@click.option("--until", type=DAY, help="Daily date on or before.")
@click.option("--category", metavar="CAT", help="arXiv category, e.g. cs.CV.")
@click.option("--org", metavar="HANDLE", help="Hugging Face organisation handle.")
@click.option("--has-code", is_flag=True, help="Only papers with a GitHub repository.")
@pass_ctx
def search_cmd(ctx: Context, query: str, limit: int, sort: str, **options) -> None:
    """Search the archive from the terminal, with the site's ranking."""
    if not search.has_query(query):
        raise click.UsageError(
            f"nothing to search for in {printable(query)!r}: type a word, a name or an arXiv id"
        )
    filters = search.Filters(
        since=options["since"] and options["since"].date(),
        until=options["until"] and options["until"].date(),
        category=options["category"],
        org=options["org"],
        has_code=options["has_code"],
    )
    index, result = ctx.project.search(query, filters, sort)
    hits = [search.hit(index, doc, result) for doc in result.docs[:limit]]
    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank:>3}. {hit.id:<12} {hit.day} ▲{hit.upvotes:<4} {hit.title}")
    ctx.say(f"{len(result.docs)} paper(s) match {printable(query)!r}; showing {len(hits)}")


@main.command()
@click.argument("site_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_ctx
def check(ctx: Context, site_dir: Path | None) -> None:
    """Check a built site before it is deployed; exit 1 if anything is wrong.

    Reads files only: the landmarks of the front page, the latest day and a paper, the 404
    page, sitemap, robots.txt, feeds, search files, the theme's fixes, and the size against
    GitHub Pages' 1 GB (a warning past 80%). The update workflow runs it before deploying.

    \b
    Examples:
      papers check              # site/ (mkdocs.yml's site_dir)
      papers check /tmp/site
    """
    where = site_dir or ctx.settings.path("site_dir")
    problems, warnings = ctx.project.check(where)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if problems:
        _exit_on([*problems, f"{len(problems)} problem(s) in {where}: not fit to deploy"])
    ctx.say(f"checked {where}: fit to deploy")
