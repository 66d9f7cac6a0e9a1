"""Serve a folder on 127.0.0.1 with gzip, as static hosts (GitHub Pages, Netlify) do.

    python benchmarks/serve_gzip.py site 8799

Benchmarks that measure transfer or page speed use this instead of `python -m http.server`,
which sends everything uncompressed.
"""

from __future__ import annotations

import gzip
import io
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
    "application/atom+xml",
    "application/rss+xml",
)


class GzipHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.is_file() and kind.startswith(COMPRESSIBLE)):
            return super().send_head()  # redirects, 404s, images, plain answers
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


def main() -> None:
    folder, port = sys.argv[1], int(sys.argv[2])
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(GzipHandler, directory=folder))
    server.serve_forever()


if __name__ == "__main__":
    main()
