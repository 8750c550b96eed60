"""HTML to tagged PDF/UA-1 with WeasyPrint, loading files only from allowed folders.

WeasyPrint is imported here and nowhere else, so the CLI starts without it.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from publish.errors import ContentError
from publish.render.options import Options, RenderedFile, build_time, pinned_clock
from publish.render.pdffinish import finisher
from publish.sanitize import SvgError, clean_svg, is_svg
from publish.topic import Topic

if TYPE_CHECKING:
    from publish.i18n import Messages
    from publish.render.registry import Artifact


@dataclass
class Fetched:
    """URLs refused during one render, and what the sanitizer took out of SVG images."""

    refused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _fetcher_class():  # type: ignore[no-untyped-def]
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """Serves local files under the allowed folders and data: URLs; refuses the rest.

        Files are read here, never through urllib: a `file://NAME/...` URL (any host, even
        localhost) would make urllib look NAME up, and a build makes no network request of
        any kind, DNS included. SVG images pass the sanitizer before WeasyPrint draws them.
        """

        def __init__(self, roots: tuple[Path, ...], log: Fetched) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.roots = roots
            self.log = log

        def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
            parsed = urlsplit(url)
            scheme = parsed.scheme.lower()
            if scheme == "data":
                response = super().fetch(url, headers)
                if response.content_type != "image/svg+xml":
                    return response
                return self._svg(url, response.read(), "an embedded image")
            if scheme == "file" and not parsed.netloc:
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                    return self._local(urlunsplit(("file", "", parsed.path, "", "")), path)
            return self._refuse(url)

        def _local(self, url: str, path: Path):  # type: ignore[no-untyped-def]
            if is_svg(path.name):
                return self._svg(url, path.read_bytes(), f"figure {path.name}")
            kind = mimetypes.guess_type(path.name)[0] or "text/plain"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

        def _svg(self, url: str, data: bytes, name: str):  # type: ignore[no-untyped-def]
            try:
                result = clean_svg(data)
            except SvgError:
                return self._refuse(url)
            if result.removed:
                self.log.removed.append(f"{name}: removed {', '.join(result.removed)}")
            return URLFetcherResponse(url, result.data, {"Content-Type": "image/svg+xml"})

        def _refuse(self, url: str):  # type: ignore[no-untyped-def]
            self.log.refused.append(url)
            raise ValueError(f"publish refuses to load {url}")

    return LocalFetcher


@lru_cache(maxsize=1)
def _font_config():  # type: ignore[no-untyped-def]
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _stylesheet(path: Path, roots: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    """A parsed stylesheet and the URLs it was refused; parsed once per content."""
    source = path.read_bytes()
    return _parse_stylesheet(path, hashlib.sha256(source).hexdigest(), roots)


@lru_cache(maxsize=32)
def _parse_stylesheet(path: Path, digest: str, roots: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    """Keyed by content as well as path: an edited stylesheet is parsed again."""
    from weasyprint import CSS

    log = Fetched()
    fetcher = _fetcher_class()(roots, log)
    sheet = CSS(filename=str(path), font_config=_font_config(), url_fetcher=fetcher)
    return sheet, tuple(log.refused)


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    refused: tuple[str, ...]
    removed: tuple[str, ...] = ()


def render_pdf(
    html: str, base: Path, stylesheets: list[Path], roots: tuple[Path, ...], when: datetime
) -> PdfResult:
    """Render one HTML document, its links and table headers finished for assistive
    technology (`pdffinish`); the PDF's identifier is a hash of its inputs."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    roots = tuple(r.resolve() for r in roots)
    log = Fetched()
    fetcher = _fetcher_class()(roots, log)
    sheets = [_stylesheet(s.resolve(), roots) for s in stylesheets]
    log.refused.extend(url for _, refused in sheets for url in refused)
    base_uri = base.resolve().as_uri()
    source = HTML(string=html, base_url=base_uri + "/", url_fetcher=fetcher)
    document = source.render(stylesheets=[sheet for sheet, _ in sheets], font_config=_font_config())
    # The identifier hashes the document without the folder it happens to live in.
    located = html.replace(base_uri, "topic:")
    identifier = hashlib.sha256(located.encode("utf-8")).hexdigest()[:32].encode()
    with pinned_clock(when):
        data = document.write_pdf(
            pdf_variant="pdf/ua-1",
            pdf_identifier=identifier,
            finisher=finisher(source.etree_element),
        )
    if not data:
        raise ContentError("WeasyPrint produced no PDF", base)
    return PdfResult(data, len(document.pages), tuple(log.refused), tuple(log.removed))


def pdf_file(
    artifact: Artifact,
    html: str,
    topic: Topic,
    options: Options,
    styles: tuple[str, ...],
    cited: tuple[str, ...],
    messages: Messages,
    reading_grade: float | None = None,
) -> RenderedFile:
    """A PDF artifact; an over-long document or a refused load becomes a warning."""
    from publish.render.html import template_file

    sheets = [template_file(n, options.templates) for n in options.stylesheets(*styles)]
    pdf = render_pdf(html, topic.folder, sheets, options.roots(topic), build_time(topic))
    warnings = [f"refused to load {url}" for url in pdf.refused] + list(pdf.removed)
    limit = artifact.max_pages
    if limit is not None and pdf.pages > limit:
        warnings.append(f"{artifact.filename} has {pdf.pages} pages, over the limit of {limit}")
    return RenderedFile(
        artifact.name,
        artifact.filename,
        pdf.data,
        cited,
        pages=pdf.pages,
        reading_grade=reading_grade,
        warnings=tuple(warnings),
        language=messages.language,
        untranslated=tuple(sorted(messages.missing)),
    )
