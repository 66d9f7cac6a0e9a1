"""MkDocs hooks: small fixes to Material's HTML that templates cannot reach.

Checked by the tests (axe, the Nu HTML Checker), so a Material update that changes the
markup fails loudly instead of silently undoing a fix.
"""

from __future__ import annotations

import os
import re
import zlib

# Nu HTML Checker: `autocomplete` is not allowed on checkboxes (Material's two drawer toggles).
_FIXES = (
    ('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__drawer"'),
    ('type="checkbox" id="__search" autocomplete="off"', 'type="checkbox" id="__search"'),
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


def on_post_page(output: str, page, config) -> str:
    output = _strip_indentation(output)
    for old, new in _FIXES:
        output = output.replace(old, new, 1)
    # Nu HTML Checker: the table of contents' title is a label for the nav's "__toc" toggle,
    # which only exists on pages that are in the nav (papers and days are not).
    if 'id="__toc"' not in output:
        output = output.replace(
            '<label class="md-nav__title" for="__toc">', '<label class="md-nav__title">'
        )
    return output


def on_post_template(output: str, template_name: str, config) -> str:
    """The same fixes for pages built from theme templates alone (404.html)."""
    return on_post_page(output, None, config)


# `papers build` runs one MkDocs build per core, each on a share of the generated pages
# (PAPERS_SHARD="i/n", set by generator/site.py): MkDocs renders on one thread.
SHARDED_DIRS = ("papers/", "date/", "week/", "month/", "category/", "org/")


def on_files(files, config):
    shard = os.environ.get("PAPERS_SHARD")
    if not shard:
        return files
    index, count = (int(n) for n in shard.split("/"))
    for file in list(files):
        if not _in_shard(file.src_uri, index, count):
            files.remove(file)
    return files


def _in_shard(src_uri: str, index: int, count: int) -> bool:
    if src_uri.startswith(SHARDED_DIRS) and src_uri.endswith(".md"):
        return zlib.crc32(src_uri.encode()) % count == index
    if "/" not in src_uri and src_uri.endswith(".md"):
        return True  # the nav's few pages: every build needs them to resolve its nav
    return index == 0  # assets and theme files: once, in shard 0
