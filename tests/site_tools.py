"""Helpers for testing a built site as a visitor would: a local server, Debian's chromium via
Playwright, and the validators (axe, the Nu HTML Checker, linkchecker).

A missing tool skips the tests that need it locally, and fails them when ``CI`` is set, so CI
never passes by skipping (`.ci/run` installs every tool).
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("PAPERS_CHROMIUM", "/usr/bin/chromium"))
VNU_JAR = ROOT / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require(available: bool, what: str) -> None:
    """Skip when a tool is missing, except in CI, where a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing (CI must install it: see .ci/run)")
    pytest.skip(f"{what} is not installed")


def require_java_and_vnu() -> None:
    require(shutil.which("java") is not None and VNU_JAR.exists(), "java and tools/ vnu.jar")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        # linkchecker keeps to 10 requests a second unless the server opts in with this header.
        self.send_header("LinkChecker", "allow")
        super().end_headers()


class SiteServer:
    """Serves a built site on 127.0.0.1 (a free port) from a background thread."""

    def __init__(self, site: Path):
        self.root = site
        handler = functools.partial(_QuietHandler, directory=str(site))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
