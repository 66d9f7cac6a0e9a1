"""Shared fixtures: real captures from tests/fixtures/, and throwaway projects in tmp folders."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
API_DIR = FIXTURES / "hf-api"
SEED = FIXTURES / "text" / "000_88bed0c6db006635.txt"
ARXIV_FEED = FIXTURES / "arxiv" / "query.xml"
HUB_DIR = FIXTURES / "hub-handmade"  # hand-made Hub listings, not recorded (its README)
GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/ from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return request.config.getoption("--update-goldens")


_TINY_MODEL: list[Path] = []


def tiny_model() -> Path:
    """The session's tiny sentence model (tests/tiny_model.py), made on first use from the
    bundled papers' texts: every project's search by meaning runs on it, in seconds; the
    packaged MiniLM's quality is the benchmarks' business (benchmarks/hybrid_eval.py)."""
    if not _TINY_MODEL:
        import tempfile

        from generator.store import Store

        from .tiny_model import make

        texts = [f"{p.title} {p.abstract}" for p in Store(ROOT / "data").load_all()]
        _TINY_MODEL.append(make(Path(tempfile.mkdtemp(prefix="tiny-model-")), texts))
    return _TINY_MODEL[0]


def make_project(where: Path, site_url: str | None = None, **settings: object) -> Path:
    """A copy of this project's site skeleton (config, hand-written docs, theme), no data;
    ``settings`` are written under ``extra.papers`` in its mkdocs.yml (``semantic_model``:
    the tiny model unless given)."""
    settings.setdefault("semantic_model", str(tiny_model()))
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", where / "docs")
    shutil.copytree(ROOT / "generator" / "theme", where / "generator" / "theme")
    configure(where, site_url, **settings)
    return where


def bundled_project(where: Path, build: bool = False) -> Path:
    """A project at ``where`` with the bundled data/ copied in; ``build``: its site built too."""
    project = make_project(where)
    shutil.copytree(ROOT / "data", project / "data")
    if build:
        assert papers(project, "build").exit_code == 0
    return project


def render_fixture_archive(where: Path, site_url: str | None = None) -> Path:
    """A project with the recorded API days and the seed scrape imported and rendered; returns
    its generated folder."""
    from datetime import date

    from generator.ingest.importer import ImportOptions
    from generator.project import Project

    project = Project.open(make_project(where, site_url=site_url))
    project.import_paths([API_DIR], ImportOptions())
    project.import_paths([SEED], ImportOptions(day=date(2025, 9, 10)))
    project.render()
    settings = project.settings
    return settings.generated_dir


def configure(project: Path, site_url: str | None = None, **settings: object) -> Path:
    """Set ``site_url`` and ``extra.papers`` settings in a project's mkdocs.yml."""
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    if site_url is not None:
        config = re.sub(r"(?m)^site_url: .*$", f"site_url: {site_url}", config)
    for key, value in settings.items():  # replace a setting the file has, or add it
        line = f"    {key}: {value}\n"
        config, found = re.subn(rf"(?m)^    {key}: .*\n", line, config)
        if not found:
            config = config.replace("  papers:\n", "  papers:\n" + line, 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def papers(project: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    """Run ``papers -C project ARGS`` as a user would, in this process (click's CliRunner):
    exit code, stdout and stderr as a user sees them, without an interpreter per call.
    ``env`` sets (or, with None, unsets) environment variables for the run."""
    from generator.cli import main

    return CliRunner().invoke(main, ["-C", str(project), *args], env=env, catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright; one for the whole session (Playwright's sync
    API allows a single running instance per thread)."""
    from .site_tools import CHROMIUM, CHROMIUM_ARGS, require

    require(CHROMIUM.exists(), f"chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
