"""The Daily Papers HTML page: the same entries as the API, as JSON in an attribute.

``https://huggingface.co/papers/date/YYYY-MM-DD`` renders ``<div data-target="DailyPapers"
data-props="{...}">`` whose (HTML-escaped) JSON holds ``dailyPapers``: a list shaped like the
API's answer. Used by ``papers import page.html`` and as the fetcher's fallback.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

from ...errors import InputError
from ..http import response_time


class _PropsFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.props: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.props is None and values.get("data-target") == "DailyPapers":
            self.props = values.get("data-props") or ""


def parse_daily_papers_html(text: str, where: str) -> list[Any]:
    """The raw entries (API shape) embedded in a Daily Papers page."""
    finder = _PropsFinder()
    finder.feed(text)
    finder.close()
    if finder.props is None:
        raise InputError(where, 'no <div data-target="DailyPapers"> (not a Daily Papers page?)')
    try:
        props = json.loads(finder.props)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"data-props is not valid JSON: {exc.msg}") from None
    papers = props.get("dailyPapers") if isinstance(props, dict) else None
    if not isinstance(papers, list):
        raise InputError(where, "data-props has no dailyPapers list", field="dailyPapers")
    return papers


def daily_page_url(endpoint: str, day: date) -> str:
    return f"{endpoint.rstrip('/')}/papers/date/{day.isoformat()}"


def fetch_daily_page(client, endpoint: str, day: date) -> tuple[str, str, datetime | None]:
    """The HTML of the day's page, its URL, and when the server answered (None if unknown)."""
    url = daily_page_url(endpoint, day)
    response = client.get(url)
    return response.text, url, response_time(response)
