"""Hugging Face accounts on paper pages (issue 24): a claimed author's name and the submitter
link to their accounts, within what is left of the 200 bytes a paper page may grow, and only
for handles that are handles."""

from __future__ import annotations

import re
from datetime import date

from generator.model import Account, Author, Paper
from generator.render.pages import linked_accounts, linked_names

from .conftest import render_fixture_archive

TRENDING_LINK = len('<li><a href="../trending/">Trending</a></li>\n')
LINK = re.compile(r'<a href="https://huggingface\.co/([^"/]+)">[^<]*</a>')


def test_account_links_add_at_most_200_bytes_to_any_paper_page(tmp_path):
    pages = sorted((render_fixture_archive(tmp_path / "site") / "papers").glob("*.md"))
    added, most = 0, 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = text.split("## ", 1)[0]  # the authors and facts, before the page's sections
        links = LINK.findall(head)
        size = sum(len(f'<a href="https://huggingface.co/{h}"></a>') for h in links)
        # The 200 bytes a paper page, less the header's Trending link (45), measured.
        assert size + TRENDING_LINK <= 200, page.name
        added, most = added + bool(links), max(most, len(links))
    assert added > 20 and most >= 3  # the fixtures have claimed authors and submitters


def _paper(**fields) -> Paper:
    return Paper(id="2401.00001", title="T", daily_date=date(2024, 1, 2), **fields)


def test_the_submitter_first_then_authors_in_order_until_the_budget():
    authors = [Author(name=f"N{i}", hf_user=f"user-{i:02d}") for i in range(10)]
    paper = _paper(authors=authors, submitted_by=Account(name="akhaliq"))
    linked = linked_accounts(paper, authors)
    assert "akhaliq" in linked and "user-00" in linked and "user-09" not in linked
    names = linked_names(authors, linked)
    assert names.count("<a ") == len(linked) - 1 and names.startswith('<a href="https://hugg')


def test_a_handle_that_is_not_one_is_never_linked():
    hostile = [Author(name="<b>Eve</b>", hf_user='x" onmouseover="alert(1)'), Author(name="Bob")]
    paper = _paper(authors=hostile, submitted_by=Account(name="../../evil"))
    assert linked_accounts(paper, hostile) == frozenset()
    assert str(linked_names(hostile, frozenset())) == "&#60;b&#62;Eve&#60;/b&#62;, Bob"
