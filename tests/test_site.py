"""The built website, tested as a visitor: Debian's chromium driven by Playwright, axe on every
page kind, the Nu HTML Checker and linkchecker over the whole site, feedparser on every feed.

The site is built once from the real fixtures, enriched with arXiv categories through the
replay server, so every page kind exists.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import bibtexparser
import feedparser
import pytest
from playwright.sync_api import expect

from generator.ingest.importer import ImportOptions, import_paths
from generator.settings import load_settings
from generator.store import Store

from .conftest import API_DIR, ARXIV_FEED, HUB_DIR, SEED, make_project, papers
from .replay_server import ReplayServer
from .site_tools import VNU_JAR, SiteServer, require, require_java_and_vnu

pytestmark = pytest.mark.slow

LINKCHECKER_RC = Path(__file__).parent / "fixtures" / "linkcheckerrc"
PAGE_KINDS = {
    "front": "",
    "date": "date/2025-10-15.html",
    "week": "week/2025-W42.html",
    "month": "month/2025-10.html",
    "paper": "papers/2510.12586.html",
    "paper-long-authors": "papers/2501.14249.html",
    "paper-title-only": None,  # filled in by the fixture
    "archive": "archive/",
    "topics": "topics/",
    "category": "category/cs.CV/",
    "organisation": "org/GD-ML/",
    "stats": "stats/",
    "about": "about/",
    "search": "search/",
    "saved": "saved/",
    "404": "404.html",
}


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """The server first, so the site can be built for its URL (404.html needs absolute URLs)."""
    site = tmp_path_factory.mktemp("site") / "site"
    site.mkdir()
    server = SiteServer(site)
    yield server
    server.close()


@pytest.fixture(scope="session")
def built(served) -> tuple[Path, Path]:
    """A project with the fixtures imported and enriched, and its site built into ``served``."""
    site = served.root
    project = make_project(site.parent / "project", site_url=served.url, arxiv_interval=0)
    store = Store(load_settings(project).path("data_dir"))
    import_paths(store, [API_DIR], ImportOptions())
    import_paths(store, [SEED], ImportOptions(year=2025))
    server = ReplayServer(API_DIR, ARXIV_FEED, hub_dir=HUB_DIR).start()
    env = {"PAPERS_ARXIV_ENDPOINT": f"{server.url}/api/query", "HF_ENDPOINT": server.url}
    assert papers(project, "enrich", env=env).exit_code == 0
    # The models, datasets and Spaces citing the papers of a day (hand-made listings).
    assert papers(project, "hub", "--date", "2025-10-15", env=env).exit_code == 0
    server.shutdown()
    assert papers(project, "build", "--site-dir", str(site)).exit_code == 0
    title_only = next(p for p in store.load_all() if p.is_title_only)
    PAGE_KINDS["paper-title-only"] = f"papers/{title_only.id}.html"
    return project, site


@pytest.fixture(scope="session")
def url(served, built) -> str:
    return served.url


@pytest.fixture
def page(browser, url):
    context = browser.new_context(base_url=url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    outside: list[str] = []

    def route(r):  # nothing leaves the machine; note what tried to
        if r.request.url.startswith(url):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.outside = outside
    yield page
    context.close()


# -- as a visitor ----------------------------------------------------------------------------
def test_front_page_to_a_day_to_a_paper_and_between_days(page):
    page.goto("/")
    latest = page.get_by_role("link", name="All papers of Thursday, 5 March 2026")
    latest.click()
    page.wait_for_url("**/date/2026-03-05.html")
    cards = page.locator("article.paper-card")
    expect(cards).to_have_count(13)
    first = cards.first.locator(".paper-card__title a")
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/papers/*.html")
    expect(page.locator("h1")).to_have_text(title)
    page.get_by_role("link", name="All papers of Mar 5").click()
    page.wait_for_url("**/date/2026-03-05.html")
    page.locator("nav.day-nav a[rel=prev]").click()
    page.wait_for_url("**/date/2025-10-15.html")
    page.locator("nav.day-nav a[rel=next]").click()
    page.wait_for_url("**/date/2026-03-05.html")


def test_expand_a_long_author_list(page):
    """Ten names, then "and 654 more" opens the other 654 on the same line (the page holds
    each name once), by mouse or keyboard."""
    page.goto("papers/2501.14249.html")
    authors = page.locator(".paper-authors")
    details = authors.locator("details")
    expect(details.locator("summary")).to_have_text("and 654 more")

    def shown() -> list[str]:  # innerText: what is rendered, so not a closed disclosure's rest
        return " ".join(authors.inner_text().split()).split(" and 654 more")

    first, rest = shown()
    assert len(first.split(", ")) == 10 and rest == ""
    details.locator("summary").click()
    first, rest = shown()
    names = first.split(", ") + rest.strip().split(", ")
    cited = page.locator("meta[name=citation_author]")
    assert names == [cited.nth(i).get_attribute("content") for i in range(cited.count())]
    assert len(names) == 664
    details.locator("summary").click()
    assert shown()[1] == ""
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    assert len(shown()[1].split(", ")) == 654
    page.keyboard.press("Space")
    expect(details).not_to_have_attribute("open", "")


SCHEME = "document.body.getAttribute('data-md-color-scheme')"


def material_choice(index: int) -> dict:
    """What Material's own toggle stored for mkdocs.yml's palette option ``index`` (the format
    palette.js keeps, so either reads the other's)."""
    media, scheme = [("light", "default"), ("dark", "slate")][index]
    color = {"media": f"(prefers-color-scheme: {media})", "scheme": scheme}
    return {"index": index, "color": {**color, "primary": "indigo", "accent": "indigo"}}


def test_switch_the_colour_scheme_and_keep_it(page):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def console(message) -> None:  # Material's bundle without its palette form: no error
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)  # (but the thumbnails this test's browser blocks)

    page.on("console", console)
    page.goto("papers/2510.12586.html")
    toggle = page.get_by_role("button", name="Dark mode")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.evaluate(SCHEME) == "default"
    page.emulate_media(color_scheme="dark")  # nothing stored yet: it follows the system
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.emulate_media(color_scheme="light")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.evaluate(SCHEME) == "default"
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(SCHEME) == "slate"
    assert page.evaluate("__md_get('__palette')") == material_choice(1)
    assert page.locator("meta[name=color-scheme]").get_attribute("content") == "dark"
    page.reload()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(SCHEME) == "slate"
    page.goto("date/2025-10-15.html")  # every page: the choice is stored for the whole site
    assert page.evaluate(SCHEME) == "slate"
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.evaluate(SCHEME) == "default"
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(SCHEME) == "slate"
    assert not errors, errors


@pytest.mark.parametrize("system", ["light", "dark"])
def test_the_scheme_applies_before_any_script_file_loads(browser, url, system):
    """No flash of the wrong scheme: the header's inline script applies a stored choice (in
    Material's format), or else the system's, with palette.js and Material's bundle blocked."""
    context = browser.new_context(base_url=url, color_scheme=system)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    page = context.new_page()
    page.goto("papers/2510.12586.html")
    page.route("**/*.js", lambda r: r.abort())
    page.reload()
    toggle = page.get_by_role("button", name="Dark mode")
    expect(toggle).to_be_visible()
    pressed = "true" if system == "dark" else "false"
    expect(toggle).to_have_attribute("aria-pressed", pressed)
    assert page.evaluate(SCHEME) == ("slate" if system == "dark" else "default")
    choice = material_choice(0 if system == "dark" else 1)  # the other one
    page.evaluate("choice => __md_set('__palette', choice)", choice)
    page.reload()
    assert page.evaluate(SCHEME) == choice["color"]["scheme"]
    expect(toggle).to_have_attribute("aria-pressed", "true" if choice["index"] else "false")
    context.close()


def test_without_javascript_there_is_no_toggle(browser, url):
    context = browser.new_context(base_url=url, java_script_enabled=False)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    page = context.new_page()
    page.goto("papers/2510.12586.html")
    expect(page.locator("#__palette")).to_be_hidden()
    context.close()


SECTIONS = ["Home", "Trending", "Archive", "Topics", "Stats", "Search", "Saved", "About"]


def test_the_header_holds_the_sections_and_a_paper_page_no_side_navigation(page):
    page.goto("papers/2510.12586.html")
    sections = page.get_by_role("navigation", name="Sections")
    expect(sections.get_by_role("link")).to_have_text(SECTIONS)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()  # a wide screen
    expect(page.locator(".md-sidebar")).to_have_count(0)  # issue 23: no side nav, no TOC
    sections.get_by_role("link", name="Archive").click()
    page.wait_for_url("**/archive/")
    current = page.get_by_role("navigation", name="Sections").locator("[aria-current=page]")
    expect(current).to_have_text("Archive")
    expect(page.get_by_role("navigation", name="Table of contents")).to_be_visible()


def phone(browser, url, **options):
    context = browser.new_context(
        base_url=url, viewport={"width": 375, "height": 800}, is_mobile=True, **options
    )
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    return context


def test_on_a_phone_the_sections_open_from_the_menu_and_escape_closes_it(browser, url):
    context = phone(browser, url, has_touch=True)
    page = context.new_page()
    page.goto("papers/2510.12586.html")
    menu = page.get_by_role("button", name="Menu")
    archive = page.get_by_role("navigation", name="Sections").get_by_role("link", name="Archive")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(archive).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(archive).to_be_visible()
    page.keyboard.press("Escape")
    expect(archive).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    page.mouse.click(180, 760)  # a press elsewhere, below the open menu, closes it
    expect(archive).to_be_hidden()
    menu.click()
    archive.click()
    page.wait_for_url("**/archive/")
    context.close()


def test_on_a_phone_without_javascript_the_sections_are_a_row(browser, url):
    context = phone(browser, url, java_script_enabled=False)
    page = context.new_page()
    page.goto("papers/2510.12586.html")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    sections = page.get_by_role("navigation", name="Sections")
    expect(sections.get_by_role("link", name="Archive")).to_be_visible()
    context.close()


def test_skip_to_content_with_the_keyboard(page):
    page.goto("papers/2510.12586.html")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    heading = page.locator("h1").get_attribute("id")
    page.wait_for_url(f"**/papers/2510.12586.html#{heading}")


def test_copy_the_bibtex(page):
    page.goto("papers/2510.12586.html")
    block = page.locator("pre.bibtex")
    block.hover()
    block.get_by_role("button", name="Copy to clipboard").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == block.locator("code").inner_text()
    assert copied.startswith("@misc{lei2025advancing,")
    assert "primaryClass  = {cs.CV}" in copied and "eprint        = {2510.12586}" in copied


def test_open_topic_pages_from_a_paper(page):
    page.goto("papers/2510.12586.html")
    page.get_by_role("link", name="AMAP-ML").click()
    page.wait_for_url("**/org/GD-ML/")
    expect(page.get_by_role("link", name="Advancing End-to-End Pixel Space")).to_have_count(1)
    page.goto("papers/2510.12586.html")
    page.get_by_role("link", name="cs.LG").click()
    page.wait_for_url("**/category/cs.LG/")
    expect(page.locator("ol.paper-list li")).to_have_count(1)


def test_open_a_related_paper(page):
    """The paper page lists its most similar papers; one opens that paper's page, which lists
    related papers of its own, and never itself."""
    page.goto("papers/2510.12586.html")
    expect(page.get_by_role("heading", name="Related papers")).to_be_visible()
    links = page.locator("ul.paper-related a")
    assert 1 <= links.count() <= 6
    title = links.first.inner_text()
    links.first.click()
    page.wait_for_url("**/papers/*.html")
    expect(page.locator("h1")).to_have_text(title)
    own = page.locator("ul.paper-related a")
    assert own.count() >= 1
    hrefs = [own.nth(i).get_attribute("href") for i in range(own.count())]
    assert page.url.rsplit("/", 1)[1] not in hrefs


def test_the_hub_repositories_citing_a_paper(page):
    """What `papers hub` stored (hand-made listings) shows on the paper page, linked to the
    Hub; a paper the Hub lists nothing for has no such section."""
    page.goto("papers/2510.12586.html")
    expect(page.get_by_role("heading", name="On the Hub")).to_be_visible()
    links = page.locator("ul.paper-hub a[href^='https://huggingface.co/']")
    assert links.count() >= 3
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any("/datasets/" in h for h in hrefs) and any("/spaces/" in h for h in hrefs)
    page.goto(PAGE_KINDS["paper-long-authors"])
    expect(page.get_by_role("heading", name="On the Hub")).to_have_count(0)


def test_feed_links_lead_to_valid_feeds(page):
    page.goto("org/GD-ML/")
    # "alternate feed", not bare "alternate": Material reads every link[rel=alternate] as a
    # translation of the site and fetches a sitemap.xml next to it.
    links = page.locator('link[rel="alternate feed"]')
    kinds = {links.nth(i).get_attribute("type") for i in range(links.count())}
    assert kinds == {"application/atom+xml", "application/rss+xml", "application/feed+json"}
    href = page.get_by_role("link", name="Atom").get_attribute("href")
    response = page.goto(href)
    assert response.ok
    body = response.body()
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.entries[0].link.endswith("/papers/2510.12586.html")


def test_cite_all_the_papers_of_a_day(page):
    """The day's BibTeX file downloads and holds the day's papers, in the page's order, with
    the keys their own pages cite them by."""
    page.goto("date/2025-10-15.html")
    cards = page.locator("article.paper-card .paper-card__title a")
    shown = [cards.nth(i).get_attribute("href").split("/")[-1][:-5] for i in range(cards.count())]
    cite = page.locator("p.cite-links")
    expect(cite).to_contain_text(f"Cite all {len(shown)} papers: BibTeX · RIS")
    with page.expect_download() as info:
        cite.get_by_role("link", name="BibTeX").click()
    download = info.value
    assert download.suggested_filename == "2025-10-15.bib"
    library = bibtexparser.parse_string(Path(download.path()).read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert [e["eprint"] for e in library.entries] == shown
    page.goto(f"papers/{shown[0]}.html")
    assert (
        page.locator("pre.bibtex code").inner_text().startswith(f"@misc{{{library.entries[0].key},")
    )


def test_subscribe_to_every_feed_with_the_opml_file(page, built):
    _, site = built
    page.goto("topics/")
    link = page.get_by_role("link", name="All feeds as OPML, for a feed reader")
    response = page.request.get(page.url + link.get_attribute("href"))
    assert response.ok
    root = ElementTree.fromstring(response.body())
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    base = page.url.removesuffix("topics/")
    topics = page.locator("ul.topic-list li")
    assert len(urls) == 1 + topics.count()  # the latest papers, and every topic
    for url in urls:
        assert url.startswith(base)
        ElementTree.parse(site / url.removeprefix(base))  # there, and valid XML


def test_hostile_text_shows_literally_and_math_renders(page):
    page.goto("papers/2504.07128.html")
    assert (
        page.locator("h1").inner_text()
        == "DeepSeek-R1 Thoughtology: Let's <think> about LLM Reasoning"
    )
    assert "<think>" in page.title()
    page.goto("papers/2507.03745.html")
    assert "<a href=" in page.locator("article").inner_text()
    page.goto("papers/2406.14347.html")
    assert page.locator("h1 math msup").count() == 1
    page.goto("papers/2502.12115.html")
    assert "Earn $1 Million" in page.locator("h1").inner_text()
    assert page.locator("h1 math").count() == 0


def test_no_third_party_requests_but_thumbnails(page):
    for path in [p for p in PAGE_KINDS.values() if p]:
        page.goto(path)
        page.mouse.wheel(0, 20000)
    hosts = {url.split("/")[2] for url in page.outside}
    assert hosts <= {"cdn-thumbnails.huggingface.co"}


def test_mobile_layout_does_not_overflow(browser, url):
    context = browser.new_context(
        base_url=url, viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True
    )
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    page = context.new_page()
    for path in ("", "date/2025-10-15.html", "papers/2501.14249.html", "stats/", "search/?q=model"):
        page.goto(path)
        page.wait_for_load_state("networkidle")  # the search page fills its lists late
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
    context.close()


def test_paper_page_metadata(built):
    _, site = built
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site / "papers/2510.12586.html").read_text(), "html.parser")
    meta = [(m["name"], m["content"]) for m in soup.select("meta[name^=citation_]")]
    names = dict(meta)
    assert names["citation_title"].startswith("Advancing End-to-End Pixel Space Generative")
    assert [v for k, v in meta if k == "citation_author"][:2] == ["Jiachen Lei", "Keli Liu"]
    assert len([k for k, _ in meta if k == "citation_author"]) == 7
    assert names["citation_publication_date"] == "2025/10/14"
    assert names["citation_arxiv_id"] == "2510.12586"
    assert names["citation_pdf_url"] == "https://arxiv.org/pdf/2510.12586"
    assert soup.select_one('script[type="application/ld+json"]') is None  # issue 23: no JSON-LD
    assert soup.select_one("link[rel=canonical]")["href"].endswith("/papers/2510.12586.html")
    assert soup.select_one('meta[property="og:title"]')["content"].startswith("Advancing")
    assert soup.select_one('meta[property="og:image"]')["content"].endswith("2510.12586.png")


def test_every_page_kind_and_site_files_exist(built):
    _, site = built
    for kind, path in PAGE_KINDS.items():
        target = site / path if path.endswith(".html") else site / path / "index.html"
        assert target.is_file(), kind
    sitemap = ElementTree.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(loc.endswith("/papers/2510.12586.html") for loc in locs)
    assert "Sitemap: " in (site / "robots.txt").read_text()


# -- validators ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_axe_finds_no_violations(page, kind):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(PAGE_KINDS[kind])
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_axe_in_dark_mode(browser, url):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(base_url=url, color_scheme="dark")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    page = context.new_page()
    for path in ("", "papers/2510.12586.html", "stats/"):
        page.goto(path)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    context.close()


def test_axe_on_a_phone_with_the_menu_open(browser, url):
    from axe_playwright_python.sync_playwright import Axe

    context = phone(browser, url)
    page = context.new_page()
    page.goto("papers/2510.12586.html")
    page.get_by_role("button", name="Menu").click()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    context.close()


def test_nu_html_checker_finds_no_errors(built):
    require_java_and_vnu()
    _, site = built
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--skip-non-html",
            "--errors-only",
            "--format",
            "json",
            str(site),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{m.get('url', '')}: {m.get('message')}" for m in messages if m.get("type") == "error"
    ]
    assert not errors, "\n".join(errors[:30])


def test_linkchecker_finds_no_broken_links(url):
    linkchecker = shutil.which("linkchecker") or str(Path(sys.executable).parent / "linkchecker")
    require(Path(linkchecker).exists(), "linkchecker")
    result = subprocess.run(
        [
            linkchecker,
            "--no-status",
            "--no-warnings",
            "--threads",
            "4",
            "-f",
            str(LINKCHECKER_RC),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_every_feed_parses_cleanly(built):
    _, site = built
    feeds = sorted((site / "feeds").rglob("*.xml"))
    assert len(feeds) >= 6
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.entries, path
    for path in (site / "feeds").rglob("feed.json"):
        data = json.loads(path.read_text())
        assert data["version"] == "https://jsonfeed.org/version/1.1" and data["items"], path
