"""Editorial Markdown to HTML: CommonMark, raw HTML off, citations turned into numbered links."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from publish.citations import CITATION, Cite, parse_group
from publish.errors import ContentError

CiteRenderer = Callable[[list[Cite]], str]
"""Turns one citation group into safe HTML (numbers, links)."""


def _parser(
    cite: CiteRenderer | None,
    image_src: Callable[[str], str] | None,
    path: Path | str | None = None,
) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})

    def citations(state) -> None:  # type: ignore[no-untyped-def]
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            children: list[Token] = []
            for token in _join_wrapped_text(block.children):
                if token.type == "image" and image_src:
                    try:
                        token.attrSet("src", image_src(str(token.attrGet("src"))))
                    except ContentError as exc:  # name the text file and line, not the folder
                        line = block.map[0] + 1 if block.map else None
                        raise ContentError(exc.raw, path or exc.path, line) from exc
                if token.type != "text" or "[@" not in token.content:
                    children.append(token)
                    continue
                children.extend(_split_citations(token.content, cite))
            block.children = children

    md.core.ruler.push("citations", citations)
    return md


def _join_wrapped_text(tokens: list[Token]) -> list[Token]:
    """Runs of text and soft line breaks become one text token, so a wrapped [@a;\n@b] is seen."""
    joined: list[Token] = []
    in_run = False
    for token in tokens:
        if token.type not in ("text", "softbreak"):
            joined.append(token)
            in_run = False
            continue
        content = "\n" if token.type == "softbreak" else token.content
        if in_run:
            joined[-1].content += content
        else:
            joined.append(_text(content))
            in_run = True
    return joined


def _split_citations(text: str, cite: CiteRenderer | None) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    for match in CITATION.finditer(text):
        # AMA: the superscript sits on the word, so no line can break before it.
        tokens.append(_text(text[position : match.start()].rstrip()))
        if cite is not None:
            rendered = Token("html_inline", "", 0)
            rendered.content = cite(parse_group(match.group(1), "<text>", 0))
            tokens.append(rendered)
        position = match.end()
    tokens.append(_text(text[position:]))
    return [t for t in tokens if t.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def to_html(
    markdown: str,
    cite: CiteRenderer,
    image_src: Callable[[str], str] | None = None,
    path: Path | str | None = None,
) -> Markup:
    """Render editorial Markdown; `cite` renders each citation group."""
    return Markup(_parser(cite, image_src, path).render(markdown))


_TAG = re.compile(r"<[^>]+>")


def prose(markdown: str) -> str:
    """The reading text: paragraphs and list items, without headings, images or citations.

    This is what readability is measured on.
    """
    md = _parser(None, None)
    parts = []
    inside = 0
    for token in md.parse(markdown):
        if token.type in ("paragraph_open", "list_item_open"):
            inside += 1
        elif token.type in ("paragraph_close", "list_item_close"):
            inside -= 1
        elif token.type == "inline" and inside and token.children:
            text = "".join(
                c.content for c in token.children if c.type in ("text", "code_inline", "softbreak")
            )
            text = text.strip()
            if text:
                parts.append(text if text[-1] in ".!?:" else text + ".")
    return html.unescape(_TAG.sub("", " ".join(parts)))
