"""How a paper is cited and described to machines: BibTeX, Highwire ``citation_*`` tags (read by
Google Scholar and Zotero), schema.org JSON-LD and OpenGraph. Pure functions of a paper.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from .escape import html as escape_html
from .escape import is_http_url
from .model import Author, Paper

_GROUP_WORDS = re.compile(r"\b(team|contributors|group|lab|consortium|collaboration)\b", re.I)
_BIBTEX_SPECIAL = str.maketrans({"&": r"\&", "%": r"\%", "#": r"\#"})


def arxiv_links(paper: Paper) -> dict[str, str]:
    if paper.is_title_only:
        return {}
    return {
        "abs": f"https://arxiv.org/abs/{paper.id}",
        "pdf": f"https://arxiv.org/pdf/{paper.id}",
        "html": f"https://arxiv.org/html/{paper.id}",
        "hf": f"https://huggingface.co/papers/{paper.id}",
    }


def visible_authors(paper: Paper) -> list[Author]:
    return [a for a in paper.authors if not a.hidden]


def bibtex(paper: Paper) -> str:
    """An arXiv-style ``@misc`` entry; braces in text are balanced or removed."""
    authors = visible_authors(paper)
    year = (paper.published_at.date() if paper.published_at else paper.daily_date).year
    fields = {
        "title": "{" + _bib_text(paper.title) + "}",
        "author": " and ".join(_bib_name(a.name) for a in authors) or "Unknown",
        "year": str(year),
    }
    if not paper.is_title_only:
        fields |= {"eprint": paper.id, "archivePrefix": "arXiv"}
        if paper.arxiv and paper.arxiv.primary_category:
            fields["primaryClass"] = paper.arxiv.primary_category
        fields["url"] = f"https://arxiv.org/abs/{paper.id}"
    if paper.arxiv and paper.arxiv.doi:
        fields["doi"] = _bib_text(paper.arxiv.doi)
    width = max(len(k) for k in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{{_bib_key(paper, authors, year)},\n{body}\n}}"


def _bib_key(paper: Paper, authors: list[Author], year: int) -> str:
    surname = _ascii(authors[0].name.split()[-1]) if authors else "anon"
    word = next((_ascii(w) for w in paper.title.split() if len(_ascii(w)) > 3), "paper")
    return f"{surname}{year}{word}".lower() or paper.id


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", unicodedata.normalize("NFKD", text))


def _bib_name(name: str) -> str:
    parts = name.split()
    if len(parts) < 2 or _GROUP_WORDS.search(name) or not name[0].isalpha():
        return "{" + _bib_text(name) + "}"  # a team or a single name: keep it whole
    return _bib_text(f"{parts[-1]}, {' '.join(parts[:-1])}")


def _bib_text(text: str) -> str:
    text = text.translate(_BIBTEX_SPECIAL)
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "").replace("}", "")


def citation_meta(paper: Paper) -> list[tuple[str, str]]:
    """Highwire Press tags, in the order Google Scholar documents them."""
    tags = [("citation_title", paper.title)]
    tags += [("citation_author", a.name) for a in visible_authors(paper)]
    when = paper.published_at.date() if paper.published_at else paper.daily_date
    tags.append(("citation_publication_date", when.strftime("%Y/%m/%d")))
    if not paper.is_title_only:
        links = arxiv_links(paper)
        tags += [
            ("citation_arxiv_id", paper.id),
            ("citation_pdf_url", links["pdf"]),
            ("citation_abstract_html_url", links["abs"]),
        ]
    if paper.arxiv and paper.arxiv.doi:
        tags.append(("citation_doi", paper.arxiv.doi))
    return tags


def json_ld(paper: Paper, url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title[:110],  # Google's limit
        "url": url,
        "author": [{"@type": "Person", "name": a.name} for a in visible_authors(paper)],
        "datePublished": (paper.published_at or paper.daily_date).isoformat(),
    }
    # No description (the page's description tag has it) and a name only when the headline
    # had to be cut: every byte here is written 50,000 times.
    if len(paper.title) > 110:
        data["name"] = paper.title
    if paper.ai_keywords:
        data["keywords"] = paper.ai_keywords
    if not paper.is_title_only:
        data["sameAs"] = [arxiv_links(paper)["abs"], arxiv_links(paper)["hf"]]
        data["identifier"] = f"arXiv:{paper.id}"
    return data


def head_html(paper: Paper, url: str, image: str | None) -> str:
    """The paper's ``<head>`` additions, escaped: citation tags, OpenGraph image, JSON-LD.

    Written into the page's front matter as one string (not as YAML structures, which cost
    MkDocs a YAML node per author on every build) and printed as is by the theme.
    """
    tags = [f'<meta name="{n}" content="{_attr(v)}">' for n, v in citation_meta(paper)]
    tags.append('<meta property="og:type" content="article">')
    if image:
        tags += [
            f'<meta property="og:image" content="{_attr(image)}">',
            '<meta name="twitter:card" content="summary_large_image">',  # image: og:image's
        ]
    else:
        tags.append('<meta name="twitter:card" content="summary">')
    data = json.dumps(json_ld(paper, url), ensure_ascii=False, separators=(",", ":"))
    # JSON inside <script>: no "</script>" or "<!--" can form (as Jinja's tojson does it).
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    tags.append(f'<script type="application/ld+json">{data}</script>')
    return "".join(tags)


def _attr(value: str) -> str:
    return str(escape_html(value))


def thumbnail_url(paper: Paper) -> str | None:
    """The thumbnail, only if it is an http(s) URL."""
    return paper.thumbnail if is_http_url(paper.thumbnail) else None
