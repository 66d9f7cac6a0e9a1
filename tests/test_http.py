"""The HTTP client's pieces, and the HTML page source."""

from __future__ import annotations

import itertools
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from generator.errors import InputError
from generator.ingest.http import RateLimiter, response_time, retry_after
from generator.ingest.importer import ImportOptions, import_paths
from generator.ingest.sources.hf_html import parse_daily_papers_html
from generator.store import Store

from .conftest import API_DIR
from .replay_server import daily_page_html


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Wed, 15 Oct 2025 14:03:00 GMT", datetime(2025, 10, 15, 14, 3, tzinfo=UTC)),
        ("Wed, 15 Oct 2025 16:03:00 +0200", datetime(2025, 10, 15, 14, 3, tzinfo=UTC)),
        ("Wed, 15 Oct 2025 14:03:00 -0000", datetime(2025, 10, 15, 14, 3, tzinfo=UTC)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_response_time_is_the_date_header(header, expected):
    response = httpx.Response(200, headers={"Date": header} if header else {})
    assert response_time(response) == expected


def test_retry_after_forms():
    assert retry_after("7") == 7.0
    assert retry_after("-3") == 0.0
    assert retry_after(None) is None and retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after(later) <= 31


def test_rate_limiter_spaces_calls_across_threads():
    limiter, stamps = RateLimiter(0.2), []

    def call() -> None:
        limiter.wait()
        stamps.append(time.monotonic())

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(stamps))


def test_html_page_gives_the_api_entries():
    entries = json.loads((API_DIR / "2025-04-11.json").read_text(encoding="utf-8"))
    assert parse_daily_papers_html(daily_page_html(entries), "page") == entries


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ("<html><body>Rate limited</body></html>", "no <div data-target"),
        ('<div data-target="DailyPapers" data-props="{oops"></div>', "not valid JSON"),
        ('<div data-target="DailyPapers" data-props="{}"></div>', "no dailyPapers list"),
    ],
)
def test_html_page_errors(page, problem):
    with pytest.raises(InputError, match=problem):
        parse_daily_papers_html(page, "page.html")


def test_import_a_saved_html_page(tmp_path):
    entries = json.loads((API_DIR / "2025-04-11.json").read_text(encoding="utf-8"))
    page = tmp_path / "2025-04-11.html"
    page.write_text(daily_page_html(entries), encoding="utf-8")
    store = Store(tmp_path / "data")
    result = import_paths(store, [page], ImportOptions())
    assert result.tally.new == len(entries) and not result.failures
    assert {s.kind for p in store.load_all() for s in p.sources} == {"hf-html"}
