"""YAML front matter: split it from the body, load it safely, dump it canonically.

Aliases are refused outright: a normalized file never needs them, and a
"billion laughs" document must not be able to exhaust memory.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from publish.errors import InputError

_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that rejects anchors and aliases."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


# Dates stay text: each field that is a date is checked where its meaning is known, so an
# impossible date is reported by field name, and every date field has one type.
_NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, 1-based line where the body starts)."""
    match = _FENCE.match(text)
    if not match:
        return None, text, 1
    return match.group(1) or "", text[match.end() :], text[: match.end()].count("\n") + 1


def load(yaml_text: str, path: Path | str) -> dict[str, Any]:
    """Parse front matter into a mapping; errors name the file and line."""
    data = load_any(yaml_text, path, first_line=2)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"front matter must be a mapping, not a {type(data).__name__}", path, 2)
    return data


def load_any(yaml_text: str, path: Path | str, first_line: int = 1) -> Any:
    """Parse YAML of any top-level type, aliases refused; errors give file and line."""
    try:
        return yaml.load(yaml_text, Loader=_NoAliasLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        raise InputError(f"not valid YAML: {exc.problem}", path, line) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", path, first_line) from exc
    except (
        ValueError,
        TypeError,
        LookupError,
        AttributeError,
        RecursionError,
        OverflowError,
    ) as exc:
        # Valid syntax, impossible value: '!!int abc', an empty '!!int', deep nesting.
        message = "nesting too deep" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"YAML value not accepted: {message}", path, first_line) from exc


def key_lines(yaml_text: str, first_line: int = 1) -> dict[tuple[str | int, ...], int]:
    """The line of every mapping key and list item, by its path (('sources', 1) is the second
    source), so a problem with a field can name the line it is written on."""
    try:
        root = yaml.compose(yaml_text, Loader=_NoAliasLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple[str | int, ...], int] = {}
    stack: list[tuple[yaml.Node | None, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        children: list[tuple[yaml.Node, yaml.Node, str | int]] = []
        if isinstance(node, yaml.MappingNode):
            children = [(key, value, str(key.value)) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(item, item, index) for index, item in enumerate(node.value)]
        for mark_node, child, part in children:
            lines.setdefault((*path, part), mark_node.start_mark.line + first_line)
            stack.append((child, (*path, part)))
    return lines


class _Dumper(yaml.SafeDumper):
    """Block style; multi-line strings as literal blocks so removed text reads as written."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump(data: dict[str, Any]) -> str:
    """Canonical YAML for front matter: key order kept, unicode kept, stable wrapping."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )
