"""The handbook's reference pages are made from the code: ``<!-- papers:cli -->``,
``settings`` and ``urls`` markers become generator/reference.py's tables."""

from generator.reference import expand


def on_page_markdown(markdown: str, **_kwargs) -> str:
    return expand(markdown)
