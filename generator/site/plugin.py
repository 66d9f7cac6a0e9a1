"""The ``papers`` MkDocs plugin (mkdocs.yml ``plugins: [papers]``): it adds what ``papers render``
wrote (generated/) to the build, keeps the share of it a build is asked for, and makes small
fixes to Material's HTML that templates cannot reach.

Its two options are set by ``site.build``, not by hand: ``only``, a JSON file listing the
sources an incremental build takes, and ``shard``, ``"i/n"`` for one of the parallel builds.
The fixes are checked by the tests (axe, the Nu HTML Checker), so a Material update that
changes the markup fails loudly instead of silently undoing a fix.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel

from .. import layout
from ..settings import GENERATED_DIR

# Nu HTML Checker: `autocomplete` is not allowed on checkboxes (Material's two drawer toggles).
# Every page of Material's layout has both: when one is not found, Material's markup changed and
# the build stops (PluginError) instead of deploying the page unfixed.
_FIXES = (
    ('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__drawer"'),
    ('type="checkbox" id="__search" autocomplete="off"', 'type="checkbox" id="__search"'),
)

# Two wrappers Material writes into every page for its instant navigation to swap, and nothing
# else reads: the announcement bar, empty, and the skip link's div. With instant navigation off
# (mkdocs.yml's theme.features) they go, 80 bytes a page; when they are not found, the build
# stops as above.
_INSTANT_ONLY = re.compile(
    r'<div data-md-component="announce">\n</div>\n'
    r'|<div data-md-component="skip">\n'
    r'((?:<a href="[^"]*" class="md-skip">\n[^<\n]*\n</a>\n)?)</div>\n'
)

_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)
_INDENT = re.compile(r"\n\s+")


def _strip_indentation(html: str) -> str:
    """Drop the templates' indentation and blank lines (~12% of a page; at 50k papers the
    difference between fitting GitHub Pages' 1 GB or not). A line break stays a line break,
    so no two words run together; <pre> blocks keep every character."""
    parts = _PRE.split(html)
    parts[::2] = [_INDENT.sub("\n", part) for part in parts[::2]]
    return "".join(parts)


def on_post_page(output: str, page, config, template: str = "") -> str:
    output = _strip_indentation(output)
    where = page.file.src_uri if page is not None else template
    for old, new in _FIXES:
        if old not in output:
            raise PluginError(
                f"generator/site/plugin.py: {old!r} is not in {where}: Material's markup "
                "changed, so this fix no longer applies; update _FIXES"
            )
        output = output.replace(old, new, 1)
    if "navigation.instant" not in (config["theme"].get("features") or []):
        output, found = _INSTANT_ONLY.subn(r"\1", output, count=2)
        if found != 2:
            raise PluginError(
                f"generator/site/plugin.py: the empty announcement bar or the skip link's "
                f"wrapper is not in {where}: Material's markup changed (or an announcement "
                "was added); update _INSTANT_ONLY"
            )
    # Nu HTML Checker: the table of contents' title is a label for the nav's "__toc" toggle,
    # which only exists on pages that are in the nav (papers and days are not).
    if 'id="__toc"' not in output:
        output = output.replace(
            '<label class="md-nav__title" for="__toc">', '<label class="md-nav__title">'
        )
    return output


def on_post_template(output: str, template_name: str, config) -> str:
    """The same fixes for pages built from theme templates alone (404.html); other templates
    (sitemap.xml) are only stripped of indentation."""
    if not template_name.endswith(".html"):
        return _strip_indentation(output)
    return on_post_page(output, None, config, template=template_name)


# The colour-scheme toggle (partials/palette.html, assets/javascripts/palette.js) switches
# between these two options of theme.palette, light then dark, in one primary and accent colour.
_PALETTE = (
    {"media": "(prefers-color-scheme: light)", "scheme": "default"},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate"},
)


def _check_palette(palette) -> None:
    options = palette if isinstance(palette, list) else []
    shape = [{key: option.get(key) for key in ("media", "scheme")} for option in options]
    colours = {(option.get("primary"), option.get("accent")) for option in options}
    if shape != list(_PALETTE) or len(colours) != 1:
        raise PluginError(
            "mkdocs.yml: theme.palette: the colour-scheme toggle needs two options, "
            f"{_PALETTE[0]} then {_PALETTE[1]}, with the same primary and accent colours"
        )


def _wanted(only: str, shard: str):
    """The test of a source's path for the share a build is asked for: the changed sources of
    an incremental build (``only``) and this shard's pages (``shard``)."""
    keep = set(json.loads(Path(only).read_text(encoding="utf-8"))) if only else None
    index, count = (int(n) for n in shard.split("/")) if shard else (0, 1)
    sharded = layout.sharded_dirs()  # once, not per file (71k of them at 50k papers)

    def wanted(src_uri: str) -> bool:
        if keep is not None and src_uri not in keep and not _nav_page(src_uri):
            return False
        return not shard or _in_shard(src_uri, index, count, sharded)

    return wanted


def _generated_dir(config) -> Path:
    return Path(config.config_file_path).parent / GENERATED_DIR


def _add_generated(files, config, wanted) -> None:
    """Everything `papers render` wrote (generated/, beside the hand-written docs/) joins the
    site as if it were in docs/; pages below the top level stay out of the nav, so the nav
    never grows with the archive, and the pages of one thing are files."""
    root = _generated_dir(config)
    file_pages = layout.file_page_dirs()
    for top, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        folder = Path(top).relative_to(root).as_posix()  # strings below: 71k paths at 50k
        for name in sorted(n for n in names if not n.startswith(".")):
            path = name if folder == "." else f"{folder}/{name}"
            if files.get_file_from_path(path) is not None:
                raise PluginError(
                    f"{config.docs_dir}/{path}: also generated by `papers render` into "
                    f"{root}/; remove the copy in docs/ (left by an older version?)"
                )
            if not wanted(path):
                continue
            in_nav = "/" not in path or not path.endswith(".md")
            level = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            # papers/<id>.md -> papers/<id>.html, not papers/<id>/index.html (layout.py)
            folders = not path.startswith(file_pages)
            files.append(File(path, str(root), config.site_dir, folders, inclusion=level))


def _nav_page(src_uri: str) -> bool:
    return "/" not in src_uri and src_uri.endswith(".md")


def _in_shard(src_uri: str, index: int, count: int, sharded: tuple[str, ...]) -> bool:
    """`papers build` runs one MkDocs build per core, each on a share of the many pages (the
    ``shard`` option, set by site/build.py): MkDocs renders on one thread."""
    if src_uri.startswith(sharded) and src_uri.endswith(".md"):
        return zlib.crc32(src_uri.encode()) % count == index
    if _nav_page(src_uri):
        return True  # the nav's few pages: every build needs them to resolve its nav
    return index == 0  # assets and theme files: once, in shard 0


class PapersConfig(base.Config):
    only = c.Type(str, default="")  # a JSON list of the sources to build; "": all of them
    shard = c.Type(str, default="")  # "i/n": the i-th of n parallel builds; "": the whole site


class PapersPlugin(BasePlugin[PapersConfig]):
    def on_config(self, config):
        _check_palette(config.theme.get("palette"))
        if not config.use_directory_urls:  # generator/layout.py's URLs are written for it
            raise PluginError("mkdocs.yml: use_directory_urls: false is not supported")
        # `mkdocs serve` reloads when a re-render changes the generated pages.
        config.watch.append(str(_generated_dir(config)))
        return config

    def on_files(self, files, config):
        """The generated pages join the build, then it keeps its share. The test runs before
        a generated file becomes a MkDocs File: at 50k papers, making and dropping 71k of them
        was most of an incremental build."""
        wanted = _wanted(self.config.only, self.config.shard)
        _add_generated(files, config, wanted)
        for file in list(files):
            if not wanted(file.src_uri):
                files.remove(file)
        return files

    def on_env(self, env, config, files):
        """The layout, for the theme's templates: feed links, and the URL templates the
        browser's scripts fill in (the header's ``data-*-url``)."""
        env.filters["papers_feed_url"] = layout.feed
        env.globals["papers_urls"] = layout.browser()
        return env

    def on_page_content(self, html: str, page, config, files) -> str:
        # MkDocs renders every page before it writes any, keeping each one's Markdown: at 50k
        # papers that is ~125 MB per build process. Nothing reads it once it is HTML.
        page.markdown = None
        return html

    def on_post_page(self, output: str, page, config) -> str:
        return on_post_page(output, page, config)

    def on_post_template(self, output: str, template_name: str, config) -> str:
        return on_post_template(output, template_name, config)
