"""End to end: the real CLI imports real captures, renders, and MkDocs builds the site."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.model import title_id
from generator.settings import load_settings
from generator.store import Store

from .conftest import API_DIR, SEED, make_project
from .conftest import papers as run_papers

pytestmark = pytest.mark.slow


def papers(project: Path, *args: str, ok: bool = True):
    result = run_papers(project, *args)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    project = make_project(tmp_path_factory.mktemp("e2e") / "project")
    papers(project, "import", str(API_DIR))
    papers(project, "import", "--year", "2025", str(SEED))
    result = papers(project, "build", "--site-dir", str(project.parent / "out"))
    assert "built" in result.stdout
    return project, project.parent / "out"


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_paper_and_date_has_a_page(built):
    project, site = built
    stored = Store(load_settings(project).path("data_dir")).load_all()
    assert len(stored) > 100
    for paper in stored:
        assert (site / "papers" / f"{paper.id}.html").is_file(), paper.id
    for day in {p.daily_date for p in stored}:
        assert (site / "date" / f"{day.isoformat()}.html").is_file(), day


def test_index_links_the_latest_date(built):
    _, site = built
    links = [a["href"] for a in soup_of(site / "index.html").select("article a[href]")]
    assert "date/2026-03-05.html" in links


def test_paper_page_shows_hostile_text_literally(built):
    _, site = built
    page = soup_of(site / "papers" / "2504.07128.html")
    assert (
        page.find("h1").get_text() == "DeepSeek-R1 Thoughtology: Let's <think> about LLM Reasoning"
    )
    assert page.title.get_text().startswith("DeepSeek-R1 Thoughtology: Let's <think> about")
    assert page.find("think") is None
    abstract = soup_of(site / "papers" / "2507.03745.html").select_one("article").get_text()
    assert "<a href=" in abstract
    money = soup_of(site / "papers" / "2502.12115.html")
    assert "Earn $1 Million" in money.find("h1").get_text()


def test_paper_page_links(built):
    _, site = built
    page = soup_of(site / "papers" / "2510.12586.html")
    hrefs = {a.get_text(strip=True): a["href"] for a in page.select("article a[href]")}
    assert hrefs["arXiv"] == "https://arxiv.org/abs/2510.12586"
    assert hrefs["PDF"] == "https://arxiv.org/pdf/2510.12586"
    assert hrefs["GitHub ★ 48"] == "https://github.com/AMAP-ML/EPG"
    assert hrefs["Wednesday, 15 October 2025"] == "../date/2025-10-15.html"


def test_date_page_lists_its_papers_by_upvotes(built):
    project, site = built
    page = soup_of(site / "date" / "2025-10-15.html")
    items = page.select("article.paper-card")
    stored = [
        p
        for p in Store(load_settings(project).path("data_dir")).load_all()
        if p.daily_date.isoformat() == "2025-10-15"
    ]
    assert len(items) == len(stored)
    votes = [int(card.select_one(".paper-votes").get_text().strip("▲ ")) for card in items]
    assert votes == sorted(votes, reverse=True)


def test_seed_papers_share_one_date_page(built):
    _, site = built
    page = soup_of(site / "date" / "2025-09-10.html")
    assert len(page.select("article.paper-card")) == 26
    title = "In-Context Learning Strategies Emerge Rationally"
    assert (site / "papers" / f"{title_id(title)}.html").is_file()


def test_import_is_idempotent_and_bad_files_fail_cleanly(built, tmp_path):
    project, _ = built
    data = load_settings(project).path("data_dir")
    before = {p: p.read_bytes() for p in data.rglob("*.yaml")}
    again = papers(project, "import", str(API_DIR))
    assert "0 new, 0 updated" in again.stdout
    bad = tmp_path / "2025-01-01.json"
    bad.write_text('[{"paper": {"id": "2501.00001"', encoding="utf-8")
    failed = papers(project, "import", str(bad), str(API_DIR / "2026-03-05.json"), ok=False)
    assert failed.exit_code == 1
    assert f"{bad}:1: invalid JSON" in failed.stderr
    assert "1 failed" in failed.stdout
    assert {p: p.read_bytes() for p in data.rglob("*.yaml")} == before


def test_build_fails_on_a_broken_data_file(tmp_path):
    project = make_project(tmp_path / "p")
    bad = project / "data" / "papers" / "2501" / "2501.00001.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("id: '2501.00001'\ntitle: x\ndaily_date: never\n", encoding="utf-8")
    result = papers(project, "render", ok=False)
    assert result.exit_code == 1
    assert "2501.00001.yaml:3: field daily_date" in result.stderr


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_and_build_in_a_clone_change_only_data(tmp_path):
    """What git tracks here, committed in a fresh repository: after an import and a build,
    `git status` shows data/ and nothing else (generated output is ignored, not tracked)."""
    from .conftest import ROOT

    clone = tmp_path / "clone"
    for name in _git(ROOT, "ls-files", "-z").split("\0"):
        if name and (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            (clone / name).write_bytes((ROOT / name).read_bytes())
    _git(clone.parent, "init", "-q", str(clone))
    _git(clone, "add", "-A")
    _git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "clone")
    papers(clone, "import", str(API_DIR / "2025-10-15.json"), str(API_DIR / "2024-05-28.json"))
    papers(clone, "build")
    assert (clone / "site" / "papers" / "2510.12586.html").is_file()
    changed = _git(clone, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert changed, "the import stored nothing"
    assert all(line[3:].startswith("data/") for line in changed), changed


def test_a_page_in_docs_that_render_also_makes_is_an_error_naming_it(tmp_path):
    """An older version rendered into docs/: a leftover copy must not silently shadow or
    duplicate the generated page."""
    project = make_project(tmp_path / "project")
    papers(project, "import", str(API_DIR / "2025-10-15.json"))
    leftover = project / "docs" / "papers" / "2510.12586.md"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("# old\n")
    result = papers(project, "build", ok=False)
    assert result.exit_code == 1
    assert "papers/2510.12586.md: also generated by `papers render`" in result.output


def test_a_config_without_the_papers_plugin_is_an_error_naming_it(tmp_path):
    """The generated pages reach MkDocs only through the plugin: without it a build would
    publish the hand-written pages alone, so it stops instead."""
    project = make_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "plugins:\n  - papers\n" in text
    config.write_text(text.replace("plugins:\n  - papers\n", "plugins: []\n"), encoding="utf-8")
    papers(project, "import", str(API_DIR / "2025-10-15.json"))
    result = papers(project, "build", ok=False)
    assert result.exit_code == 1
    assert "mkdocs.yml: plugins: the papers plugin is missing" in result.stderr
    assert not (project / "site").exists()
