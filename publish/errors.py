"""Errors a user can act on: one line, one documented exit code each.

Every error names the file (and line, where there is one). Library code raises
them; only the CLI prints them (one line per problem) and exits with
`error.exit_code`; tracebacks only with --debug. They are plain exceptions, so
`publish.build()` and friends never raise command-line framework errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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


class PublishError(Exception):
    """Base error: a message that points at a place, plus an exit code.

    `problems` holds further (message, line) pairs found in the same file, so one
    run reports everything wrong with a file rather than one problem per run.
    """

    exit_code = EXIT_INTERNAL

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        problems: Sequence[tuple[str, int | None]] = (),
    ) -> None:
        self.raw = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.problems = tuple(problems)
        super().__init__(self._where(line) + message)

    def _where(self, line: int | None) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{line}: " if line else f"{self.path}: "

    def format_message(self) -> str:
        """The first problem as one line (newlines in the message become spaces)."""
        return str(self).replace("\n", " ")

    def lines(self) -> list[str]:
        """One line per problem, each naming the file (and line): what the CLI prints."""
        rest = [(self._where(line) + text).replace("\n", " ") for text, line in self.problems]
        return [self.format_message(), *rest]

    def __reduce__(self):  # type: ignore[no-untyped-def]
        """Errors cross process boundaries (parallel builds) with their file and line."""
        return (type(self), (self.raw, self.path, self.line, self.problems))


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


class UsageError(PublishError):
    """A library call was given an argument the command line would refuse (bad artifact name)."""

    exit_code = EXIT_USAGE
