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
    ('data-md-component="search" role="dialog"', 'data-md-component="search" role="dialog" aria-label="Search"'),
)


def on_post_page(output: str, page, config) -> str:
    for old, new in _FIXES:
        output = output.replace(old, new, 1)
    return output
