"""The command line's contract: one error path, usage errors, options where people put them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator.cli import main

from .conftest import API_DIR, configure, make_project


def papers(project, *args: str):
    return CliRunner().invoke(main, ["-C", str(project), *args])


@pytest.mark.parametrize(
    "command",
    [("search", "diffusion"), ("render",), ("import", str(API_DIR)), ("fetch", "--days", "0")],
)
def test_a_bad_setting_is_one_message_not_a_traceback(tmp_path, command):
    project = configure(make_project(tmp_path / "p"), front_page_papers="lots")
    result = papers(project, *command)
    assert result.exit_code == 1
    # An uncaught exception (a traceback outside the runner) would be kept here instead.
    assert isinstance(result.exception, SystemExit), result.exception
    assert "mkdocs.yml: field extra.papers.front_page_papers:" in result.output


@pytest.mark.parametrize("query", ["", "   ", "?!", "—"])
def test_an_empty_query_is_a_usage_error(project, query):
    result = papers(project, "search", query)
    assert result.exit_code == 2
    assert "nothing to search for" in result.output


def test_quiet_works_before_and_after_the_command(project):
    loud = papers(project, "import", str(API_DIR / "2025-10-15.json"))
    assert loud.exit_code == 0 and "imported 1 file(s)" in loud.output
    for args in (["-q", "import"], ["import", "-q"]):
        result = papers(project, *args, str(API_DIR / "2025-10-15.json"))
        assert result.exit_code == 0 and result.output == ""


def test_a_missing_path_is_an_error_line(project):
    result = papers(project, "import", "no-such-file.json")
    assert result.exit_code == 1
    assert result.output.startswith("error: no-such-file.json: no such file or folder")
