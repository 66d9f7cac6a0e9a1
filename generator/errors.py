"""Errors a person can act on: each names the file (or URL) and, where known, the field."""

from __future__ import annotations

import logging


class PapersError(Exception):
    """Base for every error the CLI reports as a one-line message and a non-zero exit."""


class InputError(PapersError):
    """Bad input: a file or response that cannot be read as what it claims to be."""

    def __init__(self, where: str, problem: str, field: str | None = None, line: int | None = None):
        self.where, self.problem, self.field, self.line = where, problem, field, line
        super().__init__(str(self))

    def __str__(self) -> str:
        loc = f"{self.where}:{self.line}" if self.line else self.where
        return (
            f"{loc}: field {self.field}: {self.problem}" if self.field else f"{loc}: {self.problem}"
        )


def pydantic_field(loc: tuple) -> str:
    """``('authors', 3, 'name')`` -> ``authors[3].name``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class LogMessages(logging.Handler):
    """What a library logged while it ran: MkDocs reports a problem in its log, then raises a
    bare "Aborted", so its words are kept for our error message."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def summary(self, shown: int = 5) -> str:
        """``: first; second (and N more)``, or "" when nothing was logged."""
        if not self.messages:
            return ""
        more = len(self.messages) - shown
        return ": " + "; ".join(self.messages[:shown]) + (f" (and {more} more)" if more > 0 else "")
