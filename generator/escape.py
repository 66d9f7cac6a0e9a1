"""Escaping untrusted text for the Markdown pages we generate.

Every string from a source (titles, abstracts, names, keywords) is hostile until escaped. The
generated Markdown is read by Python-Markdown and its extensions, and the result is HTML, so a
value must survive both: HTML's ``& < > " '`` and every character Markdown or an extension could
read as syntax become numeric character references. Python-Markdown passes references through
untouched and browsers display them as the literal character, so the visitor sees exactly the
stored text, and no character of it can open a tag, a link, emphasis, maths or an attribute list.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from markupsafe import Markup

from .model import PAPER_ID_RE

# HTML specials, plus Markdown's inline syntax (\ ` * _ [ ] { } # ! |), arithmatex ($),
# pymdownx's ~ ^ = marks, and the line breaks YAML and JavaScript treat specially.
_MARKDOWN_SPECIALS = "&<>\"'\\`*_[]{}#!|$~^=\u2028\u2029"
_HTML_SPECIALS = "&<>\"'\u2028\u2029"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A value at the start of a line must not open a list, a quote or a heading.
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+:])")


def _table(chars: str) -> dict[int, str]:
    return {ord(c): f"&#{ord(c)};" for c in chars}


_MD_TABLE = _table(_MARKDOWN_SPECIALS)
_HTML_TABLE = _table(_HTML_SPECIALS)


def _clean(value: object) -> str:
    # C0/C1 controls are invalid in HTML and XML; show the replacement character instead.
    return _CONTROL.sub("\ufffd", str(value).replace("\n", " ").replace("\t", " "))


def md(value: object) -> Markup:
    """Literal text for any place in a Markdown page (inline, line start, HTML attribute)."""
    text = _clean(value).translate(_MD_TABLE)
    text = _BLOCK_START.sub(lambda m: _escape_block_start(m), text, count=1)
    return Markup(text)


def _escape_block_start(m: re.Match) -> str:
    if m[1] is not None:
        return f"{m[1]}&#{ord(m[2])};"
    return f"&#{ord(m[3])};"


def html(value: object) -> Markup:
    """Literal text for HTML that Markdown never reads (page titles, meta tags)."""
    return Markup(_clean(value).translate(_HTML_TABLE))


def yaml_html(value: object) -> Markup:
    """A front-matter value: HTML-escaped (themes print it unescaped), then a YAML string."""
    return Markup(json.dumps(str(html(value)), ensure_ascii=False))


def safe_url(value: object) -> Markup | None:
    """The URL, escaped for an attribute, if it is an absolute http(s) URL; else None.

    Anything else (``javascript:``, ``data:``, protocol-relative, malformed) is dropped, never
    linked.
    """
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or _CONTROL.search(text):
        return None
    if any(c.isspace() for c in text):
        return None
    return md(text)


def paper_id(value: object) -> Markup:
    """A paper id for a URL path; ids are validated by the model, this re-checks."""
    text = str(value)
    if not PAPER_ID_RE.match(text):
        raise ValueError(f"not a paper id: {text!r}")
    return Markup(text)
