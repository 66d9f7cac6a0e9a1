"""The site built from the hostile corpus, visited in chromium: no payload ever runs, every
payload shows as literal text, URL fields are linked only when they are http(s)."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlparse

import bibtexparser
import feedparser
import pytest
import rispy
from playwright.sync_api import expect

from generator.ingest.importer import ImportOptions, import_paths
from generator.model import clean_text
from generator.render.archive import week_key
from generator.store import Store

from .conftest import FIXTURES, make_project, papers
from .site_tools import SiteServer, offline_page

pytestmark = pytest.mark.slow
HOSTILE = FIXTURES / "hostile" / "2025-06-02.json"
# Every way a page could run code: dialogs, printing, navigation to a script URL.
TRAP = """
window.__ran = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => { window.__ran.push(name + ":" + args.join(",")); };
}
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("hostile") / "site"
    site.mkdir()
    server = SiteServer(site)
    project = make_project(site.parent / "project", site_url=server.url)
    import_paths(Store(project / "data"), [HOSTILE], ImportOptions())
    assert papers(project, "build", "--site-dir", str(site)).exit_code == 0
    yield server.url, site
    server.close()


def visible(text: str) -> str:
    """What a visitor should see: whitespace collapsed, control characters as U+FFFD."""
    shown = "".join("\ufffd" if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F else c for c in text)
    return " ".join(shown.split())


def test_no_payload_runs_and_every_payload_is_literal(hostile_site, browser):
    url, _ = hostile_site
    entries = json.loads(HOSTILE.read_text(encoding="utf-8"))
    day = "2025-06-02"
    pages = [
        "",
        f"date/{day}.html",
        f"week/{week_key(date(2025, 6, 2))}.html",
        "month/2025-06.html",
        "archive/",
        "topics/",
        "stats/",
        "about/",
        "404.html",
    ]
    pages += [f"papers/{e['paper']['id']}.html" for e in entries]
    dialogs, errors = [], []
    context = browser.new_context(base_url=url)
    context.add_init_script(TRAP)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in pages:
        page.goto(path)
        page.mouse.move(200, 300)
        page.mouse.wheel(0, 5000)
        assert page.evaluate("window.__ran") == [], path
        # A name's link to its author query holds the name (evil.example too): not a link
        # to elsewhere.
        bad = page.evaluate("""() => [...document.querySelectorAll('[href],[src]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src'))
            .filter(v => /^\\s*(javascript|data|vbscript):|^\\/\\/|evil\\.example/i.test(v))
            .filter(v => !v.startsWith(location.origin + "/search/?q=author"))""")
        assert bad == [], (path, bad)
        assert page.locator("iframe").count() == 0, path
        assert page.locator("[onerror],[onload],[onclick],[onmouseover]").count() == 0, path
    for entry in entries:
        page.goto(f"papers/{entry['paper']['id']}.html")
        title = clean_text(entry["title"])
        if "$" not in title:  # titles with LaTeX render as maths
            assert page.locator("h1").inner_text() == visible(title)
        abstract = page.locator("article").inner_text()
        if "$" not in entry["summary"] and len(entry["summary"]) < 200:
            assert visible(clean_text(entry["summary"])) in " ".join(abstract.split())
    good = page.goto(f"papers/{entries[-1]['paper']['id']}.html")
    assert good.ok
    context.close()
    assert dialogs == [] and errors == []


def test_only_http_urls_are_linked(hostile_site):
    from bs4 import BeautifulSoup

    _, site = hostile_site
    entries = json.loads(HOSTILE.read_text(encoding="utf-8"))
    for entry in entries:
        page = site / "papers" / f"{entry['paper']['id']}.html"
        soup = BeautifulSoup(page.read_text(), "html.parser")
        hrefs = [a["href"] for a in soup.select("article a[href]")]
        repo = entry["paper"]["githubRepo"]
        if repo == "https://ok.example/project":
            assert repo in hrefs
        unsafe = ("javascript:", "data:", "vbscript:", "//")
        assert not any(h.lower().lstrip().startswith(unsafe) for h in hrefs)


def test_feeds_of_hostile_text_parse(hostile_site):
    _, site = hostile_site
    for path in (site / "feeds").rglob("*.xml"):
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))


def test_citation_files_of_hostile_text_parse(hostile_site):
    """Every hostile title and name is one field of one entry, in BibTeX and in RIS."""
    _, site = hostile_site
    cited: dict[str, int] = {}
    for path in site.rglob("*.bib"):
        library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
        assert not library.failed_blocks, (path, [b.error for b in library.failed_blocks])
        records = rispy.loads(path.with_suffix(".ris").read_text(encoding="utf-8"))
        assert [r["id"] for r in records] == [e.key for e in library.entries], path
        cited[path.relative_to(site).as_posix()] = len(library.entries)
    papers_ = len(list((site / "papers").glob("*.html")))
    assert cited["date/2025-06-02.bib"] == papers_ > 1  # the one day: every paper, once


@pytest.fixture
def trapped_page(hostile_site, browser):
    """An offline page of the hostile site on which a payload that runs is recorded."""
    with offline_page(browser, hostile_site[0]) as page:
        page.add_init_script(TRAP)
        yield page


def test_search_results_show_hostile_text_literally(trapped_page):
    """search.js builds results with textContent only: payloads in titles, authors and the
    highlighted words stay text, in the header's panel and on the search page."""
    _search_results(trapped_page, json.loads(HOSTILE.read_text(encoding="utf-8")))


def _search_results(page, entries) -> None:
    page.goto("")
    shown = 0
    for entry in entries:
        if "$" in entry["title"]:
            continue  # maths: the page shows MathML, the search result the TeX source
        page.fill("#papers-q", entry["paper"]["id"])
        first = page.locator(".papers-search__list a").first
        expect(first).to_have_text(visible(clean_text(entry["title"])))
        shown += 1
    assert shown > 10
    page.goto("search/?q=script")
    page.locator("#papers-search-results li").first.wait_for()
    assert page.evaluate("window.__ran") == []
    assert page.locator("#papers-search-results [onerror], #papers-search-results img").count() == 0


def test_hostile_author_names_are_linked_as_text(trapped_page):
    """authors.js turns every name on a paper page into a link with textContent only: each
    hostile name is one link whose text is the name as the page showed it, whose query is that
    name, and nothing it holds runs or becomes markup."""
    _author_links(trapped_page, json.loads(HOSTILE.read_text(encoding="utf-8")))


def _author_links(page, entries) -> None:
    linked = 0
    for entry in entries:
        page.goto(f"papers/{entry['paper']['id']}.html")
        box = page.locator(".paper-authors")
        if not box.count():
            continue
        names = page.locator('meta[name="citation_author"]').evaluate_all(
            "els => els.map(e => e.content)"
        )
        links = box.locator("a.paper-author")
        expect(links.last).to_have_text(names[-1])  # "Author N": authors.js has run
        texts = links.all_text_contents()
        assert texts == [n for n in names if n in texts]  # in order, each whole
        for link in links.all():
            query = parse_qs(urlparse(link.get_attribute("href")).query)["q"][0]
            assert query.startswith('author:"') and query.endswith('"')
        assert box.locator("script, img, svg, iframe, [onerror], [onclick]").count() == 0
        linked += len(texts)
    assert linked > len(entries)  # the hostile names were linked, not only "Author N"
    assert page.evaluate("window.__ran") == []
