"""PDFs, tagged and untagged: the text kept page by page, running headers, footers and page
numbers removed and recorded, headings recovered, and a scan, an encrypted or a damaged PDF
refused in one line."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
from pathlib import Path

import pikepdf
import pypdf
import pytest
from helpers import normalize_refuses
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from publish import limits
from publish.errors import InputError
from publish.normalizer import NormalizedSource, normalize_paths, normalize_text
from publish.normalizer.model import PAGE_MARK
from publish.normalizer.pdf import Line, Structure, find_furniture, structure
from publish.normalizer.pipeline import normalize_raw

SOURCES = Path(__file__).resolve().parent / "fixtures" / "sources"
TAGGED = SOURCES / "blood-pressure-medicine.pdf"
UNTAGGED = SOURCES / "cuts-and-scrapes.pdf"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, NormalizedSource]]:
    """Both PDFs normalized once: the output folder, and each source by its file name."""
    out = tmp_path_factory.mktemp("pdf")
    result = normalize_paths([TAGGED, UNTAGGED], out, overrides=out / "none.yaml")
    assert result.errors == []
    return out, {source.source_file: source for source in result.sources}


def _pages(path: Path) -> list[str]:
    """Each page's text as pypdf reads it, apart from the code under test (pdfminer.six)."""
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def page_of(body: str, text: str) -> int:
    """The page a text of the body is on: the number of the last page marker before it."""
    at = body.index(text)
    return [int(m.group("page")) for m in PAGE_MARK.finditer(body) if m.start() < at][-1]


# --- what is kept ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "title", "pages"),
    [
        (TAGGED, "Taking Your Blood Pressure Medicine", 3),
        (UNTAGGED, "Caring for a Small Cut or Scrape", 2),
    ],
    ids=["tagged", "untagged"],
)
def test_a_pdf_has_its_title_page_count_and_provenance(
    pdfs, path: Path, title: str, pages: int
) -> None:
    _, sources = pdfs
    source = sources[path.name]
    assert (source.kind, source.title, source.language) == ("pdf-document", title, "en")
    assert source.meta["pages"] == pages == len(pypdf.PdfReader(path).pages)
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ("metadata", title) in [(r.reason, r.text) for r in source.removed]


@pytest.mark.parametrize("path", [TAGGED, UNTAGGED], ids=["tagged", "untagged"])
def test_nothing_real_is_lost(pdfs, find_lost, tmp_path: Path, path: Path) -> None:
    _, sources = pdfs
    (tmp_path / "text.txt").write_text("\n".join(_pages(path)), encoding="utf-8")
    assert find_lost(tmp_path / "text.txt", sources[path.name]) == []


@pytest.mark.parametrize("path", [TAGGED, UNTAGGED], ids=["tagged", "untagged"])
def test_every_page_is_marked_once_in_order_and_each_block_is_on_its_page(pdfs, path: Path) -> None:
    _, sources = pdfs
    body = sources[path.name].body
    pages = _pages(path)
    assert [int(m.group("page")) for m in PAGE_MARK.finditer(body)] == list(
        range(1, len(pages) + 1)
    )
    blocks = [b for b in body.split("\n\n") if b.strip() and not PAGE_MARK.fullmatch(b.strip())]
    for block in blocks:
        first_line = re.sub(r"^(?:#+|-|\d+\.)\s+", "", block.split("\n")[0])
        words = " ".join(first_line.split()[:4])
        found = [n for n, text in enumerate(pages, 1) if words in " ".join(text.split())]
        assert found and page_of(body, block) == found[0], block


def test_page_markers_print_nothing() -> None:
    source = normalize_raw(TAGGED.read_bytes(), TAGGED.name)
    html = MarkdownIt("commonmark", {"html": False}).render(source.body)
    assert "page" not in html.lower().replace("blood pressure", "")


TAGGED_BODY = [
    "## Taking your medicine",
    "- Take it at the same time every day.",
    "- If you miss a dose, read the leaflet that came with your medicine or ask your "
    "pharmacist what to do.",
    "## Checking your blood pressure at home",
    "Sit quietly for five minutes before you measure.",
    "Call 911 or your local emergency number if you have chest pain",
]
UNTAGGED_BODY = [
    "## What to do",
    "1. Wash your hands with soap and water.",
    "5. Change the bandage every day, or sooner if it gets wet or dirty.",
    "### Signs of infection",  # bold at the body's size: the level below the larger headings
    "You may need a tetanus shot if the wound is dirty",
]


@pytest.mark.parametrize(
    ("path", "text"),
    [(TAGGED, t) for t in TAGGED_BODY] + [(UNTAGGED, t) for t in UNTAGGED_BODY],
)
def test_headings_lists_and_text_are_kept(pdfs, path: Path, text: str) -> None:
    _, sources = pdfs
    assert text in sources[path.name].body


def test_the_tagged_pdf_names_its_headings_in_its_structure_tree() -> None:
    with pikepdf.open(TAGGED) as pdf:
        found = structure(pdf)
    with pikepdf.open(UNTAGGED) as pdf:
        assert not structure(pdf).tagged
    assert found.tagged and set(found.headings.values()) == {1, 2}


# --- what is removed ---------------------------------------------------------------------------

FURNITURE = [
    (TAGGED, "boilerplate", "Blood Pressure Medicine Guide"),
    (TAGGED, "page-number", "Page 1 of 3\nPage 2 of 3\nPage 3 of 3"),
    (UNTAGGED, "boilerplate", "Riverside Community Health · Cuts and Scrapes"),
    (UNTAGGED, "page-number", "1\n2"),
    (UNTAGGED, "call-to-action", "Sign up for our free health newsletter at the front desk."),
]


@pytest.mark.parametrize(("path", "reason", "text"), FURNITURE)
def test_running_headers_page_numbers_and_promotion_are_removed_and_recorded(
    pdfs, path: Path, reason: str, text: str
) -> None:
    _, sources = pdfs
    source = sources[path.name]
    assert (reason, text) in [(r.reason, r.text) for r in source.removed]
    assert not any(line in source.body for line in text.split("\n") if len(line) > 2)


def _line(text: str, page: int, y: float) -> Line:
    """A line of a 800-point-high page, its top at `y`."""
    return Line(text, page, box=0, x0=50, y0=y - 10, y1=y, height=800, size=10, bold=False)


def test_only_the_edges_of_a_page_hold_furniture() -> None:
    """A line repeated on most pages is a running header at a page's top, and content in its
    middle; a line at the top that does not repeat stays, and a page number goes anywhere
    at an edge."""
    pages = [
        [
            _line("Clinic Guide", n, 790),
            _line(f"Chapter {n}", n, 770),
            _line("Wash your hands.", n, 400),
            _line(str(n), n, 20),
        ]
        for n in range(4)
    ]
    pages[3][0].text = "A new topic starts here"
    found = find_furniture(pages, Structure())
    reasons = [[found.get(id(line)) for line in page] for page in pages]
    assert reasons[0] == ["boilerplate", "boilerplate", None, "page-number"]
    assert reasons[3] == [None, "boilerplate", None, "page-number"]


# --- the same contract as every format --------------------------------------------------------


def test_a_second_run_changes_nothing_and_the_output_is_a_fixed_point(pdfs) -> None:
    out, sources = pdfs
    checked = normalize_paths([TAGGED, UNTAGGED], out, overrides=out / "none.yaml", check=True)
    assert checked.ok and len(checked.unchanged) == 2
    for source in sources.values():
        written = (out / f"{source.id}.md").read_text(encoding="utf-8")
        assert normalize_text(written, "x.md").to_text() == written


def test_a_pdf_is_known_by_its_content_not_its_name(tmp_path: Path) -> None:
    shutil.copy(UNTAGGED, tmp_path / "leaflet.txt")
    [source] = normalize_paths([tmp_path / "leaflet.txt"], tmp_path / "out").sources
    assert source.kind == "pdf-document"


def test_a_pdf_encrypted_without_a_user_password_is_read() -> None:
    """Permissions only (an owner password): it opens, as in any viewer."""
    data = io.BytesIO()
    with pikepdf.open(UNTAGGED) as pdf:
        pdf.save(data, encryption=pikepdf.Encryption(user="", owner="owner"))
    source = normalize_raw(data.getvalue(), "locked.pdf")
    assert "Rinse the wound with clean water." in source.body


# --- bad PDFs: one line, exit 3, nothing written -------------------------------------------------


def _encrypted() -> bytes:
    data = io.BytesIO()
    with pikepdf.open(UNTAGGED) as pdf:
        pdf.save(data, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    return data.getvalue()


def _scanned() -> bytes:
    """A page with an image and no text, as a scanner writes it."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pikepdf.Stream(pdf, b"\xff" * 16)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = 4, 4, 8
    image.ColorSpace = pikepdf.Name.DeviceGray
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    pdf.pages[0].Contents = pikepdf.Stream(pdf, b"q 500 0 0 700 50 50 cm /Im0 Do Q")
    data = io.BytesIO()
    pdf.save(data)
    return data.getvalue()


@pytest.mark.parametrize(
    ("make", "setting", "message"),
    [
        pytest.param(_scanned, None, "scanned PDF: no text; OCR it first", id="scanned"),
        pytest.param(_encrypted, None, "encrypted PDF: it needs a password", id="encrypted"),
        pytest.param(lambda: TAGGED.read_bytes()[:2000], None, "not a readable PDF", id="damaged"),
        pytest.param(lambda: b"\x00\x01 nothing like a PDF" * 4, None, "not a PDF", id="not-a-pdf"),
        pytest.param(
            TAGGED.read_bytes,
            ("MAX_PDF_PAGES", 2),
            "PDF of 3 pages, over the 2-page limit",
            id="too-many-pages",
        ),
        pytest.param(
            TAGGED.read_bytes, ("MAX_PDF_BYTES", 1000), "over the 1000-byte limit", id="too-large"
        ),
    ],
)
def test_a_bad_pdf_is_one_line_exit_3_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make, setting, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if setting:
        monkeypatch.setattr(limits, *setting)
    assert message in normalize_refuses(tmp_path, "guide.pdf", make())


CHANGES = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20)


@settings(max_examples=15, deadline=None)
@given(CHANGES, st.floats(0.25, 1.0))
def test_a_damaged_file_fails_only_with_one_clear_error(
    changes: list[tuple[int, int]], kept: float
) -> None:
    """Bytes changed or cut anywhere: the file is read, or refused with an InputError."""
    raw = bytearray(TAGGED.read_bytes())
    for at, value in changes:
        raw[at % len(raw)] = value
    with contextlib.suppress(InputError):
        normalize_raw(bytes(raw[: int(len(raw) * kept)]), "guide.pdf")
