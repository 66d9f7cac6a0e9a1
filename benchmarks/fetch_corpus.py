"""Fetch the whole corpus from a local replay server and compare with importing the files.

    python benchmarks/fetch_corpus.py [--corpus ../shared/corpus/hf-daily-papers]

Starts tests/replay_server.py on the corpus, runs `papers fetch --since 2024-05-27 --until
2026-03-05` in a fresh project, imports the same files into another, and checks that both hold
the same papers (every field but provenance). Prints time, requests and the comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.store import Store  # noqa: E402
from tests.conftest import make_project  # noqa: E402
from tests.replay_server import ReplayServer  # noqa: E402


def papers(project: Path, *args: str, env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "generator", "-C", str(project), "-q", *args],
        check=True,
        env=os.environ | env,
    )
    return time.monotonic() - started


def records(root: Path) -> dict[str, dict]:
    return {p.id: p.model_dump(exclude={"sources"}) for p in Store(root).load_all()}


def main() -> None:
    parser = argparse.ArgumentParser()
    corpus = ROOT.parent / "shared" / "corpus" / "hf-daily-papers"
    parser.add_argument("--corpus", type=Path, default=corpus)
    parser.add_argument("--since", default="2024-05-27")
    parser.add_argument("--until", default="2026-03-05")
    args = parser.parse_args()
    server = ReplayServer(args.corpus).start()
    env = {"HF_ENDPOINT": server.url}
    with tempfile.TemporaryDirectory() as tmp:
        fetched = make_project(Path(tmp) / "fetched", http_backoff=0.1)
        imported = make_project(Path(tmp) / "imported")
        t_fetch = papers(fetched, "fetch", "--since", args.since, "--until", args.until, env=env)
        t_import = papers(imported, "import", str(args.corpus), env=env)
        a, b = records(fetched / "data"), records(imported / "data")
    server.shutdown()
    same = a == b
    print(f"fetch: {len(a)} papers, {len(server.requests)} requests, {t_fetch:.1f} s")
    print(f"import: {len(b)} papers, {t_import:.1f} s")
    print(f"same papers (every field but provenance): {same}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
