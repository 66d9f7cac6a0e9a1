"""The Daily Papers API parser, on real saved responses and on broken ones."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from generator.errors import InputError
from generator.ingest.sources.hf_api import latest_time, load_json, parse_daily_papers

from .conftest import API_DIR, FIXTURES

REPEATED_DIR = FIXTURES / "repeated"

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def parse(name: str, **kwargs):
    path = API_DIR / f"{name}.json"
    raw = load_json(path.read_bytes(), str(path))
    day = kwargs.pop("day", date.fromisoformat(name))
    return {p.id: p for p in parse_daily_papers(raw, where=str(path), fetched_at=NOW, day=day)}


def test_every_entry_becomes_a_paper():
    for path in API_DIR.glob("*.json"):
        raw = json.loads(path.read_text(encoding="utf-8"))
        papers = parse_daily_papers(
            raw, where=path.name, fetched_at=NOW, day=date.fromisoformat(path.stem)
        )
        assert [p.id for p in papers] == [e["paper"]["id"] for e in raw]


def test_hard_wrapped_text_is_unwrapped_but_otherwise_exact():
    paper = parse("2025-10-15")["2510.12586"]
    assert paper.title == (
        "Advancing End-to-End Pixel Space Generative Modeling via Self-supervised Pre-training"
    )
    assert "\n" not in paper.abstract and "  " not in paper.abstract
    assert paper.abstract.startswith("Pixel-space generative models are often more difficult")
    assert paper.abstract.endswith("without relying on pre-trained VAEs or diffusion models.")


def test_latex_kept_from_the_top_level_title():
    titles = [p.title for p in parse("2024-06-21").values()]
    assert any("$\\nabla^2$DFT" in t for t in titles)


def test_tag_like_and_dollar_strings_are_kept_verbatim():
    assert any("<think>" in p.title for p in parse("2025-04-11").values())
    assert any("$1 Million" in p.title for p in parse("2025-02-18").values())
    assert any("<a href" in p.abstract for p in parse("2025-07-08").values())


def test_media_url_era_gives_thumbnail_and_submission_time():
    papers = parse("2024-05-28")
    paper = papers["2405.17247"]
    assert paper.thumbnail.endswith("/2405.17247.png")
    # Before 2025-03-11 the top-level publishedAt was the Daily Papers submission time.
    assert paper.submitted_at == datetime(2024, 5, 28, 3, 14, 41, 21000, tzinfo=UTC)
    assert paper.published_at == datetime(2024, 5, 27, 15, 1, 23, tzinfo=UTC)
    assert all(p.daily_date == date(2024, 5, 28) for p in papers.values())


def test_daily_date_prefers_submitted_on_daily_at_over_the_asked_date():
    papers = parse("2025-10-15", day=date(1999, 1, 1))
    assert {p.daily_date for p in papers.values()} == {date(2025, 10, 15)}


def test_after_the_change_published_at_is_not_taken_as_submission_time():
    raw = json.loads((API_DIR / "2025-03-11.json").read_text(encoding="utf-8"))
    for entry in raw:
        entry["paper"].pop("submittedOnDailyAt", None)
    papers = parse_daily_papers(raw, where="x", fetched_at=NOW, day=date(2025, 3, 11))
    assert all(p.submitted_at is None for p in papers)
    assert all(p.daily_date == date(2025, 3, 11) for p in papers)


def test_rich_fields():
    paper = parse("2025-10-15")["2510.12586"]
    assert (paper.upvotes, paper.num_comments, paper.github_stars) == (67, 2, 48)
    assert paper.github_repo == "https://github.com/AMAP-ML/EPG"
    assert paper.organization.fullname == "AMAP-ML"
    assert paper.submitted_by.name == "xiaochonglinghu"
    assert paper.authors[0].hf_user == "jiachenlei" and paper.authors[1].hf_user is None


def test_664_authors():
    assert len(parse("2025-01-27")["2501.14249"].authors) == 664


def test_json_errors_name_the_file_and_line():
    with pytest.raises(InputError, match=r"^day\.json:3: invalid JSON"):
        load_json(b'[\n{"paper": {}},\n{oops', "day.json")


def test_a_bom_is_tolerated():
    assert load_json(b"\xef\xbb\xbf[]", "x") == []


@pytest.mark.parametrize(
    ("mutate", "field", "problem"),
    [
        (lambda e: e["paper"].pop("id"), r"\[0\]\.paper\.id", "missing"),
        (lambda e: e["paper"].update(id="nope"), r"\[0\]\.paper\.id", "not an arXiv id"),
        (lambda e: e["paper"].update(upvotes="7"), r"\[0\]\.paper\.upvotes", "expected an integer"),
        (lambda e: e["paper"].update(upvotes=-1), r"\[0\]\.upvotes", "greater than or equal"),
        (lambda e: e.pop("paper"), r"\[0\]\.paper", "missing"),
        (
            lambda e: e["paper"].update(authors=[{"x": 1}]),
            r"\[0\]\.paper\.authors\[0\]\.name",
            "missing",
        ),
        (
            lambda e: e["paper"].update(publishedAt="yesterday"),
            r"\[0\]\.paper\.publishedAt",
            "ISO 8601",
        ),
    ],
)
def test_bad_entries_name_the_field(mutate, field, problem):
    raw = json.loads((API_DIR / "2026-03-05.json").read_text(encoding="utf-8"))[:1]
    mutate(raw[0])
    with pytest.raises(InputError, match=rf"^f\.json: field {field}: .*{problem}"):
        parse_daily_papers(raw, where="f.json", fetched_at=NOW, day=date(2026, 3, 5))


def test_not_an_array_is_rejected():
    with pytest.raises(InputError, match="expected a JSON array"):
        parse_daily_papers({"error": "x"}, where="f", fetched_at=NOW)


def test_a_paper_listed_twice_identically_is_one_paper_without_a_note():
    raw = json.loads((REPEATED_DIR / "2025-07-04.json").read_text(encoding="utf-8"))
    notes: list[str] = []
    papers = parse_daily_papers(raw, where="f.json", fetched_at=NOW, notes=notes)
    ids = [e["paper"]["id"] for e in raw]
    assert len(ids) == len(set(ids)) + 1
    assert [p.id for p in papers] == list(dict.fromkeys(ids)) and notes == []


def test_a_paper_listed_twice_differently_is_merged_with_a_note():
    raw = json.loads((API_DIR / "2025-10-15.json").read_text(encoding="utf-8"))[:3]
    first = raw[1]
    again = dict(first, numComments=0, paper=dict(first["paper"], upvotes=999, ai_summary="Short."))
    notes: list[str] = []
    papers = parse_daily_papers([*raw, again], where="f.json", fetched_at=NOW, notes=notes)
    assert len(papers) == 3
    merged = papers[1]
    assert merged.upvotes == 999 and merged.num_comments == first["numComments"] > 0
    assert merged.ai_summary == first["paper"]["ai_summary"]  # same capture: the longer text
    assert notes == [f"f.json: entries [1] and [3] are both paper {merged.id} and differ; merged"]
    assert [p.feed_position for p in papers] == [0, 1, 2]  # a repeat keeps its first place
    reverse = parse_daily_papers([again, *raw], where="f.json", fetched_at=NOW)
    listed_first = {p.id: p for p in reverse}[merged.id]
    assert listed_first.feed_position == 0
    assert listed_first == merged.model_copy(update={"feed_position": 0})


def test_latest_time_is_the_latest_time_field_anywhere():
    raw = json.loads((API_DIR / "2025-10-15.json").read_text(encoding="utf-8"))
    assert latest_time(raw) == datetime(2025, 10, 15, 7, 7, 51, tzinfo=UTC)
    assert latest_time([{"title": "2099-01-01T00:00:00Z", "paper": {"upvotes": 3}}]) is None
    assert latest_time({"error": "x"}) is None
    deep = [{"paper": {"authors": [{"statusLastChangedAt": "2025-01-02T03:04:05.678+01:00"}]}}]
    assert latest_time(deep) == datetime(2025, 1, 2, 2, 4, 5, tzinfo=UTC)


def test_without_any_date_the_error_says_how_to_give_one():
    raw = json.loads((API_DIR / "2024-05-28.json").read_text(encoding="utf-8"))
    with pytest.raises(InputError, match="--date"):
        parse_daily_papers(raw, where="f", fetched_at=NOW, day=None)
