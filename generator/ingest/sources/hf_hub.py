"""Models, datasets and Spaces on the Hugging Face Hub that cite a paper.

The Hub tags a repository ``arxiv:<id>`` when its card links the paper, and its listing APIs
filter on tags: ``GET /api/models?filter=arxiv:<id>&sort=downloads&limit=N`` (likewise
``/api/datasets``; ``/api/spaces`` sorted by ``likes``: Spaces have no downloads). These are the
requests huggingface_hub's ``list_models``/``list_datasets``/``list_spaces`` send for
``filter=``, ``sort=``, ``limit=`` (it sends no ``direction`` since 1.0: the Hub sorts
descending). Each answer is a JSON array of objects whose fields ``ModelInfo``, ``DatasetInfo``
and ``SpaceInfo`` parse: ``id``, ``likes``, ``downloads`` (models and datasets), ``private``,
``disabled``, ``createdAt``, ``tags``, ...
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ...errors import InputError
from ...model import HubRepo
from ..http import response_time
from .hf_api import load_json

# kind -> (the listing's path, what it is sorted by)
LISTINGS: dict[str, tuple[str, str]] = {
    "models": ("api/models", "downloads"),
    "datasets": ("api/datasets", "downloads"),
    "spaces": ("api/spaces", "likes"),
}


def citing_url(endpoint: str, kind: str) -> str:
    return f"{endpoint.rstrip('/')}/{LISTINGS[kind][0]}"


def fetch_citing_repos(
    client, endpoint: str, kind: str, arxiv_id: str, limit: int
) -> tuple[Any, str, datetime | None]:
    """The Hub's raw answer listing the ``kind`` repositories tagged ``arxiv:<arxiv_id>`` (the
    first ``limit``, most downloaded or liked first), the URL asked, and when the server
    answered. Raises ``FetchError`` when the request fails after retries, ``InputError`` when
    the answer is not JSON."""
    params = {"filter": f"arxiv:{arxiv_id}", "sort": LISTINGS[kind][1], "limit": limit}
    response = client.get(citing_url(endpoint, kind), params=params)
    where = str(response.url)
    return load_json(response.content, where), where, response_time(response)


def parse_citing_repos(
    raw: Any, where: str, kind: str, limit: int, notes: list[str] | None = None
) -> list[HubRepo]:
    """The repositories of one answer, most downloaded (Spaces: most liked) first, at most
    ``limit``. An answer that is not a list is an error (it stores nothing); an entry that is
    private, disabled, or whose id or counts are not valid is left out with a note: ids end up
    in links, and a private repository (listed when a token is set) must not be published."""
    if not isinstance(raw, list):
        raise InputError(where, f"expected a JSON array, got {type(raw).__name__}")
    repos: dict[str, HubRepo] = {}
    for index, entry in enumerate(raw):
        repo = _repo(entry, kind)
        if repo is None:
            if notes is not None:
                notes.append(f"{where}: [{index}] left out (not public, or not a valid id)")
            continue
        repos.setdefault(repo.id, repo)
    return sorted(repos.values(), key=lambda r: _rank(r, kind))[:limit]


def _repo(entry: Any, kind: str) -> HubRepo | None:
    if not isinstance(entry, dict) or entry.get("private") or entry.get("disabled"):
        return None
    downloads = None if kind == "spaces" else entry.get("downloads")
    try:
        return HubRepo(id=entry.get("id"), downloads=downloads, likes=entry.get("likes") or 0)
    except ValidationError:
        return None


def _rank(repo: HubRepo, kind: str) -> tuple:
    # The Hub sorts already; sorting again makes the stored order, and so the record's bytes,
    # independent of how the server breaks ties.
    if kind == "spaces":
        return -repo.likes, repo.id
    return -(repo.downloads or 0), -repo.likes, repo.id
