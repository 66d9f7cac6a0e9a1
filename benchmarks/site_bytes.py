"""Where a built site's bytes go: per kind of page, and inside a paper page.

    python benchmarks/site_bytes.py /tmp/archive-50k/site

Sizes are apparent sizes, as ``du -sb`` counts them (GitHub Pages' limit is on the published
site): every file's length and every directory's own size (4 KB each on ext4, so a folder per
page costs a page's worth). Kinds are the site's top-level folders; top-level files are "other".
Inside paper pages, a seeded sample of 200 is cut into the parts the byte budget is argued over
(chrome, metadata written more than once, the article); the parts are found by the markup
Material and our templates write, and what no pattern claims is "rest".
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
from collections import defaultdict
from pathlib import Path

# (part, pattern): the first pattern to claim a byte has it (patterns are tried in this order
# over the page, and matched text is cut out before the next pattern runs).
PARTS = (
    ("JSON-LD", r'<script type="application/ld\+json">.*?</script>'),
    ("citation_* tags", r'<meta name="citation_[^>]*>'),
    ("Open Graph, Twitter tags", r'<meta (?:property="og:|name="twitter:)[^>]*>'),
    ("description tag", r'<meta name="description"[^>]*>'),
    ("feed links", r'<link rel="alternate feed"[^>]*>'),
    ("inline SVG icons", r"<svg.*?</svg>"),
    (
        "colour-scheme toggle",
        r'<button type="button" id="__palette".*?</button>\s*<script>.*?</script>',
    ),
    ("search box", r'<form class="papers-search".*?</form>'),
    ("site navigation", r'<nav class="md-nav md-nav--primary".*?</nav>'),
    ("table of contents", r'<nav class="md-nav md-nav--secondary".*?</nav>'),
    ("Material config", r'<script id="__config".*?</script>'),
    ("BibTeX", r'<h2 id="cite">.*?</pre>'),
    ("abstract", r'<h2 id="abstract">.*?(?=<h2 id="cite">|</article>)'),
    ("article, other", r"<article.*?</article>"),
    ("footer", r"<footer.*?</footer>"),
)


def apparent_sizes(site: Path) -> dict[str, list[int]]:
    """kind -> [files, bytes]: files' lengths and directories' own sizes."""
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for top, _dirs, names in os.walk(site):
        rel = Path(top).relative_to(site)
        kind = rel.parts[0] if rel.parts else "other"
        kinds[kind][1] += os.lstat(top).st_size
        for name in names:
            kinds[kind if rel.parts else "other"][0] += 1
            kinds[kind if rel.parts else "other"][1] += os.lstat(Path(top, name)).st_size
    return dict(kinds)


def paper_parts(site: Path, n: int = 200, seed: int = 1) -> tuple[float, dict[str, float]]:
    pages = sorted(p for p in (site / "papers").rglob("*.html"))
    sample = random.Random(seed).sample(pages, min(n, len(pages)))
    totals: dict[str, list[int]] = defaultdict(list)
    for page in sample:
        html = page.read_text(encoding="utf-8")
        totals["page"].append(len(html.encode()))
        for part, pattern in PARTS:
            found = re.findall(pattern, html, re.S)
            totals[part].append(sum(len(f.encode()) for f in found))
            html = re.sub(pattern, "", html, flags=re.S)
        totals["rest (chrome, head)"].append(len(html.encode()))
    return statistics.mean(totals.pop("page")), {k: statistics.mean(v) for k, v in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    args = parser.parse_args()
    kinds = apparent_sizes(args.site)
    total = sum(b for _, b in kinds.values())
    print("| kind | files | MB | KB per file |\n|---|---|---|---|")
    for kind, (files, size) in sorted(kinds.items(), key=lambda kv: -kv[1][1]):
        print(f"| {kind} | {files:,} | {size / 1e6:.1f} | {size / max(files, 1) / 1e3:.1f} |")
    files = sum(f for f, _ in kinds.values())
    print(f"| **all** | {files:,} | **{total / 1e6:.1f}** | |")
    papers = kinds.get("papers", [0, 0])[0]
    if papers:
        print(f"\n{total / papers / 1e3:.1f} KB per paper overall ({papers:,} paper pages)")
        mean, parts = paper_parts(args.site)
        print("\n| part of a paper page (mean of 200) | bytes |\n|---|---|")
        for part, size in sorted(parts.items(), key=lambda kv: -kv[1]):
            print(f"| {part} | {size:,.0f} |")
        print(f"| **page** | **{mean:,.0f}** |")


if __name__ == "__main__":
    main()
