"""Build and serve the site with MkDocs, from the pages ``render`` wrote into docs/."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from .errors import PapersError
from .settings import Settings


def _config(settings: Settings, **overrides):
    from mkdocs.config import load_config

    if not settings.config_file.exists():
        raise PapersError(f"{settings.config_file}: not found (is this a papers project?)")
    # Material 9.8 prints an end-of-life banner on every run; it is not news to operators.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return load_config(config_file=str(settings.config_file), **overrides)


def build_site(settings: Settings, site_dir: Path | None = None, strict: bool = True) -> Path:
    """Run ``mkdocs build``; with ``strict`` any MkDocs warning fails the build.

    The site is built next to its target and swapped in only when the build succeeded, so a
    failed build never leaves (or deploys) half a site.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    target = (site_dir or settings.path("site_dir")).resolve()
    staging = target.with_name(target.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        build(_config(settings, site_dir=str(staging), strict=strict))
    except (Abort, ConfigurationError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise PapersError(f"mkdocs build failed: {exc}") from None
    _swap(staging, target)
    return target


def _swap(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def serve_site(settings: Settings, dev_addr: str | None = None) -> None:
    """Run ``mkdocs serve`` (live reload of docs/ and the theme)."""
    from mkdocs.commands.serve import serve

    logging.getLogger("mkdocs").setLevel(logging.INFO)
    serve(config_file=str(settings.config_file), dev_addr=dev_addr, livereload=True)
