"""The plain-text page scrape parser, on the real seed scrape."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from generator.errors import InputError
from generator.ingest.sources.text_page import infer_year, parse_text_page, resolve_page_date
from generator.model import title_id

from .conftest import SEED

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def seed_paragraphs() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    start = paragraphs.index("Sep 10") + 1
    return paragraphs[start:]


def test_seed_gives_26_papers_with_exact_titles_and_abstracts():
    papers = parse_text_page(
        SEED.read_text(encoding="utf-8"), where="seed", day=date(2025, 9, 10), fetched_at=NOW
    )
    expected = seed_paragraphs()
    assert len(papers) == 26 == len(expected) // 2
    assert [(p.title, p.abstract) for p in papers] == list(
        zip(expected[::2], expected[1::2], strict=True)
    )
    assert {p.daily_date for p in papers} == {date(2025, 9, 10)}
    assert all(p.id == title_id(p.title) and p.is_title_only for p in papers)
    # No upvotes to sort by: the page's own order is the day's order.
    assert [p.feed_position for p in papers] == list(range(26))


def test_title_ids_are_stable_across_spacing_and_case():
    assert title_id("In-Context Learning  Strategies\nEmerge") == title_id(
        "in-context learning strategies emerge"
    )
    assert title_id("A") != title_id("B")


def test_stray_card_lines_are_ignored():
    abstract = "We study things. " * 20
    card = "42\n\nA Title\n\n7 authors\n\n·\n\nSubmitted by someone"
    text = f"Daily Papers\nSep 10\n\n{card}\n\n{abstract}\n"
    [paper] = parse_text_page(text, where="x", day=date(2025, 9, 10), fetched_at=NOW)
    assert paper.title == "A Title" and paper.abstract == abstract.strip()


def test_page_date():
    text = SEED.read_text(encoding="utf-8")
    assert resolve_page_date(text, "s", day=None, year=2024, today=date(2026, 1, 1)) == date(
        2024, 9, 10
    )
    assert resolve_page_date(text, "s", day=None, year=None, today=date(2026, 1, 1)) == date(
        2025, 9, 10
    )
    assert resolve_page_date(text, "s", day=None, year=None, today=date(2026, 9, 10)) == date(
        2026, 9, 10
    )
    assert resolve_page_date(
        text, "s", day=date(2020, 1, 2), year=None, today=date(2026, 1, 1)
    ) == date(2020, 1, 2)
    assert infer_year(2, 29, date(2026, 3, 1)) == 2024


def test_no_date_and_no_papers_are_errors():
    with pytest.raises(InputError, match="--date"):
        resolve_page_date("nothing here", "f.txt", day=None, year=None, today=date(2026, 1, 1))
    with pytest.raises(InputError, match="no papers found"):
        parse_text_page("Sep 10\n\nshort\n", where="f.txt", day=date(2025, 9, 10), fetched_at=NOW)
