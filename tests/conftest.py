"""Shared fixtures: the repository root, the normalized-source schema, a check that no raw
sentence disappears without a trace, and builds of the default topic (once per session, or
through the real command line in a project folder of its own)."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import pytest
from helpers import copy_seeds, run_cli

from publish import frontmatter
from publish.normalizer.model import NormalizedSource
from publish.resources import package_file

REPO_ROOT = Path(__file__).resolve().parent.parent

SHORT_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
"""Java options for epubcheck's many short runs: its results do not depend on them, but the
optimizing compiler and the parallel collector cost more CPU than a run of a few seconds saves
(about half of epubcheck's time on a 2-core machine)."""


def pytest_configure() -> None:
    """Every Java the tests start (in this process or through the command line) uses
    SHORT_JVM, unless the environment already sets JAVA_TOOL_OPTIONS."""
    os.environ.setdefault("JAVA_TOOL_OPTIONS", SHORT_JVM)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout's root folder (seeds/ and templates/ live here)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def normalized_validator() -> jsonschema.Draft202012Validator:
    """A validator for the front matter of normalized files, with format checks on."""
    path = package_file("schemas/normalized.schema.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


_TIMESTAMP_LINK = re.compile(r"<a\b[^>]*\bdata-t=[^>]*>.*?</a>", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)
_WIKILINK = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")
_CITATION = re.compile(r"\[@[^\],\s]+, \d{2}:\d{2}:\d{2}\]")
_LINE_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|(?:[•·▪◦‣●○∙*+-]|\d{1,3}[.)])\s+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _plain(text: str) -> str:
    """Text without markup, links, list or heading markers, one space between words."""
    text = _TIMESTAMP_LINK.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _WIKILINK.sub(lambda m: f" {m.group(2) or ''}", text)
    lines = (_LINE_MARKER.sub("", line) for line in text.split("\n"))
    text = re.sub(r"\s+", " ", " ".join(lines))
    return re.sub(r"\s+([.,;:!?])", r"\1", text).strip()


def _unmark(markdown: str) -> str:
    """Body or removed text with citations, bold markers and backslash escapes taken out."""
    markdown = _CITATION.sub(" ", markdown).replace("**", "")
    return _plain(re.sub(r"\\(.)", r"\1", markdown))


def lost_sentences(raw_text: str, source: NormalizedSource) -> list[str]:
    """Sentences of the raw text found neither in the body nor in any `removed` entry.

    Front matter in the raw text is left out: its fields move to the normalized front matter.
    """
    _, raw_body, _ = frontmatter.split(raw_text)
    body = _unmark(source.body)
    removed = [_unmark(entry.text) for entry in source.removed]
    lost = []
    for line in _TAG.sub(" ", _TIMESTAMP_LINK.sub(" ", raw_body)).split("\n"):
        for sentence in _SENTENCE_END.split(_plain(line)):
            sentence = re.sub(r"[\s:\-–—]+$", "", sentence)
            if sentence and sentence not in body and not any(sentence in r for r in removed):
                lost.append(sentence)
    return lost


def read_raw_text(path: Path) -> str:
    """A raw file as text, read independently of the code under test."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="session")
def find_lost() -> Callable[[Path, NormalizedSource], list[str]]:
    """`find_lost(path, source)`: raw sentences missing from both body and removals."""
    return lambda path, source: lost_sentences(read_raw_text(path), source)


# --- building topics ----------------------------------------------------------------------

DEFAULT_TOPIC = REPO_ROOT / "seeds" / "topics" / "ketamine-depression"


@pytest.fixture(scope="session")
def default_topic() -> Path:
    """The default topic's folder in the checkout (the one `publish build` ships with)."""
    return DEFAULT_TOPIC


def _build_in(workdir: Path, out: Path, *topics: Path, **options: object) -> Path:
    """Build in-process with `workdir` as the working folder; the topic's output folder.

    `workdir` decides whether project templates apply: a folder with seeds/topics/ is a project.
    """
    from publish.builder import build_topics

    workdir.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        result = build_topics(topics or (DEFAULT_TOPIC,), out, **options)  # type: ignore[arg-type]
    assert result.ok, [str(e) for e in result.errors]
    [topic] = [t for t in result.topics if t.language is None]
    return topic.folder


@pytest.fixture(scope="session")
def built_topic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default topic built once for the whole session: its dist/<topic id>/ folder."""
    root = tmp_path_factory.mktemp("session-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        return _build_in(root / "work", root / "dist")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project holding a copy of the checkout's seeds/ (original language only) whose dist/
    holds one complete build of the default topic, made once for the session. Tests that
    change it work on a copy: the manifest holds no absolute path, so a copy checks and
    rebuilds exactly as the original."""
    from publish.builder import build_topics

    project = tmp_path_factory.mktemp("built-project") / "project"
    copy_seeds(project / "seeds")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        result = build_topics(jobs=1)
    assert result.ok, [str(e) for e in result.errors]
    return project


@pytest.fixture(scope="session")
def build_in() -> Callable[..., Path]:
    """`build_in(workdir, out, *topics, only=..., paper=...)`: an in-process build run from
    `workdir`; returns the topic's output folder. Topics default to the default topic."""
    return _build_in


@pytest.fixture(scope="session")
def run_publish() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_publish(*args, cwd=folder)`: the real command line, in a process of its own."""
    return run_cli


@pytest.fixture
def new_project(tmp_path: Path) -> Callable[[str], Path]:
    """`new_project(name)`: a fresh project folder holding a copy of the checkout's seeds/."""

    def make(name: str = "project") -> Path:
        folder = tmp_path / name
        copy_seeds(folder / "seeds")
        return folder

    return make


@pytest.fixture(scope="session", autouse=True)
def _release_renderer_caches() -> Iterator[None]:
    """Free WeasyPrint's cached font configuration while the interpreter is still whole
    (freed at exit, it prints an 'Exception ignored' traceback)."""
    yield
    pdf = sys.modules.get("publish.render.pdf")
    for name in ("_stylesheet", "_font_config"):
        cached = getattr(pdf, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    gc.collect()
