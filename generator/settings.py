"""The one settings object. Operators edit one file, ``mkdocs.yml``:

- the site's identity is MkDocs' own: ``site_name``, ``site_url``, ``site_description``,
  ``docs_dir``, ``site_dir``;
- the generator's settings sit under ``extra.papers`` (documented field by field below and in
  the README); MkDocs ignores them, templates can read them.

Endpoints and secrets come only from the environment (``HF_ENDPOINT``, ``PAPERS_ARXIV_ENDPOINT``,
``HF_TOKEN``), so tests can point them at a local server and tokens never land in a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

CONFIG_FILE = "mkdocs.yml"


@dataclass(frozen=True)
class Settings:
    root: Path
    """The project folder: holds mkdocs.yml, data/, docs/."""
    site_name: str = "Daily Papers"
    site_url: str = ""
    site_description: str = ""
    docs_dir: Path = Path("docs")
    """Where rendered Markdown goes (MkDocs' ``docs_dir``)."""
    site_dir: Path = Path("site")
    """Where MkDocs writes the built site (MkDocs' ``site_dir``)."""
    data_dir: Path = Path("data")
    """``extra.papers.data_dir``: the YAML store, relative to the project folder."""
    front_page_papers: int = 30
    """``extra.papers.front_page_papers``: papers of the latest day on the front page."""
    build_jobs: int = 0
    """``extra.papers.build_jobs``: MkDocs builds run in parallel, each on a share of the pages
    (MkDocs itself uses one core); 0: one per core, at most 4."""
    thumbnails: bool = True
    """``extra.papers.thumbnails``: show paper thumbnails (loaded lazily from Hugging Face's
    image host, the only third-party request a page makes); false keeps pages self-contained."""
    feed_size: int = 50
    """``extra.papers.feed_size``: entries in each feed (latest papers first)."""
    topic_page_size: int = 100
    """``extra.papers.topic_page_size``: papers per page of a category or organisation."""
    period_top: int = 50
    """``extra.papers.period_top``: papers on a week page (a month page shows twice as many)."""
    topics: dict = field(default_factory=dict)
    """``extra.papers.topics``: restrict the site to some topics, e.g.
    ``{categories: [cs.CV, cs.RO], keywords: [diffusion, robot]}``. A paper is shown when one of
    its arXiv categories is listed, or a keyword occurs in its title, abstract or AI keywords
    (case-insensitive). Empty (the default): every paper. ``data/`` always keeps every paper."""
    fetch_days: int = 3
    """``extra.papers.fetch_days``: ``papers fetch`` refreshes today and this many days before
    (days keep filling, and upvotes rising, for a day or more)."""
    html_fallback: bool = True
    """``extra.papers.html_fallback``: when the API fails for a day, read the HTML page instead."""
    http_timeout: float = 30.0
    """``extra.papers.http_timeout``: seconds before a request is abandoned (then retried)."""
    http_retries: int = 4
    """``extra.papers.http_retries``: retries after a connection error, timeout, 429 or 5xx."""
    http_backoff: float = 2.0
    """``extra.papers.http_backoff``: first retry delay in seconds (doubles, with jitter)."""
    http_concurrency: int = 4
    """``extra.papers.http_concurrency``: days fetched from Hugging Face at once."""
    arxiv_interval: float = 3.0
    """``extra.papers.arxiv_interval``: seconds between arXiv calls (arXiv asks for 3)."""
    hf_endpoint: str = field(default_factory=lambda: _env("HF_ENDPOINT", "https://huggingface.co"))
    """``HF_ENDPOINT`` (huggingface_hub's convention): the Hugging Face base URL."""
    arxiv_endpoint: str = field(
        default_factory=lambda: _env("PAPERS_ARXIV_ENDPOINT", "https://export.arxiv.org/api/query")
    )
    """``PAPERS_ARXIV_ENDPOINT``: the arXiv API query URL."""

    @property
    def cache_dir(self) -> Path:
        """Working state that is not data (the backfill journal); git ignores it."""
        return self.root / ".papers-cache"

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    def path(self, name: str) -> Path:
        """A path setting (``data_dir``, ``docs_dir``, ``site_dir``) made absolute."""
        value: Path = getattr(self, name)
        return value if value.is_absolute() else self.root / value


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def load_settings(root: Path | str = ".") -> Settings:
    """Read ``mkdocs.yml`` in ``root``; a project without one gets the defaults."""
    root = Path(root).resolve()
    config = _read_config(root / CONFIG_FILE)
    extra = (config.get("extra") or {}).get("papers") or {}
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(extra) - known)
    if unknown:
        raise InputError(
            str(root / CONFIG_FILE),
            f"unknown setting(s): {', '.join(unknown)}",
            field="extra.papers",
        )
    values: dict[str, Any] = {
        k: config[k]
        for k in ("site_name", "site_url", "site_description", "docs_dir", "site_dir")
        if config.get(k)
    }
    values.update(extra)
    for name in ("docs_dir", "site_dir", "data_dir"):
        if name in values:
            values[name] = Path(values[name])
    _check_types(extra, root / CONFIG_FILE)
    _check_topics(values.get("topics"), root / CONFIG_FILE)
    return Settings(root=root, **values)


_TYPES = {"int": int, "float": (int, float), "bool": bool, "str": str, "dict": dict, "Path": str}


def _check_types(extra: dict[str, Any], path: Path) -> None:
    declared = {f.name: str(f.type) for f in fields(Settings)}
    for name, value in extra.items():
        kind = _TYPES.get(declared[name])
        if kind and (not isinstance(value, kind) or (isinstance(value, bool) and kind is int)):
            problem = f"expected {declared[name]}, got {value!r}"
            raise InputError(str(path), problem, field=f"extra.papers.{name}")


def _check_topics(topics: Any, path: Path) -> None:
    if topics is None:
        return
    if not isinstance(topics, dict) or set(topics) - {"categories", "keywords"}:
        raise InputError(
            str(path), "expected {categories: [...], keywords: [...]}", field="extra.papers.topics"
        )
    for key, values in topics.items():
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise InputError(
                str(path), "expected a list of words", field=f"extra.papers.topics.{key}"
            )


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml safely: MkDocs' ``!ENV`` and ``!!python/name`` tags load as plain data."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _read_config(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"invalid YAML: {exc}") from None
    return data if isinstance(data, dict) else {}
