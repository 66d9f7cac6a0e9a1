"""Search on the built site, as a visitor: the bundled data (data/) built into a real site,
searched by search.js and search-core.js in Debian's chromium over the built index files.

The relevance set (tests/fixtures/search/queries.yaml) must reach recall at 10 >= 0.9 there,
and every query must rank exactly as ``papers search`` and generator/search/ rank it over the
same files (tests/test_search_parity.py compares the two implementations on many more strings,
under Node).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from generator import search
from generator.search.semantic import rank
from generator.store import Store

from .conftest import FIXTURES, bundled_project, papers
from .site_tools import ROOT, SiteServer, offline_page

pytestmark = pytest.mark.slow
QUERIES = yaml.safe_load((FIXTURES / "search" / "queries.yaml").read_text())
OUTSIDER = yaml.safe_load((ROOT / "benchmarks" / "relevance" / "queries.yaml").read_text())
NOTHING_TYPED = "Type a word, a name or an arXiv id."
ONLY_COMMON = "Too common to search for: type a word, a name or an arXiv id."


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return bundled_project(tmp_path_factory.mktemp("search") / "project", build=True)


@pytest.fixture(scope="module")
def site(built):
    server = SiteServer(built / "site")
    yield server
    server.close()


@pytest.fixture
def page(browser, site):
    with offline_page(browser, site.url) as page:
        yield page


@pytest.fixture(scope="module")
def index(site):
    """generator/search/ over the very files the browser reads."""
    return search.Index.from_folder(Path(site.root) / "search-index")


def _browser_tops(page, runs: list, n: int = 10) -> list[list[str]]:
    """The first n paper ids of each [query, filters, sort] as the site's search.js runs it."""
    script = """async ([runs, n]) => {
        await papersSearch.ready();
        await papersSearch.run("video");  // the first search starts the meaning download
        if (!(await papersSearch.meaning())) throw new Error("no search by meaning");
        const out = [];
        for (const [q, filters, sort] of runs) {
            const result = await papersSearch.run(q, filters, sort);
            out.push(await papersSearch.ids(result.docs.slice(0, n)));
        }
        return out;
    }"""
    return page.evaluate(script, [runs, n])


def _python_top(index, query: str, n: int = 10, filters=None, sort="relevance") -> list[str]:
    """`papers search`'s ranking: by words and by meaning (generator/search/semantic/rank.py)."""
    result = rank.run(index, query, filters or search.Filters(), sort)
    return [search.hit(index, d, result).id for d in result.docs[:n]]


def _terminal_top(project: Path, query: str, n: int = 10) -> list[str]:
    result = papers(project, "search", query, "-n", str(n))
    assert result.exit_code == 0, result.stderr
    ranked = [line.split() for line in result.stdout.splitlines()]  # "  1. <id> <day> ..."
    return [w[1] for w in ranked if w and w[0].endswith(".") and w[0][:-1].isdigit()]


def test_relevance_set_recall_at_10_and_same_ranking_as_the_terminal(page, index, built):
    page.goto("search/")
    assert len(QUERIES) >= 30
    tops = _browser_tops(page, [[case["query"], {}, "relevance"] for case in QUERIES])
    found, mismatched = 0, []
    for case, top in zip(QUERIES, tops, strict=True):
        found += all(paper_id in top for paper_id in case["expect"])
        python = _python_top(index, case["query"])
        if top != python or top != _terminal_top(built, case["query"]):
            mismatched.append(case["query"])
    recall = found / len(QUERIES)
    assert recall >= 0.9, f"recall@10 = {recall:.2f}"
    assert mismatched == []


def test_browser_and_python_agree_on_many_more_queries(page, index):
    """Title words of every 7th paper, typed part way (prefixes, ids, stop words and all),
    the outsider set's queries, and sorts and filters: the same top 20 as generator/search/."""
    page.goto("search/")
    queries = [case["query"] for case in OUTSIDER]
    for paper in Store(ROOT / "data").load_all()[::7]:
        words = paper.title.split()
        queries += [" ".join(words[:3]), " ".join(words[:2])[:-2], paper.id[:7], paper.title]
    runs = [[q, {}, "relevance"] for q in queries]
    runs += [[q, {}, sort] for q in queries[:40] for sort in ("upvotes", "newest")]
    js_filters = {"since": "2026-02-20", "until": "2026-02-27", "hasCode": True}
    py_filters = search.Filters(since=date(2026, 2, 20), until=date(2026, 2, 27), has_code=True)
    runs += [[q, js_filters, "relevance"] for q in queries[:40]]
    tops = _browser_tops(page, runs, 20)
    expected = []
    for query, filters, sort in runs:
        expected.append(_python_top(index, query, 20, py_filters if filters else None, sort))
    different = [run for run, a, b in zip(runs, tops, expected, strict=True) if a != b]
    assert different == []
    assert sum(1 for top in tops if top) > len(runs) * 0.9


def test_an_empty_query_asks_for_a_word(page):
    page.goto("search/")
    expect(page.locator("#papers-search-status")).to_have_text(NOTHING_TYPED)
    page.fill("#papers-search-q", "?! -- …")
    expect(page.locator("#papers-search-status")).to_have_text(NOTHING_TYPED)
    page.fill("#papers-search-q", "of the ")
    expect(page.locator("#papers-search-status")).to_have_text(ONLY_COMMON)
    expect(page.locator("#papers-search-results li")).to_have_count(0)
    box = page.get_by_role("searchbox", name="Search papers")
    box.fill("!!")
    expect(page.locator(".papers-search__status")).to_have_text(NOTHING_TYPED)
    expect(page.locator(".papers-search__panel")).to_be_visible()
    box.fill("the ")
    expect(page.locator(".papers-search__status")).to_have_text(ONLY_COMMON)
    box.fill("")
    expect(page.locator(".papers-search__panel")).to_be_hidden()


def test_filters_without_words_list_the_papers_they_let_through(page):
    page.goto("search/?from=2026-02-20&to=2026-02-20")
    expect(page.locator("#papers-search-results[aria-busy=false] li").first).to_be_visible()
    expect(page.locator("#papers-search-status")).to_contain_text("in these filters")
    days = [m.split(" · ")[-2] for m in page.locator(".papers-result__meta").all_inner_texts()]
    assert days and set(days) == {"2026-02-20"}


def test_type_a_query_see_the_paper_and_follow_it(page):
    page.goto("")
    box = page.get_by_role("searchbox", name="Search papers")
    box.press_sequentially("DreamDo", delay=30)
    first = page.locator(".papers-search__list a").first
    expect(first).to_contain_text("DreamDojo: A Generalist Robot World Model")
    expect(first.locator("mark")).to_have_text("DreamDojo")  # the word, not its colon
    # One paper has the word; once the meaning side is here, papers near it follow.
    status = page.locator(".papers-search__status")
    expect(status).to_have_text(
        re.compile(r"^1 paper( with every word, 99 papers near in meaning.*)?$")
    )
    box.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/papers/2602.06949.html")
    expect(page.locator("h1")).to_contain_text("DreamDojo")


def test_a_typo_still_finds_the_paper_in_the_header(page):
    page.goto("papers/2602.06949.html")
    page.keyboard.press("/")  # the shortcut focuses the box
    page.keyboard.type("Uylsses chunking ")  # swapped in the first two letters: the s/ shard
    expect(page.locator(".papers-search__list a").first).to_contain_text("Untied Ulysses")


def test_filter_by_date_range(page):
    page.goto("search/?q=reasoning")
    expect(page.locator("#papers-search-results li").first).to_be_visible()
    page.fill("#papers-search-from", "2026-02-20")
    page.fill("#papers-search-to", "2026-02-24")
    page.click("#papers-search-page button[type=submit]")
    page.wait_for_url("**from=2026-02-20**")
    expect(page.locator("#papers-search-results[aria-busy=false] li").first).to_be_visible()
    days = [m.split(" · ")[-2] for m in page.locator(".papers-result__meta").all_inner_texts()]
    assert days and all("2026-02-20" <= d <= "2026-02-24" for d in days), days


def test_sort_by_upvotes_and_load_more(page):
    page.goto("search/?q=model")
    page.select_option("#papers-search-sort", "upvotes")
    page.wait_for_url("**sort=upvotes**")
    idle = page.locator("#papers-search-results[aria-busy=false]")
    expect(idle.locator("li")).to_have_count(20)
    page.click("#papers-search-more")
    expect(idle.locator("li")).to_have_count(40)
    metas = page.locator(".papers-result__meta").all_inner_texts()
    votes = [int(m.rsplit("▲", 1)[1]) for m in metas]
    assert votes == sorted(votes, reverse=True) and votes[0] > votes[-1]


def test_a_shared_search_url_restores_query_filters_and_results(page, browser, site):
    page.goto("search/")
    page.fill("#papers-search-q", "agent")
    page.select_option("#papers-search-org", "ByteDance-Seed")
    page.check("#papers-search-code")
    page.select_option("#papers-search-sort", "newest")
    expect(page.locator("#papers-search-results[aria-busy=false] li").first).to_be_visible()
    results = page.locator("#papers-search-results li").all_inner_texts()
    shared = page.url
    assert "q=agent" in shared and "org=ByteDance-Seed" in shared and "code=1" in shared
    other = browser.new_context().new_page()
    other.goto(shared)
    expect(other.locator("#papers-search-results[aria-busy=false] li").first).to_be_visible()
    assert other.locator("#papers-search-results li").all_inner_texts() == results
    assert other.input_value("#papers-search-q") == "agent"
    assert other.input_value("#papers-search-org") == "ByteDance-Seed"
    assert other.is_checked("#papers-search-code")
    assert other.input_value("#papers-search-sort") == "newest"
    other.context.close()
    page.go_back()  # history: the previous state comes back
    expect(page.locator("#papers-search-sort")).to_have_value("relevance")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_and_open_panel_pass_axe(page, scheme):
    """In both colour schemes (the highlighted words included)."""
    from axe_playwright_python.sync_playwright import Axe

    page.emulate_media(color_scheme=scheme)  # nothing stored: the page follows the system
    page.goto("search/?q=diffusion&sort=upvotes")
    expect(page.locator("#papers-search-results li").first).to_be_visible()
    page.get_by_role("searchbox", name="Search papers").fill("video generation")
    expect(page.locator(".papers-search__list li").first).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_page_views_that_do_not_search_load_no_index(page):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requests if "search-index" in u or "lunr" in u]
    with page.expect_request("**/search-index/meta.json"):  # fetched on focus, before typing
        page.get_by_role("searchbox", name="Search papers").focus()


def test_index_files_in_the_site(site):
    folder = Path(site.root) / "search-index"
    assert (folder / "meta.json").is_file() and (folder / "facets.json").is_file()
    assert not (Path(site.root) / "search" / "search_index.json").exists()  # Material's is off


def test_index_files_are_asked_for_by_version(page, site):
    """After a rebuild a browser must not mix cached shards of the old index with the new
    dictionary: every file but meta.json carries meta.json's version."""
    version = json.loads((Path(site.root) / "search-index" / "meta.json").read_text())["version"]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "search-index/" in r.url else None)
    page.goto("search/?q=video&org=ByteDance-Seed")
    expect(page.locator("#papers-search-results[aria-busy=false] li").first).to_be_visible()
    assert page.evaluate("papersSearch.meaning()")  # the worker's download, done
    shards = [u for u in requests if not u.endswith("meta.json") and "/semantic/" not in u]
    assert len(shards) > 3 and all(u.endswith(f"?v={version}") for u in shards), requests
    # The meaning side's files are named by their bytes: asked for as they are, so a browser
    # keeps them from one build to the next.
    meaning = [u for u in requests if "/semantic/" in u]
    assert meaning and all("?" not in u for u in meaning), requests


def test_an_unknown_organisation_in_a_link_matches_nothing(page):
    page.goto("search/?q=model&org=no-such-org")
    expect(page.locator("#papers-search-results[aria-busy=false]")).to_be_attached()
    expect(page.locator("#papers-search-status")).to_have_text("No papers match.")


def test_meaning_is_fetched_on_the_first_search_and_says_so(page, site):
    """Nothing of the meaning side is fetched before a search; the first one says how big
    the one-time download is, lexical results show meanwhile, and results by meaning merge in
    when it is done."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    held: list = []
    page.route("**/semantic/model-*", lambda route: held.append(route))  # waits until released
    page.goto("")
    box = page.get_by_role("searchbox", name="Search papers")
    box.focus()
    page.wait_for_load_state("networkidle")
    assert not [u for u in requests if "/semantic" in u]
    meta = json.loads((Path(site.root) / "search-index" / "meta.json").read_text())["semantic"]
    note = page.locator(".papers-search__panel [data-papers-semantic]")
    requests.clear()  # from here on, what searching fetches: the site's own files only
    box.fill("video generation")
    expect(note).to_contain_text(f"one-time download, {0:.1f} MB of {meta['bytes'] / 1e6:.1f} MB")
    results = page.locator(".papers-search__panel li.papers-result:not(.papers-result--more)")
    expect(results.first).to_be_visible()  # words first, while the model is on its way
    box.fill("dreamdojo")  # one paper has the word: the rest of the list waits for meaning
    expect(page.locator(".papers-search__panel [role=status]")).to_have_text("1 paper")
    for route in held:
        route.continue_()
    expect(note).to_be_hidden()
    expect(results).to_have_count(8)
    assert all(u.startswith(site.url) for u in requests)


def test_save_data_asks_before_the_meaning_download(page):
    page.add_init_script(
        "Object.defineProperty(navigator, 'connection', {value: {saveData: true}})"
    )
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("search/?q=robot+learning")
    note = page.locator("main [data-papers-semantic]")
    expect(note.first).to_contain_text("needs a one-time download of")
    assert not [u for u in requests if "/semantic/" in u]
    note.first.get_by_role("button", name="Download and search by meaning").click()
    expect(note.first).to_be_hidden()
    assert [u for u in requests if "/semantic/model-" in u]


def test_the_merge_keeps_the_link_the_arrow_keys_are_on(page):
    """Results by meaning arrive while the visitor may be among the results with the arrow
    keys: the redraw gives focus back to the same paper's link."""
    held: list = []
    page.route("**/semantic/model-*", lambda route: held.append(route))
    page.goto("")
    box = page.get_by_role("searchbox", name="Search papers")
    box.fill("world model")
    first = page.locator(".papers-search__list a").first
    expect(first).to_be_visible()
    box.press("ArrowDown")
    expect(first).to_be_focused()
    href = first.get_attribute("href")
    page.evaluate(
        """() => { window.merged = new Promise((resolve) => document
            .querySelector("form[data-papers-search]")
            .addEventListener("papers:semantic", resolve, { once: true })); }"""
    )
    for route in held:
        route.continue_()
    page.evaluate("() => window.merged.then(() => true)")
    assert page.evaluate("document.activeElement.getAttribute('href')") == href
