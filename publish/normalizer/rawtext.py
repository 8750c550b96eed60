"""Decode raw bytes into text, refusing what is not a text document."""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from pathlib import Path

from publish.errors import InputError

MAX_BYTES = 2 * 1024 * 1024
"""Largest raw document accepted (2 MiB): far above any real article, well below trouble."""

HEAD_BYTES = 1024
"""How much of a file is read to tell its format (magic bytes, an HTML doctype)."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_raw(path: Path, limit: Callable[[bytes], tuple[int, str]] | None = None) -> bytes:
    """Read a raw file's bytes, enforcing existence and the size limit.

    `limit`, given the file's first `HEAD_BYTES`, says how large a file of that format may
    be and what to call it ("web page"); by default every file is text, at `MAX_BYTES`.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES) if limit else b""
            most, what = limit(head) if limit else (MAX_BYTES, "file")
            if size > most:
                raise InputError(f"{what} is {size} bytes, over the {most}-byte limit", path)
            return head + handle.read()
    except FileNotFoundError as exc:
        raise InputError("no such file", path) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from exc


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 (or a BOM-marked UTF-8/UTF-16) to NFC text with LF line endings."""
    if len(data) > MAX_BYTES:
        raise InputError(f"document is {len(data)} bytes, over the {MAX_BYTES}-byte limit", path)
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    if encoding == "utf-8" and b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError("binary file (contains NUL bytes), not a text document", path, line)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid {encoding.upper()} text (byte {exc.start})", path, line
        ) from exc
    if "\x00" in text:
        raise InputError("binary file (contains NUL characters), not a text document", path)
    text = clean_text(text, path)
    if not text.strip():
        raise InputError("empty document", path)
    return text


_LINE_BREAKS = str.maketrans({"\r": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})


def clean_text(text: str, path: Path | str) -> str:
    """LF line endings (CRLF, CR, NEL and Unicode separators too) and NFC composition."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError("text holds a lone surrogate, not valid Unicode", path) from exc
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").translate(_LINE_BREAKS))
