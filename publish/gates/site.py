"""Checking a written site: every link leads to a file in it, the feed and sitemap parse,
and every file offered is, byte for byte, the one its build's manifest describes.

`publish site` runs this on the staged site before putting it in place; `publish check
--site DIR` runs it on a site as it is served, which may have been copied or edited since.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from publish.gates.findings import Finding
from publish.manifest import MANIFEST

SITE_FILES = frozenset({"index.html", MANIFEST, "cover.svg"})
"""What the site adds to a page's folder beside the built files its manifest lists."""
PASSED = "every link leads to a file of the site; the feed parses; every file matches its manifest"


def problems(site: Path, dist: Path | None = None) -> list[str]:
    """What is wrong with the site in `site`, each naming the file (relative to the site)."""
    found: list[str] = []
    for page in sorted(site.rglob("*.html")):
        found += _links(site, page)
    found += _feed(site)
    found += _sitemap(site)
    for manifest in sorted(site.glob(f"*/*/{MANIFEST}")):
        found += _files(site, manifest, dist)
    if not (site / "index.html").is_file():
        found.append("index.html: missing")
    return list(dict.fromkeys(found))  # a cover is both image and thumbnail: named once


def findings(site: Path, dist: Path | None) -> list[Finding]:
    """`check --site`: one fail per problem, or one pass."""
    if not site.is_dir():
        return [Finding("site", "fail", "no site here; run publish site", str(site))]
    found = problems(site, dist)
    if not found:
        return [Finding("site", "pass", PASSED, str(site))]
    return [Finding("site", "fail", problem, str(site)) for problem in found]


def _name(site: Path, path: Path) -> str:
    return path.relative_to(site).as_posix()


def _resolves(site: Path, page: Path, href: str) -> str | None:
    """None if a link from `page` leads to a file of the site (or off the site); else why not."""
    parts = urlsplit(href)
    if parts.scheme.lower() not in ("", "http", "https", "mailto", "tel"):
        return f"{href[:40]} is not a web address"
    if parts.scheme or parts.netloc or href.startswith("#") or not href:
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    if not target.is_relative_to(site.resolve()):
        return f"{href} leads outside the site"
    if target.is_dir():
        target = target / "index.html"
    return None if target.is_file() else f"{href} leads to no file"


def _links(site: Path, page: Path) -> list[str]:
    from lxml import html

    root = html.fromstring(page.read_bytes())
    ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    found = []
    for element, attribute, link, _ in root.iterlinks():
        if attribute not in ("href", "src") or link.startswith("data:"):
            continue
        problem = _resolves(site, page, link)
        if (
            problem is None
            and link.startswith("#")
            and link not in ("#", "#top")
            and link[1:] not in ids
        ):
            problem = f"{link} names no element of the page"
        if problem:
            found.append(f"{_name(site, page)}: <{element.tag}> {problem}")
    return found


def _feed(site: Path) -> list[str]:
    from lxml import etree

    from publish.site.layout import FEED
    from publish.site.opds import ACQUISITION, ATOM

    path = site / FEED
    if not path.is_file():
        return [f"{FEED}: missing"]
    try:
        root = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return [f"{FEED}: does not parse: {exc}"]
    if root.tag != f"{{{ATOM}}}feed":
        return [f"{FEED}: not an Atom feed"]
    found = []
    for number, entry in enumerate(root.iterfind(f"{{{ATOM}}}entry"), 1):
        for wanted in ("title", "id", "updated"):
            if not (entry.findtext(f"{{{ATOM}}}{wanted}") or "").strip():
                found.append(f"{FEED}: entry {number} has no {wanted}")
        links = entry.findall(f"{{{ATOM}}}link")
        if not any(link.get("rel") == ACQUISITION for link in links):
            found.append(f"{FEED}: entry {number} has no acquisition link")
        for link in links:
            problem = _resolves(site, path, link.get("href") or "")
            if problem:
                found.append(f"{FEED}: entry {number}: {problem}")
    return found


def _sitemap(site: Path) -> list[str]:
    from lxml import etree

    from publish.site.layout import SITEMAP

    path = site / SITEMAP
    if not path.is_file():
        return []  # a site without an address has none
    try:
        etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return [f"{SITEMAP}: does not parse: {exc}"]
    return []


def _files(site: Path, manifest: Path, dist: Path | None) -> list[str]:
    """Each file the page's manifest lists is there as built, nothing else is offered beside
    it, and the manifest is the build's own."""
    from publish.errors import ContentError
    from publish.manifest import Manifest, output_folder

    name = _name(site, manifest)
    try:
        page = Manifest.load(manifest.parent)
    except ContentError as exc:
        return [f"{name}: {exc.raw}"]
    found = [
        f"{_name(site, page.file(item))}: does not match the manifest" for item in page.damaged()
    ]
    listed = {str(item["file"]) for item in page.entries} | SITE_FILES
    found += [
        f"{_name(site, path)}: offered, but not in the manifest beside it"
        for path in sorted(manifest.parent.iterdir())
        if path.name not in listed
    ]
    if dist is not None:
        translation = page.fields.get("translation")
        language = page.fields.get("language") if translation else None
        built = output_folder(dist, str(page.fields.get("topic")), language) / MANIFEST
        if built.is_file() and built.read_bytes() != manifest.read_bytes():
            found.append(f"{name}: older than the build in {built.parent}; run publish site")
    return found
