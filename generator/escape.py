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
from collections.abc import Iterator
from urllib.parse import urlsplit
from xml.etree import ElementTree

from markupsafe import Markup

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


def _clean(value: object, keep_lines: bool = False) -> str:
    # C0/C1 controls are invalid in HTML and XML; show the replacement character instead.
    text = str(value) if keep_lines else str(value).replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub("\ufffd", text)


def printable(value: object) -> str:
    """Plain text without control characters (search results, terminal output)."""
    return _clean(value)


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


def pre(value: object) -> Markup:
    """Literal text for a ``<pre>`` block: like ``html``, but line breaks are kept."""
    return Markup(_clean(value, keep_lines=True).translate(_HTML_TABLE))


def yaml_html(value: object) -> Markup:
    """A front-matter value: HTML-escaped (themes print it unescaped), then a YAML string."""
    return yaml_str(str(html(value)))


# Characters YAML will not read raw inside a quoted scalar (non-printables, surrogates) or
# reads as line breaks (NEL, LS, PS): written as \u escapes.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def yaml_str(value: object) -> Markup:
    """Any string as a double-quoted YAML scalar (JSON's string syntax, which YAML shares)."""
    quoted = json.dumps(str(value), ensure_ascii=False)
    return Markup(_YAML_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted))


_SPACE = re.compile(r"\s")


def is_http_url(value: object) -> bool:
    """True for an absolute http(s) URL with a host and no spaces or control characters.

    Anything else (``javascript:``, ``data:``, protocol-relative, malformed) is never linked.
    """
    text = str(value or "")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    return not (_CONTROL.search(text) or _SPACE.search(text))


def safe_url(value: object) -> Markup | None:
    """The URL escaped for an attribute if ``is_http_url``; else None."""
    return md(str(value)) if is_http_url(value) else None


def paper_id(value: object) -> Markup:
    """A paper id for a URL path; ids are validated by the model, this re-checks."""
    from .model import PAPER_ID_RE  # here: `papers search` prints text and never loads the model

    text = str(value)
    if not PAPER_ID_RE.match(text):
        raise ValueError(f"not a paper id: {text!r}")
    return Markup(text)


# -- maths ------------------------------------------------------------------------------------
# ``$...$`` spans that look like LaTeX: a backslash, ^, _ or braces inside, or a symbol or two
# (``$μ$LO``, ``$τ$-bench``). A span starting with a digit or space is money ("$1 Million and
# $2"), never maths.
_MATH = re.compile(r"\$(?=[^\s\d$])([^$]{1,120}?)(?<=\S)\$")
_LATEXISH = re.compile(r"[\\^_{}]")
# "textbf{" without its backslash: an extraction artefact, not maths (corpus README).
_BROKEN_COMMAND = re.compile(r"(?<![\\a-zA-Z])[a-z]{3,}\{")


def math_spans(text: str) -> Iterator[tuple[re.Match, str]]:
    """The ``$...$`` spans of ``text`` that are maths, with their MathML: what pages render as
    maths and BibTeX keeps as LaTeX (citation.py); any other dollar is literal text."""
    for match in _MATH.finditer(text):
        mathml = _mathml(match[1])
        if mathml is not None:
            yield match, mathml


def md_math(value: object) -> Markup:
    """Like ``md``, but LaTeX between dollars becomes MathML (rendered by the browser, no
    script); a span that does not convert stays literal text."""
    text = str(value)
    out, end = [], 0
    for match, mathml in math_spans(text):
        out += [md(text[end : match.start()]) if end < match.start() else "", mathml]
        end = match.end()
    out.append(md(text[end:]) if end < len(text) or not out else "")
    return Markup("".join(out))


def _mathml(latex: str) -> str | None:
    if not (_LATEXISH.search(latex) or len(latex) <= 3) or _BROKEN_COMMAND.search(latex):
        return None
    try:
        from latex2mathml.converter import convert

        tree = ElementTree.fromstring(convert(latex))
    except Exception:  # any failure means: show the LaTeX as written
        return None
    # latex2mathml passes \href, \style and \text{<script>} through: rebuild its output from
    # an allowlist of MathML elements and attributes, escaping every text node.
    return _rebuild(tree)


_NS = "{http://www.w3.org/1998/Math/MathML}"
_ELEMENTS = frozenset(
    "math mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt mroot mover munder "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose merror".split()
)
_ATTRIBUTES = frozenset(
    "display mathvariant stretchy fence separator accent accentunder linethickness lspace "
    "rspace movablelimits largeop symmetric minsize maxsize columnalign rowspacing "
    "columnspacing displaystyle scriptlevel width height depth notation form".split()
)
_SAFE_VALUE = re.compile(r"^[\w .%+-]*$")
# Markdown must not read emphasis or escapes inside the MathML's text.
_MD_TABLE_TEXT = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_[]{}#!|$~^="}


def _rebuild(node: ElementTree.Element) -> str | None:
    tag = node.tag.removeprefix(_NS)
    if tag not in _ELEMENTS:
        return None
    attrs = "".join(
        f' {k}="{v}"' for k, v in node.attrib.items() if k in _ATTRIBUTES and _SAFE_VALUE.match(v)
    )
    if tag == "math":
        attrs = ' xmlns="http://www.w3.org/1998/Math/MathML"' + attrs
    children = [_rebuild(child) for child in node]
    if None in children:
        return None
    text = (node.text or "").translate(_MD_TABLE_TEXT)
    tails = [(c.tail or "").translate(_MD_TABLE_TEXT) for c in node]
    inner = text + "".join(c + t for c, t in zip(children, tails, strict=True))
    return f"<{tag}{attrs}>{inner}</{tag}>"
