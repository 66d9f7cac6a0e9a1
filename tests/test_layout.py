"""The one layout (generator/layout.py): its URLs are the ones MkDocs gives the pages, and
moving a page kind is one edit that every link, feed, sitemap entry and script follows."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from mkdocs.structure.files import File

from generator import layout

from .conftest import ROOT, configure, make_project, papers

PLACES = [
    layout.paper("2501.00001"),
    layout.paper("title-0123456789ab"),
    layout.day(date(2025, 1, 2)),
    layout.period("2025-W01", "week"),
    layout.period("2025-01", "month"),
    layout.topic("category", "cs.CV"),
    layout.topic("org", "nvidia", 3),
    *layout.SECTIONS.values(),
]


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.source)
def test_each_url_is_the_one_mkdocs_gives_the_page(place):
    """As the papers plugin makes the File (a page of one thing is a file), MkDocs' own rule
    gives the layout's URL and output path."""
    folders = not place.source.startswith(layout.file_page_dirs())
    file = File(place.source, "generated", "site", use_directory_urls=folders)
    assert file.url == (place.url or "./")
    assert file.dest_uri == layout.output_path(place.source)
    assert layout.page_url(place.source) == place.url


def test_relative_links_between_pages():
    assert layout.relative("papers/b.html", "papers/a.html") == "b.html"
    assert layout.relative("papers/b.html", "date/2025-01-02.html") == "../papers/b.html"
    assert layout.relative("org/x/", "org/x/page/2/") == "../../"
    assert layout.relative("archive/", "") == "archive/"


def links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]+)"', html)


def test_moving_paper_pages_is_one_edit(tmp_path, monkeypatch):
    """``layout.PAPERS`` changed alone: pages, links, feeds, the sitemap and the URL template
    the scripts fill in all follow, and no link points at the old place."""
    monkeypatch.setattr(layout, "PAPERS", "paper")
    project = make_project(tmp_path / "p", site_url="https://example.org/dp/")
    configure(project, build_jobs=1)  # one process: the one patched here
    shutil.copytree(ROOT / "data", project / "data")
    assert papers(project, "build").exit_code == 0
    site = project / "site"
    ids = [p.stem for p in (ROOT / "data" / "papers").rglob("*.yaml")]
    assert ids and all((site / "paper" / f"{pid}.html").is_file() for pid in ids)
    assert not (site / "papers").exists()
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    hrefs = [h for page in pages for h in links(page) if not h.startswith("https://")]
    assert not [h for h in hrefs if re.search(r"(^|/)papers/", h)]
    assert any(re.search(r"(^|/)paper/[^/]+\.html$", h) for h in hrefs)
    for page in (site / "paper").glob("*.html"):  # related papers: siblings in the new folder
        for href in links(page.read_text(encoding="utf-8")):
            if href.endswith(".html") and "/" not in href:
                assert (site / "paper" / href).is_file(), (page.name, href)
    assert 'data-paper-url="paper/{id}.html"' in pages[0]
    atom = (site / "feeds" / "latest" / "atom.xml").read_text(encoding="utf-8")
    atom_links = re.findall(r'<link href="([^"]+)"', atom)
    assert any("https://example.org/dp/paper/" in h for h in atom_links)
    assert not [h for h in atom_links if "/papers/" in h]  # entry ids stay (layout.py)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"https://example.org/dp/paper/{ids[0]}.html" in sitemap and "/papers/" not in sitemap


def test_the_browser_scripts_write_no_page_url_of_their_own():
    """search.js and saved.js build page URLs from the header's templates only."""
    scripts = ROOT / "generator" / "theme" / "assets" / "javascripts"
    for name in ("search.js", "saved.js"):
        code = (scripts / name).read_text(encoding="utf-8")
        assert not re.search(r"(?<!huggingface\.co)[`\"'/]papers/|date/\$\{", code), name
        assert "dataset.paperUrl" in code, name


def test_the_layout_reaches_the_header():
    header = (ROOT / "generator" / "theme" / "partials" / "header.html").read_text()
    assert "{{ papers_urls.paper }}" in header and "{{ papers_urls.day }}" in header
    assert layout.browser() == {"paper": "papers/{id}.html", "day": "date/{day}.html"}


def test_nothing_else_writes_a_page_folder():
    """Outside layout.py no Python module, template or script spells a page kind's folder
    in a URL: the one-edit test above would miss a page kind that nothing links to."""
    offenders = []
    for path in sorted((ROOT / "generator").rglob("*")):
        if path.suffix not in {".py", ".j2", ".html", ".js"} or path.name == "layout.py":
            continue
        if "vendor" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0] if path.suffix == ".py" else line
            code = re.sub(r"``[^`]*``", "", code)  # docstrings' examples
            if re.search(r"""["'`{](papers|date|week|month|feeds)/""", code):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
