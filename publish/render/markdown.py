"""Markdown to sanitized HTML: CommonMark, raw HTML off, citations as numbered links."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from publish.citations import CITATION, Cite, parse_group
from publish.errors import ContentError
from publish.sanitize import clean_html, is_web_url
from publish.sections import SECTIONS

CiteRenderer = Callable[[list[Cite]], str]
"""Turns one citation group into safe HTML (numbers, links)."""
ImageSource = Callable[[str], "str | None"]
"""The address a figure is shown from; None refuses it (it is shown as its text)."""


@dataclass
class Seen:
    """What one rendering let through (figure addresses) and refused (image sources)."""

    images: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)


def editorial() -> MarkdownIt:
    """The parser of topic text: CommonMark with raw HTML off, plus the `SECTIONS` divs.

    Sources never get this parser: `:::` in a web page is text, not structure.
    """
    from mdit_py_plugins.container import container_plugin

    md = MarkdownIt("commonmark", {"html": False})
    for name in SECTIONS:
        md.use(container_plugin, name=name, render=_section)
    return md


def _section(self: object, tokens: list[Token], index: int, options: object, env: object) -> str:
    token = tokens[index]
    if token.nesting != 1:
        return "</section>\n"
    return f'<section class="{html.escape(token.info.strip())}">\n'


def sections(markdown: str) -> list[tuple[str, int]]:
    """The sections of a topic text in order, each with the line it starts on."""
    return [
        (token.info.strip(), token.map[0] + 1 if token.map else 1)
        for token in editorial().parse(markdown)
        if token.type.startswith("container_") and token.nesting == 1
    ]


def _parser(
    cite: CiteRenderer | None,
    image_src: ImageSource | None,
    path: Path | str | None = None,
    seen: Seen | None = None,
    structured: bool = False,
) -> MarkdownIt:
    md = editorial() if structured else MarkdownIt("commonmark", {"html": False})

    def citations(state) -> None:  # type: ignore[no-untyped-def]
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            children: list[Token] = []
            in_dead_link = False
            for token in _join_wrapped_text(block.children):
                if token.type == "link_open" and not is_web_url(str(token.attrGet("href"))):
                    in_dead_link = True  # not a web link: its text stays, as text
                    continue
                if token.type == "link_close" and in_dead_link:
                    in_dead_link = False
                    continue
                if token.type == "image" and seen is not None:
                    token = _image(token, block, image_src, path, seen)
                if token.type != "text" or "[@" not in token.content:
                    children.append(token)
                    continue
                children.extend(_split_citations(token.content, cite))
            block.children = children

    md.core.ruler.push("citations", citations)
    return md


def _image(
    token: Token,
    block: Token,
    image_src: ImageSource | None,
    path: Path | str | None,
    seen: Seen,
) -> Token:
    """A figure with its checked address, or (refused) its alternative text."""
    src = str(token.attrGet("src"))
    try:
        mapped = image_src(src) if image_src else _relative(src)
    except ContentError as exc:  # name the text file and line, not the folder
        line = block.map[0] + 1 if block.map else None
        raise ContentError(exc.raw, path or exc.path, line) from exc
    if mapped is None:
        seen.refused.append(src)
        return _text(_plain(token.children or []))
    token.attrSet("src", mapped)
    seen.images.add(mapped)
    return token


def _plain(tokens: list[Token]) -> str:
    """The text of an image's description, without its markup."""
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        parts.append(_plain(token.children or []))
    return "".join(parts)


def _relative(src: str) -> str | None:
    """Without a figure resolver, only a plain relative path below the page's folder."""
    parts = unquote(src).split("/")
    if urlsplit(src).scheme or src.startswith(("/", "\\")) or "\\" in src or ".." in parts:
        return None
    return src


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
    image_src: ImageSource | None = None,
    path: Path | str | None = None,
    refused: list[str] | None = None,
    structured: bool = False,
) -> Markup:
    """Render untrusted or editorial Markdown to sanitized HTML; `cite` renders citations.

    Only absolute http(s) links stay links (the rest become their text), and an image is
    shown only where `image_src` gives it an address: a refused one becomes its
    alternative text and its source is added to `refused`. The result passes the one
    HTML sanitizer, which keeps only those figure addresses.
    """
    seen = Seen()
    rendered = _parser(cite, image_src, path, seen, structured).render(markdown)
    if refused is not None:
        refused.extend(seen.refused)
    return Markup(clean_html(rendered, images=seen.images))


_TAG = re.compile(r"<[^>]+>")


def prose(markdown: str) -> str:
    """The reading text: paragraphs and list items, without headings, images or citations.

    This is what readability is measured on.
    """
    md = _parser(None, None, structured=True)
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
