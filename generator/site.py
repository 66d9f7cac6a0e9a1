"""Build and serve the site with MkDocs, from the pages ``render`` wrote into generated/."""

from __future__ import annotations

import gzip
import logging
import multiprocessing
import os
import re
import shutil
from pathlib import Path

from .errors import LogMessages, PapersError
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
    target = (site_dir or settings.path("site_dir")).resolve()
    staging = target.with_name(target.name + ".building")
    jobs = settings.build_jobs or min(os.cpu_count() or 1, 4)
    shards = [staging] + [staging.with_name(f"{staging.name}.{i}") for i in range(1, jobs)]
    for folder in shards:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        _run_shards(settings, shards, strict)
    except PapersError:
        for folder in shards:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    for shard in shards[1:]:
        _merge_shard(shard, staging)
    _swap(staging, target)
    return target


def _run_shards(settings: Settings, shards: list[Path], strict: bool) -> None:
    if len(shards) == 1:
        return _build_shard(settings, shards[0], strict, "")
    # spawn, not fork: a forked child would carry the parent's loaded archive (1.4 GB at 50k
    # papers) on top of its own build. Each child returns an error or None.
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(shards)) as pool:
        jobs = [
            pool.apply_async(_build_shard_safely, (settings, folder, strict, f"{i}/{len(shards)}"))
            for i, folder in enumerate(shards)
        ]
        errors = [e for e in (job.get() for job in jobs) if e]
    if errors:
        raise PapersError(errors[0])


def _build_shard_safely(settings: Settings, folder: Path, strict: bool, shard: str) -> str | None:
    try:
        _build_shard(settings, folder, strict, shard)
    except PapersError as exc:
        return str(exc)
    return None


def _build_shard(settings: Settings, folder: Path, strict: bool, shard: str) -> None:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    os.environ["PAPERS_SHARD"] = shard  # read by generator/theme/hooks.py
    # MkDocs logs why a build failed (a strict-mode warning, a hook's error), then raises a
    # bare "Aborted": keep its words for our error.
    problems = LogMessages(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(problems)
    try:
        build(_config(settings, site_dir=str(folder), strict=strict))
    except (Abort, ConfigurationError) as exc:
        raise PapersError(f"mkdocs build failed: {exc}{problems.summary()}") from None
    finally:
        logger.removeHandler(problems)
        os.environ.pop("PAPERS_SHARD", None)


def _merge_shard(shard: Path, into: Path) -> None:
    """Move a shard's generated pages into the main build and add them to the sitemap."""
    from .theme.hooks import SHARDED_DIRS

    for page in shard.rglob("*.html"):  # papers/<id>.html, org/<o>/page/2/index.html
        if not page.relative_to(shard).as_posix().startswith(SHARDED_DIRS):
            continue  # the nav's pages and the theme's: shard 0 has them too
        dest = into / page.relative_to(shard)
        dest.parent.mkdir(parents=True, exist_ok=True)
        page.replace(dest)
    _merge_sitemaps(shard / "sitemap.xml", into / "sitemap.xml")
    shutil.rmtree(shard)


def _merge_sitemaps(extra: Path, main: Path) -> None:
    known = set(re.findall(r"<loc>(.*?)</loc>", main.read_text(encoding="utf-8")))
    urls = [
        u
        for u in re.findall(r"<url>.*?</url>", extra.read_text(encoding="utf-8"), re.S)
        if re.search(r"<loc>(.*?)</loc>", u)[1] not in known
    ]
    text = main.read_text(encoding="utf-8").replace("</urlset>", "".join(urls) + "</urlset>")
    main.write_text(text, encoding="utf-8")
    with gzip.GzipFile(main.with_suffix(".xml.gz"), "wb", mtime=0) as handle:
        handle.write(text.encode("utf-8"))


def _swap(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def serve_site(settings: Settings, dev_addr: str | None = None) -> None:
    """Run ``mkdocs serve`` (live reload of docs/, generated/ and the theme)."""
    from mkdocs.commands.serve import serve

    logging.getLogger("mkdocs").setLevel(logging.INFO)
    serve(config_file=str(settings.config_file), dev_addr=dev_addr, livereload=True)
