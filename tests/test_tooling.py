"""How the project is set up: the test tools (a missing one fails unless the fast subset was asked
for)."""

from __future__ import annotations

import os
import subprocess

import pytest

from . import site_tools
from .site_tools import ROOT

SETUP_SCRIPT = ROOT / "tools" / "setup-test-tools.sh"


# -- the test tools ----------------------------------------------------------------------------
@pytest.fixture
def plain_env(monkeypatch):
    """Neither CI nor the fast subset."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PAPERS_TESTS", raising=False)
    return monkeypatch


def outcome(check, *args) -> tuple[str, str]:
    """What a check did: "ok", "failed" or "skipped", and its message."""
    try:
        check(*args)
    except pytest.fail.Exception as exc:
        return "failed", str(exc)
    except pytest.skip.Exception as exc:
        return "skipped", str(exc)
    return "ok", ""


def test_a_missing_tool_fails_with_the_line_that_installs_it(plain_env):
    kind, message = outcome(site_tools.require, False, "chromium at /usr/bin/chromium")
    assert kind == "failed", message
    assert "chromium at /usr/bin/chromium is missing" in message
    assert "make tools" in message and "make test-fast" in message
    kind, message = outcome(site_tools.require, False, "x", "sudo apt-get install -y x")
    assert kind == "failed" and "sudo apt-get install -y x" in message
    assert outcome(site_tools.require, True, "anything") == ("ok", "")


def test_only_the_fast_subset_skips_and_never_in_ci(plain_env):
    plain_env.setenv("PAPERS_TESTS", "fast")
    assert outcome(site_tools.require, False, "chromium")[0] == "skipped"
    plain_env.setenv("CI", "true")
    assert outcome(site_tools.require, False, "chromium")[0] == "failed"


def test_the_nu_checker_message_names_what_is_missing(plain_env, tmp_path):
    plain_env.setattr(site_tools, "VNU_JAR", site_tools.ROOT / "tools/node_modules/nowhere.jar")
    plain_env.setattr(site_tools.shutil, "which", lambda name: f"/usr/bin/{name}")
    kind, message = outcome(site_tools.require_java_and_vnu)
    assert kind == "failed", message
    assert "tools/node_modules" in message and "npm ci --ignore-scripts" in message
    assert "java" not in message.replace("tools/node_modules", "")  # Java is there
    jar = tmp_path / "vnu.jar"
    jar.touch()
    plain_env.setattr(site_tools, "VNU_JAR", jar)
    plain_env.setattr(site_tools.shutil, "which", lambda name: None)
    kind, message = outcome(site_tools.require_java_and_vnu)
    assert kind == "failed" and "java is missing" in message
    assert "default-jre-headless" in message


def make_dry_run(target: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return result.stdout


def test_make_test_sets_up_the_tools_and_only_test_fast_skips_them():
    test = make_dry_run("test")
    assert "tools/setup-test-tools.sh" in test and "PAPERS_TESTS" not in test
    fast = make_dry_run("test-fast")
    assert "setup-test-tools" not in fast and "PAPERS_TESTS=fast" in fast
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "PAPERS_TESTS" not in ci and "test-fast" not in ci


def test_setup_script_names_the_install_line_of_what_is_missing(tmp_path):
    env = os.environ | {"PAPERS_CHROMIUM": str(tmp_path / "no-chromium")}
    result = subprocess.run(
        ["bash", str(SETUP_SCRIPT), "--check"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert "apt-get install -y --no-install-recommends chromium" in result.stdout
