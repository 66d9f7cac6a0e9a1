"""Time every stage of a full build at several archive sizes, and compare with a floor.

    python benchmarks/make_archive.py 5000 /tmp/arch-5000      # once per size (see that file)
    python benchmarks/build_scale.py /tmp/arch-5000 /tmp/arch-20000 /tmp/arch-50000

For each project (run in a fresh process, caches removed first): loading data/ (cold, then
from the cache), rendering (cold, then a second render with no change), the search index
(generator/search/, written to docs/search-index/), the MkDocs build, and
the total; per 1,000 papers; peak RSS of the process and of the build workers; output size;
and the floor: python-markdown (the site's extensions) plus a trivial Jinja template over the
same generated pages, in one process.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def one(project: Path) -> dict:
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    from generator.render.pages import render
    from generator.search import build_files, index_files
    from generator.settings import load_settings
    from generator.site.build import build_site
    from generator.store import Store

    settings = load_settings(project)
    docs = settings.generated_dir
    for stale in (settings.cache_dir, settings.path("site_dir"), docs):
        shutil.rmtree(stale, ignore_errors=True)
    store = Store(settings.path("data_dir"), cache=settings.cache_dir / "store")
    t_load, papers = timed(store.load_all)
    t_load_cached, _ = timed(lambda: Store(store.root, cache=store.cache).load_all())
    t_index, _ = timed(lambda: index_files(build_files(papers)))  # alone, for the table
    t_render, _ = timed(lambda: render(settings, papers, store.hashes, settings.cache_dir))
    t_rerender, again = timed(lambda: render(settings, papers, store.hashes, settings.cache_dir))
    t_mkdocs, site = timed(lambda: build_site(settings).path)
    t_floor = floor(docs, project / "floor-site")
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return {
        "papers": len(papers),
        "load": t_load,
        "load_cached": t_load_cached,
        "render": t_render,
        "rerender": t_rerender,
        "rerender_writes": again.written,
        "index": t_index,
        "mkdocs": t_mkdocs,
        "total": t_load + t_render + t_mkdocs,  # the render makes the index too
        "floor": t_floor,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "output_mb": size / 1e6,
    }


def floor(docs: Path, out: Path) -> float:
    """python-markdown + a trivial Jinja template over the generated pages, one process."""
    import markdown
    from jinja2 import Template

    shutil.rmtree(out, ignore_errors=True)
    template = Template("<!doctype html><title>{{ title }}</title><body>{{ content }}</body>")
    pages = sorted(docs.rglob("*.md"))
    start = time.perf_counter()
    md = markdown.Markdown(extensions=["toc"])
    for page in pages:
        html = md.reset().convert(page.read_text(encoding="utf-8"))
        target = out / page.relative_to(docs).with_suffix("") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(title=page.stem, content=html), encoding="utf-8")
    elapsed = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    return elapsed


def report(rows: list[dict]) -> None:
    head = (
        "papers",
        "load",
        "cached",
        "render",
        "re-render",
        "search index",
        "mkdocs",
        "total",
        "ms/paper",
        "floor",
        "×floor",
        "RSS MB",
        "workers MB",
        "site MB",
    )
    print(" | ".join(head))
    for r in rows:
        print(
            " | ".join(
                [
                    f"{r['papers']:,}",
                    f"{r['load']:.1f}",
                    f"{r['load_cached']:.1f}",
                    f"{r['render']:.1f}",
                    f"{r['rerender']:.1f} ({r['rerender_writes']} writes)",
                    f"{r['index']:.1f}",
                    f"{r['mkdocs']:.1f}",
                    f"{r['total']:.1f}",
                    f"{1000 * r['total'] / r['papers']:.2f}",
                    f"{r['floor']:.1f}",
                    f"{r['total'] / r['floor']:.2f}",
                    f"{r['rss_mb']:.0f}",
                    f"{r['rss_workers_mb']:.0f}",
                    f"{r['output_mb']:.0f}",
                ]
            )
        )
    if len(rows) > 1:
        small, big = rows[0], rows[-1]
        ratio = big["total"] / small["total"]
        times = big["papers"] / small["papers"]
        print(f"growth: {times:.0f}× the papers took {ratio:.1f}× the time")


def main() -> None:
    if sys.argv[1] == "--one":
        print(json.dumps(one(Path(sys.argv[2]))))
        return
    rows = []
    for project in sys.argv[1:]:
        out = subprocess.run(
            [sys.executable, __file__, "--one", project], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{project}: {rows[-1]['total']:.1f} s", file=sys.stderr)
    report(rows)


if __name__ == "__main__":
    main()
