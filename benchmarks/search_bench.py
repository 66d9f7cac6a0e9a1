"""What search costs a visitor: bytes downloaded and keystroke-to-results latency, in chromium.

    python benchmarks/search_bench.py site/                      # the bundled data's site
    python benchmarks/search_bench.py /tmp/archive-50k/site      # benchmarks/make_archive.py
    python benchmarks/search_bench.py SITE --pagefind  # a Pagefind bundle in SITE/pagefind

The site is served with gzip (benchmarks/serve_gzip.py), as static hosts serve it, to Debian's
chromium (Playwright), with a cold cache. Queries are typed into the header's search box one key
at a time, 120 ms apart (a fast typist), or with --whole each in one go, and figures are:

- first result: compressed bytes fetched from the first keystroke of the first query until its
  first results show (the search script, lunr.js, meta.json, dictionary shards, postings and
  display chunks; not the page itself);
- further query: bytes fetched for each later query, all its keystrokes included when typed
  (median and max);
- keystroke to results: from the input event to the results drawn, every keystroke that was
  not overtaken by the next one (p50, p95, max).

With --pagefind the same queries go through Pagefind's JS API (``pagefind.search`` and the
``data()`` of the first 8 results, what its UI shows), for the comparison in the README.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_gzip import GzipHandler

QUERIES = [
    "diffusion transformer",
    "large language model reasoning",
    "video generation",
    "reinforcement learning agents",
    "mixture of experts",
    "chain of thought",
    "gaussian splatting",
    "multimodal benchmark",
    "speculative decoding",
    "vision language action",
    "2501.1",
    "retrieval augmented generation",
]
KEY_DELAY_MS = 120


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Meter:
    """Compressed bytes of every response (body as sent plus headers), from Playwright; the
    meaning search's one-time download (``semantic/`` files, fetched by its worker) apart."""

    def __init__(self, page):
        self.bytes = 0
        self.semantic = 0
        page.context.on("requestfinished", self._count)  # the worker's requests too

    def _count(self, request) -> None:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if "/semantic/" in request.url:
            self.semantic += size
        else:
            self.bytes += size


def run_ours(page, url: str, whole: bool = False) -> dict:
    meter, marks = Meter(page), []
    page.expose_binding("papersMark", lambda source: marks.append(meter.bytes))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    meter.bytes = 0  # the page itself is not search's cost
    page.evaluate(
        "document.querySelector('form[data-papers-search]')"
        ".addEventListener('papers:results', () => papersMark(), {once: true})"
    )
    box, further = page.locator("#papers-q"), []
    download = None
    for n, query in enumerate(QUERIES):
        box.fill("")
        before = meter.bytes
        if whole:
            box.fill(query)  # one input event: the query as pasted, or submitted
        else:
            box.press_sequentially(query, delay=KEY_DELAY_MS)
        page.wait_for_function(
            "q => (papersSearch.timings.at(-1) || {}).query === q", arg=query, timeout=60_000
        )
        page.wait_for_load_state("networkidle")
        if n:
            further.append(meter.bytes - before)
        else:  # the first search starts the one-time download: wait for it, and time it
            started = page.evaluate("performance.now()")
            page.evaluate("papersSearch.meaning()")
            download = page.evaluate("performance.now()") - started
        # The merge of this query's results with the meaning ranking, when it comes.
        page.wait_for_function(
            "q => papersSearch.timings.some((t) => t.query === q && t.merged)",
            arg=query,
            timeout=60_000,
        )
    timings = [t["ms"] for t in page.evaluate("papersSearch.timings") if not t.get("merged")]
    merged = [t["ms"] for t in page.evaluate("papersSearch.timings") if t.get("merged")]
    return {
        "first": marks[0],
        "further": further,
        "timings": timings,
        "merged": merged[1:],  # the first waited for the download
        "semantic": meter.semantic,
        "download_ms": download,
    }


def run_pagefind(page, url: str, whole: bool = False) -> dict:
    meter = Meter(page)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    meter.bytes = 0
    page.evaluate("async () => { window.pf = await import('./pagefind/pagefind.js'); }")
    script = """async q => { const t = performance.now(); const s = await pf.search(q);
        await Promise.all(s.results.slice(0, 8).map(r => r.data()));
        return [performance.now() - t, s.results.length]; }"""
    timings, further, first = [], [], None
    for n, query in enumerate(QUERIES):
        before = meter.bytes
        for i in range(len(query) if whole else 1, len(query) + 1):  # key by key, or whole
            ms, found = page.evaluate(script, query[:i])
            timings.append(ms)
            if first is None and found:
                first = meter.bytes
            page.wait_for_timeout(KEY_DELAY_MS)
        if n:
            further.append(meter.bytes - before)
    return {"first": first or 0, "further": further, "timings": timings, "merged": []}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--pagefind", action="store_true")
    parser.add_argument("--whole", action="store_true", help="each query in one go, not typed")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    server, url = serve(args.site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            page = browser.new_context().new_page()
            result = (run_pagefind if args.pagefind else run_ours)(page, url, args.whole)
            browser.close()
    finally:
        server.shutdown()
    engine = ("pagefind" if args.pagefind else "papers") + (", whole queries" if args.whole else "")
    t = result["timings"]
    for query, size in zip(QUERIES[1:], result["further"], strict=True):
        print(f"  {size / 1024:7.0f} KB  {query}")
    print(
        f"{engine} {args.site}: first result after {result['first'] / 1024:.0f} KB; "
        f"further query median {statistics.median(result['further']) / 1024:.0f} KB, "
        f"max {max(result['further']) / 1024:.0f} KB; keystroke to results "
        f"p50 {percentile(t, 50):.0f} ms, p95 {percentile(t, 95):.0f} ms, max {max(t):.0f} ms "
        f"({len(t)} keystrokes, {len(QUERIES)} queries)"
    )
    if result["merged"]:
        m = result["merged"]
        print(
            f"meaning: one-time download {result['semantic'] / 1e6:.1f} MB as sent, waited "
            f"{result['download_ms'] / 1000:.1f} s after the first query; query to merged results "
            f"after it p50 {percentile(m, 50):.0f} ms, p95 {percentile(m, 95):.0f} ms, "
            f"max {max(m):.0f} ms ({len(m)} merges)"
        )


if __name__ == "__main__":
    main()
