"""The one typed paper model every source parses into and every page renders from.

Field order here is the key order of the YAML files under ``data/``; change it only with a
reason, because it reorders every stored record.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.dataclasses import dataclass

ARXIV_ID = r"\d{4}\.\d{4,5}"
TITLE_ID = r"title-[0-9a-f]{12}"
PAPER_ID_RE = re.compile(rf"^(?:{ARXIV_ID}|{TITLE_ID})$")
# A Hub repository id as huggingface_hub's validate_repo_id accepts it, ASCII only, and with the
# owner required (the Hub lists every repository as owner/name; a bare name could be one of
# huggingface.co's own paths): up to 96 characters a part, no "--" or "..", no ".git" end.
_HUB_PART = r"[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
HUB_REPO_ID_RE = re.compile(rf"^(?!.*(?:--|\.\.))(?!.*\.git\Z){_HUB_PART}/{_HUB_PART}\Z")

SourceKind = Literal["hf-api", "hf-html", "text-scrape", "arxiv"]

# How much a source's text fields are trusted when two captures disagree: a plain-text page
# scrape loses words and structure, so it only ever fills gaps left by the structured sources.
SOURCE_RANK: dict[str, int] = {"text-scrape": 0, "arxiv": 1, "hf-html": 2, "hf-api": 2}
# Sorts before every real capture time (a record without sources, a capture without one).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

PaperId = Annotated[str, StringConstraints(pattern=PAPER_ID_RE.pattern)]
Text = Annotated[str, StringConstraints(min_length=1)]


# Unknown keys are an error, so a typo in a hand edit is caught. Schemas are built on first use,
# not at import: `papers search` never validates a record.
CONFIG = ConfigDict(extra="forbid", defer_build=True)


class Record(BaseModel):
    """Base for stored records."""

    model_config = CONFIG | ConfigDict(frozen=True)


def part(cls: type) -> type:
    """The parts of a record are slotted dataclasses, not models: a 50k archive holds ~700k of
    them (mostly authors), and a model instance costs ~600 bytes more (its __dict__ and field
    set). They pickle as a tuple of values: the dataclass default looks its fields up for every
    object, 5 s of loading 50k cached records."""
    cls = dataclass(frozen=True, slots=True, config=CONFIG)(cls)
    names = tuple(f.name for f in fields(cls))

    def __getstate__(self) -> tuple:
        return tuple(getattr(self, name) for name in names)

    cls.__getstate__, cls.__setstate__ = __getstate__, _setter(cls, names)
    return cls


def _setter(cls: type, names: tuple[str, ...]) -> Any:
    """``__setstate__`` for a slotted part: one slot store per field, unrolled (its slots'
    own setters, which a frozen class's ``__setattr__`` does not guard), not a loop of
    ``object.__setattr__``: unpickling 50k cached records took 1.13 s, not 1.68 s."""
    slots = {f"_{i}": cls.__dict__[name].__set__ for i, name in enumerate(names)}
    body = "".join(f"\n    _{i}(self, state[{i}])" for i in range(len(names)))
    exec(f"def __setstate__(self, state):{body}", slots)  # as dataclasses makes its methods
    return slots["__setstate__"]


@part
class Author:
    name: Text
    hf_user: str | None = None
    hidden: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data

    @model_serializer(mode="wrap")
    def _compact(self, handler: Any) -> Any:
        # 664-author papers exist: a bare name per line keeps those files readable.
        if self.hf_user is None and not self.hidden:
            return self.name
        return {k: v for k, v in handler(self).items() if v not in (None, False)}


@part
class Account:
    """A Hugging Face user or organisation: ``name`` is the handle, ``fullname`` its display."""

    name: Text
    fullname: str | None = None
    avatar: str | None = None


@part
class ArxivInfo:
    """What arXiv's own API adds to a paper (filled by enrichment)."""

    primary_category: str | None = None
    categories: list[str] = Field(default_factory=list)
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    version: int | None = None
    updated: datetime | None = None


@part
class HubRepo:
    """A model, dataset or Space whose card cites the paper. ``downloads`` is the Hub's count
    of the last 30 days (Spaces have none)."""

    id: str
    downloads: int | None = Field(None, ge=0)
    likes: int = Field(0, ge=0)

    @field_validator("id")
    @classmethod
    def _hub_id(cls, value: str) -> str:
        # Checked here, not by a pattern: pydantic's regex engine has no look-ahead.
        if not HUB_REPO_ID_RE.match(value):
            raise ValueError(f"not a Hub repository id: {value!r}")
        return value


HUB_KINDS = ("models", "datasets", "spaces")


@part
class HubCitations:
    """What the Hub lists as citing the paper (repositories tagged ``arxiv:<id>``): the top
    few of each kind (by downloads; Spaces by likes), as the Hub answered at ``fetched_at``
    (the first answer that gave these lists: an identical later answer rewrites nothing)."""

    fetched_at: datetime
    models: list[HubRepo] = Field(default_factory=list)
    datasets: list[HubRepo] = Field(default_factory=list)
    spaces: list[HubRepo] = Field(default_factory=list)

    @field_validator("fetched_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    def __bool__(self) -> bool:
        return any(getattr(self, kind) for kind in HUB_KINDS)


@part
class Source:
    """Provenance: which source a capture came from, what exactly, and when it was taken
    (``fetched_at``: the capture time that orders text fields in ``merge``)."""

    kind: SourceKind
    ref: Text
    fetched_at: datetime

    @field_validator("fetched_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # A hand-edited time without a zone is read as UTC, so capture times always compare.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    @property
    def key(self) -> tuple[int, datetime]:
        """How far this capture's text is trusted: its source's rank, then how recent it is."""
        return SOURCE_RANK[self.kind], self.fetched_at


class Paper(Record):
    id: PaperId
    title: Text
    authors: list[Author] = []
    abstract: str = ""
    published_at: datetime | None = Field(None, description="arXiv publication time")
    daily_date: date = Field(description="the Daily Papers day (New York calendar day)")
    submitted_at: datetime | None = Field(None, description="when it joined Daily Papers")
    upvotes: int = Field(0, ge=0)
    num_comments: int = Field(0, ge=0)
    feed_position: int | None = Field(
        None, ge=0, description="its place in its day's feed (0 first) in the newest capture"
    )
    ai_summary: str | None = None
    ai_keywords: list[str] = []
    github_repo: str | None = None
    github_stars: int | None = Field(None, ge=0)
    project_page: str | None = None
    thumbnail: str | None = None
    media_urls: list[str] = []
    organization: Account | None = None
    submitted_by: Account | None = None
    discussion_id: str | None = None
    withdrawn_at: datetime | None = None
    arxiv: ArxivInfo | None = None
    hub: HubCitations | None = None
    sources: list[Source] = []

    @property
    def is_title_only(self) -> bool:
        return self.id.startswith("title-")

    @property
    def capture_key(self) -> tuple[int, datetime]:
        """The best ``Source.key`` among this record's sources: its text fields are that new."""
        return max((s.key for s in self.sources), default=(0, EPOCH))

    @property
    def arxiv_time(self) -> datetime:
        """When arXiv's metadata (``arxiv``) was last asked for."""
        return max((s.fetched_at for s in self.sources if s.kind == "arxiv"), default=EPOCH)

    def to_record(self) -> dict[str, Any]:
        """The stored form: JSON types, no empty or default fields, key order as declared."""
        return model_dump_compact(self)


class Trending(Record):
    """One capture of Hugging Face's trending list (``sort=trending``): its papers in rank
    order (a global ranking: older papers too, not by upvotes), and when and where it was
    taken."""

    fetched_at: datetime
    source: str
    papers: list[PaperId] = Field(min_length=1)


def model_dump_compact(obj: BaseModel) -> dict[str, Any]:
    data = obj.model_dump(mode="json", exclude_defaults=True)
    return {k: v for k, v in data.items() if v not in (None, [], {})}


_WS = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """Unwrap arXiv hard wraps and collapse whitespace; every other character is kept as is."""
    return _WS.sub(" ", value or "").strip()


def title_key(title: str) -> str:
    """The form two titles are compared in: NFKC, case-folded, whitespace collapsed."""
    return clean_text(unicodedata.normalize("NFKC", title)).casefold()


def title_id(title: str) -> str:
    """A stable id for a paper known only by its title (a plain-text scrape)."""
    digest = hashlib.sha256(title_key(title).encode("utf-8")).hexdigest()
    return f"title-{digest[:12]}"
