"""Reading a built PDF back: what a reader sees of its text, and its structure (pikepdf)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.gates.visible import Reading
    from publish.render.registry import Artifact

PASSED = "tagged, fonts embedded, title and language set, within page limit"


def read(data: bytes, wanted: Sequence[str] = ()) -> Reading:
    """The text of the pages, all of it and what a reader can see of it."""
    from publish.gates.visible import read_pdf

    del wanted  # a PDF has few pages: every one is read
    return read_pdf(data)


def problems(path: Path, artifact: Artifact) -> list[str]:
    """PDF/UA basics: tagged, /Lang and title set, fonts embedded, within the page limit."""
    import pikepdf

    found = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        marked = bool(mark_info.get("/Marked", False)) if mark_info is not None else False
        if "/StructTreeRoot" not in root or not marked:
            found.append("not tagged")
        if not str(root.get("/Lang", "")):
            found.append("no /Lang")
        if not str(pdf.docinfo.get("/Title", "")):
            found.append("no title")
        limit = artifact.max_pages
        if limit is not None and len(pdf.pages) > limit:
            found.append(f"{len(pdf.pages)} pages, limit {limit}")
        for page in pdf.pages:
            for font in page.resources.get("/Font", {}).values():
                for descendant in [font, *font.get("/DescendantFonts", [])]:
                    descriptor = descendant.get("/FontDescriptor")
                    if descriptor is not None and not any(
                        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                    ):
                        found.append(f"font {descendant.get('/BaseFont')} not embedded")
    return sorted(set(found))
