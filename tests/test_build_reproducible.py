"""Same inputs, same bytes: builds do not depend on the output folder, the working folder or
the clock; SOURCE_DATE_EPOCH sets the one time written into the files; edited inputs show."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest

from publish.resources import bundled_templates

ARTIFACTS = ("handout.pdf", "clinician-summary.pdf", "reader.epub", "manifest.json")
EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC


def digests(folder: Path, names: tuple[str, ...] = ARTIFACTS) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names}


def test_second_build_elsewhere_is_byte_identical(
    built_topic: Path, build_in: Callable[..., Path], tmp_path: Path
) -> None:
    again = build_in(tmp_path / "another" / "workdir", tmp_path / "elsewhere" / "out")
    assert again != built_topic
    assert digests(again) == digests(built_topic)


def test_handout_does_not_depend_on_where_the_project_lives(
    built_topic: Path, default_topic: Path, build_in: Callable[..., Path], tmp_path: Path
) -> None:
    copy = tmp_path / "checkout" / "seeds"
    shutil.copytree(default_topic.parent.parent, copy)
    folder = build_in(tmp_path / "work", tmp_path / "out", copy / "topics" / default_topic.name)
    names = ("handout.pdf",)
    assert digests(folder, names) == digests(built_topic, names)


def test_source_date_epoch_sets_the_file_dates_and_builds_still_match(
    built_topic: Path,
    build_in: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    only = ("handout", "epub")
    first = build_in(tmp_path / "a", tmp_path / "one", only=only)
    second = build_in(tmp_path / "b", tmp_path / "two", only=only)
    names = ("handout.pdf", "reader.epub")
    assert digests(first, names) == digests(second, names)
    assert digests(first, names) != digests(built_topic, names)

    when = datetime.fromtimestamp(EPOCH, tz=UTC)
    with pikepdf.open(first / "handout.pdf") as pdf:
        assert str(pdf.docinfo.CreationDate) == f"D:{when:%Y%m%d%H%M%S}Z"
        with pdf.open_metadata() as xmp:
            assert xmp["xmp:CreateDate"] == f"{when:%Y-%m-%dT%H:%M:%S}Z"
    with zipfile.ZipFile(first / "reader.epub") as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
        assert f"{when:%Y-%m-%dT%H:%M:%S}Z" in opf
        assert {info.date_time[:3] for info in book.infolist()} == {
            (when.year, when.month, when.day)
        }


def test_rebuild_in_the_same_process_uses_the_edited_stylesheet(
    new_project: Callable[[str], Path], build_in: Callable[..., Path]
) -> None:
    project = new_project("project")
    css = project / "templates" / "css" / "handout.css"
    css.parent.mkdir(parents=True)
    css.write_text((bundled_templates() / "css" / "handout.css").read_text(encoding="utf-8"))
    first = build_in(project, project / "first", only=("handout",))
    css.write_text(css.read_text(encoding="utf-8") + "\nhtml { font-size: 20pt; }\n")
    second = build_in(project, project / "second", only=("handout",))
    with (
        pikepdf.open(first / "handout.pdf") as before,
        pikepdf.open(second / "handout.pdf") as after,
    ):
        assert len(after.pages) > len(before.pages)
