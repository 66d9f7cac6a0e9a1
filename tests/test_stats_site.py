"""Issue 15 as a visitor sees it, in chromium on the site built from the bundled data/: the stats
page's charts are legible on a phone and a desktop, tell their values on hover and keyboard focus
and leave out what has no data; a thumbnail that fails to load leaves a placeholder; the charts'
"Data" and the paper page's "and N more" are plain disclosure widgets, not Material's notes."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from .site_tools import bundled_site

pytestmark = pytest.mark.slow
NEW_CHARTS = ("Papers with code", "Rising keywords", "Most active organisations per quarter")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with bundled_site(tmp_path_factory, "stats") as server:
        yield server


def _page(browser, site, width: int, **options):
    """A page at ``width`` px where nothing leaves the machine (thumbnails fail to load)."""
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": 900}, **options
    )
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(site.url) else r.abort()
    )
    return context, context.new_page()


@pytest.fixture
def page(browser, site):
    context, page = _page(browser, site, 1280)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


# -- the stats page --------------------------------------------------------------------------
TEXT_SIZES = """() => [...document.querySelectorAll('svg.chart text')]
  .filter(t => getComputedStyle(t).display !== 'none')
  .map(t => ({text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
              height: t.getBoundingClientRect().height,
              width: t.closest('svg').getBoundingClientRect().width}))"""


@pytest.mark.parametrize("width", [375, 1280])
def test_chart_text_is_at_least_12px_on_a_phone_and_a_desktop(browser, site, width):
    context, page = _page(browser, site, width, is_mobile=width < 500)
    page.goto("stats/")
    texts = page.evaluate(TEXT_SIZES)
    assert len(texts) > 50
    small = [t for t in texts if t["size"] < 12 or (t["text"].strip() and t["height"] < 12)]
    assert small == []
    # the charts take the column's width, not a fixed box scaled down
    column = page.evaluate("document.querySelector('.md-content__inner').clientWidth")
    assert all(t["width"] > column * 0.8 for t in texts)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_tick_labels_do_not_overlap(browser, site, width):
    context, page = _page(browser, site, width, is_mobile=width < 500)
    page.goto("stats/")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].map(svg =>
          [...svg.querySelectorAll('text.tick')]
            .filter(t => getComputedStyle(t).display !== 'none')
            .map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; }))"""
    )
    for ticks in rows:
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ticks)), ticks
    context.close()


def test_a_bar_shows_its_value_on_keyboard_focus_and_on_hover(page):
    page.goto("stats/")
    weekly = page.locator("svg.chart").first
    bar = weekly.locator("g.bar").nth(1)
    value = bar.locator("text.bar__value")
    expect(value).to_have_css("opacity", "0")
    page.locator("#papers-per-week").click()  # then Tab from the heading to the first bars
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.querySelector('title').textContent") == (
        bar.locator("title").text_content()
    )
    expect(value).to_have_css("opacity", "1")
    assert int(value.text_content()) > 0
    assert bar.locator("title").text_content().endswith(f": {value.text_content()} papers")
    page.keyboard.press("Tab")
    expect(value).to_have_css("opacity", "0")
    weekly.locator("g.bar").nth(2).hover()
    expect(weekly.locator("g.bar").nth(2).locator("text.bar__value")).to_have_css("opacity", "1")


def test_sections_without_data_are_not_shown_and_the_new_charts_are(page):
    """The bundled data has no arXiv categories (it was never enriched): no section and no
    "0 arXiv categories"."""
    page.goto("stats/")
    headings = page.locator("article h2").all_inner_texts()
    assert "Top arXiv categories" not in headings
    expect(page.locator(".stats-summary")).not_to_contain_text("arXiv categories")
    numbers = page.locator(".stats-summary li strong").all_inner_texts()
    assert len(numbers) == 5 and "0" not in numbers
    for title in NEW_CHARTS:
        section = page.locator(f"h2:text-is('{title}') ~ figure").first
        assert section.locator("g.bar").count() > 0, title
        assert section.locator("details table tbody tr").count() > 0, title
    rising = page.locator("h2:text-is('Rising keywords') + p").inner_text()
    assert "2026-02, the latest complete month" in rising and "percentage points" in rising
    first = page.locator("h2:text-is('Rising keywords') ~ figure table tbody tr").first
    assert first.locator("td").last.text_content().startswith("+")
    expect(page.locator("figcaption").first).to_have_text("2026 Q1")


def test_charts_follow_the_dark_scheme(browser, site):
    context, page = _page(browser, site, 1280, color_scheme="dark")
    page.goto("stats/")
    fg = page.evaluate("getComputedStyle(document.body).getPropertyValue('color')")
    label = page.locator("svg.chart text.axis-title").first
    assert label.evaluate("t => getComputedStyle(t).fill") == fg
    context.close()


# -- disclosure widgets ----------------------------------------------------------------------
ICON = """d => ({tag: d.tagName, open: d.open, summary: d.querySelector('summary') !== null,
  before: getComputedStyle(d.querySelector('summary'), '::before').content,
  border: getComputedStyle(d).borderLeftWidth, shadow: getComputedStyle(d).boxShadow,
  padding: getComputedStyle(d).paddingLeft})"""


def _plain(widget: dict) -> None:
    assert widget["tag"] == "DETAILS" and widget["summary"]
    assert widget["before"] in ("none", "normal")  # no note icon (Material's pencil)
    assert widget["border"] == "0px" and widget["shadow"] == "none"
    assert widget["padding"] == "0px"


def test_chart_data_is_a_plain_disclosure_that_opens(page):
    page.goto("stats/")
    data = page.locator("figure.chart-figure details").first
    _plain(data.evaluate(ICON))
    expect(data.locator("table")).to_be_hidden()
    data.locator("summary").click()
    expect(data.locator("table")).to_be_visible()


def test_the_authors_disclosure_is_plain(page):
    page.goto("papers/2602.06820.html")
    details = page.locator(".paper-authors details")
    expect(details.locator("summary")).to_have_text("and 3 more")
    _plain(details.evaluate(ICON))


# -- thumbnails ------------------------------------------------------------------------------
def test_a_thumbnail_that_fails_leaves_a_placeholder(page):
    """Every external request is aborted (_page), so every thumbnail fails: those failing before
    thumbs.js runs and those loaded lazily on scrolling."""
    page.goto("date/2026-03-05.html")
    cards = page.locator("article.paper-card")
    page.mouse.wheel(0, 20000)
    for i in range(cards.count()):
        card = cards.nth(i)
        card.scroll_into_view_if_needed()
        expect(card.locator("img.paper-card__thumb")).to_be_hidden()
        box = card.locator(".paper-card__thumb--missing")
        expect(box).to_be_visible()
        assert box.get_attribute("aria-hidden") == "true"
    size = cards.first.locator(".paper-card__thumb--missing").bounding_box()
    assert size["width"] == pytest.approx(160) and size["height"] == pytest.approx(84, abs=1)
    icon = cards.first.locator(".paper-card__thumb--missing").evaluate(
        "b => getComputedStyle(b, '::after').maskImage"
    )
    assert icon.startswith('url("data:image/svg+xml')


def test_a_thumbnail_that_loads_stays(browser, site):
    """A thumbnail served (here, a local image in place of the CDN's) shows, without a box."""
    context, page = _page(browser, site, 1280)
    body = _png()
    context.route(
        "https://cdn-thumbnails.huggingface.co/**",
        lambda r: r.fulfill(status=200, content_type="image/png", body=body),
    )
    page.goto("date/2026-03-05.html")
    thumb = page.locator("img.paper-card__thumb").first
    expect(thumb).to_be_visible()
    assert thumb.evaluate("i => i.complete && i.naturalWidth > 0")
    expect(page.locator(".paper-card__thumb--missing")).to_have_count(0)
    context.close()


def _png() -> bytes:
    """A 1x1 grey PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )
