"""`publish fhir`: DocumentReferences and Bundles that a FHIR R4 parser accepts and that
describe exactly the bytes that were built."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.documentreference import DocumentReference
from helpers import TRANSLATIONS

from publish.builder import build_topics
from publish.errors import ContentError
from publish.fhir import BUNDLE_FILE, bundle, document_reference, export, fhir_id
from publish.topic import load_control

TOPIC = "ketamine-depression"
ARTIFACTS = {
    "handout": ("handout.pdf", "application/pdf"),
    "clinician": ("clinician-summary.pdf", "application/pdf"),
    "epub": ("reader.epub", "application/epub+zip"),
    "web": ("handout.html", "text/html"),
}
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def _build(topic: Path, dist: Path) -> None:
    result = build_topics([topic], out=dist)
    assert result.ok, [str(e) for e in result.errors]


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _refs(paths: list[Path]) -> dict[str, tuple[Path, dict[str, Any]]]:
    """DocumentReference files by artifact name."""
    suffix = ".documentreference.json"
    return {p.name.removesuffix(suffix): (p, _load(p)) for p in paths if p.name.endswith(suffix)}


@pytest.fixture(scope="module")
def english(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the default topic in English only (translations: tests/test_translations.py)."""
    root = tmp_path_factory.mktemp("english")
    shutil.copytree(repo_root / "seeds" / "normalized", root / "seeds" / "normalized")
    topic = root / "seeds" / "topics" / TOPIC
    shutil.copytree(repo_root / "seeds" / "topics" / TOPIC, topic, ignore=TRANSLATIONS)
    return topic


@pytest.fixture(scope="module")
def built(english: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default (draft) topic built once into a private dist folder."""
    dist = tmp_path_factory.mktemp("dist")
    _build(english, dist)
    return dist


@pytest.fixture(scope="module")
def exported(english: Path, built: Path) -> list[Path]:
    return export([english], built)


@pytest.fixture(scope="module")
def approved(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the default topic marked approved, built: (topic folder, dist folder)."""
    root = tmp_path_factory.mktemp("approved")
    shutil.copytree(repo_root / "seeds" / "normalized", root / "seeds" / "normalized")
    topic = root / "seeds" / "topics" / TOPIC
    shutil.copytree(repo_root / "seeds" / "topics" / TOPIC, topic, ignore=TRANSLATIONS)
    control = yaml.safe_load((topic / "topic.yaml").read_text(encoding="utf-8"))
    control |= {"status": "approved", "approved_by": "Dr. A. Reviewer", "approved_on": "2026-11-30"}
    (topic / "topic.yaml").write_text(yaml.safe_dump(control, sort_keys=False), encoding="utf-8")
    dist = root / "dist"
    _build(topic, dist)
    return topic, dist


def test_writes_one_reference_per_artifact_and_a_bundle(built: Path, exported: list[Path]):
    folder = built / TOPIC / "fhir"
    assert sorted(p.name for p in exported) == sorted(
        [f"{name}.documentreference.json" for name in ARTIFACTS] + [BUNDLE_FILE]
    )
    assert all(p.parent == folder for p in exported)


def test_references_are_valid_r4_document_references(exported: list[Path]):
    for name, (_, data) in _refs(exported).items():
        model = DocumentReference.model_validate(data)
        assert model.status == "current"
        assert FHIR_ID.match(data["id"]), data["id"]
        assert data["date"] == "2026-11-30T00:00:00Z"
        assert "subject" not in data
        assert data["type"]["coding"][0]["system"] == "http://loinc.org"
        assert data["content"][0]["attachment"]["contentType"] == ARTIFACTS[name][1]
        assert data["content"][0]["attachment"]["language"] == "en"
        assert data["content"][0]["attachment"]["creation"] == "2026-11-30"


def test_draft_topic_is_preliminary(exported: list[Path]):
    refs = _refs(exported)
    assert {data["docStatus"] for _, data in refs.values()} == {"preliminary"}
    assert all("authenticator" not in data for _, data in refs.values())


def test_size_hash_and_url_describe_the_built_file(built: Path, exported: list[Path]):
    for name, (path, data) in _refs(exported).items():
        attachment = data["content"][0]["attachment"]
        artifact = built / TOPIC / ARTIFACTS[name][0]
        payload = artifact.read_bytes()
        assert attachment["size"] == len(payload)
        assert base64.b64decode(attachment["hash"]) == hashlib.sha1(payload).digest()
        assert "data" not in attachment
        assert attachment["url"] == f"../{ARTIFACTS[name][0]}"
        assert (path.parent / unquote(attachment["url"])).resolve() == artifact.resolve()


def test_bundle_is_a_valid_collection_of_the_references(exported: list[Path]):
    data = _load(exported[-1])
    model = Bundle.model_validate(data)
    assert model.type == "collection"
    assert data["timestamp"] == "2026-11-30T00:00:00Z"
    assert FHIR_ID.match(data["id"])
    refs = _refs(exported)
    assert [e["resource"] for e in data["entry"]] == [refs[name][1] for name in ARTIFACTS]
    urls = [e["fullUrl"] for e in data["entry"]]
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", u) for u in urls)
    assert len(set(urls)) == len(urls)


def test_export_is_byte_identical_when_repeated(english: Path, built: Path, tmp_path: Path):
    topic = english
    first = export([topic], built, tmp_path / "one")
    second = export([topic], built, tmp_path / "two")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    again = export([topic], built, tmp_path / "one")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in second]


def test_out_folder_gets_topic_subfolder_and_urls_still_resolve(
    english: Path, built: Path, tmp_path: Path
):
    paths = export([english], built, tmp_path / "fhir")
    assert {p.parent for p in paths} == {tmp_path / "fhir" / TOPIC}
    for name, (path, data) in _refs(paths).items():
        url = unquote(data["content"][0]["attachment"]["url"])
        assert (path.parent / url).resolve() == (built / TOPIC / ARTIFACTS[name][0]).resolve()


def test_embed_carries_the_bytes_and_no_url(english: Path, built: Path, tmp_path: Path):
    paths = export([english], built, tmp_path, embed=True)
    for name, (_, data) in _refs(paths).items():
        DocumentReference.model_validate(data)
        attachment = data["content"][0]["attachment"]
        assert "url" not in attachment
        assert (
            base64.b64decode(attachment["data"])
            == (built / TOPIC / ARTIFACTS[name][0]).read_bytes()
        )
    Bundle.model_validate(_load(paths[-1]))


def test_approved_topic_is_final(approved: tuple[Path, Path]):
    topic, dist = approved
    paths = export([topic], dist)
    refs = _refs(paths)
    for _, data in refs.values():
        DocumentReference.model_validate(data)
        assert data["docStatus"] == "final"
        assert data["authenticator"] == {"display": "Dr. A. Reviewer"}
    Bundle.model_validate(_load(paths[-1]))


def test_missing_manifest_asks_for_a_build(repo_root: Path, tmp_path: Path):
    with pytest.raises(ContentError, match="run publish build first") as caught:
        export([repo_root / "seeds" / "topics" / TOPIC], tmp_path)
    assert "manifest.json" in str(caught.value)


def test_stale_artifact_is_refused_and_nothing_is_written(
    approved: tuple[Path, Path], tmp_path: Path
):
    topic, dist = approved
    stale = tmp_path / "dist"
    shutil.copytree(dist, stale)
    handout = stale / TOPIC / "handout.pdf"
    payload = bytearray(handout.read_bytes())
    payload[len(payload) // 2] ^= 0x01
    handout.write_bytes(bytes(payload))
    with pytest.raises(ContentError, match="run publish build first") as caught:
        export([topic], stale, tmp_path / "fhir")
    assert "handout.pdf" in str(caught.value)
    assert not (tmp_path / "fhir").exists()


def test_topic_changed_since_build_is_refused(approved: tuple[Path, Path], tmp_path: Path):
    topic, dist = approved
    changed = tmp_path / "topics" / TOPIC
    shutil.copytree(topic, changed)
    text = (changed / "topic.yaml").read_text(encoding="utf-8")
    (changed / "topic.yaml").write_text(text.replace("0.2.0", "0.3.0"), encoding="utf-8")
    with pytest.raises(ContentError, match="run publish build first"):
        export([changed], dist, tmp_path / "fhir")


def test_document_reference_needs_a_url_or_embedding(repo_root: Path, built: Path):
    control, _ = load_control(repo_root / "seeds" / "topics" / TOPIC / "topic.yaml")
    entry = {"name": "handout", "file": "handout.pdf"}
    with pytest.raises(ValueError, match="url"):
        document_reference(control, entry, built / TOPIC / "handout.pdf", embed=False, url=None)


def test_fhir_ids_are_valid_and_stable():
    assert fhir_id("ketamine-depression", "handout", "0.1.0") == "ketamine-depression.handout.0.1.0"
    odd = fhir_id("topic", "handout", "1.0+build 7")
    assert FHIR_ID.match(odd) and odd == fhir_id("topic", "handout", "1.0+build 7")
    long = fhir_id("a" * 60, "clinician", "10.20.30")
    assert FHIR_ID.match(long) and long != fhir_id("a" * 60, "clinician", "10.20.31")


def test_bundle_of_nothing_is_still_valid():
    Bundle.model_validate(bundle([]))


# --- the clinic's site: each file's address there -------------------------------------------

SITE = "https://riverside.example/handouts"


@pytest.fixture(scope="module")
def on_site(english: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The topic built with a profile (publish.toml) that gives the clinic's site: (the
    project folder the build ran in, its dist folder)."""
    from publish.config import load_profile

    project = tmp_path_factory.mktemp("site-project")
    (project / "publish.toml").write_text(f'site_url = "{SITE}"\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        result = build_topics([english], out="dist", profile=load_profile(Path("publish.toml")))
    assert result.ok, [str(e) for e in result.errors]
    return project, project / "dist"


@pytest.mark.parametrize("embed", [False, True])
def test_with_a_site_each_file_is_addressed_in_its_page_folder(
    english: Path,
    on_site: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    embed: bool,
):
    from publish.render.registry import ARTIFACTS as REGISTRY
    from publish.site.layout import page_url

    project, dist = on_site
    monkeypatch.chdir(project)
    paths = export([english], dist, tmp_path / "fhir", embed=embed)
    assert set(ARTIFACTS) <= set(_refs(paths))
    for name, (_, data) in _refs(paths).items():
        DocumentReference.model_validate(data)
        attachment = data["content"][0]["attachment"]
        assert attachment["url"] == page_url(SITE, TOPIC, "en") + REGISTRY[name].filename
        assert ("data" in attachment) == embed
    Bundle.model_validate(_load(paths[-1]))


def test_with_a_site_a_profile_changed_since_the_build_is_refused(
    english: Path, on_site: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The addresses must be the ones printed in the QR codes: never read from a profile
    that is no longer the one the build used."""
    project, _ = on_site
    moved = tmp_path / "project"
    shutil.copytree(project, moved)
    (moved / "publish.toml").write_text('site_url = "https://elsewhere.example"\n', "utf-8")
    monkeypatch.chdir(moved)
    with pytest.raises(ContentError, match=r"publish\.toml changed since the build"):
        export([english], moved / "dist", moved / "fhir")
    assert not (moved / "fhir").exists()
