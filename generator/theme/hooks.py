"""MkDocs hooks: small fixes to Material's HTML that templates cannot reach.

Checked by the tests (axe, the Nu HTML Checker), so a Material update that changes the
markup fails loudly instead of silently undoing a fix.
"""

from __future__ import annotations

# Nu HTML Checker: `autocomplete` is not allowed on checkboxes (Material's two drawer toggles).
# axe: the search dialog needs an accessible name (aria-dialog-name).
_FIXES = (
    ('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__drawer"'),
    ('type="checkbox" id="__search" autocomplete="off"', 'type="checkbox" id="__search"'),
    (
        'data-md-component="search" role="dialog"',
        'data-md-component="search" role="dialog" aria-label="Search"',
    ),
)


def on_post_page(output: str, page, config) -> str:
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
