"""The handbook's reference pages, made from the code they describe: the ``papers`` commands
(click), the settings (the pydantic model's field docstrings) and the URLs (``layout``).
``handbook/hooks.py`` puts them where a page says ``<!-- papers:cli -->`` (or ``settings``,
``urls``); ``tests/test_docs.py`` fails on a command, option or setting without words."""

from __future__ import annotations

from datetime import date

import click

from . import layout
from .cli import main
from .settings import PapersSettings, Topics


def _commands(group: click.Group = main) -> list[tuple[str, click.Command]]:
    ctx = click.Context(group)
    return [(name, group.get_command(ctx, name)) for name in group.list_commands(ctx)]


def _help(command: click.Command, name: str) -> str:
    options = {"info_name": name, "terminal_width": 100, "help_option_names": ["-h", "--help"]}
    with click.Context(command, **options) as ctx:
        return command.get_help(ctx)


def cli_markdown() -> str:
    """Each command's ``--help``, as ``papers COMMAND --help`` prints it."""
    parts = ["## papers\n", "```text", _help(main, "papers"), "```\n"]
    for name, command in _commands():
        parts += [f"## papers {name}\n", "```text", _help(command, f"papers {name}"), "```\n"]
    return "\n".join(parts)


def undocumented(group: click.Group = main) -> list[str]:
    """Commands without a help text and options without one (``-h`` and ``--version`` are
    click's own)."""
    missing = [] if group.help else [group.name or "papers"]
    for name, command in [(group.name or "papers", group), *_commands(group)]:
        if command is not group and not command.help:
            missing.append(f"papers {name}")
        for param in command.params:
            if isinstance(param, click.Option) and not param.help and param.name != "version":
                missing.append(f"papers {name} {param.opts[0]}")
    return missing


def _fields(model: type) -> list[tuple[str, object, str]]:
    return [(n, f.default, f.description or "") for n, f in model.model_fields.items()]


def undocumented_settings() -> list[str]:
    fields = _fields(PapersSettings) + [(f"topics.{n}", d, t) for n, d, t in _fields(Topics)]
    return [f"extra.papers.{name}" for name, _default, text in fields if not text.strip()]


def _value(default: object) -> str:
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, Topics):
        return "none (every paper)"
    return f"`{default}`"


def settings_markdown() -> str:
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    for name, default, text in _fields(PapersSettings):
        rows.append(f"| `extra.papers.{name}` | {_value(default)} | {' '.join(text.split())} |")
    for name, default, text in _fields(Topics):
        meaning = " ".join(text.split())
        rows.append(f"| `extra.papers.topics.{name}` | `{default}` | {meaning} |")
    return "\n".join(rows) + "\n"


def urls_markdown() -> str:
    day = date(2025, 10, 15)
    examples = [
        ("a paper", layout.paper("2510.12586")),
        ("a day", layout.day(day)),
        ("a week", layout.period("2025-W42", "week")),
        ("a month", layout.period("2025-10", "month")),
        ("an arXiv category", layout.topic("category", "cs.CV")),
        ("an organisation, page 2", layout.topic("org", "nvidia", 2)),
        *[(f"the {name} page", place) for name, place in layout.SECTIONS.items()],
    ]
    rows = ["| page | URL | written by `papers render` as |", "|---|---|---|"]
    rows += [
        f"| {what} | `/{place.url}` | `generated/{place.source}` |" for what, place in examples
    ]
    rows += [
        f"| a day's citations | `/{layout.day(day).stem}.bib`, `.ris` | beside the page |",
        f"| a topic's citations | `/{layout.topic_citations('org', 'nvidia')}.bib`, `.ris` | |",
        f"| a feed | `/{layout.feed('latest')}atom.xml`, `rss.xml`, `feed.json` | |",
        f"| every feed | `/{layout.all_feeds()}` | |",
    ]
    return "\n".join(rows) + "\n"


SECTIONS = {"cli": cli_markdown, "settings": settings_markdown, "urls": urls_markdown}


def expand(markdown: str) -> str:
    """``<!-- papers:NAME -->`` markers replaced by the generated reference."""
    for name, make in SECTIONS.items():
        marker = f"<!-- papers:{name} -->"
        if marker in markdown:
            markdown = markdown.replace(marker, make())
    return markdown
