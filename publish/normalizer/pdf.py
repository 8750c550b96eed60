"""PDFs: the text page by page, without running headers, footers and page numbers.

pikepdf (qpdf) opens the file: it tells an encrypted PDF, counts the pages and reads the
structure tree of a tagged PDF (which marked content is a heading, and of what level, and
which is part of the document at all). pdfminer.six lays out the text of each page: lines,
their position, font and size, and the marked content each character was drawn in.

Then, per page: bullets drawn apart from their item are put back; lines at the top or
bottom of the page that repeat on most pages (numbers aside), page numbers, and, in a
tagged PDF, lines there that the structure tree leaves out, are page furniture, removed
and recorded; headings come from the structure tree, else from a font larger than the
body's (or bold, on a line of its own); each block keeps the page it came from, and the
body marks where every page starts (`[page 3]: #page-3`). A PDF without text is a scan.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish import limits, patterns
from publish.errors import InputError
from publish.normalizer import formats, rules
from publish.normalizer.base import Draft, Reader
from publish.normalizer.chunks import BULLET, Chunk
from publish.normalizer.model import Removal
from publish.normalizer.rawtext import HEAD_BYTES
from publish.normalizer.structured import HEADING, LIST, PAGE, PARAGRAPH, Piece, build, clean

if TYPE_CHECKING:
    import pikepdf
    from pdfminer.layout import LTPage

for _library in ("pdfminer", "pikepdf"):  # their warnings are not publish's to print
    logging.getLogger(_library).addHandler(logging.NullHandler())

ZONE = 0.12
"""The top and bottom share of a page where running headers, footers and page numbers are."""
ZONE_LINES = 2
"""How many lines at the top and at the bottom of a page can be running headers or footers."""
HEADING_SIZE = 1.15
"""A line set this much larger than the body text is a heading (in an untagged PDF)."""
MAX_STRUCTURE_NODES = 500_000
"""Structure elements read from one tagged PDF: bounds the walk of a hostile tree."""

_LONE_BULLET = re.compile(r"^(?:[•·▪◦‣●○∙*+–-]|\d{1,3}[.)])$")
"""A list marker drawn on its own, apart from its item's text."""
_HEADING_TAG = re.compile(r"^/H([1-6]?)$")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_JUNK_TITLE = re.compile(r"^(?:microsoft word - |untitled)|\.(?:pdf|docx?|indd|tex)$", re.I)
"""A document title that names the file it was made from rather than the document."""


@dataclass
class Line:
    """One line of text on a page, as pdfminer.six lays it out."""

    text: str
    page: int
    box: int
    x0: float
    y0: float
    y1: float
    height: float
    size: float
    bold: bool
    marks: frozenset[int] = frozenset()
    """The marked-content ids (MCIDs) of its characters."""
    artifact: bool = False
    """Every character was drawn as an /Artifact (not part of the document)."""
    item: bool = False
    """It starts a list item (its marker was drawn apart and has been put back)."""


@dataclass
class Structure:
    """What the structure tree of a tagged PDF says, keyed by (page index, MCID)."""

    tagged: bool = False
    headings: dict[tuple[int, int], int] = field(default_factory=dict)
    referenced: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Opened:
    """A PDF as pikepdf opened it: what pdfminer.six reads, and what the catalog says."""

    data: bytes
    pages: int
    structure: Structure
    title: str | None
    language: str | None


class PdfReader(Reader):
    """A PDF, recognised by its `%PDF-` header."""

    kind = "pdf-document"

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        return False  # a PDF is read from its bytes, never from decoded text

    def sniff(self, data: bytes) -> bool:
        return formats.sniff(data[:HEAD_BYTES]) == formats.PDF

    def read_bytes(self, data: bytes, path: Path | str) -> Draft:
        return read_pdf(data, path)


def read_pdf(data: bytes, path: Path | str) -> Draft:
    """Read a PDF into a Draft (see the module's docstring for the steps)."""
    opened = open_pdf(data, path)
    pages = layout(opened, path)
    if not any(line.text for page in pages for line in page):
        raise InputError("scanned PDF: no text; OCR it first", path)
    for page in pages:
        _put_back_bullets(page)
    draft = Draft(kind=PdfReader.kind, language=opened.language)
    draft.meta["pages"] = opened.pages
    furniture = find_furniture(pages, opened.structure)
    draft.removed.extend(_furniture_removals(pages, furniture))
    body = [[line for line in page if id(line) not in furniture] for page in pages]
    levels = heading_levels(body, opened.structure)
    pieces = [
        piece for number, page in enumerate(body, 1) for piece in _pieces(number, page, levels)
    ]
    title = next((p for p in pieces if p.kind == HEADING and p.level == 1 and p.page == 1), None)
    if title is not None:
        draft.title = title.text
        draft.removed.insert(0, Removal("metadata", title.text))
        pieces.remove(title)
    else:
        draft.title = opened.title
    result = build(pieces)
    draft.blocks = result.blocks
    draft.removed.extend(result.removed)
    return draft


# --- opening and the structure tree ----------------------------------------------------------


def open_pdf(data: bytes, path: Path | str) -> Opened:
    """Open with pikepdf: refuse an encrypted PDF that needs a password, a damaged file and
    one of too many pages; one that opens without a password is read decrypted.

    qpdf repairs what it can; whatever it still raises on a damaged file (any exception:
    the file is untrusted) is one error naming the file, never a traceback.
    """
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise InputError(
            "encrypted PDF: it needs a password; save a copy without one and normalize that",
            path,
        ) from exc
    except Exception as exc:
        raise InputError(f"not a readable PDF ({_reason(exc)})", path) from exc
    with pdf:
        try:
            count = len(pdf.pages)
            if 0 < count <= limits.MAX_PDF_PAGES:
                return Opened(_plain(pdf, data), count, structure(pdf), _title(pdf), _language(pdf))
        except Exception as exc:
            raise InputError(f"not a readable PDF ({_reason(exc)})", path) from exc
    if count == 0:
        raise InputError("a PDF with no pages", path)
    raise InputError(f"PDF of {count} pages, over the {limits.MAX_PDF_PAGES}-page limit", path)


def _plain(pdf: pikepdf.Pdf, data: bytes) -> bytes:
    """The PDF as pdfminer.six is to read it: decrypted, if it was encrypted."""
    if not pdf.is_encrypted:
        return data
    decrypted = io.BytesIO()
    pdf.save(decrypted)
    return decrypted.getvalue()


def structure(pdf: pikepdf.Pdf) -> Structure:
    """Which marked content the structure tree holds, and which of it is a heading.

    Walked without recursion, each element once (a tree may hold cycles), and at most
    `MAX_STRUCTURE_NODES` elements; role-mapped types (`/Heading1` -> `/H1`) are followed.
    """
    import pikepdf

    root: Any = pdf.Root.get("/StructTreeRoot")
    marked: Any = pdf.Root.get("/MarkInfo")
    found = Structure(
        tagged=isinstance(root, pikepdf.Dictionary)
        and isinstance(marked, pikepdf.Dictionary)
        and bool(marked.get("/Marked"))
    )
    if not found.tagged:
        return found
    pages: dict[Any, int] = {page.objgen: index for index, page in enumerate(pdf.pages)}
    roles = root.get("/RoleMap")
    roles = roles if isinstance(roles, pikepdf.Dictionary) else {}
    stack: list[tuple[Any, int | None, int]] = [(root.get("/K"), None, 0)]
    seen: set[tuple[int, int]] = set()
    budget = MAX_STRUCTURE_NODES
    while stack and budget:
        node, page, level = stack.pop()
        budget -= 1
        if isinstance(node, int):
            _mark(found, page, node, level)
        elif isinstance(node, pikepdf.Array):
            stack.extend((child, page, level) for child in node)
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect and node.objgen in seen:
                continue
            if node.is_indirect:
                seen.add(node.objgen)
            on = node.get("/Pg")
            page = pages.get(on.objgen, page) if isinstance(on, pikepdf.Dictionary) else page
            if node.get("/Type") == "/MCR":
                mcid = node.get("/MCID")
                if isinstance(mcid, int):
                    _mark(found, page, mcid, level)
            elif node.get("/Type") != "/OBJR":
                stack.append((node.get("/K"), page, _heading_level(node.get("/S"), roles) or level))
    return found


def _mark(found: Structure, page: int | None, mcid: int, level: int) -> None:
    if page is None:
        return
    found.referenced.add((page, mcid))
    if level:
        found.headings[(page, mcid)] = level


def _heading_level(kind: Any, roles: Any) -> int:
    """1 to 6 for a heading structure type (/H1 … /H6; /H is 2), else 0."""
    for _ in range(5):  # a role map may chain a few types; never loop on a cycle
        match = _HEADING_TAG.match(str(kind or ""))
        if match:
            return int(match.group(1) or 2)
        if str(kind) not in roles:
            return 0
        kind = roles[str(kind)]
    return 0


def _title(pdf: pikepdf.Pdf) -> str | None:
    """The title in the document information, unless it names a file ('report.docx')."""
    try:
        title = clean(str(pdf.docinfo.get("/Title") or ""))
    except (ValueError, TypeError):
        return None
    return (
        title if title and not _JUNK_TITLE.search(title) and not patterns.is_blank(title) else None
    )


def _language(pdf: pikepdf.Pdf) -> str | None:
    tag = str(pdf.Root.get("/Lang") or "").strip().replace("_", "-")
    return tag if re.fullmatch(patterns.LANGUAGE, tag) else None


def _reason(exc: BaseException) -> str:
    return clean(str(exc)).split(": ")[-1][:120] or type(exc).__name__


# --- layout -----------------------------------------------------------------------------------


def layout(opened: Opened, path: Path | str) -> list[list[Line]]:
    """The lines of every page, in pdfminer.six's reading order, with their marked content.

    pdfminer.six is a parser of untrusted files in pure Python; whatever it raises on a
    damaged file is reported as one error naming the file, never as a traceback.
    """
    try:
        pages = list(_pages(opened, path))
    except InputError:
        raise
    except Exception as exc:  # a damaged PDF can fail anywhere in the parser
        raise InputError(f"not a readable PDF ({_reason(exc)})", path) from exc
    return pages + [[] for _ in range(opened.pages - len(pages))]  # pages pdfminer.six missed


def _pages(opened: Opened, path: Path | str) -> Iterator[list[Line]]:
    from pdfminer.layout import LAParams, LTTextBox
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    resources = PDFResourceManager()
    device = _marked_layout()(resources, laparams=LAParams())
    interpreter = PDFPageInterpreter(resources, device)
    document = PDFDocument(PDFParser(io.BytesIO(opened.data)))
    chars = 0
    for index, page in enumerate(PDFPage.create_pages(document)):
        if index >= opened.pages:
            break
        device.marks.clear()
        interpreter.process_page(page)
        result: LTPage = device.get_result()
        lines = [
            line
            for number, box in enumerate(b for b in result if isinstance(b, LTTextBox))
            for line in _lines(box, number, index, result.height, device.marks)
        ]
        chars += sum(len(line.text) for line in lines)
        if chars > limits.MAX_EXTRACTED_CHARS:
            raise InputError(
                f"the PDF's text is over the {limits.MAX_EXTRACTED_CHARS}-character limit", path
            )
        yield lines


def _lines(
    box: Any, number: int, page: int, height: float, marks: dict[Any, tuple[int | None, bool]]
) -> Iterator[Line]:
    from pdfminer.layout import LTChar

    for text_line in box:
        chars = [c for c in text_line if isinstance(c, LTChar) and c.get_text().strip()]
        text = clean(text_line.get_text().translate(_LIGATURES))
        if not chars or not text:
            continue
        drawn = [marks.get(c, (None, False)) for c in chars]
        sizes = Counter(round(c.size, 1) for c in chars)
        yield Line(
            text=text,
            page=page,
            box=number,
            x0=text_line.x0,
            y0=text_line.y0,
            y1=text_line.y1,
            height=height,
            size=sizes.most_common(1)[0][0],
            bold=all(_BOLD.search(c.fontname) for c in chars),
            marks=frozenset(mcid for mcid, _ in drawn if mcid is not None),
            artifact=all(artifact for _, artifact in drawn),
        )


@functools.cache
def _marked_layout() -> type:
    """pdfminer.six's page layout, remembering for each character the marked content it was
    drawn in: its MCID, and whether it was an /Artifact. Made on first use, so that reading
    a normalized file never imports pdfminer.six."""
    from pdfminer.converter import PDFPageAggregator

    class MarkedLayout(PDFPageAggregator):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.marks: dict[Any, tuple[int | None, bool]] = {}
            self.open: list[tuple[int | None, bool]] = []

        def begin_tag(self, tag: Any, props: Any = None) -> None:
            mcid = props.get("MCID") if isinstance(props, dict) else None
            outer = self.open[-1] if self.open else (None, False)
            artifact = outer[1] or getattr(tag, "name", "") == "Artifact"
            self.open.append((mcid if isinstance(mcid, int) else outer[0], artifact))

        def end_tag(self) -> None:
            if self.open:
                self.open.pop()

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            advance: float = super().render_char(*args, **kwargs)
            if self.open:
                self.marks[self.cur_item._objs[-1]] = self.open[-1]
            return advance

    return MarkedLayout


# --- page furniture -----------------------------------------------------------------------------


def _put_back_bullets(page: list[Line]) -> None:
    """A list marker that pdfminer.six laid out apart from its item ('•' in one column, the
    item's text in the next) goes back in front of the nearest text on its line."""
    for marker in [line for line in page if _LONE_BULLET.match(line.text)]:
        tolerance = 0.6 * max(marker.y1 - marker.y0, 1.0)
        beside = [
            line
            for line in page
            if line is not marker
            and not _LONE_BULLET.match(line.text)
            and abs(line.y0 - marker.y0) <= tolerance
            and line.x0 > marker.x0
        ]
        if beside:
            item = min(beside, key=lambda line: line.x0)
            item.text, item.item = f"{marker.text} {item.text}", True
            page.remove(marker)


def find_furniture(pages: list[list[Line]], found: Structure) -> dict[int, str]:
    """Page furniture, by `id` of the line: 'page-number' or 'boilerplate'.

    Only the top and bottom `ZONE_LINES` lines within `ZONE` of a page's edge can be
    furniture: a page number; a line whose `rules.running_key` is at the edge of at least
    half the pages (and two); in a tagged PDF, a line the structure tree leaves out.
    """
    zones = [_zone(page) for page in pages]
    seen = Counter(key for zone in zones for key in {rules.running_key(line.text) for line in zone})
    threshold = max(2, math.ceil(len(pages) / 2))
    furniture: dict[int, str] = {}
    for zone in zones:
        for line in zone:
            if rules.PAGE_NUMBER.match(line.text):
                furniture[id(line)] = "page-number"
            elif seen[rules.running_key(line.text)] >= threshold or _untagged(line, found):
                furniture[id(line)] = "boilerplate"
    return furniture


def _zone(page: list[Line]) -> list[Line]:
    """The lines at the top and the bottom edge of a page."""
    ordered = sorted(page, key=lambda line: -line.y1)
    top = [line for line in ordered[:ZONE_LINES] if line.y1 >= line.height * (1 - ZONE)]
    bottom = [line for line in ordered[-ZONE_LINES:] if line.y0 <= line.height * ZONE]
    return list({id(line): line for line in top + bottom}.values())


def _untagged(line: Line, found: Structure) -> bool:
    """In a tagged PDF: drawn as an artifact, or outside every structure element."""
    if not found.tagged:
        return False
    return line.artifact or not any((line.page, mcid) in found.referenced for mcid in line.marks)


def _furniture_removals(pages: list[list[Line]], furniture: dict[int, str]) -> list[Removal]:
    """One removal per running header or footer (its texts, each once) and one holding
    every page number, in page order."""
    running: dict[str, list[str]] = {}
    numbers: list[str] = []
    for page in pages:
        for line in page:
            reason = furniture.get(id(line))
            if reason == "page-number":
                numbers.append(line.text)
            elif reason:
                texts = running.setdefault(rules.running_key(line.text), [])
                if line.text not in texts:
                    texts.append(line.text)
    removed = [Removal("boilerplate", "\n".join(texts)) for texts in running.values()]
    if numbers:
        removed.append(Removal("page-number", "\n".join(numbers)))
    return removed


# --- headings and blocks ----------------------------------------------------------------------


def heading_levels(pages: list[list[Line]], found: Structure) -> dict[int, int]:
    """The heading level of each heading line, by `id`: from the structure tree when it
    names any heading, else from font size (largest first), then bold lines of their own."""
    lines = [line for page in pages for line in page]
    if found.headings:
        levels = {}
        for line in lines:
            named = {found.headings.get((line.page, mcid), 0) for mcid in line.marks}
            if line.marks and len(named) == 1 and 0 not in named:
                levels[id(line)] = named.pop()
        return levels
    return _levels_by_font(lines)


def _levels_by_font(lines: list[Line]) -> dict[int, int]:
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    if not weights:
        return {}
    body = weights.most_common(1)[0][0]
    large = [
        line for line in lines if line.size >= body * HEADING_SIZE and len(line.text.split()) <= 14
    ]
    sizes = sorted({round(line.size) for line in large}, reverse=True)[:5]
    levels = {
        id(line): sizes.index(round(line.size)) + 1 for line in large if round(line.size) in sizes
    }
    per_box = Counter((line.page, line.box) for line in lines)
    body_bold = all(line.bold for line in lines if line.size == body)
    for line in lines:
        alone = per_box[(line.page, line.box)] == 1
        if (
            line.bold
            and alone
            and not body_bold
            and id(line) not in levels
            and rules.looks_like_heading(line.text)
        ):
            levels[id(line)] = max(len(sizes) + 1, 2)
    return levels


def _pieces(number: int, page: list[Line], levels: dict[int, int]) -> list[Piece]:
    """A page's lines as pieces, after the mark of where the page starts: lines of one
    heading, paragraphs (a text box each) and lists (items that start with a marker)."""
    pieces = [Piece(PAGE, page=number)]
    group: list[Line] = []
    kind, level = "", 0
    for line in page:
        line_level = levels.get(id(line), 0)
        starts_item = line.item or bool(BULLET.match(line.text))
        same_box = bool(group) and group[-1].box == line.box
        if line_level:
            joins = kind == HEADING and level == line_level and same_box
            new_kind = HEADING
        elif starts_item:
            joins, new_kind = kind == LIST, LIST
        else:
            joins = kind in (LIST, PARAGRAPH) and same_box
            new_kind = kind if joins else PARAGRAPH
        if not joins:
            pieces.extend(_piece(kind, group, level, number))
            group, kind, level = [], new_kind, line_level
        group.append(line)
    pieces.extend(_piece(kind, group, level, number))
    return pieces


def _piece(kind: str, lines: list[Line], level: int, page: int) -> list[Piece]:
    if not lines:
        return []
    if kind != LIST:
        return [Piece(kind, _join(line.text for line in lines), level=level or 2, page=page)]
    items: list[list[str]] = []
    markers: list[str] = []
    for line in lines:
        marker = BULLET.match(line.text) if (line.item or BULLET.match(line.text)) else None
        if marker or not items:
            items.append([BULLET.sub("", line.text, count=1)])
            markers.append(marker.group(0).strip() if marker else "")
        else:
            items[-1].append(line.text)
    ordered = all(m[:1].isdigit() for m in markers)
    texts = tuple(text for text in (_join(item) for item in items) if text)
    return [Piece(LIST, items=texts, ordered=ordered, page=page)] if texts else []


def _join(lines: Iterator[str] | list[str]) -> str:
    """Lines of one block as one line: a word broken at a hyphen at the end of a line
    ('medi-' + 'cine') is joined without a space, its hyphen kept."""
    text = ""
    for line in lines:
        if text[-1:] == "-" and text[-2:-1].isalpha() and line[:1].islower():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return clean(text)
