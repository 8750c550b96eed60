"""The field layer: one meaning for a URL, a date, an id, a language tag and a piece of text
in every file a person writes (topic.yaml, overrides.yaml, the clinic profile, normalized
front matter), every problem of a file reported at once, and schemas that match the models.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from publish import fields, frontmatter, patterns
from publish.config import load_profile
from publish.errors import EXIT_CONTENT, ContentError, InputError, ProfileError
from publish.fieldschema import FOLDER, SCHEMAS, render
from publish.normalizer import normalize_text, parse_normalized
from publish.normalizer.overrides import load_overrides
from publish.topic import load_control

REPO = Path(__file__).resolve().parent.parent
TOPIC_YAML = REPO / "seeds" / "topics" / "ketamine-depression" / "topic.yaml"
TOPIC = frontmatter.load_any(TOPIC_YAML.read_text(encoding="utf-8"), TOPIC_YAML)
WIKIPEDIA = "https://en.wikipedia.org/wiki/Ketamine_(drug)"
INVISIBLE = ["\u00ad", "\u200b", "\u2800", "\u3164", "\ufeff", "\u2060", "\u200e", "\u3000"]
NORMALIZED = {
    "id": "sleep-hygiene",
    "title": "Sleep hygiene",
    "kind": "report",
    "language": "en",
    "source_file": "sleep.txt",
    "sha256": "0" * 64,
}
RAW = "Sleep Hygiene Notes\n\nKeep a regular bedtime.\nAvoid screens late at night.\n"


# --- start-up cost -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["import publish.cli", "import publish.topic, publish.config"])
def test_pydantic_is_not_imported_until_a_file_is_loaded(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert "pydantic" not in result.stderr


# --- the schemas are the models ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_what_the_models_generate(name: str) -> None:
    committed = (FOLDER / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == render(name), "run `python -m publish.fieldschema` and review the diff"


# --- the types -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        WIKIPEDIA,
        "https://example.org",
        "http://example.org/a?b=1&c=d#e",
        "https://en.wikipedia.org/wiki/Crohn's_disease",
        "https://example.org/a_(b)_c_(d)",
        "https://example.org/é",
    ],
)
def test_urls_accepted(url: str) -> None:
    assert patterns.is_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "ftp://example.org/file",
        "https://",
        "https:///path",
        "https://example.org/a b",
        "https://example.org/a\tb",
        " https://example.org",
        "https://example.org/\u200b",
        "https://example.org/a)",
        "https://example.org/(a",
        "https://example.org/a.",
        "https://example.org/a,",
        'https://example.org/"onmouseover="x',
        "https://example.org/<script>",
        "https://example.org\\@evil.example",
    ],
)
def test_urls_refused(url: str) -> None:
    assert not patterns.is_url(url)


def test_url_in_a_sentence_loses_the_sentence_punctuation_only() -> None:
    assert patterns.url_prefix(f"{WIKIPEDIA}.") == WIKIPEDIA
    assert patterns.url_prefix("https://example.org/a).") == "https://example.org/a"
    assert patterns.url_prefix("no url here") is None


@pytest.mark.parametrize("text", ["", " ", "\t\n", *INVISIBLE, "\u00ad\u200b \u2800\u3164"])
def test_blank_and_invisible_text_is_blank(text: str) -> None:
    assert patterns.is_blank(text)


def _topic(**changes: Any) -> dict[str, Any]:
    return {**TOPIC, **changes}


def test_a_toml_date_is_a_date_and_a_date_with_a_time_is_not() -> None:
    parsed = tomllib.loads("day = 2026-11-24\nmoment = 2026-11-24T10:00:00\n")
    found, problems = fields.check(
        fields.TopicFields, _topic(updated=parsed["day"]), fields.field_name("field")
    )
    assert problems == [] and found is not None and found.updated == date(2026, 11, 24)
    assert isinstance(parsed["moment"], datetime)
    _, problems = fields.check(
        fields.TopicFields, _topic(updated=parsed["moment"]), fields.field_name("field")
    )
    assert [loc for loc, _ in problems] == [("updated",)]


def test_approved_needs_who_and_when() -> None:
    _, problems = fields.check(
        fields.TopicFields,
        _topic(status="approved", approved_by="\u200b"),
        fields.field_name("field"),
    )
    assert {loc for loc, _ in problems} == {("approved_by",), ("approved_on",)}


# --- every loader agrees -------------------------------------------------------------------------

_PRINTABLE = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
_URL_PIECES = st.sampled_from(
    ["a", "Z", "0", "/", ".", "-", "_", "?", "=", "&", "#", "%20", "(", ")", ")(", "'", ",",
     ";", ":", "!", " ", "\t", "<", '"', "\\", "é", "\u200b", "\u00ad", "@"]
)  # fmt: skip
URLS = st.one_of(
    st.sampled_from([WIKIPEDIA, "javascript:alert(1)", "https://x.org/a)", "https://x.org/a."]),
    st.builds(
        lambda scheme, host, rest: scheme + host + "".join(rest),
        st.sampled_from(["https://", "http://", "HTTP://", "javascript:", "ftp://", " https://"]),
        st.sampled_from(["example.org", "en.wikipedia.org", "", "(x)", "/"]),
        st.lists(_URL_PIECES, max_size=8),
    ),
)
DATES = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(),
    st.sampled_from(
        ["2024-02-30", "2024-13-01", "20240103", "2024-W01-1", "2024-1-3", "0000-01-01"]
    ),
    st.sampled_from(["2024-01-03T10:00:00", " 2024-01-03", "2024-01-03\n", "last week", ""]),
    st.text("0123456789-", max_size=11),
)
IDS = st.one_of(
    st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True),
    st.text("abcXY09-_ ./$", max_size=10),
    st.sampled_from(["../evil", "/tmp/evil", "a--b", "-a", "a-", "A", "a\n"]),
)
LANGUAGES = st.one_of(
    st.from_regex(patterns.LANGUAGE, fullmatch=True).filter(lambda t: len(t) < 30),
    st.sampled_from(["en", "en-US", "es-419", "zh-Hant-TW", "english", "en_US", "e", "en-"]),
    st.text("enUSx-_19 ", max_size=10),
)
TEXTS = st.one_of(
    st.text(_PRINTABLE, max_size=6),
    st.lists(st.sampled_from([*INVISIBLE, " ", "\t"]), max_size=4).map("".join),
    st.tuples(st.sampled_from(INVISIBLE), st.text(_PRINTABLE, min_size=1, max_size=4)).map("".join),
)
VALUES = st.one_of(st.integers(), st.lists(st.just("x"), max_size=1), st.booleans())
"""Values of the wrong type, fed to every kind of field."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fields")


def _refused(load: Callable[[], object], error: type[Exception]) -> bool:
    try:
        load()
    except error:
        return True
    return False


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, date):
        return value.isoformat()
    escaped = "".join(
        f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F or c in '"\\' else c for c in value
    )
    return f'"{escaped}"'


class Loaders:
    """The real loader of each kind of file, given one field's value; True means accepted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def topic(self, key: str, value: Any) -> bool:
        path = self.folder / "topic.yaml"
        data = _topic(sources=[value]) if key == "sources" else _topic(**{key: value})
        path.write_text(_yaml(data), encoding="utf-8")
        return not _refused(lambda: load_control(path), ContentError)

    def override(self, key: str, value: Any) -> bool:
        path = self.folder / "overrides.yaml"
        path.write_text(_yaml({"doc.txt": {key: value}}), encoding="utf-8")
        return not _refused(lambda: load_overrides(path), InputError)

    def normalized(self, key: str, value: Any) -> bool:
        text = f"---\n{_yaml({**NORMALIZED, key: value})}---\n\nBody.\n"
        return not _refused(lambda: parse_normalized(text, "sleep-hygiene.md"), InputError)

    def profile(self, key: str, value: Any) -> bool:
        path = self.folder / "publish.toml"
        path.write_text(f"{key} = {_toml(value)}\n", encoding="utf-8")
        return not _refused(lambda: load_profile(path), ProfileError)

    def normalized_from_override(self, key: str, value: Any) -> bool:
        """Normalize a document with the override, then read what would be written: a build
        must accept every file normalize writes."""
        if not self.override(key, value):
            return False
        table = load_overrides(self.folder / "overrides.yaml")
        source = normalize_text(RAW, "doc.txt", overrides=table["doc.txt"])
        parse_normalized(source.to_text(), "doc.md")  # raises if normalize wrote a bad file
        return True


def _survives_yaml(value: Any) -> bool:
    """Only values YAML gives back as written can be compared across file formats."""
    if isinstance(value, date):
        return True
    return frontmatter.load_any(_yaml({"v": value}), "v.yaml") == {"v": value}


def _agree(folder: Path, value: Any, readers: list[tuple[str, str]]) -> None:
    if not _survives_yaml(value):
        return
    loaders = Loaders(folder)
    verdicts = {f"{kind}.{key}": getattr(loaders, kind)(key, value) for kind, key in readers}
    assert len(set(verdicts.values())) == 1, f"{value!r}: {verdicts}"


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(st.one_of(URLS, VALUES))
@example(WIKIPEDIA)
def test_every_loader_agrees_on_urls(folder: Path, value: Any) -> None:
    readers = [("override", "url"), ("normalized", "url"), ("normalized_from_override", "url")]
    _agree(folder, value, readers)


@SETTINGS
@given(st.one_of(DATES, VALUES))
@example("2026-02-30")
def test_every_loader_agrees_on_dates(folder: Path, value: Any) -> None:
    readers = [  # topic.yaml's `updated` also refuses a future date: test_future_dates_refused
        ("topic", "next_review"),
        ("override", "published"),
        ("normalized", "published"),
        ("normalized_from_override", "published"),
    ]
    _agree(folder, value, readers)


@SETTINGS
@given(st.one_of(IDS, VALUES))
def test_every_loader_agrees_on_ids(folder: Path, value: Any) -> None:
    _agree(folder, value, [("topic", "id"), ("topic", "sources"), ("normalized", "id")])


@SETTINGS
@given(st.one_of(LANGUAGES, VALUES))
def test_every_loader_agrees_on_language_tags(folder: Path, value: Any) -> None:
    readers = [
        ("topic", "language"),
        ("override", "language"),
        ("normalized", "language"),
        ("profile", "locale"),
        ("normalized_from_override", "language"),
    ]
    _agree(folder, value, readers)


@SETTINGS
@given(st.one_of(TEXTS, VALUES))
@example("\u00ad\u200b\u2800\u3164")
def test_every_loader_agrees_on_text(folder: Path, value: Any) -> None:
    readers = [
        ("topic", "title"),
        ("override", "title"),
        ("override", "publisher"),
        ("normalized", "title"),
        ("normalized", "publisher"),
        ("profile", "clinic_name"),
        ("profile", "phone"),
        ("normalized_from_override", "publisher"),
    ]
    _agree(folder, value, readers)


# --- through the command line --------------------------------------------------------------------


@pytest.fixture
def project(new_project: Callable[[str], Path]) -> Iterator[Path]:
    yield new_project("project")


def test_wikipedia_url_override_normalizes_builds_and_stays_fresh(
    project: Path, run_publish: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    """A URL ending in ')' was written by normalize, then refused by build."""
    overrides = project / "seeds" / "overrides.yaml"
    text = overrides.read_text(encoding="utf-8")
    overrides.write_text(text + f"  url: {WIKIPEDIA}\n", encoding="utf-8")  # the last entry

    normalized = run_publish("normalize", cwd=project)
    assert normalized.returncode == 0, normalized.stderr
    source = project / "seeds" / "normalized"
    written = (source / "ketamine-as-a-rapid-antidepressant-for-mood-disorders.md").read_text(
        encoding="utf-8"
    )
    assert f"url: {WIKIPEDIA}\n" in written

    built = run_publish("build", "--only", "epub", cwd=project)  # the topic cites this source
    assert built.returncode == 0, built.stderr

    again = run_publish("normalize", "--check", cwd=project)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "would change" not in again.stdout


def test_every_problem_of_topic_yaml_is_reported_in_one_run(
    project: Path, run_publish: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    path = project / "seeds" / "topics" / "ketamine-depression" / "topic.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ("id: ketamine-depression", "id: Ketamine Depression"),
        ("status: draft", "status: final"),
        ("updated: 2026-11-30", "updated: 2026-02-30"),
        ("language: en", "language: english"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text + "colour: blue\n", encoding="utf-8")
    lines = text.splitlines()

    result = run_publish("build", "--only", "epub", cwd=project)

    assert result.returncode == EXIT_CONTENT, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "Traceback" not in result.stderr
    expected = [
        (lines.index("id: Ketamine Depression") + 1, "field 'id' must be a lowercase slug"),
        (lines.index("status: final") + 1, "field 'status' must be one of draft, approved"),
        (lines.index("updated: 2026-02-30") + 1, "field 'updated' must be an ISO date"),
        (lines.index("language: english") + 1, "field 'language' must be a BCP 47 language tag"),
        (len(lines) + 1, "unknown field 'colour'"),
    ]
    assert len(errors) == len(expected), result.stderr
    for error, (line, message) in zip(errors, expected, strict=True):
        assert error.startswith(f"error: seeds/topics/ketamine-depression/topic.yaml:{line}: ")
        assert message in error


def test_every_problem_of_a_profile_is_reported_with_its_line(
    project: Path, run_publish: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    (project / "publish.toml").write_text(
        'clinic_name = " "\nlanguage = "en_US"\npaper = "legal"\nlogo = "missing.svg"\n',
        encoding="utf-8",
    )
    result = run_publish("build", "--only", "epub", cwd=project)
    assert result.returncode == 8, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert [e.split(":")[2] for e in errors] == ["1", "2", "3", "4"], result.stderr
    assert "profile field 'logo': no such file" in errors[3]


def test_normalize_warnings_are_results_printed_by_the_command(
    tmp_path: Path, run_publish: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "notes.txt").write_text("- a list with no title\n- and nothing else\n", encoding="utf-8")
    from publish.normalizer import normalize_paths

    result = normalize_paths([raw], tmp_path / "out", check=True)
    assert result.warnings == ["notes.txt: no title found; set one in overrides.yaml"]

    printed = run_publish("normalize", "raw", "--out", "out", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    assert "warning: notes.txt: no title found; set one in overrides.yaml" in printed.stderr


def test_an_empty_value_in_a_list_is_named_in_words(tmp_path: Path) -> None:
    from publish.errors import ContentError
    from publish.topic import load_control

    text = (REPO / "seeds" / "topics" / "ketamine-depression" / "topic.yaml").read_text()
    path = tmp_path / "topic.yaml"
    path.write_text(re.sub(r"(?ms)^sources:.*\Z", "sources: [a, ~]\n", text))
    with pytest.raises(ContentError) as caught:
        load_control(path)
    assert "must be text, not an empty value" in " ".join(caught.value.lines())
