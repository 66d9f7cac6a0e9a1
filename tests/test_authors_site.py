"""Authors' names as links to their papers (issue 24), in chromium on a site built from the
bundled data/: a name on a paper page, a card, a row and a search result opens the search
page's author:"Name" query, which lists exactly that author's papers, newest first; a name
linked to its Hugging Face account keeps that link beside it."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from generator.render.pages import linked_accounts
from generator.search import search_order
from generator.store import Store

from .site_tools import ROOT, bundled_site, offline_page

pytestmark = pytest.mark.slow
RESULTS = "#papers-search-results[aria-busy=false] li"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with bundled_site(tmp_path_factory, "authors") as server:
        yield server


@pytest.fixture
def page(browser, site):
    with offline_page(browser, site.url) as page:
        yield page


@pytest.fixture(scope="module")
def archive():
    return Store(ROOT / "data").load_all()


def _by_name(archive) -> dict[str, list]:
    """Each name as written (case aside) -> its papers, newest first as the search lists them."""
    papers = defaultdict(list)
    for paper in search_order(archive):
        for name in dict.fromkeys(a.name.casefold() for a in paper.authors):
            papers[name].append(paper)
    return papers


def _result_ids(page) -> list[str]:
    expect(page.locator(RESULTS).first).to_be_visible()
    hrefs = page.locator(".papers-result__title").evaluate_all("els => els.map(e => e.href)")
    return [re.search(r"papers/([^/]+)\.html$", h).group(1) for h in hrefs]


def _query_of(href: str) -> str:
    return parse_qs(urlparse(href).query)["q"][0]


def test_clicking_an_author_on_a_paper_page_lists_exactly_their_papers(page, archive):
    by_name = _by_name(archive)
    key = max(by_name, key=lambda k: (len(by_name[k]), k))
    expected = by_name[key]
    assert len(expected) >= 4  # a real list to compare
    oldest = expected[-1]
    name = next(a.name for a in oldest.authors if a.name.casefold() == key)
    page.goto(f"papers/{oldest.id}.html")
    link = page.locator(".paper-authors a.paper-author", has_text=name).first
    expect(link).to_have_attribute("href", re.compile(r"search/\?q=author"))
    link.click()
    page.wait_for_url("**/search/?q=author*")
    assert _query_of(page.url) == f'author:"{name}"'
    assert _result_ids(page) == [p.id for p in expected]  # only theirs, newest first
    status = page.locator("#papers-search-status")
    expect(status).to_have_text(f"{len(expected)} papers by {name}.")
    # The results' own names link on: the same author's link gives the same list.
    again = page.locator(f'{RESULTS} a.paper-author:text-is("{name}")').first
    again.click()
    page.wait_for_load_state()
    assert _result_ids(page) == [p.id for p in expected]


def test_every_name_of_a_long_author_list_links_in_order(page, archive):
    """A paper page with more than 12 names shows 10 and the rest behind a disclosure: every
    name is linked, in the order of its citation_author tags, and the summary is left alone."""
    paper = next(p for p in search_order(archive) if len(p.authors) > 12)
    page.goto(f"papers/{paper.id}.html")
    links = page.locator(".paper-authors a.paper-author")
    expect(links).to_have_count(len(paper.authors))
    assert links.all_text_contents() == [a.name for a in paper.authors]
    queries = [_query_of(h) for h in links.evaluate_all("els => els.map(e => e.href)")]
    assert queries == [f'author:"{a.name}"' for a in paper.authors]
    summary = page.locator(".paper-authors summary")
    expect(summary).to_have_text(f"and {len(paper.authors) - 10} more")


def test_a_name_with_a_hugging_face_account_keeps_the_account_link(page, archive):
    paper, handle = next(
        (p, h) for p in search_order(archive) for h in linked_accounts(p, p.authors)
        if any(a.hf_user == h for a in p.authors)
    )  # fmt: skip
    name = next(a.name for a in paper.authors if a.hf_user == handle)
    page.goto(f"papers/{paper.id}.html")
    account = page.get_by_role("link", name=f"{name} on Hugging Face")
    expect(account).to_have_attribute("href", f"https://huggingface.co/{handle}")
    expect(page.locator(".paper-authors a.paper-author", has_text=name).first).to_be_visible()


def test_names_on_cards_and_rows_link_to_their_papers(page, archive, site):
    day = max(p.daily_date for p in archive).isoformat()
    page.goto(f"date/{day}.html")
    card = page.locator(".paper-card").first
    names = card.locator("a.paper-author")
    expect(names.first).to_be_visible()
    title = card.locator(".paper-card__title a").get_attribute("href")
    paper = next(p for p in archive if title.endswith(f"{p.id}.html"))
    shown = [a.name for a in paper.authors][:3]
    assert names.all_text_contents() == shown
    more = len(paper.authors) - 3
    text = card.locator(".paper-card__authors").inner_text()
    assert text == ", ".join(shown) + (f" and {more} more" if more > 0 else "")
    names.first.click()
    page.wait_for_url("**/search/?q=author*")
    assert paper.id in _result_ids(page)
    page.goto(f"month/{day[:7]}.html")
    row = page.locator(".paper-row__meta a.paper-author").first
    expect(row).to_be_visible()
    assert _query_of(row.get_attribute("href")).startswith("author:")


def test_author_pages_pass_axe(page, archive):
    from axe_playwright_python.sync_playwright import Axe

    paper = next(p for p in search_order(archive) if len(p.authors) > 12)
    page.goto(f"papers/{paper.id}.html")
    expect(page.locator(".paper-authors a.paper-author").first).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.goto(f'search/?q=author:"{paper.authors[0].name}"')
    expect(page.locator(f"{RESULTS} a.paper-author").first).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
