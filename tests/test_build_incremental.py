"""Incremental, parallel and sharded builds: skip what is unchanged, rebuild only what changed."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from helpers import run_cli

from publish.builder import build_topics, shard
from publish.errors import ContentError, UsageError


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def project(new_project, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = new_project()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return folder


def test_noop_rebuild_skips_every_artifact_and_changes_no_file(project: Path) -> None:
    first = build_topics(jobs=1)
    before = _hashes(project / "dist" / "ketamine-depression")
    again = build_topics(jobs=1)
    [topic] = again.topics
    assert sorted(topic.up_to_date) == ["clinician", "epub", "handout", "web"]
    assert _hashes(project / "dist" / "ketamine-depression") == before
    assert first.topics[0].artifacts == topic.artifacts


def test_an_up_to_date_topic_is_still_refused_when_a_file_turns_bad(project: Path) -> None:
    """A no-op build skips parsing the topic, but any edit (even a broken one) is read again."""
    build_topics(jobs=1)
    control = project / "seeds" / "topics" / "ketamine-depression" / "topic.yaml"
    control.write_text(control.read_text(encoding="utf-8").replace("status: draft", "status: ok"))
    result = build_topics(jobs=1)
    assert [e.exit_code for e in result.errors] == [4]
    assert "status" in str(result.errors[0])


def test_an_up_to_date_draft_is_still_refused_by_release(project: Path) -> None:
    build_topics(jobs=1)
    result = build_topics(jobs=1, release=True)
    assert [e.exit_code for e in result.errors] == [7]


def test_force_rebuilds_everything_to_the_same_bytes(project: Path) -> None:
    build_topics(jobs=1)
    before = _hashes(project / "dist" / "ketamine-depression")
    [topic] = build_topics(jobs=1, force=True).topics
    assert topic.up_to_date == []
    assert _hashes(project / "dist" / "ketamine-depression") == before


def test_a_changed_template_rebuilds_only_the_artifacts_that_use_it(project: Path) -> None:
    build_topics(jobs=1)
    override = project / "templates" / "css" / "clinician.css"
    override.parent.mkdir(parents=True)
    shutil.copy(Path(__file__).parent.parent / "templates" / "css" / "clinician.css", override)
    with override.open("a") as handle:
        handle.write("\n.appraisal th { color: #000; }\n")
    [topic] = build_topics(jobs=1).topics
    assert sorted(topic.up_to_date) == ["epub", "handout", "web"]


def test_a_changed_patient_text_rebuilds_the_handout(project: Path) -> None:
    build_topics(jobs=1)
    patient = project / "seeds" / "topics" / "ketamine-depression" / "patient.md"
    original = patient.read_text()
    patient.write_text(original.replace("Ketamine ", "Ketamine, ", 1))
    assert patient.read_text() != original
    [topic] = build_topics(jobs=1).topics
    assert "handout" not in topic.up_to_date


def test_a_tampered_artifact_is_rebuilt(project: Path) -> None:
    build_topics(jobs=1)
    target = project / "dist" / "ketamine-depression" / "handout.pdf"
    target.write_bytes(target.read_bytes() + b"\n% tampered")
    [topic] = build_topics(jobs=1, only=["handout"]).topics
    assert topic.up_to_date == []
    manifest = json.loads((target.parent / "manifest.json").read_text())
    entry = next(e for e in manifest["artifacts"] if e["name"] == "handout")
    assert entry["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()


def test_parallel_build_of_several_topics_matches_a_serial_one(project: Path) -> None:
    topics = project / "seeds" / "topics"
    for n in (2, 3):
        copy = topics / f"copy-{n}"
        shutil.copytree(topics / "ketamine-depression", copy)
        yaml = copy / "topic.yaml"
        yaml.write_text(yaml.read_text().replace("id: ketamine-depression", f"id: copy-{n}"))
    parallel = build_topics(jobs=2, only=["handout"], out="dist-parallel")
    serial = build_topics(jobs=1, only=["handout"], out="dist-serial")
    assert parallel.ok and serial.ok
    assert len(parallel.topics) == 3
    for name in ("ketamine-depression", "copy-2", "copy-3"):
        assert _hashes(project / "dist-parallel" / name) == _hashes(project / "dist-serial" / name)


def test_errors_from_worker_processes_keep_file_and_line(project: Path) -> None:
    topics = project / "seeds" / "topics"
    shutil.copytree(topics / "ketamine-depression", topics / "broken")
    yaml = topics / "broken" / "topic.yaml"
    yaml.write_text(yaml.read_text().replace("id: ketamine-depression", "id: broken"))
    patient = topics / "broken" / "patient.md"
    patient.write_text(patient.read_text() + "\nA claim [@no-such-source].\n")
    result = build_topics(jobs=2, only=["handout"])
    [error] = result.errors
    assert isinstance(error, ContentError)
    assert error.path == Path("seeds/topics/broken/patient.md")
    assert error.line == len(patient.read_text().splitlines())
    assert [t.topic for t in result.topics] == ["ketamine-depression"]


def test_shards_partition_the_topics_deterministically() -> None:
    folders = [Path(f"seeds/topics/topic-{n:02d}") for n in range(40)]
    shares = [shard(folders, f"{i}/4") for i in range(1, 5)]
    assert sorted(f for share in shares for f in share) == sorted(folders)
    assert all(shares)
    assert shard(list(reversed(folders)), "2/4") == list(reversed(shares[1]))


@pytest.mark.parametrize("spec", ["0/4", "5/4", "a/b", "1-4"])
def test_a_bad_shard_is_a_usage_error(spec: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        shard([Path("x")], spec)
    run = run_cli("build", "--shard", spec, "--out", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert "--shard" in run.stderr and spec in run.stderr
    assert not any(tmp_path.iterdir()), "nothing is built on a usage error"


def test_shards_split_topics_by_language_and_merge_into_one_full_build(tmp_path: Path) -> None:
    """Three topics in two languages are six units; the shards' dist/ folders, copied into
    one, are the full build byte for byte."""
    import hashlib
    import shutil

    from helpers import copy_seeds

    project = tmp_path / "project"
    copy_seeds(project / "seeds", translations=True)
    topics = project / "seeds" / "topics"
    for name in ("second-topic", "third-topic"):
        shutil.copytree(topics / "ketamine-depression", topics / name)
        yaml = topics / name / "topic.yaml"
        yaml.write_text(yaml.read_text().replace("id: ketamine-depression", f"id: {name}"))

    def build(out: str, spec: str | None = None) -> list[str]:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(project)
            result = build_topics(out=out, only=["epub", "web"], shard_spec=spec, jobs=1)
        assert result.ok, [str(e) for e in result.errors]
        return sorted(t.folder.name for t in result.topics)

    def files(folder: Path) -> dict[str, str]:
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")
        }

    full = build("full")
    assert len(full) == 6
    shares = [build(f"shard-{i}", f"{i}/2") for i in (1, 2)]
    assert sorted(shares[0] + shares[1]) == full and all(shares)
    assert {name.split(".")[0] for name in shares[0]} & {n.split(".")[0] for n in shares[1]}
    merged = project / "merged"
    for i in (1, 2):
        shutil.copytree(project / f"shard-{i}", merged, dirs_exist_ok=True)
    assert files(merged) == files(project / "full")
