"""Helpers for testing a built site as a visitor would: a local server, Debian's chromium via
Playwright, and the validators (axe, the Nu HTML Checker, linkchecker).

A missing tool fails the tests that need it, with the line that installs it (`make test` installs
every tool first: tools/setup-test-tools.sh). Only the fast subset, asked for explicitly
(``PAPERS_TESTS=fast``: `make test-fast`), skips them instead; with ``CI`` set they fail even then,
so CI never passes by skipping.
"""

from __future__ import annotations

import contextlib
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


SETUP = "make tools (as root on Debian; it runs tools/setup-test-tools.sh)"
APT = "sudo apt-get install -y --no-install-recommends"
NPM = "(cd tools && npm ci --ignore-scripts)"


def fast_subset() -> bool:
    """The fast subset was asked for explicitly (and this is not CI)."""
    return os.environ.get("PAPERS_TESTS") == "fast" and not os.environ.get("CI")


def require(available: bool, what: str, install: str = SETUP) -> None:
    """Fail when a tool is missing, naming how to install it; skip only in the fast subset."""
    if available:
        return
    if fast_subset():
        pytest.skip(f"{what} is not installed (PAPERS_TESTS=fast)")
    pytest.fail(
        f"{what} is missing: install it with: {install}; "
        "or run the fast subset, which skips the tests that need it: make test-fast",
        pytrace=False,
    )


def require_java_and_vnu() -> None:
    """The Nu HTML Checker: vnu.jar from npm (tools/node_modules), run with the system Java."""
    require(VNU_JAR.exists(), f"the Nu HTML Checker ({VNU_JAR})", install=NPM)
    require(shutil.which("java") is not None, "java", install=f"{APT} default-jre-headless")


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


@contextlib.contextmanager
def bundled_site(tmp_path_factory, name: str):
    """The bundled data's site, built in a fresh project, served on localhost."""
    from .conftest import bundled_project

    project = bundled_project(tmp_path_factory.mktemp(name) / "project", build=True)
    server = SiteServer(project / "site")
    try:
        yield server
    finally:
        server.close()


@contextlib.contextmanager
def offline_page(browser, site_url: str):
    """A page in a fresh browser profile that reaches only the site (other hosts, such as the
    cards' thumbnails, are refused); on leaving, it fails if a script raised on the page."""
    context = browser.new_context(base_url=site_url)
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(site_url) else r.abort()
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], errors
