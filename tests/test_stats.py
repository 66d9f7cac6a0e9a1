"""The stats page's numbers, on small hand-made archives whose answers are worked out by hand,
and its charts' markup (parsed, not matched as text)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from bs4 import BeautifulSoup

from generator.model import Account, Paper
from generator.render import stats
from generator.render.archive import Archive
from generator.render.stats import Rising

_ids = itertools.count(1)


def paper(day: str, keywords=(), code: bool = False, org: str | None = None, **fields) -> Paper:
    n = next(_ids)
    return Paper(
        id=f"2501.{n:05d}",
        title=f"Paper {n}",
        daily_date=date.fromisoformat(day),
        ai_keywords=list(keywords),
        github_repo=f"https://github.com/x/p{n}" if code else None,
        organization=Account(**_org(org)) if org else None,
        **fields,
    )


def _org(spec: str) -> dict:
    """ "handle" or "handle=Full name"."""
    name, _, fullname = spec.partition("=")
    return {"name": name, "fullname": fullname or None}


def months(**groups: list[Paper]) -> dict[str, list[Paper]]:
    return {key.replace("_", "-")[1:]: papers for key, papers in groups.items()}


# -- rising keywords -------------------------------------------------------------------------
def test_rising_keywords_compare_the_latest_complete_month_with_the_months_before():
    """Baseline (2024-11, 2024-12: 4 papers): llm 2, rl 1, agents 1. 2025-01 (4 papers): agents
    3 (once per paper, case and spaces folded), rl 2, llm 1. agents 75% - 25% = +50 points,
    rl 50% - 25% = +25; llm is on one paper only. 2024-10 is outside the two-month baseline
    (with it, agents would be 3/6 before), and 2025-02 is still running."""
    found = stats.rising_keywords(
        months(
            _2024_10=[paper("2024-10-01", ["agents"]), paper("2024-10-02", ["agents"])],
            _2024_11=[paper("2024-11-01", ["llm"]), paper("2024-11-02")],
            _2024_12=[paper("2024-12-01", ["LLM", "rl"]), paper("2024-12-02", [" Agents "])],
            _2025_01=[
                paper("2025-01-01", ["agents", "RL"]),
                paper("2025-01-02", ["agents", "llm"]),
                paper("2025-01-03", ["rl"]),
                paper("2025-01-04", ["Agents", "agents"]),
            ],
            _2025_02=[paper("2025-02-01", ["new"]), paper("2025-02-02", ["new"])],
        ),
        baseline_months=2,
    )
    assert found.month == "2025-01" and found.baseline == ["2024-11", "2024-12"]
    assert found.keywords == [Rising("agents", 3, 0.75, 0.25), Rising("rl", 2, 0.5, 0.25)]
    assert found.keywords[0].change == pytest.approx(0.5)


def test_a_keyword_that_only_holds_its_share_is_not_rising_and_ties_go_by_name():
    """Before (2 papers): b 1 = 50%. Now (2 papers): a 2 = 100% (+100), b 1 = 50% (+0),
    c 2 = 100% (+100): a and c tie on change and papers, so by name."""
    found = stats.rising_keywords(
        months(
            _2025_01=[paper("2025-01-01", ["b"]), paper("2025-01-02")],
            _2025_02=[paper("2025-02-01", ["c", "a", "b"]), paper("2025-02-02", ["a", "c"])],
            _2025_03=[paper("2025-03-01")],
        ),
        min_papers=1,
    )
    assert [(r.keyword, r.change) for r in found.keywords] == [("a", 1.0), ("c", 1.0)]


def test_no_rising_keywords_without_a_complete_month_and_one_before_it():
    two = months(_2025_01=[paper("2025-01-01", ["a"])], _2025_02=[paper("2025-02-01", ["a"])])
    assert stats.rising_keywords(two) is None


# -- papers with code ------------------------------------------------------------------------
def test_code_share_counts_papers_with_a_github_repository_per_month():
    groups = months(
        _2025_01=[
            paper("2025-01-01", code=True),
            paper("2025-01-02"),
            paper("2025-01-03", code=True),
        ],
        _2025_02=[paper("2025-02-01")],
    )
    assert stats.code_share(groups) == [("2025-01", 2, 3), ("2025-02", 0, 1)]


# -- organisations per quarter ---------------------------------------------------------------
def test_orgs_per_quarter_most_papers_first_then_by_handle():
    """Q1: b 2 (Jan, Mar 31), a 1; Q2 (from Apr 1): a 1, c 1 (a tie: by handle); a paper
    without an organisation counts for none."""
    papers = [
        paper("2025-04-01", org="c"),
        paper("2025-01-05", org="a=Alpha Lab"),
        paper("2025-02-01", org="b"),
        paper("2025-03-31", org="b"),
        paper("2025-03-01"),
        paper("2025-04-02", org="a=Alpha Lab"),
    ]
    assert stats.orgs_per_quarter(papers) == {
        "2025 Q1": [("b", 2), ("Alpha Lab", 1)],
        "2025 Q2": [("Alpha Lab", 1), ("c", 1)],
    }
    assert stats.orgs_per_quarter(papers, top=1)["2025 Q1"] == [("b", 2)]


# -- the page's sections ---------------------------------------------------------------------
def test_sections_without_data_and_zero_numbers_are_left_out():
    archive = Archive([paper("2025-01-01", upvotes=3), paper("2025-01-02", upvotes=5)])
    assert [s.id for s in stats.sections(archive)] == ["per-week", "upvotes"]
    assert stats.summary(archive) == [(2, "papers"), (2, "days"), (4, "median upvotes")]


def test_every_section_with_data_is_made():
    archive = Archive(
        [
            paper("2025-01-01", ["b"], code=True, org="o"),
            paper("2025-02-01", ["a"], org="o"),
            paper("2025-02-02", ["a"]),
            paper("2025-03-01"),
        ]
    )
    assert [s.id for s in stats.sections(archive)] == [
        "per-week",
        "upvotes",
        "code-share",
        "rising",
        "orgs",
        "orgs-per-quarter",
    ]


def test_charts_escape_untrusted_names_and_are_never_scaled():
    hostile = '<script>alert(1)</script>"&'
    archive = Archive(
        [
            paper("2025-01-01", code=True, org=f"o={hostile}"),
            paper("2025-02-01", [hostile], org=f"o={hostile}"),
            paper("2025-02-02", [hostile]),
            paper("2025-03-01"),
        ]
    )
    for section in stats.sections(archive):
        for chart in section.charts:
            svg = BeautifulSoup(chart.svg(), "html.parser").svg
            assert svg.find("script") is None
            assert svg.get("viewbox") is None and svg["width"] == "100%"
            names = [g.title.string for g in svg.select("g.bar")]
            assert len(names) == len(chart.bars)
            if section.id in ("orgs", "rising"):
                assert names[0].startswith(hostile)


def test_a_vertical_bar_names_its_value_and_every_other_tick_hides_on_a_phone():
    archive = Archive([paper(f"2025-{m:02d}-0{d}") for m in range(1, 7) for d in (1, 2)])
    chart = stats.sections(archive)[0].charts[0]
    svg = BeautifulSoup(chart.svg(), "html.parser").svg
    bars = svg.select("g.bar")
    assert bars[0]["tabindex"] == "0" and bars[0].title.string == "2025-W01: 2 papers"
    assert bars[0].select_one("text.bar__value").string == "2"
    ticks = svg.select("text.tick")
    assert len(ticks) == len(bars) and len(svg.select("text.tick--wide")) == len(bars) // 2
    assert [t.string for t in svg.select("text.axis-title")] == ["Papers", "Week"]
