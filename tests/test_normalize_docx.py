"""Word files: headings, lists and tables kept; reviewers' comments, proposed insertions and
page headers and footers recorded, never in the body unannounced; a corrupt file, a ZIP
bomb or XML with entities refused in one line."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import normalize_refuses
from hypothesis import given, settings
from hypothesis import strategies as st

from publish import limits
from publish.errors import InputError
from publish.normalizer import NormalizedSource, normalize_paths, normalize_text
from publish.normalizer.pipeline import normalize_raw

DOCX = Path(__file__).resolve().parent / "fixtures" / "sources" / "diabetes-foot-care.docx"
TITLE = "Looking After Your Feet When You Have Diabetes"
INSERTED = "Use a mirror to see the soles of your feet, or ask someone to help."
DELETED = "Looking at your feet is part of your daily routine."
COMMENT = "Check this against the clinic's own schedule for foot exams."


@pytest.fixture(scope="module")
def word(tmp_path_factory: pytest.TempPathFactory):
    """The foot-care leaflet normalized once: the output folder and the run's result."""
    out = tmp_path_factory.mktemp("docx")
    result = normalize_paths([DOCX], out, overrides=out / "none.yaml")
    assert result.errors == []
    return out, result


def _source(word) -> NormalizedSource:
    [source] = word[1].sources
    return source


def _parts(data: bytes | None = None) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data or DOCX.read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    return buffer.getvalue()


_PARAGRAPH = re.compile(rb"<w:p[ >].*?</w:p>", re.S)
_TEXT = re.compile(rb"<w:(?:t|delText)(?: [^>]*)?>([^<]*)</w:(?:t|delText)>")


def word_text(data: bytes) -> str:
    """Every paragraph of every part a person sees in Word (body, comments, headers and
    footers), a line each, read with regular expressions apart from the code under test."""
    lines = []
    for name, part in sorted(_parts(data).items()):
        if name.startswith("word/") and name.endswith(".xml"):
            for paragraph in _PARAGRAPH.findall(part):
                lines.append(b"".join(_TEXT.findall(paragraph)).decode("utf-8"))
    return "\n".join(line for line in lines if line.strip())


# --- what is kept ------------------------------------------------------------------------------


def test_the_word_file_is_read_with_its_title_and_provenance(word) -> None:
    source = _source(word)
    assert (source.kind, source.title, source.language) == ("word-document", TITLE, "en")
    assert source.sha256 == hashlib.sha256(DOCX.read_bytes()).hexdigest()
    assert "pages" not in source.meta  # a Word file has no fixed pages
    assert ("metadata", TITLE) in [(r.reason, r.text) for r in source.removed]


def test_nothing_real_is_lost(word, find_lost, tmp_path: Path) -> None:
    (tmp_path / "text.txt").write_text(word_text(DOCX.read_bytes()), encoding="utf-8")
    assert find_lost(tmp_path / "text.txt", _source(word)) == []


KEPT = [
    "## Why foot care matters",
    "- Check your feet for cuts, blisters, redness, swelling or nail problems.\n- Wash your",
    "- Do not walk barefoot, even indoors.",
    "1. Sit down in a place with good light.\n2. Look at the top and the sole",
    "- What you notice | What to do\n- A cut or blister that is not healing | Call your care team",
    "Have your feet checked by a health professional at least once a year.",
]


@pytest.mark.parametrize("text", KEPT)
def test_headings_lists_and_tables_are_kept(word, text: str) -> None:
    assert text in _source(word).body


# --- comments, tracked changes, headers and footers ---------------------------------------------


def test_a_comment_is_recorded_never_in_the_body(word) -> None:
    source = _source(word)
    [thread] = [r for r in source.removed if r.reason == "comments"]
    assert (thread.text, thread.count) == (COMMENT, 1)
    assert "clinic's own schedule" not in source.body


def test_a_proposed_insertion_is_recorded_and_left_out(word) -> None:
    source = _source(word)
    assert ("tracked-change", INSERTED) in [(r.reason, r.text) for r in source.removed]
    assert "mirror" not in source.body


def test_text_proposed_for_deletion_stays_and_the_source_is_flagged(word) -> None:
    _, result = word
    source = _source(word)
    assert DELETED in source.body  # the text as it stood before the edits
    assert "tracked-changes" in source.flags
    assert any("edits proposed in Word and not accepted" in w for w in result.warnings)


def test_page_headers_and_footers_are_boilerplate(word) -> None:
    source = _source(word)
    removed = [(r.reason, r.text) for r in source.removed]
    assert ("boilerplate", "Riverside Community Health · Patient information") in removed
    assert ("boilerplate", "Page 1") in removed
    assert "Riverside" not in source.body


def test_without_changes_or_comments_there_is_no_flag() -> None:
    parts = _parts()
    document = parts["word/document.xml"].decode("utf-8")
    document = re.sub(r"<w:del .*?</w:del>", "", document)
    document = re.sub(r"<w:ins [^>]*/>", "", document)
    document = re.sub(r"<w:ins .*?</w:ins>", "", document)
    parts["word/document.xml"] = document.encode("utf-8")
    del parts["word/comments.xml"]
    source = normalize_raw(_zip(parts), "clean.docx")
    assert source.flags == ["undated"]
    assert {r.reason for r in source.removed} == {"metadata", "boilerplate"}


def test_without_a_title_paragraph_the_file_properties_give_the_title() -> None:
    parts = _parts()
    parts["word/document.xml"] = re.sub(
        rb'<w:p><w:pPr><w:pStyle w:val="Title"/>.*?</w:p>', b"", parts["word/document.xml"]
    )
    assert normalize_raw(_zip(parts), "leaflet.docx").title == "Foot care leaflet"


# --- the same contract as every format --------------------------------------------------------


def test_a_second_run_changes_nothing_and_the_output_is_a_fixed_point(word) -> None:
    out, _ = word
    checked = normalize_paths([DOCX], out, overrides=out / "none.yaml", check=True)
    assert checked.ok and len(checked.unchanged) == 1
    written = (out / f"{_source(word).id}.md").read_text(encoding="utf-8")
    assert normalize_text(written, "x.md").to_text() == written


def test_a_word_file_is_known_by_its_content_not_its_name(tmp_path: Path) -> None:
    shutil.copy(DOCX, tmp_path / "leaflet.txt")
    [source] = normalize_paths([tmp_path / "leaflet.txt"], tmp_path / "out").sources
    assert source.kind == "word-document"


# --- bad Word files: one line, exit 3, nothing written ------------------------------------------


def _with_doctype() -> bytes:
    parts = _parts()
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"?><w:document",
        b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><w:document',
    )
    return _zip(parts)


def _empty() -> bytes:
    parts = _parts()
    parts["word/document.xml"] = re.sub(
        rb"<w:body>.*</w:body>", b"<w:body><w:p/></w:body>", parts["word/document.xml"], flags=re.S
    )
    return _zip(parts)


@pytest.mark.parametrize(
    ("make", "setting", "message"),
    [
        pytest.param(
            lambda: DOCX.read_bytes()[:1500],
            None,
            "corrupt Word file: not a readable ZIP archive",
            id="truncated",
        ),
        pytest.param(
            lambda: _zip({"notes.txt": b"hello"}),
            None,
            "a ZIP archive, not a Word file (no word/document.xml)",
            id="zip-not-word",
        ),
        pytest.param(
            lambda: b"\x00\x01 nothing like a zip" * 4,
            None,
            "corrupt Word file: not a ZIP archive",
            id="not-a-zip",
        ),
        pytest.param(_with_doctype, None, "declares a DOCTYPE", id="entities"),
        pytest.param(_empty, None, "a Word file with no text", id="empty"),
        pytest.param(
            DOCX.read_bytes,
            ("MAX_DOCX_PART_BYTES", 4000),
            "over the 4000-byte limit",
            id="inflates-too-much",
        ),
        pytest.param(
            DOCX.read_bytes, ("MAX_DOCX_BYTES", 1000), "over the 1000-byte limit", id="too-large"
        ),
    ],
)
def test_a_bad_word_file_is_one_line_exit_3_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make, setting, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if setting:
        monkeypatch.setattr(limits, *setting)
    assert message in normalize_refuses(tmp_path, "leaflet.docx", make())


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    """A document part of 64 MiB of zeros compresses to 64 KiB: the directory says so, and
    nothing is inflated."""
    parts = _parts()
    parts["word/document.xml"] = b"<" + b"\x00" * (64 * 1024 * 1024)
    data = _zip(parts)
    assert len(data) < 200_000
    with pytest.raises(InputError, match=r"inflate to \d+ bytes, over the"):
        normalize_raw(data, "bomb.docx")


CHANGES = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20)


@settings(max_examples=15, deadline=None)
@given(CHANGES, st.floats(0.25, 1.0))
def test_a_damaged_file_fails_only_with_one_clear_error(
    changes: list[tuple[int, int]], kept: float
) -> None:
    """Bytes changed or cut anywhere: the file is read, or refused with an InputError."""
    raw = bytearray(DOCX.read_bytes())
    for at, value in changes:
        raw[at % len(raw)] = value
    with contextlib.suppress(InputError):
        normalize_raw(bytes(raw[: int(len(raw) * kept)]), "leaflet.docx")
