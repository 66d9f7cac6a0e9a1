"""How a paper is cited and described to machines: BibTeX, Highwire ``citation_*`` tags (read by
Google Scholar and Zotero) and Open Graph. Pure functions of a paper.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from ..escape import html as escape_html
from ..escape import is_http_url, math_spans
from ..model import Author, Paper

_GROUP_WORDS = re.compile(r"\b(team|contributors|group|lab|consortium|collaboration)\b", re.I)


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


# -- BibTeX and RIS --------------------------------------------------------------------------
# Literal text in BibTeX: every LaTeX special is a command, and braces become commands too,
# because BibTeX counts every brace (even an escaped one) to find where a value ends.
_BIB_TEXT = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "$": r"\$",
        "&": r"\&",
        "%": r"\%",
        "#": r"\#",
        "_": r"\_",
        "^": r"\^{}",
        "~": r"\~{}",
    }
)
# In maths (a $...$ span the pages render as maths) only these are not LaTeX's meaning.
_BIB_MATH = str.maketrans({"&": r"\&", "%": r"\%", "#": r"\#"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.I)


def cite_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """Every paper's BibTeX key (``xiong2025flagtrader``), unique across the archive. Papers
    sharing a key are ordered by Daily Papers date, then id: the first keeps the plain key, the
    others add their id (``anon2025finetuning-2502.11433``), so a new day never changes the key
    of a paper already published. Per archive, never per file: every file and the paper's own
    page cite a paper by the same key."""
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[base_key(paper)].append(paper)
    keys = {}
    for key, group in groups.items():
        first, *others = sorted(group, key=lambda p: (p.daily_date, p.id))
        keys[first.id] = key
        keys |= {p.id: f"{key}-{p.id}" for p in others}
    return keys


def base_key(paper: Paper) -> str:
    """First author's surname, year, first long word of the title: ``lei2025advancing``."""
    authors = visible_authors(paper)
    names = _one_line(authors[0].name).split() if authors else []  # as saved.js reads them
    surname = _ascii(names[-1]) if names else "anon"
    words = _one_line(paper.title).split()
    word = next((_ascii(w) for w in words if len(_ascii(w)) > 3), "paper")
    return f"{surname}{_year(paper)}{word}".lower()


def _year(paper: Paper) -> int:
    return (paper.published_at.date() if paper.published_at else paper.daily_date).year


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", unicodedata.normalize("NFKD", text))


def bibtex(paper: Paper, key: str) -> str:
    """An arXiv-style ``@misc`` entry (``key`` from ``cite_keys``)."""
    authors = visible_authors(paper)
    fields = {
        "title": "{" + _bib_text(paper.title) + "}",  # inner braces keep its capitals
        "author": " and ".join(_bib_name(a.name) for a in authors) or "Unknown",
        "year": str(_year(paper)),
    }
    if not paper.is_title_only:
        fields |= {"eprint": paper.id, "archivePrefix": "arXiv"}
        if paper.arxiv and paper.arxiv.primary_category:
            fields["primaryClass"] = _bib_text(paper.arxiv.primary_category)
        fields["url"] = f"https://arxiv.org/abs/{paper.id}"
    if paper.arxiv and paper.arxiv.doi:
        fields["doi"] = _verbatim(paper.arxiv.doi)
    width = max(len(k) for k in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{{key},\n{body}\n}}"


def bibtex_file(papers: Iterable[Paper], keys: dict[str, str]) -> bytes:
    """A ``.bib`` file of ``papers``, in their order."""
    return ("\n\n".join(bibtex(p, keys[p.id]) for p in papers) + "\n").encode("utf-8")


# A paper's authors are cited in 3-6 files (its day, week, month, topics) and names recur
# across papers: a converted name is kept (a bundled-data file is made 2.6x faster when its
# names were seen; at most 65k names, a few MB).
@lru_cache(maxsize=1 << 16)
def _bib_name(name: str) -> str:
    """``Last, First``; a team, a single name or anything BibTeX would split or misread (a
    comma, a word "and") stays whole, in braces."""
    name = _one_line(name)
    parts = name.split()
    if (
        len(parts) < 2
        or _GROUP_WORDS.search(name)
        or not name[0].isalpha()
        or "," in name
        or _AND.search(name)
    ):
        return "{" + _bib_text(name) + "}"
    return _bib_text(f"{parts[-1]}, {' '.join(parts[:-1])}")


def _bib_text(text: str) -> str:
    """Text as BibTeX shows it literally, but maths (as the pages render it) stays LaTeX."""
    text = _one_line(text)
    out, end = [], 0
    for match, _mathml in math_spans(text):
        if _balanced(match[0]):
            out += [text[end : match.start()].translate(_BIB_TEXT), match[0].translate(_BIB_MATH)]
            end = match.end()
    out.append(text[end:].translate(_BIB_TEXT))
    return "".join(out)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _verbatim(text: str) -> str:
    """A DOI: printed verbatim by biblatex, so nothing is escaped, but braces and spaces go."""
    return re.sub(r"[\s{}\\]", "", _CONTROL.sub("", text))


def _one_line(text: str) -> str:
    """Line breaks and control characters end a RIS line or a BibTeX field's readability."""
    return " ".join(_CONTROL.sub(" ", text).split())


def ris(paper: Paper, key: str) -> str:
    """A RIS record (``TY`` to ``ER``), for Zotero, EndNote, Mendeley: an unpublished work
    (the preprint), identified by the same key as its BibTeX entry."""
    when = paper.published_at.date() if paper.published_at else paper.daily_date
    tags = [("TY", "UNPB"), ("ID", key), ("TI", paper.title)]
    tags += [("AU", _ris_name(a.name)) for a in visible_authors(paper)]
    tags += [("PY", str(when.year)), ("DA", when.strftime("%Y/%m/%d"))]
    if not paper.is_title_only:
        tags += [("UR", f"https://arxiv.org/abs/{paper.id}"), ("AN", f"arXiv:{paper.id}")]
        tags.append(("DB", "arXiv"))
    if paper.arxiv and paper.arxiv.doi:
        tags.append(("DO", _verbatim(paper.arxiv.doi)))
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags]
    return "\r\n".join([*lines, "ER  - "])  # RIS lines end in CR LF


def ris_file(papers: Iterable[Paper], keys: dict[str, str]) -> bytes:
    return ("\r\n\r\n".join(ris(p, keys[p.id]) for p in papers) + "\r\n").encode("utf-8")


@lru_cache(maxsize=1 << 16)
def _ris_name(name: str) -> str:
    parts = _one_line(name).split()
    if len(parts) < 2 or _GROUP_WORDS.search(name) or "," in name:
        return " ".join(parts)
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


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


def head_html(paper: Paper, image: str | None) -> str:
    """The paper's ``<head>`` additions, escaped: citation tags (Google Scholar, Zotero) and
    the Open Graph and Twitter tags link previews read. No JSON-LD (issue 23): 1 KB a page,
    50 MB at 50k papers, for search engines that read the citation tags and the page itself.

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
    return "".join(tags)


def _attr(value: str) -> str:
    return str(escape_html(value))


def thumbnail_url(paper: Paper) -> str | None:
    """The thumbnail, only if it is an http(s) URL."""
    return paper.thumbnail if is_http_url(paper.thumbnail) else None
