"""Jinja's sandbox with bounds on time and size, so no template can run for ever.

Template authors are trusted to be careful, not perfect: a `range(99999)` inside another, a
`lipsum(100000)` or a string repeated a billion times is a mistake that must end in a
clear error (exit 5), not a build that never finishes. Jinja's own sandbox only stops
access to Python internals and ranges over 100,000 items.

The bounds: `range` gives at most `MAX_RANGE` items; `lipsum` is not available; no
function or filter takes a number over `MAX_NUMBER` (a width, a count), and `*` never
builds a string or list over `MAX_OUTPUT` characters; one template renders within
`MAX_SECONDS` (every line of template code checks the clock) and writes at most
`MAX_OUTPUT` characters.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterator, Sized
from types import FrameType
from typing import Any

from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment

from publish.errors import TemplateError

MAX_RANGE = 10_000
MAX_NUMBER = 1_000_000
MAX_OUTPUT = 20_000_000
"""Characters one template may write (the largest bundled page writes under 100,000)."""
MAX_SECONDS = 5.0
_TEMPLATE_SUFFIXES = (".html", ".xhtml", ".svg", ".css", ".xml", "<template>")


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, with the size bounds above on ranges, calls and repetition."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals.pop("lipsum", None)
        self.globals["range"] = _range
        self.filters = {name: _bounded(f) for name, f in self.filters.items()}

    def call(
        __self,  # Jinja's own signature: `self` may be a keyword of the call
        __context: Any,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        _check_numbers(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise TemplateError(f"template raised a number to the power {right:,}")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                sized = isinstance(seq, Sized) and isinstance(count, int)
                if sized and len(seq) * count > MAX_OUTPUT:
                    raise TemplateError("template repeated a value past the output limit")
        return super().call_binop(context, operator, left, right)


def _check_numbers(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            raise TemplateError(f"template passed {value:,}, over the limit of {MAX_NUMBER:,}")


def _bounded(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses numbers over `MAX_NUMBER` (`center(10**9)` builds a gigabyte)."""

    @functools.wraps(function)  # keeps Jinja's pass_context / pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_numbers(args[1:], kwargs)
        return function(*args, **kwargs)

    return bounded


def _range(*args: int) -> range:
    items = range(*args)
    if len(items) > MAX_RANGE:
        raise TemplateError(
            f"template asked for a range of {len(items):,} items (limit {MAX_RANGE:,})"
        )
    return items


def render_bounded(template: Template, context: dict[str, Any]) -> str:
    """`template.render(**context)` within `MAX_SECONDS` and `MAX_OUTPUT` characters."""
    deadline = time.monotonic() + MAX_SECONDS

    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and time.monotonic() > deadline:
            raise TemplateError(f"template took over {MAX_SECONDS:g} seconds")
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        return on_line if frame.f_code.co_filename.endswith(_TEMPLATE_SUFFIXES) else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        return "".join(_bounded_output(template.generate(**context)))
    finally:
        sys.settrace(previous)


def _bounded_output(chunks: Iterator[str]) -> Iterator[str]:
    written = 0
    for chunk in chunks:
        written += len(chunk)
        if written > MAX_OUTPUT:
            raise TemplateError(f"template wrote over {MAX_OUTPUT:,} characters")
        yield chunk
