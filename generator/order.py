"""The archive's one order of papers, shared by its pages and its search: a day's papers as
Hugging Face orders them (``day_order``) and the archive newest day first (``newest_first``).

Keys over any paper-like object (``daily_date``, ``upvotes``, ``feed_position``, ``id``): the
search builds its document numbers with them, and `papers search` never loads the model.
"""

from __future__ import annotations

from typing import Any


def day_order(paper: Any) -> tuple:
    """Most upvoted first, then by the place in the day's feed (``Paper.feed_position``; a paper
    no capture placed comes after), then by id, so that the order is total."""
    place = paper.feed_position
    return (-paper.upvotes, place is None, place or 0, paper.id)


def newest_first(paper: Any) -> tuple:
    """Newest day first, each day in its own order (``day_order``)."""
    return (-paper.daily_date.toordinal(), *day_order(paper))
