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
from datetime import date
from pathlib import Path

from publish import __version__, outdir
from publish.errors import ContentError, OutputError
from publish.fsutil import read_no_follow
from publish.i18n import N_, Messages, messages_for
from publish.render.html import messages_context, render
from publish.render.options import Options, source_date_epoch
from publish.render.web import inline_styles
from publish.sanitize import SvgError, clean_svg
from publish.site import opds
from publish.site.editions import Edition, editions
from publish.site.layout import FEED, INDEX, SITEMAP

MARK = ".publish-site"
"""Left in the site's root: the list of the files `publish site` wrote there. The next run
replaces the folder only if it holds no other file: a file someone added by hand (a
`.htaccess`, a page of their own) is never deleted."""


def _foreign(out: Path) -> str | None:
    """A file in `out` that the last `publish site` there did not write, if any (an empty or
    missing folder has none)."""
    if not out.is_dir():
        return None
    present = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if (p.is_file() or p.is_symlink()) and not _ours(p.name)
    )
    mark = out / MARK
    if mark.is_symlink() or (mark.exists() and not mark.is_file()):
        return MARK
    listed = read_no_follow(mark).decode("utf-8", "replace") if mark.is_file() else ""
    written = set(listed.splitlines())
    return next((name for name in present if name not in written and name != MARK), None)


def _ours(name: str) -> bool:
    """A lock file `publish site --out` left for a folder inside this one."""
    return name.startswith(".") and name.endswith(".lock")


DOWNLOAD_LABELS = {
    "handout": N_("Printable handout (PDF)"),
    "large-print": N_("Large-print handout (PDF)"),
    "clinician": N_("Clinician summary (PDF)"),
    "epub": N_("E-book (EPUB)"),
    "web": N_("This page as one file, for record systems (HTML)"),
}
"""How a topic's page names each file it offers, in the page's language."""
SITE_TITLE = N_("Patient handouts")
HELD_BACK = {
    "draft": N_("Draft"),
    "translation out of date": N_("Translation out of date"),
    "review overdue": N_("Review overdue"),
}
"""How a page marks an edition published with --drafts, by why it was held back."""
NOINDEX = '<meta name="robots" content="noindex" />'
"""On every page of a site with drafts: search engines leave them out."""


@dataclass
class SiteResult:
    folder: Path
    pages: list[str] = field(default_factory=list)
    """Each topic page's folder in the site, in order."""
    books: int = 0
    left_out: list[str] = field(default_factory=list)
    """Editions held back (without --drafts), as `topic (language): why`."""


def language_name(tag: str) -> str:
    """A language's name in that language ("Español"), as a reader looks for their own."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:] if name else tag


def _size(n: int, messages: Messages) -> str:
    """A file's size as the page's language writes numbers, always to one decimal ("25.0 KB"
    beside "42.4 KB"), its number and unit held on one line."""
    from babel.numbers import format_decimal

    value, unit = (n / 1024, "KB") if n < 1024 * 1024 else (n / 1024 / 1024, "MB")
    locale = messages.language.replace("-", "_")
    return f"{format_decimal(value, format='#,##0.0', locale=locale)}\u00a0{unit}"


def _messages(language: str, options: Options) -> Messages:
    return messages_for(language, options.templates, options.profile.locale)


def topic_page(edition: Edition, siblings: Sequence[Edition], options: Options) -> bytes:
    """The edition's web handout with the site's links added: its other languages and the
    index after the masthead, the files to download before the footer. The safety blocks
    stay where the handout has them, first after the title."""
    messages = _messages(edition.language, options)
    web = edition.download("web")
    assert web is not None  # read_edition refuses a build without it
    handout = (edition.folder / web.filename).read_bytes().decode("utf-8")
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
    mark = messages.gettext(HELD_BACK[edition.mark]) if edition.mark else None
    context = {
        "languages": languages,
        "downloads": downloads,
        "mark": None if edition.mark == "draft" else mark,  # a draft marks itself
        **messages_context(messages),
    }
    top = render("site/languages.html", options.templates, **context)
    bottom = render("site/formats.html", options.templates, **context)
    head, masthead, rest = handout.partition("</header>")
    body, footer, tail = rest.rpartition("<footer")
    if not masthead or not footer:
        raise ContentError(
            "the web handout needs a </header> and a <footer> to put the site's links beside",
            edition.folder / web.filename,
        )
    if mark:  # published with --drafts: kept out of search engines, as the sitemap is
        head = head.replace("</head>", f"{NOINDEX}\n</head>", 1)
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
                        "mark": messages.gettext(HELD_BACK[e.mark]) if e.mark else None,
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
        drafts=any(e.mark for e in published),
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
    path = edition.folder / epub.filename
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as book:
            names = [n for n in book.namelist() if n.rsplit("/", 1)[-1] == opds.COVER]
            return clean_svg(book.read(names[0])).data if names else None
    except (zipfile.BadZipFile, SvgError) as exc:
        raise ContentError(f"the e-book's cover cannot be read: {exc}", path) from exc


def site_files(
    published: Sequence[Edition], options: Options, base_url: str | None, drafts: bool
) -> dict[str, bytes]:
    """Every file of the site by its path inside it."""
    files: dict[str, bytes] = {}
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
        clinic or title,
        base_url,
        {reason: messages.gettext(label) for reason, label in HELD_BACK.items()},
    )
    if base_url and not any(e.mark for e in published):
        files[SITEMAP] = opds.sitemap(published, base_url)
    files[MARK] = "".join(f"{name}\n" for name in sorted(files)).encode()
    return files


def write_site(
    dist: Path, out: Path, options: Options, base_url: str | None = None, drafts: bool = False
) -> SiteResult:
    """Make the site from `dist/` into `out`, replacing an earlier site there in one step."""
    from publish.gates.site import problems

    if not dist.is_dir():
        raise ContentError("nothing to publish: no build folder; run publish build", dist)
    when = source_date_epoch()
    published, left_out = editions(dist, drafts, when.date() if when else date.today())
    if not published:
        raise ContentError(
            "nothing to publish: no approved topic is built (pass --drafts to include drafts)"
            if left_out
            else "nothing to publish: no topic is built; run publish build",
            dist,
        )
    foreign = _foreign(out)
    if foreign:
        raise OutputError(
            f"refused: {foreign} was not written by publish site, and writing the site "
            "replaces the whole folder; move it out or choose another --out",
            out,
        )

    def verify(staged: Path) -> None:
        found = problems(staged, dist)
        if found:
            raise ContentError(f"the site did not pass its own check: {found[0]}", out)

    files = site_files(published, options, base_url, drafts)
    outdir.replace_tree(out, files, verify)
    result = SiteResult(out, [e.path for e in published])
    result.books = sum(1 for e in published if e.download("epub") is not None)
    result.left_out = [f"{e.topic} ({e.language}): {why}" for e, why in left_out]
    return result
