"""Escaping: any text, through Python-Markdown with the site's extensions, reads back literally."""

from __future__ import annotations

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.escape import md, safe_url, yaml_html, yaml_str
from generator.model import clean_text

from .conftest import ROOT

CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


def to_html(source: str) -> str:
    extensions, configs = [], {}
    for ext in CONFIG["markdown_extensions"]:
        name, conf = next(iter(ext.items())) if isinstance(ext, dict) else (ext, {})
        extensions.append(name)
        configs[name] = conf or {}
    return markdown.markdown(source, extensions=extensions, extension_configs=configs)


def visible(text: str) -> str:
    """What a visitor should see for ``text``: line breaks as spaces, controls as U+FFFD."""
    return visible_raw(text.replace("\n", " ").replace("\t", " "))


HOSTILE = [
    "Let's <think> about LLM Reasoning",
    'See <a href="https://x.y">this</a> & <script>alert(1)</script>',
    "$1 Million for $\\nabla^2$DFT and G_{stack}",
    "**bold** _it_ `code` [link](http://x) ![img](y) {: .cls} # not a heading | a | b |",
    "1. not a list",
    "- not a list",
    "> not a quote",
    "## not a heading",
    ":smile: ~~x~~ ==y== ^^z^^",
    "--8<-- 'secret.txt'",
    '!!! note "admonition"',
    "<!-- comment -->",
    "&amp; &lt; &#42;",
    "\\*escaped\\*",
    "{{ jinja }} {% raw %}",
    "x\u2028y\x85z",
    "\u202eRTL 🙂 é",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("template", ["{}", "# {}", "- [{}](x.md)", "1. **{}**<br>", "<p>{}</p>"])
def test_hostile_text_renders_literally(template, text):
    soup = BeautifulSoup(to_html(template.format(md(text))), "html.parser")
    assert soup.get_text().strip() == visible(text)
    assert not soup.find_all(
        ["script", "think", "img", "em", "strong", "code", "h2", "blockquote", "ol", "a"]
        if template == "{}"
        else ["script", "think", "img", "code"]
    )


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1))
@example("1) x")
@example("+ y")
def test_any_text_renders_literally(text):
    if not clean_text(text):
        return
    stored = clean_text(text)  # as every parser stores text
    soup = BeautifulSoup(to_html(str(md(stored))), "html.parser")
    assert soup.get_text().strip() == visible(stored).strip()


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"])))
def test_front_matter_values_round_trip(text):
    """Themes print front-matter titles unescaped: the HTML they get must show the text."""
    value = yaml.safe_load(f"title: {yaml_html(text)}")["title"]
    shown = BeautifulSoup(value, "html.parser").get_text()
    assert shown == visible(text)


def visible_raw(text: str) -> str:
    return "".join("\ufffd" if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F else c for c in text)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://github.com/a/b", True),
        ("http://x.org/p?q=1&r=2#f", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
        ("//evil.com/x", False),
        ("https://", False),
        ("", False),
        ("https://a b.com", False),
        ("https://x.com/\x00", False),
        ("http://[::1", False),
    ],
)
def test_only_http_urls_pass(url, ok):
    assert (safe_url(url) is not None) is ok


def test_safe_url_is_attribute_safe():
    url = safe_url('https://x.com/?a="><script>')
    html = to_html(f'<a href="{url}">x</a>')
    a = BeautifulSoup(html, "html.parser").a
    assert a["href"] == 'https://x.com/?a="><script>' and a.get_text() == "x"


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"])))
def test_yaml_strings_round_trip(text):
    assert yaml.load(f"k: {yaml_str(text)}", Loader=yaml.CSafeLoader)["k"] == text
