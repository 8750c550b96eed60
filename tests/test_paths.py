"""Paths held inside their folders: no symlink followed below an output folder, topic
folders and normalized sources kept inside their project, one folder per topic id, and
`fhir` under the build lock. The command-line cases are in
tests/fixtures/bad/cases/paths.yaml; these pin the helpers every writer uses."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from helpers import copy_seeds

from publish import outdir
from publish.errors import ContentError, InputError, OutputError
from publish.fhir import export_topic
from publish.fsutil import open_folder, read_no_follow, relative_parts, write_atomic
from publish.manifest import Manifest
from publish.preview import PreviewServer
from publish.project import Project, topic_folder, unique_ids

REPO = Path(__file__).resolve().parent.parent
TOPIC = REPO / "seeds" / "topics" / "ketamine-depression"


# --- writing below a root --------------------------------------------------------------------


def test_write_atomic_below_a_root_creates_the_folders(tmp_path: Path) -> None:
    target = tmp_path / "dist" / "topic" / "fhir" / "bundle.json"
    write_atomic(target, "{}\n", root=tmp_path / "dist")
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in target.parent.iterdir()] == ["bundle.json"]  # no temporary left


@pytest.mark.parametrize("link_to", ["folder", "file", "nothing"])
def test_write_atomic_refuses_a_symlinked_folder_below_the_root(
    tmp_path: Path, link_to: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "file").write_text("x", encoding="utf-8")
    dist = tmp_path / "dist"
    (dist / "topic").mkdir(parents=True)
    (dist / "topic" / "fhir").symlink_to(outside / link_to if link_to != "folder" else outside)
    with pytest.raises(OutputError, match="refused: a symbolic link") as caught:
        write_atomic(dist / "topic" / "fhir" / "bundle.json", "{}", root=dist)
    assert caught.value.path == dist / "topic" / "fhir"
    assert sorted(p.name for p in outside.iterdir()) == ["file"]
    assert not (outside / "nothing").exists()


def test_the_root_itself_may_be_a_link(tmp_path: Path) -> None:
    """The folder the user names (`--out`, `--dist`) is taken as it is."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "dist").symlink_to(real)
    write_atomic(tmp_path / "dist" / "topic" / "a.json", "{}", root=tmp_path / "dist")
    assert (real / "topic" / "a.json").is_file()


def test_a_path_not_below_its_root_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not inside"):
        relative_parts(tmp_path / "dist", tmp_path / "elsewhere" / "x")
    assert relative_parts(tmp_path / "dist", tmp_path / "dist" / "a" / "b") == ("a", "b")


def test_open_folder_without_create_names_a_missing_folder(tmp_path: Path) -> None:
    with (
        pytest.raises(OutputError, match="no such folder"),
        open_folder(tmp_path, tmp_path / "missing", create=False),
    ):
        pass


def test_read_no_follow_refuses_a_link_and_reads_a_file(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"bytes")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_no_follow(tmp_path / "real") == b"bytes"
    with pytest.raises(OutputError, match="symbolic link"):
        read_no_follow(tmp_path / "link")


# --- the output folder and its lock ----------------------------------------------------------


def test_lock_file_symlink_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / ".topic.lock").symlink_to(tmp_path / "planted.lock")
    with pytest.raises(OutputError, match="symbolic link"), outdir.locked(dist / "topic"):
        pass
    assert not (tmp_path / "planted.lock").exists()


@pytest.mark.parametrize("kind", ["folder-link", "file-link", "dangling", "file"])
def test_output_folder_that_is_not_a_real_folder_is_refused(tmp_path: Path, kind: str) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    target = dist / "topic"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "f").write_text("x", encoding="utf-8")
    if kind == "folder-link":
        target.symlink_to(elsewhere)
    elif kind == "file-link":
        target.symlink_to(elsewhere / "f")
    elif kind == "dangling":
        target.symlink_to(tmp_path / "nowhere")
    else:
        target.write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError), outdir.locked(target):
        pass
    with pytest.raises(OutputError):
        outdir.commit(target, {"a.pdf": b"x"})
    assert sorted(p.name for p in elsewhere.iterdir()) == ["f"]
    assert not (tmp_path / "nowhere").exists()


def test_fhir_waits_for_no_build_it_holds_the_lock(tmp_path: Path) -> None:
    """While a build holds the topic's lock, fhir is refused instead of reading a folder
    that may be swapped under it."""
    dist = tmp_path / "dist"
    with (
        outdir.locked(dist / "ketamine-depression"),
        pytest.raises(OutputError, match="another build"),
    ):
        export_topic(TOPIC, dist)
    assert not (dist / "ketamine-depression").exists()


def test_fhir_without_a_dist_folder_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no manifest"):
        export_topic(TOPIC, tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_a_symlinked_artifact_never_matches_its_manifest(tmp_path: Path) -> None:
    """Even with the sha256 of the link's target written in, the link is not the artifact."""
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    folder = tmp_path / "dist" / "topic"
    folder.mkdir(parents=True)
    (folder / "handout.pdf").symlink_to(secret)
    digest = hashlib.sha256(b"secret").hexdigest()
    entry = {"name": "handout", "file": "handout.pdf", "sha256": digest}
    (folder / "manifest.json").write_text(
        '{"artifacts": [' + str(entry).replace("'", '"') + "]}", encoding="utf-8"
    )
    built = Manifest.load(folder)
    assert built.damaged() == [entry]
    assert built.intact() == {}


def test_a_symlinked_manifest_or_output_folder_is_not_read(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "manifest.json").write_text('{"artifacts": []}', encoding="utf-8")
    (tmp_path / "linked").symlink_to(real)
    with pytest.raises(ContentError, match="output folder is a symbolic link"):
        Manifest.load(tmp_path / "linked")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "manifest.json").symlink_to(real / "manifest.json")
    with pytest.raises(ContentError, match="manifest is a symbolic link"):
        Manifest.load(folder)


# --- topic folders, seeds/topics and seeds/normalized ---------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    copy_seeds(folder / "seeds")
    (tmp_path / "outside").mkdir()
    return folder


def test_topic_folder_linked_inside_the_project_is_accepted_once(project: Path) -> None:
    """A link to another topic folder of the same project is the same topic, built once."""
    topics = Path(project) / "seeds" / "topics"
    (topics / "alias").symlink_to("ketamine-depression")
    found = Project.find(project).topic_dirs()
    assert [p.name for p in found] == ["alias"]  # sorted first; the folder itself is the same


def test_topic_folder_linked_outside_is_refused(project: Path) -> None:
    topics = project / "seeds" / "topics"
    moved = project.parent / "outside" / "ketamine-depression"
    shutil.move(topics / "ketamine-depression", moved)
    (topics / "ketamine-depression").symlink_to(os.path.relpath(moved, topics))
    with pytest.raises(InputError, match="topic folder leads outside its project") as caught:
        Project.find(project).topic_dirs()
    assert caught.value.path == topics / "ketamine-depression"
    with pytest.raises(InputError, match="leads outside its project"):
        topic_folder(topics / "ketamine-depression")
    with pytest.raises(InputError):
        PreviewServer(topics / "ketamine-depression", port=0)


def test_normalized_folder_linked_outside_is_refused(project: Path) -> None:
    seeds = project / "seeds"
    moved = project.parent / "outside" / "normalized"
    shutil.move(seeds / "normalized", moved)
    (seeds / "normalized").symlink_to(moved)
    with pytest.raises(InputError, match="normalized sources folder leads outside"):
        Project.sources_for(seeds / "topics" / "ketamine-depression")


@pytest.mark.parametrize("folder", ["/", "/etc", "seeds"])
def test_preview_refuses_what_is_not_a_topic_folder(project: Path, folder: str) -> None:
    with pytest.raises(ContentError, match="not a topic folder"):
        PreviewServer(project / folder if folder == "seeds" else Path(folder), port=0)


def test_two_folders_with_one_id_name_both(project: Path) -> None:
    topics = project / "seeds" / "topics"
    (topics / "copy").mkdir()
    shutil.copy(topics / "ketamine-depression" / "topic.yaml", topics / "copy" / "topic.yaml")
    with pytest.raises(ContentError) as caught:
        unique_ids([topics / "copy", topics / "ketamine-depression"])
    assert caught.value.path == topics / "ketamine-depression" / "topic.yaml"
    assert str(topics / "copy") in caught.value.raw
    same = unique_ids([topics / "ketamine-depression", topics / "ketamine-depression"])
    assert same == [topics / "ketamine-depression"]
