"""Golden tests: rendered Markdown for real fixtures must match tests/golden/ byte for byte.

After an intended change to templates or escaping, refresh the goldens and review the diff:

    pytest tests/test_render_golden.py --update-goldens && git diff tests/golden
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.model import title_id
from generator.render.pages import render
from generator.settings import load_settings
from generator.store import Store

from .conftest import GOLDEN, render_fixture_archive

SEED_TITLE = "In-Context Learning Strategies Emerge Rationally"
PAGES = [
    "index.md",
    "archive.md",
    "stats.md",  # the charts (generator/render/stats.py) and which sections have data
    "date/2025-04-11.md",
    "date/2025-04-11.bib",  # every paper of the day, cited (citation.py)
    "date/2025-04-11.ris",
    "feeds/all.opml",
    "papers/2504.07128.md",  # <think> in the title
    "papers/2507.03745.md",  # <a href=...> in the abstract
    "papers/2502.12115.md",  # $1 Million
    "papers/2406.14347.md",  # LaTeX in the title
    "papers/2510.12586.md",  # organisation, GitHub, AI summary and keywords
    f"papers/{title_id(SEED_TITLE)}.md",  # title-only paper from the text scrape
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render_fixture_archive(tmp_path_factory.mktemp("golden") / "project")


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden(rendered, page, update_goldens):
    actual = (rendered / page).read_text(encoding="utf-8")
    golden = GOLDEN / page.replace("/", "__")
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden for {page}: run pytest --update-goldens"
    assert actual == golden.read_text(encoding="utf-8")


def test_rerender_writes_nothing(rendered):
    settings = load_settings(rendered.parent)
    result = render(settings, Store(settings.path("data_dir")).load_all())
    assert (result.written, result.removed) == (0, 0) and result.unchanged > 0


def test_stale_pages_are_removed(rendered):
    """Anything in the generated folder that a render did not make goes; the search index
    and the hand-written docs/ stay."""
    stale = [rendered / "papers/2101.00001.md", rendered / "old.md", rendered / "gone/x/y.md"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("old", encoding="utf-8")
    index = rendered / "search-index" / "meta.json"
    index.parent.mkdir(exist_ok=True)
    index.write_text("{}", encoding="utf-8")
    settings = load_settings(rendered.parent)
    result = render(settings, Store(settings.path("data_dir")).load_all())
    assert result.removed == 3 and not any(p.exists() for p in stale)
    assert not (rendered / "gone").exists() and index.exists()
    assert (rendered.parent / "docs" / "about.md").exists()
