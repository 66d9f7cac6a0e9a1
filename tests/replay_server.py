"""A local HTTP server that replays recorded responses and injects faults, for fetch tests.

Routes (the real services' paths):

- ``/api/daily_papers?date=D&limit=L&p=P``: the recorded API answer ``<api_dir>/D.json``, paged
  as the API pages (``limit`` default 50); a day without a file answers ``[]``.
- ``/papers/date/D``: a Daily Papers HTML page whose ``data-props`` holds the same entries.
- ``/api/query?id_list=…`` or ``?search_query=ti:…``: arXiv Atom built from the entries of
  ``<arxiv_feed>``.
- ``/api/{models,datasets,spaces}?filter=arxiv:ID&sort=S&limit=L``: ``<hub_dir>/<kind>/ID.json``
  sorted by ``S`` (descending, as the Hub sorts) and cut to ``L``; ``[]`` without a file.

``server.faults[(route, key)]`` is a list of faults served, in order, before the real answer:
``("status", code, headers)``, ``("slow", seconds)``, ``("reset",)``, ``("truncate",)``,
``("html200",)``, ``("body", bytes)``. ``route`` is ``"api"``, ``"page"``, ``"arxiv"`` or
``"hub"``; ``key`` the date (``"kind:ID"`` for the Hub, ``"*"`` for every request of that
route). Every request is recorded in
``server.requests``. Every answer carries a ``Date`` header, as real servers' do (it is a
fetch's capture time): the current time, or ``server.date`` when a test sets it.

Run on its own to serve a whole corpus:
``python -m tests.replay_server --api-dir ../shared/corpus/hf-daily-papers --port 8123``.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import socket
import struct
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

_ENTRY = re.compile(r"<entry>.*?</entry>", re.S)
_ENTRY_ID = re.compile(r"<id>http://arxiv\.org/abs/(\d{4}\.\d{4,5})(?:v\d+)?</id>")
_ENTRY_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def daily_page_html(entries: list) -> str:
    """A Daily Papers page shaped like huggingface.co's: the entries in ``data-props``."""
    props = html.escape(json.dumps({"dailyPapers": entries, "sort": "publishedAt"}), quote=True)
    return (
        "<!doctype html><html><head><title>Daily Papers - Hugging Face</title></head><body>"
        f'<div class="SVELTE_HYDRATER contents" data-target="DailyPapers" data-props="{props}">'
        "</div></body></html>"
    )


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        api_dir: Path,
        arxiv_feed: Path | None = None,
        port: int = 0,
        hub_dir: Path | None = None,
        trending: Path | None = None,
    ):
        super().__init__(("127.0.0.1", port), _Handler)
        self.api_dir, self.arxiv_feed, self.hub_dir = Path(api_dir), arxiv_feed, hub_dir
        self.trending = trending  # the answer to ?sort=trending (none: an empty list)
        self.faults: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.date: str | None = None  # the Date header's value, instead of the current time
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> ReplayServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def next_fault(self, route: str, key: str) -> tuple | None:
        with self.lock:
            for k in ((route, key), (route, "*")):
                if self.faults.get(k):
                    return self.faults[k].pop(0)
        return None

    def day_entries(self, day: str) -> list:
        path = self.api_dir / f"{day}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []

    def hub_repos(self, kind: str, arxiv_id: str) -> list:
        path = self.hub_dir / kind / f"{arxiv_id}.json" if self.hub_dir else None
        return json.loads(path.read_text(encoding="utf-8")) if path and path.exists() else []

    def arxiv_entries(self) -> list[str]:
        return (
            _ENTRY.findall(self.arxiv_feed.read_text(encoding="utf-8")) if self.arxiv_feed else []
        )


class _Handler(BaseHTTPRequestHandler):
    server: ReplayServer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        # send_response() sends Date from this; a test can fix it to check capture times.
        return self.server.date or super().date_time_string(timestamp)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        with self.server.lock:
            self.server.requests.append((parts.path, query, dict(self.headers)))
        route, key, body, kind = self._route(parts.path, query)
        fault = self.server.next_fault(route, key)
        if fault is not None and self._fault(fault, body, kind):
            return
        self._send(200, body, kind)

    def _route(self, path: str, query: dict) -> tuple[str, str, bytes, str]:
        if path == "/api/daily_papers" and query.get("sort") == ["trending"]:  # ignores date
            listed = json.loads(self.server.trending.read_text()) if self.server.trending else []
            limit = int(query.get("limit", ["50"])[0])
            return "trending", "*", json.dumps(listed[:limit]).encode(), "application/json"
        if path == "/api/daily_papers":
            day = query.get("date", [""])[0]
            limit, page = int(query.get("limit", ["50"])[0]), int(query.get("p", ["0"])[0])
            entries = self.server.day_entries(day)[page * limit : (page + 1) * limit]
            return "api", day, json.dumps(entries).encode(), "application/json"
        if path.startswith("/papers/date/"):
            day = path.rsplit("/", 1)[1]
            page = daily_page_html(self.server.day_entries(day))
            return "page", day, page.encode(), "text/html; charset=utf-8"
        if path in ("/api/models", "/api/datasets", "/api/spaces"):
            return self._hub(path.rsplit("/", 1)[1], query)
        if path == "/api/query":
            return "arxiv", "*", self._atom(query).encode(), "application/atom+xml"
        return "none", path, b"not found", "text/plain"

    def _hub(self, kind: str, query: dict) -> tuple[str, str, bytes, str]:
        tag = query.get("filter", [""])[0]
        arxiv_id = tag.removeprefix("arxiv:") if tag.startswith("arxiv:") else ""
        repos = self.server.hub_repos(kind, arxiv_id) if arxiv_id else []
        if "sort" in query:
            repos.sort(key=lambda r: r.get(query["sort"][0]) or 0, reverse=True)
        repos = repos[: int(query.get("limit", ["1000"])[0])]
        return "hub", f"{kind}:{arxiv_id}", json.dumps(repos).encode(), "application/json"

    def _atom(self, query: dict) -> str:
        entries = self.server.arxiv_entries()
        if "id_list" in query:
            wanted = set(query["id_list"][0].split(","))
            entries = [e for e in entries if _ENTRY_ID.search(e)[1] in wanted]
        else:
            words = re.findall(r"ti:(\S+)", query.get("search_query", [""])[0])
            entries = [e for e in entries if all(w.lower() in _title(e) for w in words)]
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            '  <title type="html">ArXiv Query</title>\n  <id>http://arxiv.org/api/replay</id>\n'
            "  <updated>2026-03-06T00:00:00-05:00</updated>\n  "
            + "\n  ".join(entries)
            + "\n</feed>\n"
        )

    def _fault(self, fault: tuple, body: bytes, kind: str) -> bool:
        """Serve a fault; False when the fault only delays the real answer."""
        name = fault[0]
        if name == "status":
            self._send(
                fault[1],
                b'{"error": "injected"}',
                "application/json",
                fault[2] if len(fault) > 2 else {},
            )
        elif name == "slow":
            time.sleep(fault[1])
            return False
        elif name == "reset":
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif name == "truncate":
            self._send(200, body[: max(1, len(body) // 2)], kind, length=len(body) // 2)
        elif name == "html200":
            self._send(200, b"<!doctype html><h1>Something went wrong</h1>", "text/html")
        elif name == "body":
            self._send(200, fault[1], kind)
        return True

    def _send(
        self,
        status: int,
        body: bytes,
        kind: str,
        headers: dict | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _title(entry: str) -> str:
    return _ENTRY_TITLE.search(entry)[1].lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--api-dir", type=Path, required=True)
    parser.add_argument("--arxiv-feed", type=Path)
    parser.add_argument("--hub-dir", type=Path)
    parser.add_argument("--port", type=int, default=8123)
    args = parser.parse_args()
    server = ReplayServer(args.api_dir, args.arxiv_feed, args.port, args.hub_dir)
    print(f"serving {args.api_dir} on {server.url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
