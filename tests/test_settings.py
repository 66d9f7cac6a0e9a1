"""The one settings file, and the topic filter it drives."""

from __future__ import annotations

from datetime import date

import pytest

from generator.archive import select_topics
from generator.errors import InputError
from generator.model import ArxivInfo, Paper
from generator.settings import load_settings

from .conftest import make_project


def paper(pid: str, title: str, categories=(), keywords=()) -> Paper:
    arxiv = ArxivInfo(categories=list(categories)) if categories else None
    return Paper(
        id=pid, title=title, daily_date=date(2025, 1, 1), arxiv=arxiv, ai_keywords=list(keywords)
    )


def test_settings_come_from_mkdocs_yml(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    project = make_project(tmp_path / "p", front_page_papers=7, thumbnails="false")
    settings = load_settings(project)
    assert settings.front_page_papers == 7 and settings.thumbnails is False
    assert settings.site_name == "Daily Papers" and settings.hf_endpoint == "http://127.0.0.1:9"
    assert settings.path("data_dir") == project / "data"


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ({"front_page_paper": 3}, "unknown setting"),
        ({"topics": "cs.CV"}, "topics: expected dict"),
        ({"topics": "{categories: cs.CV}"}, "topics.categories: expected a list"),
        ({"topics": "{tags: [x]}"}, "expected {categories"),
    ],
)
def test_bad_settings_name_the_field(tmp_path, setting, problem):
    project = make_project(tmp_path / "p", **setting)
    with pytest.raises(InputError, match=problem):
        load_settings(project)


def test_topic_filter():
    papers = [
        paper("2501.00001", "Robots that fold laundry", ["cs.RO"]),
        paper("2501.00002", "A diffusion model", ["cs.CV"]),
        paper("2501.00003", "Unrelated", ["cs.CL"], ["Embodied agents"]),
        paper("2501.00004", "Not yet enriched"),
    ]
    assert select_topics(papers, {}) == papers
    picked = select_topics(papers, {"categories": ["cs.RO"], "keywords": ["DIFFUSION", "embodied"]})
    assert [p.id for p in picked] == ["2501.00001", "2501.00002", "2501.00003"]


def test_a_wrong_type_names_the_setting(tmp_path):
    project = make_project(tmp_path / "p", front_page_papers="lots")
    with pytest.raises(InputError, match=r"field extra\.papers\.front_page_papers: expected int"):
        load_settings(project)
