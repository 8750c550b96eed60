"""Write the site: an index, a page per topic and language, the files, a feed and a sitemap.

Every page is a built web handout with the site's links added after its masthead (other
languages, the files to download with their sizes, the index), so what a patient reads
online is the text `check` judged. The whole site is staged, checked (`publish.gates.site`)
and then swapped into place in one step: a failed run leaves the previous site as it was.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publish import __version__, outdir
from publish.errors import ContentError, OutputError
from publish.i18n import N_, Messages, messages_for
from publish.render.html import messages_context, render
from publish.render.options import Options
from publish.render.web import inline_styles
from publish.sanitize import clean_svg
from publish.site import opds
from publish.site.editions import Edition, editions
from publish.site.layout import FEED, INDEX, SITEMAP

MARK = ".publish-site"
"""Left in the site's root: a folder holding it is one `publish site` may replace."""
DOWNLOAD_LABELS = {
    "handout": N_("Printable handout (PDF)"),
    "large-print": N_("Large-print handout (PDF)"),
    "clinician": N_("Clinician summary (PDF)"),
    "epub": N_("E-book (EPUB)"),
    "web": N_("This page as one file, for record systems (HTML)"),
}
"""How a topic's page names each file it offers, in the page's language."""
SITE_TITLE = N_("Patient handouts")
DRAFT = N_("Draft")


@dataclass
class SiteResult:
    folder: Path
    pages: list[str] = field(default_factory=list)
    """Each topic page's folder in the site, in order."""
    books: int = 0
    left_out: list[str] = field(default_factory=list)
    """Drafts not published (without --drafts), as `topic (language)`."""


def language_name(tag: str) -> str:
    """A language's name in that language ("Español"), as a reader looks for their own."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:] if name else tag


def _size(n: int, messages: Messages) -> str:
    from babel.numbers import format_decimal

    value, unit = (n / 1024, "KB") if n < 1024 * 1024 else (n / 1024 / 1024, "MB")
    return f"{format_decimal(round(value, 1), locale=messages.language.replace('-', '_'))} {unit}"


def _messages(language: str, options: Options) -> Messages:
    return messages_for(language, options.templates, options.profile.locale)


def topic_page(edition: Edition, siblings: Sequence[Edition], options: Options) -> bytes:
    """The edition's web handout with the site's links added: its other languages and the
    index after the masthead, the files to download before the footer. The safety blocks
    stay where the handout has them, first after the title."""
    messages = _messages(edition.language, options)
    handout = (edition.folder / "handout.html").read_bytes().decode("utf-8")
    downloads = [
        {
            "filename": d.filename,
            "media_type": d.media_type,
            "size": _size(d.size, messages),
            "label": messages.gettext(DOWNLOAD_LABELS[d.name])
            if d.name in DOWNLOAD_LABELS
            else d.name,
        }
        for d in edition.downloads
    ]
    languages = [
        {
            "folder": other.language.lower(),
            "tag": other.language,
            "name": language_name(other.language),
        }
        for other in siblings
        if other is not edition
    ]
    context = {"languages": languages, "downloads": downloads, **messages_context(messages)}
    top = render("site/languages.html", options.templates, **context)
    bottom = render("site/formats.html", options.templates, **context)
    head, masthead, rest = handout.partition("</header>")
    body, footer, tail = rest.rpartition("<footer")
    if not masthead or not footer:
        raise ContentError(
            "the web handout needs a </header> and a <footer> to put the site's links beside",
            edition.folder / "handout.html",
        )
    return f"{head}{masthead}\n{top}{body}{bottom}{footer}{tail}".encode()


def index_page(published: Sequence[Edition], drafts: bool, options: Options) -> bytes:
    """The list of every topic, each with its languages, version, status and review date."""
    language = options.profile.locale.split("-")[0]
    messages = _messages(language, options)
    topics: dict[str, list[Edition]] = {}
    for edition in published:
        topics.setdefault(edition.topic, []).append(edition)
    listed = []
    for group in topics.values():
        first = next((e for e in group if e.field("translation") is None), group[0])
        listed.append(
            {
                "title": first.field("title"),
                "summary": first.field("summary"),
                "editions": [
                    {
                        "href": e.path + INDEX,
                        "tag": e.language,
                        "name": language_name(e.language),
                        "title": e.field("title"),
                        "version": e.field("version"),
                        "draft": e.is_draft,
                        "next_review": e.field("next_review"),
                    }
                    for e in group
                ],
            }
        )
    page = render(
        "site/index.html",
        options.templates,
        lang=language,
        title=messages.gettext(SITE_TITLE),
        profile=options.profile,
        topics=listed,
        drafts=drafts and any(e.is_draft for e in published),
        feed=FEED,
        styles=inline_styles(options),
        version=__version__,
        **messages_context(messages),
    )
    return page.encode("utf-8")


def cover(edition: Edition) -> bytes | None:
    """The e-book's own cover drawing, for reading apps' shelves; None without an e-book."""
    epub = edition.download("epub")
    if epub is None:
        return None
    with zipfile.ZipFile(io.BytesIO((edition.folder / epub.filename).read_bytes())) as book:
        names = [n for n in book.namelist() if n.rsplit("/", 1)[-1] == opds.COVER]
        return clean_svg(book.read(names[0])).data if names else None


def site_files(
    published: Sequence[Edition], options: Options, base_url: str | None, drafts: bool
) -> dict[str, bytes]:
    """Every file of the site by its path inside it."""
    files: dict[str, bytes] = {MARK: b"A static site written by publish (publish site).\n"}
    for edition in published:
        siblings = [e for e in published if e.topic == edition.topic]
        files[edition.path + INDEX] = topic_page(edition, siblings, options)
        for download in edition.downloads:
            files[edition.path + download.filename] = (
                edition.folder / download.filename
            ).read_bytes()
        files[edition.path + "manifest.json"] = edition.manifest.path.read_bytes()
        drawing = cover(edition)
        if drawing is not None:
            files[edition.path + opds.COVER] = drawing
    files[INDEX] = index_page(published, drafts, options)
    clinic = options.profile.clinic_name
    messages = _messages(options.profile.locale.split("-")[0], options)
    title = messages.gettext(SITE_TITLE)
    files[FEED] = opds.feed(
        published,
        f"{clinic}: {title}" if clinic else title,
        clinic,
        base_url,
        messages.gettext(DRAFT),
    )
    if base_url:
        files[SITEMAP] = opds.sitemap(published, base_url)
    return files


def write_site(
    dist: Path, out: Path, options: Options, base_url: str | None = None, drafts: bool = False
) -> SiteResult:
    """Make the site from `dist/` into `out`, replacing an earlier site there in one step."""
    from publish.gates.site import problems

    if not dist.is_dir():
        raise ContentError("nothing to publish: no build folder; run publish build", dist)
    published, left_out = editions(dist, drafts)
    if not published:
        raise ContentError(
            "nothing to publish: no approved topic is built (pass --drafts to include drafts)"
            if left_out
            else "nothing to publish: no topic is built; run publish build",
            dist,
        )
    if out.exists() and any(out.iterdir()) and not (out / MARK).is_file():
        raise OutputError(
            "refused: the folder holds files publish did not write; choose another --out", out
        )

    def verify(staged: Path) -> None:
        found = problems(staged, dist)
        if found:
            raise ContentError(f"the site did not pass its own check: {found[0]}", out)

    files = site_files(published, options, base_url, drafts)
    outdir.replace_tree(out, files, verify)
    result = SiteResult(out, [e.path for e in published])
    result.books = sum(1 for e in published if e.download("epub") is not None)
    result.left_out = [f"{e.topic} ({e.language})" for e in left_out]
    return result
