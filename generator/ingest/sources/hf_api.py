"""Hugging Face Daily Papers API responses: parse the JSON array into papers.

The quirks handled here are listed in ``tests/fixtures/README.md`` and
``data/README.md``: two ``publishedAt`` meanings, hard-wrapped ``paper.title``/``summary``,
``mediaUrl`` vs ``thumbnail``, fields that appear over time and are absent (not null) before.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from ...errors import InputError, pydantic_field
from ...merge import merge
from ...model import ARXIV_ID, Account, Author, Paper, Source, Trending, clean_text
from ..http import response_time

# Until this day the top-level ``publishedAt`` was the Daily Papers submission time; from it on,
# it is the arXiv time shifted to New York and mislabelled UTC (corpus README).
PUBLISHED_AT_MEANING_CHANGED = date(2025, 3, 11)
_ARXIV_ID_RE = re.compile(rf"^{ARXIV_ID}$")


class _Entry:
    """Typed access to one API entry; every error names the entry and the field."""

    def __init__(self, raw: Any, where: str, index: int):
        self.where, self.prefix = where, f"[{index}]"
        if not isinstance(raw, dict):
            self.fail("", f"expected an object, got {type(raw).__name__}")
        self.raw = raw
        self.paper = self.get("paper", dict, required=True)

    def fail(self, field: str, problem: str) -> None:
        raise InputError(self.where, problem, field=f"{self.prefix}.{field}".rstrip("."))

    def get(self, key: str, kind: type | tuple, *, required: bool = False, in_paper=False) -> Any:
        obj, field = (self.paper, f"paper.{key}") if in_paper else (self.raw, key)
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(field, "missing")
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            self.fail(field, f"expected {_type_name(kind)}, got {type(value).__name__}")
        return value

    def pget(self, key: str, kind: type | tuple, *, required: bool = False) -> Any:
        return self.get(key, kind, required=required, in_paper=True)

    def when(self, key: str, *, in_paper: bool) -> datetime | None:
        text = self.get(key, str, in_paper=in_paper)
        if text is None:
            return None
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            self.fail(f"paper.{key}" if in_paper else key, f"not an ISO 8601 time: {text!r}")


def _type_name(kind: type | tuple) -> str:
    names = {str: "a string", int: "an integer", list: "a list", dict: "an object"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def load_json(data: bytes, where: str) -> Any:
    """Decode a saved or fetched response; a BOM is tolerated, anything else invalid is an error."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(where, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(where, f"invalid JSON: {exc.msg}", line=exc.lineno) from None


def parse_daily_papers(
    raw: Any,
    *,
    where: str,
    fetched_at: datetime,
    day: date | None = None,
    kind: str = "hf-api",
    ref: str | None = None,
    notes: list[str] | None = None,
) -> list[Paper]:
    """Turn one day's API answer (a JSON array) into papers, one per paper id.

    ``day`` is the date the answer was asked for; entries that carry ``submittedOnDailyAt`` use
    that instead, as it is the authoritative daily date. ``fetched_at`` is the capture time.
    ``where`` names the input in errors and notes, ``ref`` in the stored provenance (default:
    ``where``). A paper listed twice is merged; when its entries differ, ``notes`` says so.
    Each paper's ``feed_position`` is its first entry's place in the answer.
    """
    source = Source(kind=kind, ref=ref or where, fetched_at=fetched_at)
    if not isinstance(raw, list):
        raise InputError(where, f"expected a JSON array of Daily Papers entries, got {_kind(raw)}")
    papers: dict[str, Paper] = {}
    first: dict[str, int] = {}  # paper id -> index of its first entry, for notes
    for index, item in enumerate(raw):
        paper = parse_entry(_Entry(item, where, index), source=source, day=day)
        if paper.id not in papers:
            papers[paper.id], first[paper.id] = paper, index
        elif paper != papers[paper.id]:
            # The real API does list a paper twice (and a paper can move between pages while a
            # day fills): both entries are true, so they merge like two captures would.
            papers[paper.id] = merge(papers[paper.id], paper)
            if notes is not None:
                notes.append(
                    f"{where}: entries [{first[paper.id]}] and [{index}] are both paper "
                    f"{paper.id} and differ; merged"
                )
    # Hugging Face orders a day by upvotes, then by its feed: the answer's order is the feed's,
    # and a paper listed twice keeps its first place.
    return [p.model_copy(update={"feed_position": first[pid]}) for pid, p in papers.items()]


def latest_time(raw: Any) -> datetime | None:
    """The latest time in an answer (``publishedAt``, ``submittedOnDailyAt``, authors'
    ``statusLastChangedAt``, ...), to the second: the answer was captured after it.

    Only values of keys named ``…At`` count (the API's name for a time), so a title or an
    abstract that happens to be a date cannot move a capture forward. Walked with a stack, not
    recursion: the input is not validated yet, and may nest as deep as JSON allows.
    """
    times, stack = [], [raw]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack += value
        elif isinstance(value, dict):
            for key, item in value.items():
                when = _iso_time(item) if isinstance(item, str) and key.endswith("At") else None
                times += [when] if when else []
                stack.append(item)
    return max(times).replace(microsecond=0) if times else None


def _iso_time(text: str) -> datetime | None:
    """An ISO 8601 time with a zone, in UTC; anything else (a bare date, garbage) is None."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo is not None else None


def _kind(raw: Any) -> str:
    return "a JSON object" if isinstance(raw, dict) else f"a JSON {type(raw).__name__}"


def parse_entry(e: _Entry, *, source: Source, day: date | None) -> Paper:
    paper_id = e.pget("id", str, required=True)
    if not _ARXIV_ID_RE.match(paper_id):
        e.fail("paper.id", f"not an arXiv id: {paper_id!r}")
    title = clean_text(e.get("title", str) or e.pget("title", str, required=True))
    if not title:
        e.fail("title", "empty")
    submitted_at = e.when("submittedOnDailyAt", in_paper=True)
    daily_date = _daily_date(e, submitted_at, day)
    if submitted_at is None and daily_date < PUBLISHED_AT_MEANING_CHANGED:
        submitted_at = e.when("publishedAt", in_paper=False)
    fields = dict(
        id=paper_id,
        title=title,
        authors=_authors(e),
        abstract=clean_text(e.pget("summary", str) or e.get("summary", str)),
        published_at=e.when("publishedAt", in_paper=True),
        daily_date=daily_date,
        submitted_at=submitted_at,
        upvotes=e.pget("upvotes", int) or 0,
        num_comments=e.get("numComments", int) or 0,
        ai_summary=clean_text(e.pget("ai_summary", str)) or None,
        ai_keywords=_keywords(e),
        github_repo=e.pget("githubRepo", str) or None,
        github_stars=e.pget("githubStars", int),
        project_page=e.pget("projectPage", str) or None,
        thumbnail=e.get("thumbnail", str) or e.get("mediaUrl", str),
        media_urls=e.get("mediaUrls", list) or e.pget("mediaUrls", list) or [],
        organization=_account(e, "organization") or _account(e, "submitterOrganization"),
        submitted_by=_submitter(e),
        discussion_id=e.pget("discussionId", str),
        withdrawn_at=e.when("withdrawnAt", in_paper=True),
        sources=[source],
    )
    return _validated(e, fields)


def _validated(e: _Entry, fields: dict[str, Any]) -> Paper:
    try:
        return Paper(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        e.fail(pydantic_field(err["loc"]), err["msg"])


def _daily_date(e: _Entry, submitted_at: datetime | None, day: date | None) -> date:
    if submitted_at is not None:
        return submitted_at.date()
    if day is None:
        e.fail(
            "paper.submittedOnDailyAt",
            "missing, and no date was given (name the file YYYY-MM-DD.json or pass --date)",
        )
    return day


def _authors(e: _Entry) -> list[Author]:
    authors = []
    for i, raw in enumerate(e.pget("authors", list) or []):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            e.fail(f"paper.authors[{i}].name", "missing or not a string")
        name = clean_text(raw["name"])
        if not name:
            continue
        user = raw.get("user") if isinstance(raw.get("user"), dict) else {}
        handle = user.get("user") if isinstance(user.get("user"), str) else None
        authors.append(Author(name=name, hf_user=handle, hidden=raw.get("hidden") is True))
    return authors


def _keywords(e: _Entry) -> list[str]:
    words = e.pget("ai_keywords", list) or []
    return [clean_text(w) for w in words if isinstance(w, str) and clean_text(w)]


def _account(e: _Entry, key: str) -> Account | None:
    raw = e.pget(key, dict) or e.get(key, dict)
    if not raw or not isinstance(raw.get("name"), str):
        return None
    return Account(
        name=raw["name"], fullname=_str(raw.get("fullname")), avatar=_str(raw.get("avatar"))
    )


def _submitter(e: _Entry) -> Account | None:
    top = e.get("submittedBy", dict)
    if top and isinstance(top.get("name"), str):
        return Account(name=top["name"], fullname=_str(top.get("fullname")))
    inner = e.pget("submittedOnDailyBy", dict)
    if inner and isinstance(inner.get("user"), str):
        return Account(name=inner["user"], fullname=_str(inner.get("fullname")))
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# -- fetching ---------------------------------------------------------------------------------
PAGE_SIZE = 100  # the API's maximum; without ``limit`` it stops at 50
MAX_PAGES = 20  # no real day comes near 2,000 papers; stops a server that ignores ``p``


def daily_papers_url(endpoint: str) -> str:
    return f"{endpoint.rstrip('/')}/api/daily_papers"


def fetch_daily_papers(client, endpoint: str, day: date) -> tuple[list[Any], str, datetime | None]:
    """All entries the API lists for ``day`` (every page, until a short one), the URL asked, and
    when the server answered (its ``Date``; None without one).

    Entries are kept as listed, repeats included: ``parse_daily_papers`` merges them, as it
    does for a saved answer. Raises ``InputError`` when an answer is not a JSON array (an HTML
    error page, a truncated body), ``FetchError`` when the request fails after retries.
    """
    url = daily_papers_url(endpoint)
    entries: list[Any] = []
    seen: set[str] = set()
    times: list[datetime] = []
    for page in range(MAX_PAGES):
        params = {"date": day.isoformat(), "limit": PAGE_SIZE, "p": page}
        response = client.get(url, params=params)
        raw = load_json(response.content, str(response.url))
        if not isinstance(raw, list):
            raise InputError(str(response.url), f"expected a JSON array, got {_kind(raw)}")
        ids = {_entry_id(entry, len(entries) + i) for i, entry in enumerate(raw)}
        entries += raw
        times += filter(None, [response_time(response)])
        # A page with no new paper means a server that ignores ``p``: asking on would loop.
        if len(raw) < PAGE_SIZE or ids <= seen:
            break
        seen |= ids
    return entries, f"{url}?date={day.isoformat()}", max(times, default=None)


def fetch_trending(client, endpoint: str, limit: int) -> tuple[list[Any], str, datetime | None]:
    """Hugging Face's trending list as answered (``sort=trending`` ignores ``date``), the URL
    asked and when the server answered. Raises as ``fetch_daily_papers`` does."""
    url = daily_papers_url(endpoint)
    response = client.get(url, params={"sort": "trending", "limit": limit})
    raw = load_json(response.content, str(response.url))
    if not isinstance(raw, list):
        raise InputError(str(response.url), f"expected a JSON array, got {_kind(raw)}")
    return raw, f"{url}?sort=trending", response_time(response)


def parse_trending(
    raw: Any, *, where: str, fetched_at: datetime, ref: str | None = None, notes=None
) -> tuple[Trending | None, list[Paper]]:
    """A trending answer as the list it is (None when empty) and its papers, each on the day
    its entry names. They carry no ``feed_position``: a trending rank is not a day's feed."""
    papers = parse_daily_papers(raw, where=where, fetched_at=fetched_at, ref=ref, notes=notes)
    papers = [p.model_copy(update={"feed_position": None}) for p in papers]
    if not papers:
        return None, []
    listed = Trending(fetched_at=fetched_at, source=ref or where, papers=[p.id for p in papers])
    return listed, papers


def _entry_id(entry: Any, fallback: int) -> str:
    paper = entry.get("paper") if isinstance(entry, dict) else None
    paper_id = paper.get("id") if isinstance(paper, dict) else None
    # A malformed entry counts as new (its position is unique); parsing then reports it.
    return paper_id if isinstance(paper_id, str) else f"#{fallback}"
