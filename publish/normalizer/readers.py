"""Readers: one per kind of raw document, each recognising its kind by structure.

`READERS` is the ordered registry; the first reader whose `matches` is true
reads the document. The report reader matches anything and comes last.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from publish import frontmatter, patterns
from publish.errors import InputError
from publish.normalizer import rules
from publish.normalizer.base import Draft, Reader
from publish.normalizer.body import Item, build_body, drop_empty_sections
from publish.normalizer.chunks import Chunk, split_chunks
from publish.normalizer.docx import DocxReader
from publish.normalizer.html import HtmlReader
from publish.normalizer.model import Block, BulletList, Heading, Paragraph, Removal
from publish.normalizer.pdf import PdfReader


def _single(chunks: list[Chunk], index: int) -> str | None:
    if index < len(chunks) and chunks[index].is_single_line:
        return chunks[index].text
    return None


def _metadata(chunk: Chunk) -> Removal:
    return Removal("metadata", chunk.raw, chunk.line)


def _finish_plain(draft: Draft, chunks: list[Chunk]) -> Draft:
    body = build_body(chunks)
    draft.blocks = body.blocks
    draft.removed.extend(body.removed)
    if body.promoters and not draft.meta.get("publisher"):
        draft.meta["publisher"] = body.promoters[0]
    return draft


class WikiReader(Reader):
    """Markdown with YAML front matter, `From: [[channel]]`, timestamp links and [[wiki links]].

    A wiki page; a video summary when it names a video id or links to moments in a video.
    """

    kind = "wiki-page"
    other_kinds = ("video-summary",)
    _FROM = re.compile(r"^From:\s*(?P<rest>.*)$", re.I)
    _FROM_LINK = re.compile(r"\[\[(?P<link>[^\]|]+)(?:\|[^\]]*)?\]\]")
    _BREAK = re.compile(r"<br\s*/?>", re.I)
    _HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*)$")

    @classmethod
    def _from(cls, line: str) -> str | None:
        """The channel a `From: [[channel]]` (or `From: Channel<br>`) line names.

        The line is taken apart step by step: one pattern with optional white space and an
        optional `<br>` around a lazy name backtracks cubically on a long run of spaces.
        """
        match = cls._FROM.match(line)
        if not match:
            return None
        rest = match.group("rest").rstrip()
        tag = rest.rfind("<")
        if tag >= 0 and cls._BREAK.fullmatch(rest, tag):
            rest = rest[:tag].rstrip()
        link = cls._FROM_LINK.fullmatch(rest)
        if link:
            return link.group("link").strip() or None  # `[[ ]]` names no channel
        return rest if rest and "<" not in rest else None

    @classmethod
    def _heading(cls, line: str) -> tuple[int, str] | None:
        """(level, text) of an ATX heading; closing `#`s and white space around them dropped."""
        match = cls._HEADING.match(line)
        if not match:
            return None
        text = match.group("text").rstrip().rstrip("#").rstrip()
        return len(match.group("hashes")), text

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        return frontmatter.split(text)[0] is not None

    def read(self, text: str, chunks: list[Chunk], path: Path | str) -> Draft:
        fm_text, body, first_line = frontmatter.split(text)
        fm = frontmatter.load(fm_text or "", path)
        draft = Draft(kind=self.kind)
        draft.title = _str(fm.get("title"))
        draft.language = _str(fm.get("language") or fm.get("lang"))
        video = _str(fm.get("videoId") or fm.get("video_id") or fm.get("youtube_id"))
        if video and not patterns.is_video_id(video):
            video = None  # not an id a link can be built from
        if video:
            draft.meta["video_id"] = video
            draft.meta["url"] = f"https://www.youtube.com/watch?v={video}"
        url = _str(fm.get("url") or fm.get("source"))
        if url and patterns.is_url(url):
            draft.meta["url"] = url
        key = "published" if fm.get("published") else "date"
        if fm.get(key):
            published = _as_date(fm[key])
            if not published:
                line = frontmatter.key_lines(fm_text or "", first_line=2).get((key,))
                raise InputError(f"{key!r} is not a date: {fm[key]!r}", path, line)
            draft.meta["published"] = published
        for key in ("authors", "speakers"):  # names as the field type reads them back
            if isinstance(fm.get(key), list):
                names = [str(v).strip() for v in fm[key] if not patterns.is_blank(str(v))]
                if names:
                    draft.meta[key] = names
        items = self._items(body, first_line, draft)
        items = drop_empty_sections(items)
        draft.blocks = [i.block for i in items if i.block is not None]
        draft.removed.extend(i.removal for i in items if i.removal is not None)
        if video or any(f"[{rules.SELF}" in _block_text(b) for b in draft.blocks):
            draft.kind = "video-summary"
        return draft

    def _items(self, body: str, first_line: int, draft: Draft) -> list[Item]:
        items: list[Item] = []
        for chunk in self._chunks(body, first_line):
            channel = self._from(chunk.text) if chunk.is_single_line else None
            if channel and not draft.meta.get("publisher"):
                draft.meta["publisher"] = channel
                items.append(Item(chunk.line, chunk.raw, removal=_metadata(chunk)))
                continue
            heading = self._heading(chunk.text) if chunk.is_single_line else None
            block: Block
            if heading:
                level = heading[0]
                text = self._inline(heading[1], chunk.line, draft)
                if level == 1 and draft.title and text == draft.title:
                    items.append(Item(chunk.line, chunk.raw, removal=_metadata(chunk)))
                    continue
                block = Heading(max(level, 2), text)
            elif chunk.is_list:
                cleaned = (self._inline(i, chunk.line, draft) for i in chunk.items())
                block = BulletList(tuple(i for i in cleaned if i))
            else:
                block = Paragraph(self._inline(chunk.text, chunk.line, draft))
            if _block_text(block):  # a chunk of nothing but markup or links leaves no block
                items.append(Item(chunk.line, chunk.raw, block=block))
        return items

    def _chunks(self, body: str, first_line: int) -> list[Chunk]:
        """Markdown chunks; a heading or `From:` line is always a chunk of its own."""
        result: list[Chunk] = []
        for chunk in split_chunks(body, first_line):
            current: list[str] = []
            start = chunk.line
            for offset, line in enumerate(chunk.lines):
                if self._heading(line.strip()) or self._from(line.strip()):
                    if current:
                        result.append(Chunk(tuple(current), start))
                    result.append(Chunk((line.strip(),), chunk.line + offset))
                    current, start = [], chunk.line + offset + 1
                else:
                    current.append(line)
            if current:
                result.append(Chunk(tuple(current), start))
        return result

    def _inline(self, text: str, line: int, draft: Draft) -> str:
        text, markup = rules.strip_markup(rules.timestamp_to_citation(text), line)
        draft.removed.extend(markup)
        text, targets = rules.strip_wikilinks(text)
        draft.related.extend(t for t in targets if t not in draft.related)
        return text


class PodcastReader(Reader):
    """Podcast show notes: image caption, title, show, date line, then `Heading:` + bullets."""

    kind = "podcast-notes"

    def _date_index(self, chunks: list[Chunk]) -> int | None:
        for index in range(min(5, len(chunks))):
            text = _single(chunks, index)
            if text and rules.parse_date(text) and not rules.DATE_AND_CATEGORY.match(text):
                return index
        return None

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        first = _single(chunks, 0) or ""
        if rules.IMAGE_CAPTION.match(first) and "podcast" in first.lower():
            return True
        date_at = self._date_index(chunks)
        has_lists = any(c.is_list for c in chunks)
        return date_at is not None and date_at >= 1 and has_lists

    def read(self, text: str, chunks: list[Chunk], path: Path | str) -> Draft:
        draft = Draft(kind=self.kind)
        date_at = self._date_index(chunks)
        header_end = date_at + 1 if date_at is not None else 0
        names: list[str] = []
        for chunk in chunks[:header_end]:
            if rules.IMAGE_CAPTION.match(chunk.text):
                draft.removed.append(Removal("boilerplate", chunk.raw, chunk.line))
                continue
            draft.removed.append(_metadata(chunk))
            parsed = rules.parse_date(chunk.text)
            if parsed:
                draft.meta["published"] = parsed.isoformat()
            else:
                names.append(chunk.text)
        if names:
            draft.title = names[0]
        if len(names) > 1:
            draft.meta["publisher"] = names[1]
        return _finish_plain(draft, chunks[header_end:])


class ExplainerReader(Reader):
    """A video's page: 'Title – Publisher Explains', a 'For more information … visit: URL' line,
    quoted experts and a comment thread."""

    kind = "video-page"

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        first = _single(chunks, 0) or ""
        if rules.explains_title(first):
            return True
        return any(rules.MORE_INFO_LINK.match(c.text) for c in chunks[:3])

    def read(self, text: str, chunks: list[Chunk], path: Path | str) -> Draft:
        draft = Draft(kind=self.kind)
        rest = list(chunks)
        first = _single(rest, 0)
        title = rules.explains_title(first or "")
        if title:
            draft.title, draft.meta["publisher"] = title
            draft.removed.append(_metadata(rest.pop(0)))
        elif first and rules.looks_like_heading(first):
            draft.title = first
            draft.removed.append(_metadata(rest.pop(0)))
        for chunk in list(rest[:3]):
            link = rules.MORE_INFO_LINK.match(chunk.text)
            if link:
                url = patterns.url_prefix(link.group("url"))  # without the sentence's "."
                if url:
                    draft.meta["url"] = url
                draft.removed.append(Removal("metadata", chunk.raw, chunk.line))
                rest.remove(chunk)
                break
        _finish_plain(draft, rest)
        speakers: list[str] = []
        for block in draft.blocks:
            for match in rules.ATTRIBUTION.finditer(_block_text(block)):
                person = f"{match.group('name')}, {match.group('credentials')}"
                if person not in speakers:
                    speakers.append(person)
        if speakers:
            draft.meta["speakers"] = speakers
        return draft


class ArticleReader(Reader):
    """A web article: title line, 'Jan 3, 2024 | Category', short-line headings, tips, ads."""

    kind = "web-article"
    _AUTHOR_WORD = re.compile(r"[A-Z][\w.'-]+")

    @classmethod
    def _authors(cls, line: str) -> list[str] | None:
        """The names of a `By Jane Doe, John Roe and Ann Lee` line: one to four capitalised
        words each, separated by commas or 'and'.

        Read word by word: the single pattern this replaces let 'and' be part of a name or
        a separator, which backtracks exponentially ('By AandAandA…x' never ends).
        """
        if not line.startswith("By") or not line[2:3].isspace() or line[-1].isspace():
            return None
        names: list[list[str]] = [[]]
        for word in line[2:].replace(",", " , ").split():
            if word in (",", "and"):
                names.append([])
            elif cls._AUTHOR_WORD.fullmatch(word) and len(names[-1]) < 4:
                names[-1].append(word)
            else:
                return None
        if not all(names):
            return None
        return [" ".join(name) for name in names]

    def _byline(self, chunks: list[Chunk]) -> re.Match[str] | None:
        text = _single(chunks, 1)
        match = rules.DATE_AND_CATEGORY.match(text or "")
        return match if match and rules.parse_date(match.group("date")) else None

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        return _single(chunks, 0) is not None and self._byline(chunks) is not None

    def read(self, text: str, chunks: list[Chunk], path: Path | str) -> Draft:
        draft = Draft(kind=self.kind, title=chunks[0].text)
        byline = self._byline(chunks)
        assert byline is not None
        draft.meta["published"] = rules.parse_date(byline.group("date")).isoformat()  # type: ignore[union-attr]
        draft.meta["category"] = byline.group("category").strip()
        draft.removed.extend(_metadata(c) for c in chunks[:2])
        rest = chunks[2:]
        authors = self._authors(_single(rest, 0) or "")
        if authors:
            draft.meta["authors"] = authors
            draft.removed.append(_metadata(rest.pop(0)))
        return _finish_plain(draft, rest)


class ReportReader(Reader):
    """Plain text with short-line headings; the title, if any, is a short first line."""

    kind = "report"

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        return True

    def read(self, text: str, chunks: list[Chunk], path: Path | str) -> Draft:
        draft = Draft(kind=self.kind)
        rest = list(chunks)
        first = _single(rest, 0)
        second = rest[1] if len(rest) > 1 else None
        is_prose = (
            second is not None and not second.is_list and not rules.looks_like_heading(second.text)
        )
        if first and is_prose and rules.looks_like_heading(first):
            draft.title = first
            draft.removed.append(_metadata(rest.pop(0)))
        return _finish_plain(draft, rest)


READERS: tuple[Reader, ...] = (
    HtmlReader(),
    PdfReader(),
    DocxReader(),
    WikiReader(),
    PodcastReader(),
    ExplainerReader(),
    ArticleReader(),
    ReportReader(),
)


def pick_reader(text: str, chunks: list[Chunk]) -> Reader:
    return next(reader for reader in READERS if reader.matches(text, chunks))


def pick_format_reader(data: bytes) -> Reader | None:
    """The reader of a format told by its bytes (a web page, a PDF, a Word file), if any."""
    return next((reader for reader in READERS if reader.sniff(data)), None)


def _block_text(block: object) -> str:
    if isinstance(block, BulletList):
        return " ".join(block.items)
    return getattr(block, "text", "")


def _str(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _as_date(value: object) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        parsed = rules.parse_date(value)
        return parsed.isoformat() if parsed else None
    return None


__all__ = ["READERS", "Draft", "Reader", "pick_format_reader", "pick_reader"]
