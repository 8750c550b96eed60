"""What WeasyPrint leaves out of a tagged PDF for readers of assistive technology, put in
before the file is written.

WeasyPrint 70 gives every link annotation its target as text alternative (`/Contents`):
a screen reader announces a citation as "ref-3" and a reference's link as its raw
address, which tells a listener nothing about where the link goes (WCAG 2.4.9, veraPDF
rule 2.4.9-1). Each link here says instead what it points to, in the document's own
words: a citation "3. Publisher. Title. Kind. Date.", a source's address the reference
entry it belongs to, a moment in a video that entry and the moment's time. Table header
cells (`TH`) get the `/Scope` their HTML `scope` gives them, which WeasyPrint uses to map
headers to cells (`/Headers`) but never writes.

The finisher runs inside `write_pdf` (WeasyPrint's `finisher` hook), on the objects about
to be written: no second parse, and the same inputs still give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

ROW_SCOPES = frozenset({"row", "rowgroup"})
"""HTML `scope` values of a row header; any other (or none) heads a column, as WeasyPrint
itself assumes when it maps header cells to data cells."""


@dataclass(frozen=True)
class Tree:
    """The HTML document a PDF was rendered from, indexed for walking up and across."""

    parents: dict[Element, Element]
    ids: dict[str, Element]

    @classmethod
    def of(cls, root: Element) -> Tree:
        parents = {child: parent for parent in root.iter() for child in parent}
        ids: dict[str, Element] = {}
        for element in root.iter():
            if element.get("id"):
                ids.setdefault(element.get("id", ""), element)  # the first of a twin id wins
        return cls(parents, ids)

    def ancestors(self, element: Element) -> Iterator[Element]:
        while element in self.parents:
            element = self.parents[element]
            yield element


def squash(text: str) -> str:
    return " ".join(text.split())


def text_before_link(element: Element) -> str:
    """An element's text up to its first link: a reference entry without its address and
    moments, which would only repeat what the links themselves are."""
    parts: list[str] = []

    def walk(node: Element) -> bool:
        if node is not element and node.tag == "a":
            return False
        parts.append(node.text or "")
        for child in node:
            if not walk(child):
                return False
            parts.append(child.tail or "")
        return True

    walk(element)
    return squash("".join(parts))


def entry(link: Element, tree: Tree) -> Element | None:
    """The reference entry an external link belongs to: the list item holding it (an
    address or a moment in the reference list), or the entry its citation number points to
    (a timestamp after the number in a citation group)."""
    for ancestor in tree.ancestors(link):
        if ancestor.tag == "li" and ancestor.get("id"):
            return ancestor
    parent = tree.parents.get(link)
    if parent is None:
        return None
    siblings = list(parent)
    for sibling in reversed(siblings[: siblings.index(link)]):
        href = sibling.get("href", "")
        if sibling.tag == "a" and href.startswith("#"):
            return tree.ids.get(href[1:])
    return None


def describe(link: Element, kind: str, target: str, tree: Tree) -> str:
    """What a link says to a reader, never its bare target.

    `kind` and `target` are WeasyPrint's: "internal" and an anchor name, or "external" and
    a URL.
    """
    own = squash("".join(link.itertext()))
    if kind == "internal":
        anchor = tree.ids.get(target)
        pointed = text_before_link(anchor) if anchor is not None else ""
        return squash(f"{own}. {pointed}") if pointed else own or target
    context = entry(link, tree)
    about = text_before_link(context) if context is not None else ""
    if not own or own == target:
        return about or urlsplit(target).hostname or target
    return f"{about} {own}" if about else own


def _name_links(document: Any, tree: Tree) -> None:
    """Each link annotation's text alternative, and its rectangle by lower-left and
    upper-right corners (WeasyPrint writes the top corner first)."""
    import pydyf

    for page in document.pages:
        for kind, target, _rectangle, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            if annotation is None:
                continue
            annotation["Contents"] = pydyf.String(describe(box.element, kind, target, tree))
            x1, y1, x2, y2 = annotation["Rect"]
            annotation["Rect"] = pydyf.Array([min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)])


def _scope_headers(document: Any) -> None:
    # WeasyPrint keeps a cell's structure element on its box (`mark`), as its own tagging
    # code does; the page box (`_page_box`) is where that tagging code finds the boxes too.
    for page in document.pages:
        for box in page._page_box.descendants():
            mark = getattr(box, "mark", None)
            if mark is not None and box.element_tag == "th":
                scope = (box.element.get("scope") or "").lower()
                mark["A"]["Scope"] = "/Row" if scope in ROW_SCOPES else "/Column"


def finisher(root: Element) -> Callable[[Any, Any], None]:
    """A `finisher` for `write_pdf` of a document rendered from `root`."""
    tree = Tree.of(root)

    def finish(document: Any, pdf: Any) -> None:
        _name_links(document, tree)
        _scope_headers(document)

    return finish
