"""Regenerate the lock files from pyproject.toml: `make lock` (`make lock UPGRADE=1` moves every
pin to its newest release).

pyproject.toml states what the project needs, as ranges. The locks pin every package, transitive
ones too, with the hashes of its files, so that the scheduled deploy and the tests install exactly
what was tested:

    requirements.in        pyproject.toml's dependencies, restated for Dependabot (generated)
    requirements.txt       its lock: what the update workflow deploys with
    requirements-test.in   requirements.in plus the `test` extra (generated)
    requirements-test.txt  its lock: what `make` and CI install
    requirements-uv.txt    its uv entry alone: what `make` installs first, to install the rest

Dependabot recompiles a `.txt` from its `.in` with the `uv pip compile` options recorded in its
header, so its pull requests move transitive pins together. tests/test_locks.py checks that the
files agree with pyproject.toml.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "3.11"  # the oldest Python the project supports (requires-python) and CI's
COMPILE = ["pip", "compile", "--universal", "--generate-hashes", "--python-version", PYTHON]
LOCKS = {  # input -> lock, in the order they must be compiled
    "requirements.in": "requirements.txt",
    "requirements-test.in": "requirements-test.txt",
}
UV_LOCK = "requirements-uv.txt"
_HEADER = "# Generated from pyproject.toml by `make lock` (tools/lock.py): edit that, not this.\n"


def inputs(pyproject: str) -> dict[str, str]:
    """The two `.in` files, from pyproject.toml's text."""
    project = tomllib.loads(pyproject)["project"]
    runtime = "".join(f"{req}\n" for req in project["dependencies"])
    test = "".join(f"{req}\n" for req in project["optional-dependencies"]["test"])
    return {
        "requirements.in": f"{_HEADER}# The runtime dependencies.\n{runtime}",
        "requirements-test.in": (
            f"{_HEADER}# The runtime dependencies, at the versions requirements.txt deploys,\n"
            "# and the `test` extra.\n"
            f"-r requirements.in\n-c requirements.txt\n{test}"
        ),
    }


def uv_entry(lock: str) -> str:
    """The lock's ``uv==…`` entry with its hashes (``make`` installs it first, by hash)."""
    match = re.search(r"^uv==[^\n]*\\\n(?:    --hash=[^\n]*\n)+", lock, re.M)
    if match is None:
        sys.exit("requirements-test.txt has no uv entry: add uv to the `test` extra")
    header = (
        "# uv, to install the locks fast (make site, make test): requirements-test.txt's entry.\n"
    )
    return _HEADER + header + match.group(0).rstrip(" \\\n") + "\n"


def uv() -> str:
    here = Path(sys.executable).parent / "uv"
    found = str(here) if here.exists() else shutil.which("uv")
    if not found:
        sys.exit("uv is not installed: make (it installs the `test` extra, which has uv)")
    return found


def main(argv: list[str]) -> int:
    upgrade = ["--upgrade"] if "--upgrade" in argv else []
    for name, text in inputs((ROOT / "pyproject.toml").read_text(encoding="utf-8")).items():
        (ROOT / name).write_text(text, encoding="utf-8")
    for source, lock in LOCKS.items():
        subprocess.run(
            [uv(), *COMPILE, *upgrade, "--quiet", source, "-o", lock], cwd=ROOT, check=True
        )
        print(f"wrote {lock}")
    test_lock = (ROOT / "requirements-test.txt").read_text(encoding="utf-8")
    (ROOT / UV_LOCK).write_text(uv_entry(test_lock), encoding="utf-8")
    print(f"wrote {UV_LOCK}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
