"""Split plain text into chunks (runs of non-blank lines) and recognise lists in them."""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = re.compile(r"^\s*(?:[•·▪◦‣●○∙*+-]|\d{1,3}[.)])\s+")
"""A list item marker: a bullet character, or a number followed by '.' or ')'."""


@dataclass(frozen=True)
class Chunk:
    """Non-blank lines between blank lines, with the 1-based line where they start."""

    lines: tuple[str, ...]
    line: int

    @property
    def text(self) -> str:
        """The chunk as one line of prose: lines joined with single spaces."""
        return " ".join(part.strip() for part in self.lines if part.strip())

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)

    @property
    def is_list(self) -> bool:
        return bool(BULLET.match(self.lines[0]))

    @property
    def is_ordered(self) -> bool:
        """Every item marker is a number: '1.', '2)'."""
        markers = [BULLET.match(line) for line in self.lines]
        return all(m.group(0).strip()[0].isdigit() for m in markers if m)

    @property
    def is_single_line(self) -> bool:
        return len(self.lines) == 1

    def items(self) -> list[str]:
        """List items, continuation lines joined onto the item they follow."""
        items: list[str] = []
        for part in self.lines:
            if BULLET.match(part):
                items.append(BULLET.sub("", part, count=1).strip())
            elif items:
                items[-1] = f"{items[-1]} {part.strip()}".strip()
            else:
                items.append(part.strip())
        return [item for item in items if item]


def split_chunks(text: str, first_line: int = 1) -> list[Chunk]:
    """Runs of non-blank lines. A bullet line after prose starts a new chunk."""
    chunks: list[Chunk] = []
    current: list[str] = []
    start = first_line
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            if current:
                chunks.append(Chunk(tuple(current), start))
                current = []
            continue
        starts_list = bool(BULLET.match(line)) and current and not BULLET.match(current[0])
        if starts_list:
            chunks.append(Chunk(tuple(current), start))
            current = []
        if not current:
            start = number
        current.append(line.rstrip())
    if current:
        chunks.append(Chunk(tuple(current), start))
    return chunks
