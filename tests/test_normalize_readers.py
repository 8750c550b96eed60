"""Readers say which kinds they give, and give only those; a wiki export is a wiki page unless it
shows it summarises a video."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publish.normalizer.chunks import split_chunks
from publish.normalizer.readers import READERS, Draft, pick_reader
from publish.resources import package_file

TESTS = Path(__file__).resolve().parent
RAW = sorted((TESTS.parent / "seeds" / "raw").glob("*.txt")) + sorted(
    (TESTS / "fixtures" / "unseen").glob("*.txt")
)


def read(text: str) -> tuple[str, Draft]:
    """The kind the chosen reader declares, and the draft it reads."""
    chunks = split_chunks(text)
    reader = pick_reader(text, chunks)
    return reader.kind, reader.read(text, chunks, "raw.txt")


@pytest.mark.parametrize("path", RAW, ids=lambda p: p.name)
def test_a_reader_gives_only_the_kinds_it_declares(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    chunks = split_chunks(text)
    reader = pick_reader(text, chunks)
    assert reader.read(text, chunks, path).kind in reader.kinds


def test_the_readers_declare_every_kind_of_the_schema_and_no_other() -> None:
    schema = json.loads(package_file("schemas/normalized.schema.json").read_text("utf-8"))
    declared = [kind for reader in READERS for kind in reader.kinds]
    assert sorted(declared) == sorted(schema["properties"]["kind"]["enum"])  # each kind once


WIKI = """---
title: Exercise and the Brain
---
From: [[Brain Channel]]

Walking helps [[memory]], and so does [[sleep|a good night's sleep]].

Running helps [[memory]] too.
"""


def test_wiki_export_without_a_video_is_a_wiki_page() -> None:
    declared, draft = read(WIKI)
    assert declared == draft.kind == "wiki-page"
    assert draft.meta["publisher"] == "Brain Channel"
    assert draft.related == ["memory", "sleep"]  # each target once, in order of appearance
    assert [r.reason for r in draft.removed] == ["metadata"]


def test_wiki_export_with_timestamp_links_is_a_video_summary() -> None:
    stamped = WIKI.replace(
        "Running helps",
        '<a class="yt-timestamp" data-t="01:22:00">[01:22:00]</a> Running helps',
    )
    _, draft = read(stamped)
    assert draft.kind == "video-summary"
    assert "video_id" not in draft.meta  # no id given, none invented
    assert "[@@SELF, 01:22:00] Running helps too." in [
        getattr(block, "text", "") for block in draft.blocks
    ]


def test_markup_in_a_wiki_export_is_recorded_once_per_place() -> None:
    _, draft = read(WIKI.replace("Running helps", "<b>Running</b> helps"))
    assert sorted((r.reason, r.text, r.line) for r in draft.removed) == [
        ("markup", "<b> </b>", 8),
        ("metadata", "From: [[Brain Channel]]", 4),
    ]


def test_wiki_export_naming_a_video_id_is_a_video_summary() -> None:
    _, draft = read(WIKI.replace("title:", "videoId: Xu1FMCxoEFc\ntitle:"))
    assert draft.kind == "video-summary"
    assert draft.meta["url"] == "https://www.youtube.com/watch?v=Xu1FMCxoEFc"
