"""Errors a user can act on: one line, one documented exit code each.

Every error names the file (and line, where there is one). The CLI prints
`str(error)` and exits with `error.exit_code`; tracebacks only with --debug.
"""

from __future__ import annotations

from pathlib import Path

import click

EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # --check found stale files; a gate failed
EXIT_USAGE = 2  # Click's own code for bad options
EXIT_INPUT = 3  # a raw source could not be read or parsed
EXIT_CONTENT = 4  # topic content is wrong: unknown citation key, missing field
EXIT_TEMPLATE = 5  # a template failed to load or render
EXIT_OUTPUT = 6  # an output could not be written
EXIT_RELEASE = 7  # --release refused a draft or overdue topic
EXIT_PROFILE = 8  # the clinic profile has an unknown or invalid field
EXIT_INTERNAL = 70  # a bug in publish itself


class PublishError(click.ClickException):
    """Base error: a message that points at a place, plus an exit code."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.raw = message
        self.path = Path(path) if path is not None else None
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")

    def format_message(self) -> str:
        return self.message.replace("\n", " ")

    def __reduce__(self):  # type: ignore[no-untyped-def]
        """Errors cross process boundaries (parallel builds) with their file and line."""
        return (type(self), (self.raw, self.path, self.line))


class InputError(PublishError):
    """A raw document is unreadable, malformed or too large."""

    exit_code = EXIT_INPUT


class ContentError(PublishError):
    """Topic content is inconsistent: unknown citation, missing field."""

    exit_code = EXIT_CONTENT


class TemplateError(PublishError):
    """A template has a syntax error or failed to render."""

    exit_code = EXIT_TEMPLATE


class OutputError(PublishError):
    """An output file or folder could not be written."""

    exit_code = EXIT_OUTPUT


class ReleaseError(PublishError):
    """A release build was refused: the topic is a draft or its review date has passed."""

    exit_code = EXIT_RELEASE


class ProfileError(PublishError):
    """The clinic profile has an unknown or invalid field."""

    exit_code = EXIT_PROFILE
