"""An HTTP client that behaves: timeouts, bounded retries with backoff, politeness.

- Retries (tenacity) on connection errors, timeouts, 429 and 5xx, at most ``retries`` times,
  with exponential backoff and full jitter; a ``Retry-After`` header is honoured (capped).
- A ``User-Agent`` names the project; ``HF_TOKEN`` is sent to Hugging Face only, in a header,
  so it never appears in the URLs that logs and errors show.
- ``RateLimiter`` spaces requests to one host (arXiv asks for one call every 3 seconds).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
)

from .. import __version__
from ..errors import PapersError

log = logging.getLogger(__name__)

USER_AGENT = f"daily-papers/{__version__} (+https://github.com/daily-papers/daily-papers)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(PapersError):
    """A request that failed for good (after retries), naming the URL and what went wrong."""


class RetryableStatus(Exception):
    def __init__(self, response: httpx.Response):
        self.response = response
        super().__init__(f"HTTP {response.status_code}")


@dataclass(frozen=True)
class HttpOptions:
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 2.0  # first backoff in seconds; doubles each retry, with jitter
    backoff_max: float = 120.0  # also caps Retry-After


class RateLimiter:
    """At most one request per ``interval`` seconds, across threads."""

    def __init__(self, interval: float):
        self.interval, self._next, self._lock = interval, 0.0, threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            time.sleep(delay)


class Client:
    def __init__(self, options: HttpOptions, headers: dict[str, str] | None = None):
        self.options = options
        self.http = httpx.Client(
            timeout=options.timeout,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            follow_redirects=True,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, params: dict[str, Any] | None = None, limiter=None) -> httpx.Response:
        """GET with retries; returns a 2xx response or raises ``FetchError``."""
        retrying = Retrying(
            stop=stop_after_attempt(self.options.retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_retryable),
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            return retrying(self._get_once, url, params, limiter)
        except RetryableStatus as exc:
            raise FetchError(f"{exc.response.request.url}: {exc} after retries") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{exc.request.url}: {_describe(exc)}") from None

    def _get_once(self, url: str, params: dict[str, Any] | None, limiter) -> httpx.Response:
        if limiter is not None:
            limiter.wait()
        response = self.http.get(url, params=params)
        if response.status_code in RETRY_STATUSES:
            raise RetryableStatus(response)
        if response.is_error:
            raise FetchError(f"{response.request.url}: HTTP {response.status_code}")
        return response

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableStatus):
            after = retry_after(exc.response.headers.get("Retry-After"))
            if after is not None:
                return min(after, self.options.backoff_max)
        ceiling = min(
            self.options.backoff * 2 ** (state.attempt_number - 1), self.options.backoff_max
        )
        return random.uniform(0, ceiling)  # "full jitter"


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, RetryableStatus | httpx.TransportError)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def response_time(response: httpx.Response) -> datetime | None:
    """When the server answered, from its ``Date`` header (UTC); None if absent or unreadable.
    It is the capture time of a fetch: the server's clock, not ours, orders captures."""
    try:
        when = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError):
        return None
    # "-0000" (UTC, origin unknown) parses without a zone.
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    url = exc.response.request.url if isinstance(exc, RetryableStatus) else _request_url(exc)
    log.info("retrying %s after %s (attempt %d)", url, exc, state.attempt_number)


def _request_url(exc: BaseException | None) -> str:
    try:
        return str(exc.request.url)  # type: ignore[union-attr]
    except (AttributeError, RuntimeError):
        return "?"
