"""Word files (DOCX): headings, lists and tables by mammoth; comments and tracked changes
recorded, never kept in the body unannounced.

A Word file is a ZIP archive of XML parts. Before mammoth converts it, the tracked changes
nobody has accepted are settled the conservative way: the body is the text as it stood
before them. Each proposed insertion leaves the body and is recorded (`tracked-change`);
text proposed for deletion stays, and the source is flagged `tracked-changes` so that an
editor resolves the edits in Word. Reviewers' comments are recorded as one comment
thread, and page headers and footers as boilerplate. The archive's directory is checked
before anything is inflated (a ZIP bomb is refused), and XML that declares a DOCTYPE,
which Word never writes, is refused, so no entity is ever expanded.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish import limits, patterns
from publish.errors import InputError
from publish.normalizer import formats
from publish.normalizer.base import Draft, Reader
from publish.normalizer.chunks import Chunk
from publish.normalizer.model import Removal
from publish.normalizer.rawtext import HEAD_BYTES
from publish.normalizer.structured import HEADING, LIST, PARAGRAPH, Piece, build, clean

if TYPE_CHECKING:
    from lxml.etree import _Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT = "word/document.xml"
SETTLED_PARTS = (DOCUMENT, "word/footnotes.xml", "word/endnotes.xml")
"""The parts mammoth converts, whose tracked changes are settled first."""
_HEADER_FOOTER = re.compile(r"^word/(?:header|footer)\d*\.xml$")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_STYLE_MAP = "p[style-name='Title'] => h1.document-title:fresh"
"""The Title style is the document's title; mammoth's own map does the rest (Heading 1-6,
lists, tables)."""
_JUNK_TITLE = re.compile(r"^(?:microsoft word - |untitled|document\d*$)|\.docx?$", re.I)
_ZIP_ERRORS = (
    *(zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError),
    *(RuntimeError, NotImplementedError),  # an encrypted entry; a compression method unknown
)
"""What zipfile raises on a damaged or unusual archive."""


@dataclass
class Settled:
    """Parts with their tracked changes settled, and what the changes were."""

    parts: dict[str, bytes] = field(default_factory=dict)
    inserted: list[str] = field(default_factory=list)
    """The text of each proposed insertion, in document order."""
    changes: int = 0
    """How many insertions, deletions and moves were proposed."""


class DocxReader(Reader):
    """A Word file (DOCX): a ZIP archive; one without `word/document.xml` is refused."""

    kind = "word-document"

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        return False  # a Word file is read from its bytes, never from decoded text

    def sniff(self, data: bytes) -> bool:
        return formats.sniff(data[:HEAD_BYTES]) == formats.ZIP

    def read_bytes(self, data: bytes, path: Path | str) -> Draft:
        return read_docx(data, path)


def read_docx(data: bytes, path: Path | str) -> Draft:
    """Read a Word file into a Draft (see the module's docstring)."""
    with _archive(data, path) as archive:
        parts = _parts(archive, path)
    settled = settle(parts, path)
    draft = Draft(kind=DocxReader.kind)
    pieces = convert(parts | settled.parts, path)
    if not pieces:
        raise InputError("a Word file with no text", path)
    title = next((p for p in pieces if p.kind == HEADING and p.level == 1), None)
    if title is not None:
        pieces.remove(title)
        draft.title = title.text
        draft.removed.append(Removal("metadata", title.text))
    else:
        draft.title = _core_title(parts.get("docProps/core.xml"), path)
    if sum(len(piece.raw) for piece in pieces) > limits.MAX_EXTRACTED_CHARS:
        raise InputError(
            f"the Word file's text is over the {limits.MAX_EXTRACTED_CHARS}-character limit", path
        )
    comments = list(_paragraphs(parts.get("word/comments.xml"), f"{W}comment", path))
    if comments:
        draft.removed.append(Removal("comments", "\n\n".join(comments), count=len(comments)))
    draft.removed.extend(Removal("tracked-change", text) for text in settled.inserted)
    draft.removed.extend(Removal("boilerplate", text) for text in _headers_and_footers(parts, path))
    if settled.changes:
        draft.flags.add("tracked-changes")
    result = build(pieces)
    draft.blocks = result.blocks
    draft.removed.extend(result.removed)
    return draft


# --- the archive ------------------------------------------------------------------------------


def _archive(data: bytes, path: Path | str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise InputError(f"corrupt Word file: not a readable ZIP archive ({exc})", path) from exc
    if DOCUMENT not in archive.namelist():
        archive.close()
        raise InputError(f"a ZIP archive, not a Word file (no {DOCUMENT})", path)
    return archive


def _parts(archive: zipfile.ZipFile, path: Path | str) -> dict[str, bytes]:
    """Every XML part (and relationship list), inflated once the directory says their
    total size is within `limits.MAX_DOCX_PART_BYTES`; media are never read."""
    names = [i for i in archive.infolist() if i.filename.endswith((".xml", ".rels"))]
    total = sum(info.file_size for info in names)
    if total > limits.MAX_DOCX_PART_BYTES:
        raise InputError(
            f"Word file whose text parts inflate to {total} bytes, over the "
            f"{limits.MAX_DOCX_PART_BYTES}-byte limit",
            path,
        )
    parts = {}
    try:
        for info in names:
            with archive.open(info) as handle:  # never more than the directory declared
                parts[info.filename] = handle.read(info.file_size + 1)[: info.file_size]
    except _ZIP_ERRORS as exc:
        raise InputError(f"corrupt Word file ({exc})", path) from exc
    for name, part in parts.items():
        if _DOCTYPE.search(part[:4096]):
            raise InputError(f"corrupt Word file: {name} declares a DOCTYPE", path)
    return parts


def _xml(part: bytes, path: Path | str, name: str) -> _Element:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(part, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"corrupt Word file: {name} is not well-formed XML ({exc})", path) from exc


# --- tracked changes ------------------------------------------------------------------------


def settle(parts: dict[str, bytes], path: Path | str) -> Settled:
    """Each part of `SETTLED_PARTS` as it stood before its tracked changes: insertions and
    moved-to text out, deleted and moved-from text back in as plain text."""
    from lxml import etree

    settled = Settled()
    for name in SETTLED_PARTS:
        if name not in parts:
            continue
        root = _xml(parts[name], path, name)
        settled.changes += _reject_insertions(root, settled.inserted)
        settled.changes += _restore_deletions(root)
        settled.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return settled


def _reject_insertions(root: _Element, inserted: list[str]) -> int:
    """Take out proposed insertions (recording their text) and moved-to text (whose words
    stay where they were moved from); an inserted paragraph mark is only unmarked."""
    count = 0
    for element in list(root.iter(f"{W}ins", f"{W}moveTo")):
        parent = element.getparent()
        if parent is None or any(
            a.tag in (f"{W}ins", f"{W}moveTo") for a in element.iterancestors()
        ):
            continue
        count += 1
        if parent.tag == f"{W}rPr":  # an inserted paragraph mark: the paragraph stays
            parent.remove(element)
            continue
        target = parent.getparent() if parent.tag == f"{W}trPr" else element  # an inserted row
        text = clean("".join(t.text or "" for t in target.iter(f"{W}t")))
        if text and element.tag == f"{W}ins":
            inserted.append(text)
        holder = target.getparent()
        if holder is not None:
            holder.remove(target)
    return count


def _restore_deletions(root: _Element) -> int:
    """Put text proposed for deletion (or moved away) back as plain text."""
    count = 0
    for element in list(root.iter(f"{W}del", f"{W}moveFrom")):
        parent = element.getparent()
        if parent is None:
            continue
        count += 1
        if parent.tag in (f"{W}rPr", f"{W}trPr"):  # a deleted paragraph mark or table row
            parent.remove(element)
            continue
        at = parent.index(element)
        for offset, child in enumerate(list(element)):
            parent.insert(at + offset, child)
        parent.remove(element)
    for text in root.iter(f"{W}delText"):
        text.tag = f"{W}t"
    for text in root.iter(f"{W}delInstrText"):
        text.tag = f"{W}instrText"
    return count


# --- conversion ---------------------------------------------------------------------------------


def convert(parts: dict[str, bytes], path: Path | str) -> list[Piece]:
    """mammoth's HTML for the settled parts, as pieces. The archive mammoth reads is made
    in memory from the parts alone (no media); the file's own style map is ignored and no
    external file is read."""
    import mammoth
    from lxml import html as lxml_html

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    try:
        result = mammoth.convert_to_html(
            buffer,
            style_map=_STYLE_MAP,
            include_embedded_style_map=False,
            external_file_access=False,
            convert_image=mammoth.images.img_element(lambda image: {}),
        )
    except Exception as exc:  # mammoth reads an untrusted file; any failure is the file's
        raise InputError(f"corrupt Word file ({type(exc).__name__}: {exc})", path) from exc
    html = str(result.value)
    if not html.strip():
        return []
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for back_link in root.xpath(
        ".//a[starts-with(@href, '#footnote-ref') or starts-with(@href, '#endnote-ref')]"
    ):
        back_link.drop_tree()  # a note's '↑' back to where it is cited
    for line_break in root.iter("br"):
        line_break.tail = " " + (line_break.tail or "")
    return [piece for element in root for piece in html_pieces(element)]


def html_pieces(element: Any) -> list[Piece]:
    """mammoth's HTML as pieces: the Title style is the level-1 heading, Word's Heading N
    is level N + 1; a table is a list of its rows, cells joined by ' | '."""
    tag = element.tag
    heading = re.fullmatch(r"h([1-6])", str(tag))
    if heading:
        title = "document-title" in (element.get("class") or "").split()
        level = 1 if title else min(int(heading.group(1)) + 1, 6)
        return [Piece(HEADING, _text(element), level=level)] if _text(element) else []
    if tag in ("ul", "ol"):
        items = tuple(_items(element))
        return [Piece(LIST, items=items, ordered=tag == "ol")] if items else []
    if tag == "table":
        rows = (
            " | ".join(filter(None, map(_text, row.xpath("./td | ./th"))))
            for row in element.iter("tr")
        )
        items = tuple(row for row in rows if row)
        return [Piece(LIST, items=items)] if items else []
    return [Piece(PARAGRAPH, _text(element))] if _text(element) else []


def _items(element: Any) -> Iterator[str]:
    """A list's items; a nested list's items follow the item that holds it."""
    for item in element.iterchildren("li"):
        own = clean("".join(_own_text(item)))
        if own:
            yield own
        for inner in item.iterchildren("ul", "ol"):
            yield from _items(inner)


def _own_text(element: Any) -> Iterator[str]:
    """The text of an element outside the lists nested in it."""
    yield element.text or ""
    for child in element:
        if child.tag not in ("ul", "ol"):
            yield from _own_text(child)
        yield child.tail or ""


def _text(element: Any) -> str:
    return clean(element.text_content())


# --- comments, headers and footers, the title -----------------------------------------------


def _paragraphs(part: bytes | None, tag: str, path: Path | str = "") -> Iterator[str]:
    """The text of each `tag` element of a part (a comment), its paragraphs joined."""
    if part is None:
        return
    for element in _xml(part, path, "word/comments.xml").iter(tag):
        text = clean(" ".join(_words(paragraph) for paragraph in element.iter(f"{W}p")))
        if text:
            yield text


def _words(element: _Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _headers_and_footers(parts: dict[str, bytes], path: Path | str = "") -> list[str]:
    """The distinct texts of the page headers and footers, a line per paragraph."""
    texts: list[str] = []
    for name in sorted(name for name in parts if _HEADER_FOOTER.match(name)):
        root = _xml(parts[name], path, name)
        lines = [clean(_words(paragraph)) for paragraph in root.iter(f"{W}p")]
        text = "\n".join(line for line in lines if line)
        if text and text not in texts:
            texts.append(text)
    return texts


def _core_title(part: bytes | None, path: Path | str = "") -> str | None:
    """The title in the file's properties, unless it names a file ('Document1')."""
    if part is None:
        return None
    element = _xml(part, path, "docProps/core.xml").find("{http://purl.org/dc/elements/1.1/}title")
    title = clean(element.text or "") if element is not None else ""
    return (
        title if title and not _JUNK_TITLE.search(title) and not patterns.is_blank(title) else None
    )
