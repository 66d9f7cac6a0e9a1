"""How the project is set up and pinned: the test tools (a missing one fails unless the fast subset
was asked for), the lock files (in step with pyproject.toml, every pin hashed), Dependabot."""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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
    assert "--require-hashes -r requirements-test.txt" in test
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


# -- the lock files ----------------------------------------------------------------------------
@functools.cache
def lock_tool():
    """tools/lock.py, which `make lock` runs."""
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)(?: ; (?P<marker>[^\\\n]+?))?"
    r"(?P<hashes>(?: \\\n\s+--hash=sha256:[0-9a-f]{64})+)\n",
    re.M,
)


def pins(lock: str) -> dict[str, list[tuple[str, str | None]]]:
    """name -> [(version, marker)] from a `uv pip compile --generate-hashes` file; every
    requirement line must be an exact pin with hashes."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    found: dict[str, list[tuple[str, str | None]]] = {}
    for m in PIN.finditer(text):
        found.setdefault(canonicalize_name(m["name"]), []).append((m["version"], m["marker"]))
    requirement_lines = [ln for ln in text.splitlines() if re.match(r"[A-Za-z0-9-]", ln)]
    assert len(requirement_lines) == sum(map(len, found.values())), (
        f"{lock}: a requirement without an exact pin and sha256 hashes"
    )
    return found


def satisfied(lock: str, requirement: str) -> None:
    req = Requirement(requirement)
    candidates = pins(lock).get(canonicalize_name(req.name))
    assert candidates, f"{req.name} (pyproject.toml) is not in {lock}: run `make lock`"
    for version, marker in candidates:
        if marker is None or Marker(marker).evaluate({"python_full_version": "3.11.7"}):
            assert req.specifier.contains(version, prereleases=True), (
                f"{lock} pins {req.name}=={version}, outside pyproject.toml's {req.specifier}: "
                "run `make lock`"
            )


def test_the_lock_inputs_restate_pyproject():
    expected = lock_tool().inputs((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for name, text in expected.items():
        assert (ROOT / name).read_text(encoding="utf-8") == text, (
            f"{name} differs from pyproject.toml: run `make lock`"
        )


def test_every_dependency_is_pinned_with_hashes_in_its_lock():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, test = project["dependencies"], project["optional-dependencies"]["test"]
    for requirement in runtime:
        satisfied("requirements.txt", requirement)
        satisfied("requirements-test.txt", requirement)
    for requirement in test:
        satisfied("requirements-test.txt", requirement)
    deploy, tested = pins("requirements.txt"), pins("requirements-test.txt")
    for name, versions in deploy.items():  # the tests run what is deployed
        assert tested.get(name) == versions, name
    assert "pytest" not in deploy and "playwright" not in deploy  # the deploy has no test tools


def test_the_locks_record_the_command_dependabot_recompiles_them_with():
    for source, lock in lock_tool().LOCKS.items():
        header = (ROOT / lock).read_text(encoding="utf-8").splitlines()[:2]
        assert header[0] == "# This file was autogenerated by uv via the following command:"
        command = header[1].lstrip("# ").split()
        assert command[:2] == ["uv", "pip"] and command[2:7] == lock_tool().COMPILE[1:]
        assert command[-3:] == [source, "-o", lock]


def test_dependabot_updates_the_locks_and_the_actions_weekly():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert {"uv", "github-actions"} <= set(updates)  # uv: recompiles the .txt from its .in
    for update in updates.values():
        assert update["schedule"]["interval"] == "weekly" and update["groups"], update
    # Files Dependabot reads: requirement files must end in .txt or .in to be seen at all.
    for name in (*lock_tool().LOCKS, *lock_tool().LOCKS.values()):
        assert Path(name).suffix in {".in", ".txt"} and (ROOT / name).is_file()


def test_the_uv_pin_make_installs_first_is_the_test_locks():
    """`make` installs uv by hash from requirements-uv.txt, then the locks with it: that file is
    the test lock's uv entry, as `make lock` writes it."""
    test_lock = (ROOT / "requirements-test.txt").read_text(encoding="utf-8")
    assert (ROOT / "requirements-uv.txt").read_text(encoding="utf-8") == lock_tool().uv_entry(
        test_lock
    )
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements-uv.txt" in makefile
    for lock in ("requirements.txt", "requirements-model.txt", "requirements-test.txt"):
        assert (
            f"$(UV) --require-hashes -r {lock}" in makefile
            or f"$(UV) --no-deps --require-hashes -r {lock}" in makefile
        ), lock
