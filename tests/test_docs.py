"""The documentation: a README that fits a screenful or two, a handbook that builds strict, and
references made from the code that fail on a command, option or setting without words."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from generator import reference
from generator.cli import main
from generator.settings import PapersSettings

from .conftest import ROOT

HANDBOOK = ROOT / "handbook"


def test_the_readme_is_a_front_door():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    for needed in ("make site", "make test", "handbook/docs/index.md", "## Dependencies"):
        assert needed in readme


def test_every_command_option_and_setting_has_words():
    assert reference.undocumented() == []
    assert reference.undocumented_settings() == []


def test_an_option_without_help_is_reported(monkeypatch):
    option = next(p for p in main.commands["search"].params if p.name == "sort")
    monkeypatch.setattr(option, "help", None)
    assert reference.undocumented() == ["papers search --sort"]
    command = main.commands["check"]
    monkeypatch.setattr(command, "help", None)
    assert "papers check" in reference.undocumented()


def test_a_setting_without_words_is_reported(monkeypatch):
    monkeypatch.setattr(PapersSettings.model_fields["feed_size"], "description", None)
    assert reference.undocumented_settings() == ["extra.papers.feed_size"]


def test_the_references_list_every_command_option_and_setting():
    cli = reference.cli_markdown()
    for name, command in main.commands.items():
        assert f"## papers {name}" in cli
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.opts[-1] in cli, (name, param.opts)
    settings = reference.settings_markdown()
    assert all(f"`extra.papers.{name}`" in settings for name in PapersSettings.model_fields)
    assert "`/papers/2510.12586.html`" in reference.urls_markdown()


def test_the_handbook_builds_strict_with_the_references(tmp_path):
    site = tmp_path / "handbook"
    config = str(HANDBOOK / "mkdocs.yml")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "-d", str(site)],
        capture_output=True,
        text=True,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    cli = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "papers search" in cli and "--has-code" in cli and "<!-- papers:" not in cli
    settings = (site / "reference" / "settings" / "index.html").read_text(encoding="utf-8")
    assert "extra.papers.semantic_model" in settings


def test_the_docs_point_inside_the_repository():
    """Nothing a reader is sent to lives outside this repository (../shared is a dev folder)."""
    texts = [ROOT / "README.md", *HANDBOOK.rglob("*.md")]
    helps = reference.cli_markdown()
    offenders = [str(p.relative_to(ROOT)) for p in texts if "../shared" in p.read_text()]
    assert not offenders and "../shared" not in helps, offenders
