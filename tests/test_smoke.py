"""The deploy's smoke test (site/check.py) passes on a real built site and fails on damaged
copies of it; the theme hook stops the build when Material's markup no longer has what it fixes."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from generator.site.check import check_site

from .conftest import API_DIR, SEED, configure, make_project, papers

pytestmark = pytest.mark.slow

SITE_URL = "https://papers.example.org/daily/"


def imported_project(where: Path) -> Path:
    project = make_project(where, site_url=SITE_URL)
    assert papers(project, "import", str(API_DIR)).exit_code == 0
    assert papers(project, "import", "--year", "2025", str(SEED)).exit_code == 0
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = imported_project(tmp_path_factory.mktemp("smoke") / "project")
    result = papers(project, "build")
    assert result.exit_code == 0, result.stderr
    return project / "site"


def test_a_real_site_passes(site):
    assert check_site(site, SITE_URL) == []
    result = papers(site.parent, "check")  # site/ and site_url from the project's mkdocs.yml
    assert result.exit_code == 0 and "fit to deploy" in result.stdout, result.stderr


def latest_paper(site: Path) -> Path:
    day = max(site.glob("date/*.html"))
    first = re.search(r'href="\.\./papers/([^/"]+)\.html"', day.read_text()).group(1)
    return site / "papers" / f"{first}.html"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


DAMAGE = {
    "paper page removed": (lambda s: latest_paper(s).unlink(), "papers/"),
    "autocomplete back on the drawer": (
        lambda s: edit(s / "index.html", 'id="__drawer">', 'id="__drawer" autocomplete="off">'),
        "`autocomplete` on the __drawer checkbox",
    ),
    "no citation_title": (
        lambda s: edit(latest_paper(s), 'name="citation_title"', 'name="x"'),
        "citation_title",
    ),
    "no header search box": (
        lambda s: edit(s / "index.html", 'role="search"', ""),
        "index.html: no header search box",
    ),
    "no 404 page": (lambda s: (s / "404.html").unlink(), "404.html: missing"),
    "sitemap truncated": (
        lambda s: (s / "sitemap.xml").write_text('<?xml version="1.0"?>\n<urlset'),
        "sitemap.xml",
    ),
    "relative Sitemap in robots.txt": (
        lambda s: (s / "robots.txt").write_text("User-agent: *\nSitemap: sitemap.xml\n"),
        "robots.txt",
    ),
    "feed broken": (
        lambda s: (s / "feeds/latest/atom.xml").write_text("<feed><entry>"),
        "feeds/latest/atom.xml",
    ),
    "no search index": (
        lambda s: (s / "search-index/meta.json").unlink(),
        "search-index/meta.json",
    ),
    "a vector file of the search by meaning lost": (
        lambda s: next((s / "search-index" / "semantic").glob("docs-*.bin")).unlink(),
        "missing (named in meta.json)",
    ),
    # A sparse file: 1.1 GB as du -sb and GitHub Pages count it, no disk used.
    "over GitHub Pages' 1 GB": (
        lambda s: os.truncate(Path(s / "big.bin").touch() or s / "big.bin", 1_100_000_000),
        "over GitHub Pages' 1 GB: set extra.papers.citation_files: false",
    ),
}


def test_a_site_past_80_percent_of_the_limit_passes_with_a_warning(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "big.bin").touch()
    os.truncate(copy / "big.bin", 850_000_000)  # sparse: counted as du -sb counts, no disk used
    result = papers(site.parent, "check", str(copy))
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "over 80% of GitHub Pages' 1 GB" in result.stderr
    assert "warning" not in papers(site.parent, "check", str(site)).stderr


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_site_fails(site, tmp_path, damage):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    harm, expected = DAMAGE[damage]
    harm(copy)
    problems = check_site(copy, SITE_URL)
    assert any(expected in p for p in problems), problems
    result = papers(site.parent, "check", str(copy))
    assert result.exit_code == 1 and expected in result.stderr


# -- the theme hook fails loudly ---------------------------------------------------------------
def load_hooks():
    from generator.site import plugin

    return plugin


CHROME = (
    '<div data-md-component="skip">\n<a href="#title" class="md-skip">\nSkip to content\n</a>\n'
    '</div>\n<div data-md-component="announce">\n</div>\n<header>\n'
)
CONFIG = {"theme": {"features": ["navigation.top"]}}


def test_the_hook_raises_when_a_string_to_fix_is_gone():
    hooks = load_hooks()
    page = type("Page", (), {"file": type("File", (), {"src_uri": "papers/x.md"})()})()
    fixes = "\n".join(old for old, _ in hooks._FIXES) + "\n"
    fixed = hooks.on_post_page(fixes + CHROME, page, CONFIG)
    assert "autocomplete" not in fixed
    changed = '<input type="checkbox" id="__drawer" autocomplete="nope">' + hooks._FIXES[1][0]
    with pytest.raises(PluginError, match=r"__drawer.*not in papers/x\.md"):
        hooks.on_post_page(changed + CHROME, page, CONFIG)
    with pytest.raises(PluginError, match=r"not in 404\.html"):
        hooks.on_post_template(changed + CHROME, "404.html", CONFIG)
    assert hooks.on_post_template("<urlset>\n  <url/>\n</urlset>", "sitemap.xml", CONFIG)


def test_the_hook_drops_the_wrappers_only_instant_navigation_reads():
    hooks = load_hooks()
    fixes = "\n".join(old for old, _ in hooks._FIXES) + "\n"
    link = '<a href="#title" class="md-skip">\nSkip to content\n</a>\n'
    assert hooks.on_post_template(fixes + CHROME, "x.html", CONFIG) == (
        fixes.replace(' autocomplete="off"', "") + link + "<header>\n"
    )
    no_toc = CHROME.replace(link, "")  # 404.html: no heading to skip to, an empty wrapper
    assert "md-component" not in hooks.on_post_template(fixes + no_toc, "404.html", CONFIG)
    instant = {"theme": {"features": ["navigation.instant"]}}
    assert CHROME in hooks.on_post_template(fixes + CHROME, "x.html", instant)
    announced = CHROME.replace('announce">\n', 'announce">\n<aside>News</aside>\n')
    with pytest.raises(PluginError, match=r"announcement bar .* not in x\.html"):
        hooks.on_post_template(fixes + announced, "x.html", CONFIG)


def test_the_hook_rejects_a_palette_the_colour_scheme_toggle_cannot_switch():
    hooks = load_hooks()
    light = {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo"}
    dark = {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo"}
    hooks._check_palette([light, dark])
    for palette in (
        None,
        light,
        [light],
        [dark, light],
        [light, dark, light],
        [light, {**dark, "primary": "teal"}],
        [light, {**dark, "media": "(prefers-color-scheme)"}],
    ):
        with pytest.raises(PluginError, match=r"mkdocs\.yml: theme\.palette"):
            hooks._check_palette(palette)


def test_a_build_whose_theme_markup_changed_fails_naming_the_string(tmp_path, monkeypatch):
    from generator.site import plugin

    # One build process (this one), so that the plugin it runs is the one patched here.
    project = configure(imported_project(tmp_path / "project"), build_jobs=1)
    # As if Material changed its markup: the plugin looks for a string no page has.
    changed = ('type="checkbox" id="__drawer" autocomplete="of"', 'type="checkbox" id="__drawer"')
    monkeypatch.setattr(plugin, "_FIXES", (changed, plugin._FIXES[1]))
    result = papers(project, "build")
    assert result.exit_code == 1
    assert 'id="__drawer" autocomplete="of"' in result.stderr, result.stderr
