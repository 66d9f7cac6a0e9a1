"""The one settings file, and the topic filter it drives."""

from __future__ import annotations

import re
from datetime import date

import pytest

from generator import settings as settings_module
from generator.errors import InputError
from generator.model import ArxivInfo, Paper
from generator.render.archive import select_topics
from generator.settings import Topics, load_settings

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
        ({"front_page_paper": 3}, r"field extra\.papers\.front_page_paper: unknown setting"),
        ({"topics": "cs.CV"}, r"field extra\.papers\.topics: .*valid dictionary"),
        ({"topics": "{categories: cs.CV}"}, r"extra\.papers\.topics\.categories: .*valid list"),
        ({"topics": "{tags: [x]}"}, r"extra\.papers\.topics\.tags: unknown setting"),
        ({"topics": "{keywords: ['']}"}, r"extra\.papers\.topics\.keywords\[0\]: .*at least 1"),
        ({"front_page_papers": "lots"}, r"front_page_papers: .*valid integer \(got 'lots'\)"),
        ({"thumbnails": "'no'"}, r"extra\.papers\.thumbnails: .*valid boolean"),
        ({"http_timeout": 0}, r"extra\.papers\.http_timeout: .*greater than 0"),
    ],
)
def test_bad_settings_name_the_key(tmp_path, setting, problem):
    project = make_project(tmp_path / "p", **setting)
    with pytest.raises(InputError, match=problem):
        load_settings(project)


def test_numbers_may_be_written_without_a_point(tmp_path):
    assert load_settings(make_project(tmp_path / "p", http_backoff=1)).http_backoff == 1.0


def test_mkdocs_tags_mean_what_they_mean_to_mkdocs(tmp_path, monkeypatch):
    """`site_url: !ENV [...]` is resolved as MkDocs resolves it, not read as empty."""
    project = make_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    text = re.sub(
        r"(?m)^site_url: .*$", "site_url: !ENV [SITE_URL, 'https://x.test/']", config.read_text()
    )
    config.write_text(text)
    assert load_settings(project).site_url == "https://x.test/"
    monkeypatch.setenv("SITE_URL", "https://papers.example.org/")
    assert load_settings(project).site_url == "https://papers.example.org/"


def _no_mkdocs(path):
    raise AssertionError("MkDocs' loader was asked again")


def test_settings_are_kept_until_mkdocs_yml_changes(tmp_path, monkeypatch):
    """MkDocs' loader runs once; the next run reads the kept values, until the file changes."""
    project = make_project(tmp_path / "p", front_page_papers=7)
    assert load_settings(project).front_page_papers == 7
    monkeypatch.setattr(settings_module, "_mkdocs_config", _no_mkdocs)
    assert load_settings(project).front_page_papers == 7  # from .papers-cache
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("front_page_papers: 7", "front_page_papers: 9"))
    with pytest.raises(AssertionError, match="asked again"):
        load_settings(project)
    monkeypatch.undo()
    assert load_settings(project).front_page_papers == 9


def test_kept_settings_follow_the_project_and_survive_a_broken_cache(tmp_path):
    project = make_project(tmp_path / "p")
    assert load_settings(project).path("site_dir") == project / "site"
    moved = project.rename(tmp_path / "moved")
    assert load_settings(moved).path("site_dir") == moved / "site"  # not the old place
    (moved / ".papers-cache" / "settings.pickle").write_bytes(b"\x80\x04garbage")
    assert load_settings(moved).site_name == "Daily Papers"


def test_a_broken_mkdocs_yml_names_the_file(tmp_path):
    project = make_project(tmp_path / "p")
    (project / "mkdocs.yml").write_text("site_name: [unclosed\n")
    with pytest.raises(InputError, match=r"mkdocs\.yml: invalid MkDocs configuration"):
        load_settings(project)


def test_topic_filter():
    papers = [
        paper("2501.00001", "Robots that fold laundry", ["cs.RO"]),
        paper("2501.00002", "A diffusion model", ["cs.CV"]),
        paper("2501.00003", "Unrelated", ["cs.CL"], ["Embodied agents"]),
        paper("2501.00004", "Not yet enriched"),
    ]
    assert select_topics(papers, Topics()) == papers
    wanted = Topics(categories=["cs.RO"], keywords=["DIFFUSION", "embodied"])
    picked = select_topics(papers, wanted)
    assert [p.id for p in picked] == ["2501.00001", "2501.00002", "2501.00003"]
