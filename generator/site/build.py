"""Build and serve the site with MkDocs, from the pages ``render`` wrote into generated/."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from .. import layout, workers
from .. import cache as kept
from ..layout import output_path, page_url
from ..errors import LogMessages, PapersError
from ..files import atomic_write, write_if_changed
from ..settings import Settings, config_key


def _config(settings: Settings, **overrides):
    from mkdocs.config import load_config

    if not settings.config_file.exists():
        raise PapersError(f"{settings.config_file}: not found (is this a papers project?)")
    # Material 9.8 prints an end-of-life banner on every run; it is not news to operators.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return load_config(config_file=str(settings.config_file), **overrides)


@dataclass
class Built:
    """A finished build: where, and how many of the ``sources`` files (docs/ and generated/)
    MkDocs was given (``built``; all of them when nothing could be kept from the previous
    build)."""

    path: Path
    built: int
    sources: int

    def __str__(self) -> str:
        if self.built == self.sources:
            return f"built {self.path}"
        return f"built {self.path} ({self.built} of {self.sources} files changed)"


def build_site(settings: Settings, site_dir: Path | None = None, strict: bool = True) -> Built:
    """Run ``mkdocs build``; with ``strict`` any MkDocs warning fails the build.

    Only what changed goes through MkDocs: a page's HTML is a function of its Markdown and of
    what every page shares (the theme, the settings, MkDocs' and Material's versions: the
    build's key). When the key is the one of the previous build into the same folder, pages
    whose source is unchanged are kept as they are, changed and new ones are built (with the
    nav's pages, which every build needs) and written over them, removed ones are deleted;
    with no page changed or removed, MkDocs does not run. Other changed files (the search
    index, feeds, citation files), which MkDocs would only copy, are copied straight from
    their source. Otherwise, or when the previous build's output
    is not all there, everything is built next to the target and swapped in whole, so a
    failed build never leaves (or deploys) half a site. Either way the site is the same, byte
    for byte (tests/test_incremental.py).
    """
    target = (site_dir or settings.path("site_dir")).resolve()
    sources = source_hashes(settings)
    key = build_key(settings)
    manifest = settings.cache_dir / "site.json"
    previous = _read_manifest(manifest)  # 9 MB at 50k papers: read once
    changed = _changed_since(previous, key, target, sources)
    staging = target.with_name(target.name + ".building")
    if changed is None:
        _build_all(settings, staging, strict, len(sources))
        _swap(staging, target)
    else:
        removed = _removed_outputs(previous, sources)
        if not changed and not removed:  # MkDocs would only remake the nav's pages as they are
            write_sitemap(target, settings, sources)  # its <lastmod> is the build's day
            return Built(target, 0, len(sources))
        pages = {src for src in changed if src.endswith(".md")}
        shutil.rmtree(staging, ignore_errors=True)  # a crashed build's
        if pages:
            _build_some(settings, staging, strict, pages)
        _apply(staging, target, removed)
        _copy_static(settings, target, changed - pages)
    write_sitemap(target, settings, sources)
    atomic_write(manifest, json.dumps(_manifest(key, target, sources)).encode())
    return Built(target, len(sources) if changed is None else len(changed), len(sources))


# MkDocs holds every page of a build in memory until the end (~20 KB each with the HTML): a
# whole build is cut into shards of at most this many pages, run `build_jobs` at a time.
SHARD_PAGES = 10_000


def _build_all(settings: Settings, staging: Path, strict: bool, sources: int) -> None:
    jobs = settings.jobs
    count = max(jobs, -(-sources // SHARD_PAGES)) if jobs > 1 else 1
    shards = [staging] + [staging.with_name(f"{staging.name}.{i}") for i in range(1, count)]
    for folder in shards:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        _run_shards(settings, shards, strict, jobs)
    except PapersError:
        for folder in shards:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    for shard in shards[1:]:
        _merge_shard(shard, staging)


def _build_some(settings: Settings, staging: Path, strict: bool, changed: set[str]) -> None:
    """MkDocs on the changed pages only (the papers plugin's ``only`` option)."""
    only = settings.cache_dir / "site-changed.json"
    atomic_write(only, json.dumps(sorted(changed)).encode(), durable=False)
    try:
        _build_shard(settings, staging, strict, "", only=str(only))
    except PapersError:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _apply(staging: Path, target: Path, removed: list[str]) -> None:
    """Write what the partial build made over the site (files whose bytes differ only) and
    delete the pages of removed sources; the sitemap is written afterwards, whole."""
    # No staging folder when no page changed: MkDocs did not run.
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        rel = path.relative_to(staging)
        if rel.name.startswith("sitemap.xml"):
            continue
        write_if_changed(target / rel, path.read_bytes(), durable=False)
    for rel in removed:
        (target / rel).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # a page's own folder (org/x/), once empty
            (target / rel).parent.rmdir()
    shutil.rmtree(staging, ignore_errors=True)


def _copy_static(settings: Settings, target: Path, changed: set[str]) -> None:
    """Copy changed files that are not pages from generated/ or docs/ into the site, as
    MkDocs would (byte for byte, at the same path), without copying them through a staging
    folder first: at 50k papers a day changes the search index's ~25k files, and that double
    copy was 8 s of a 58 s update."""
    roots = (settings.generated_dir, settings.path("docs_dir"))
    for rel in sorted(changed):
        source = next((root / rel for root in roots if (root / rel).is_file()), None)
        if source is not None:  # gone since it was hashed: the next build removes it
            write_if_changed(target / rel, source.read_bytes(), durable=False)


# --- what a build depends on -----------------------------------------------------------------


SOURCES_VERSION = "1"  # the shape of what source_hashes keeps: {source: (stat, hash)}


def source_hashes(settings: Settings) -> dict[str, str]:
    """Every source file MkDocs reads from docs/ and generated/, by its path in the site
    (``papers/x.md``), with a hash of its bytes. A file whose size, modification and change
    times and inode are those of the last build keeps its hash (``sources.pickle`` in the cache):
    at 50k papers, reading the 78k files again was 3.5 s of a rebuild with nothing changed."""
    stored = settings.cache_dir / "sources.pickle"
    known = kept.load(stored, SOURCES_VERSION) or {}
    out: dict[str, str] = {}
    stats: dict[str, tuple] = {}
    for root in (settings.path("docs_dir"), settings.generated_dir):
        for top, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            folder = Path(top).relative_to(root).as_posix()  # strings below: 71k files at 50k
            for name in sorted(n for n in names if not n.startswith(".")):
                path = os.path.join(top, name)
                rel = name if folder == "." else f"{folder}/{name}"
                info = os.stat(path)
                stat = (path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                hashed = known.get(rel)
                out[rel] = hashed[1] if hashed and hashed[0] == stat else _hash_file(path)
                stats[rel] = (stat, out[rel])
    if stats != known:
        kept.save(stored, SOURCES_VERSION, stats)
    return out


def _hash_file(path: str) -> str:
    with open(path, "rb") as handle:
        return _digest(handle.read())




def build_key(settings: Settings) -> str | None:
    """What every page depends on: the theme override folder (templates, assets), mkdocs.yml
    and the variables its ``!ENV`` tags read, MkDocs' and Material's versions, this module and
    the papers plugin. None when the settings cannot be keyed (``INHERIT``): always a whole build.
    (A hook an operator adds outside the theme folder is not watched: `make clean` first.)"""
    from importlib.metadata import version

    from . import plugin

    config = config_key(settings.config_file)
    if config is None:
        return None
    code = _digest(Path(__file__).read_bytes() + Path(plugin.__file__).read_bytes())
    parts = [config, version("mkdocs"), version("mkdocs-material"), code]
    theme = _config(settings).theme.custom_dir
    for path in sorted(Path(theme).rglob("*") if theme else []):
        if path.is_file() and "__pycache__" not in path.parts:
            parts.append(f"{path.relative_to(theme).as_posix()}={_digest(path.read_bytes())}")
    return _digest("\n".join(parts).encode())


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _read_manifest(manifest: Path) -> dict:
    try:
        return json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return {}


def _changed_since(
    previous: dict, key: str | None, target: Path, sources: dict[str, str]
) -> set[str] | None:
    """The sources to build, or None for a whole build."""
    if key is None or previous.get("key") != key or previous.get("site") != str(target):
        return None
    site = str(target)
    if not all(os.path.isfile(f"{site}/{out}") for out in previous.get("outputs", {}).values()):
        return None  # the site was touched (or half deleted) since: rebuild it whole
    old = previous.get("sources", {})
    return {src for src, digest in sources.items() if old.get(src) != digest}


def _removed_outputs(previous: dict, sources: dict[str, str]) -> list[str]:
    return [out for src, out in previous["outputs"].items() if src not in sources]


def _manifest(key: str | None, target: Path, sources: dict[str, str]) -> dict:
    outputs = {src: output_path(src) for src in sources}
    return {"key": key, "site": str(target), "sources": sources, "outputs": outputs}


def write_sitemap(target: Path, settings: Settings, sources: dict[str, str]) -> None:
    """The sitemap of every page, in URL order, whatever part of the site this build made
    (MkDocs' lists only the pages it built); a sitemap.xml.gz beside it, as MkDocs writes."""
    from mkdocs.utils import get_build_date

    if not settings.site_url:
        urls: list[str] = []  # MkDocs lists no URL without site_url
    else:
        urls = sorted(settings.site_url + page_url(s) for s in sources if s.endswith(".md"))
    day = get_build_date()
    entries = "".join(
        f"\n<url>\n<loc>{escape(u)}</loc>\n<lastmod>{day}</lastmod>\n</url>" for u in urls
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}\n</urlset>'
    )
    write_if_changed(target / "sitemap.xml", text.encode(), durable=False)
    zipped = gzip.compress(text.encode(), mtime=0)
    write_if_changed(target / "sitemap.xml.gz", zipped, durable=False)


def _run_shards(settings: Settings, shards: list[Path], strict: bool, jobs: int) -> None:
    if len(shards) == 1:
        return _build_shard(settings, shards[0], strict, "")
    # spawn, not fork: a forked child would carry this process's memory on top of its own
    # build; a process per shard, so each one's pages are freed with it. Each child returns an
    # error or None.
    with workers.spawn().Pool(min(jobs, len(shards)), maxtasksperchild=1) as pool:
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


def _build_shard(
    settings: Settings, folder: Path, strict: bool, shard: str, only: str = ""
) -> None:
    """MkDocs into ``folder``, on the share of the sources the papers plugin is given."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    # MkDocs logs why a build failed (a strict-mode warning, a hook's error), then raises a
    # bare "Aborted": keep its words for our error.
    problems = LogMessages(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(problems)
    try:
        config = _config(settings, site_dir=str(folder), strict=strict)
        plugin = config.plugins.get("papers")
        if plugin is None:
            raise PapersError(f"{settings.config_file}: plugins: the papers plugin is missing")
        plugin.config.only, plugin.config.shard = only, shard
        build(config)
    except (Abort, ConfigurationError) as exc:
        raise PapersError(f"mkdocs build failed: {exc}{problems.summary()}") from None
    finally:
        logger.removeHandler(problems)


def _merge_shard(shard: Path, into: Path) -> None:
    """Move a shard's generated pages into the main build (the sitemap is written whole
    afterwards)."""

    for page in shard.rglob("*.html"):  # papers/<id>.html, org/<o>/page/2/index.html
        if not page.relative_to(shard).as_posix().startswith(layout.sharded_dirs()):
            continue  # the nav's pages and the theme's: shard 0 has them too
        dest = into / page.relative_to(shard)
        dest.parent.mkdir(parents=True, exist_ok=True)
        page.replace(dest)
    shutil.rmtree(shard)


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
