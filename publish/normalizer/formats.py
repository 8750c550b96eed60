"""What format a raw file is, told from its first bytes, and how large each format may be.

The file name's suffix only decides which files in a folder are read at all; what a file
is comes from its content, so a PDF saved as `notes.txt` is read as a PDF and a text file
named `page.html` as text.
"""

from __future__ import annotations

import codecs
import re

from publish import limits
from publish.normalizer import rawtext

TEXT, HTML, PDF, ZIP = "text", "html", "pdf", "zip"

_HTML_START = re.compile(rb"<!doctype\s+html\b|<html\b", re.I)
_PROLOGUE = re.compile(rb"(?:\s+|<!--.*?-->|<\?xml[^>]{0,200}\?>)*", re.S)
"""What may come before `<html>`: white space, comments and an XML declaration."""
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


BY_SUFFIX = {
    ".pdf": "not a PDF: it does not start with %PDF- and is not text either",
    ".docx": "corrupt Word file: not a ZIP archive, and not text either",
}
"""What a file named as a binary format is, when its content is neither that nor text."""


def sniff(head: bytes) -> str:
    """`PDF` (`%PDF-` in the first KiB, as readers allow), `ZIP` (a Word file is one),
    `HTML` (a doctype or `<html>` after white space and comments) or `TEXT`."""
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    start = _ascii(head)
    prologue = _PROLOGUE.match(start)
    at = prologue.end() if prologue else 0
    return HTML if _HTML_START.match(start, at) else TEXT


def is_html_text(text: str) -> bool:
    """Decoded text that is a web page: the same test as `sniff`, on text."""
    return sniff(text[:1024].encode("utf-8", "replace")) == HTML


def _ascii(head: bytes) -> bytes:
    """The head without a byte order mark; UTF-16 narrowed to ASCII, enough to see tags."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            if bom != codecs.BOM_UTF8:
                head = head.decode(
                    "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be", "replace"
                ).encode("ascii", "replace")
            break
    return head


def size_limit(head: bytes) -> tuple[int, str]:
    """The largest file of this format publish reads, and what to call the file."""
    found = sniff(head)
    if found == HTML:
        return limits.MAX_HTML_BYTES, "web page"
    if found == PDF:
        return limits.MAX_PDF_BYTES, "PDF"
    if found == ZIP:
        return limits.MAX_DOCX_BYTES, "Word file"
    return rawtext.MAX_BYTES, "file"
