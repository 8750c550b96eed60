"""The committed seeds: seeds/raw normalizes to exactly seeds/normalized, and soundly."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from publish import frontmatter
from publish.cli import cli
from publish.normalizer import NormalizedSource, normalize_paths, parse_normalized
from publish.normalizer.model import FLAGS, KINDS, REASONS
from publish.normalizer.overrides import FIELDS, load_overrides

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RAW_NAMES = sorted(p.name for p in (SEEDS / "raw").glob("*.txt"))
NORMALIZED_NAMES = sorted(p.name for p in (SEEDS / "normalized").glob("*.md"))


def _committed() -> dict[str, NormalizedSource]:
    """Committed normalized sources keyed by the raw file they came from."""
    sources = {}
    for name in NORMALIZED_NAMES:
        path = SEEDS / "normalized" / name
        source = parse_normalized(path.read_text(encoding="utf-8"), path)
        sources[source.source_file] = source
    return sources


COMMITTED = _committed()


def _front_matter(path: Path) -> dict:
    fm_text, _, _ = frontmatter.split(path.read_text(encoding="utf-8"))
    assert fm_text is not None, f"{path.name} has no front matter"
    return frontmatter.load(fm_text, path)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """seeds/raw normalized into an empty folder, with the seeds' own overrides."""
    out = tmp_path_factory.mktemp("normalized")
    result = normalize_paths([SEEDS / "raw"], out)
    return out, result


def test_seeds_are_present() -> None:
    assert len(RAW_NAMES) == 5
    assert len(NORMALIZED_NAMES) == 5


def test_fresh_run_has_no_errors(fresh) -> None:
    _, result = fresh
    assert result.errors == []
    assert len(result.sources) == len(RAW_NAMES)
    assert len(result.written) == len(RAW_NAMES)


def test_fresh_run_makes_the_committed_file_names(fresh) -> None:
    out, _ = fresh
    assert sorted(p.name for p in out.iterdir()) == NORMALIZED_NAMES


@pytest.mark.parametrize("name", NORMALIZED_NAMES)
def test_fresh_output_is_byte_identical_to_committed(fresh, name: str) -> None:
    out, _ = fresh
    assert (out / name).read_bytes() == (SEEDS / "normalized" / name).read_bytes()


@pytest.mark.parametrize("use_defaults", [True, False], ids=["defaults-from-repo-root", "explicit"])
def test_check_passes_on_committed_files(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch, use_defaults: bool
) -> None:
    before = {name: (SEEDS / "normalized" / name).stat().st_mtime_ns for name in NORMALIZED_NAMES}
    monkeypatch.chdir(repo_root)
    args = ["normalize", "--check"]
    if not use_defaults:
        args += [str(SEEDS / "raw"), "--out", str(SEEDS / "normalized")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "would change" not in result.output
    assert "error:" not in result.output
    after = {name: (SEEDS / "normalized" / name).stat().st_mtime_ns for name in NORMALIZED_NAMES}
    assert after == before


@pytest.mark.parametrize("name", NORMALIZED_NAMES)
def test_committed_front_matter_matches_schema(normalized_validator, name: str) -> None:
    fm = _front_matter(SEEDS / "normalized" / name)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in normalized_validator.iter_errors(fm)]
    assert errors == []


@pytest.mark.parametrize("name", NORMALIZED_NAMES)
def test_committed_file_is_named_by_its_id(name: str) -> None:
    assert _front_matter(SEEDS / "normalized" / name)["id"] == name.removesuffix(".md")


@pytest.mark.parametrize("name", NORMALIZED_NAMES)
def test_committed_file_reads_back_to_itself(name: str) -> None:
    path = SEEDS / "normalized" / name
    text = path.read_text(encoding="utf-8")
    assert parse_normalized(text, path).to_text() == text


@pytest.mark.parametrize("raw_name", RAW_NAMES)
def test_provenance_names_the_raw_file_and_its_hash(raw_name: str) -> None:
    source = COMMITTED[raw_name]
    assert source.sha256 == hashlib.sha256((SEEDS / "raw" / raw_name).read_bytes()).hexdigest()


@pytest.mark.parametrize("raw_name", RAW_NAMES)
def test_removal_lines_point_at_the_raw_text(raw_name: str) -> None:
    lines = (SEEDS / "raw" / raw_name).read_text(encoding="utf-8").split("\n")
    for entry in COMMITTED[raw_name].removed:
        assert entry.line is not None
        assert lines[entry.line - 1].rstrip() == entry.text.split("\n")[0]


@pytest.mark.parametrize("raw_name", RAW_NAMES)
def test_nothing_is_lost(find_lost, raw_name: str) -> None:
    """Every raw sentence is in the body or in a `removed` entry: nothing vanishes silently."""
    assert find_lost(SEEDS / "raw" / raw_name, COMMITTED[raw_name]) == []


@pytest.mark.parametrize("raw_name", RAW_NAMES)
def test_body_is_free_of_raw_markup(raw_name: str) -> None:
    body = COMMITTED[raw_name].body
    assert "[[" not in body
    assert not re.search(r"</?[A-Za-z][^<>]*>", body)
    assert "•" not in body
    assert body.strip(), "body is empty"


# --- each seed: what a reviewer checks ------------------------------------------------


def test_000_video_summary() -> None:
    source = COMMITTED["000_726ef02e849c258a.txt"]
    assert source.kind == "video-summary"
    assert source.meta["video_id"] == "Xu1FMCxoEFc"
    assert "Xu1FMCxoEFc" in source.meta["url"]
    assert "[@experimental-treatments-for-depression, 01:22:00]" in source.body
    assert source.body.count("[@experimental-treatments-for-depression, ") == 6
    assert "yt-timestamp" not in source.body
    assert source.meta["publisher"] == "Huberman Lab"
    assert source.overridden == ["publisher"]
    assert source.related[0] == "role_of_dopamine_and_serotonin_in_depression"
    assert "ketamine_and_neuroplasticity" in source.related
    assert [r.reason for r in source.removed] == ["metadata"]
    assert source.removed[0].text.startswith("From: [[hubermanlab]]")


def test_001_podcast_notes() -> None:
    source = COMMITTED["001_9494b0acbaa97078.txt"]
    assert source.kind == "podcast-notes"
    assert source.title == "Ketamine: Benefits and Risks for Depression, PTSD & Neuroplasticity"
    assert source.meta["published"] == "2023-08-06"
    assert source.meta["publisher"] == "Huberman Lab"
    assert "undated" not in source.flags
    assert "## Mechanism of Action: NMDA Receptor Blockade\n" in source.body
    assert "- Ketamine blocks the NMDA receptor in the brain.\n" in source.body
    assert ("boilerplate", "Image of podcast") in [(r.reason, r.text) for r in source.removed]


def test_002_untitled_report() -> None:
    source = COMMITTED["002_c6eac97bdd73fb04.txt"]
    overrides = load_overrides(SEEDS / "overrides.yaml")["002_c6eac97bdd73fb04.txt"]
    assert source.kind == "report"
    assert source.title == overrides["title"]
    assert "title" in source.overridden
    assert "promotional" in source.flags
    assert "untitled" not in source.flags
    removed = [(r.reason, r.text) for r in source.removed]
    assert ("empty-section", "Clinical Findings") in removed
    assert ("boilerplate", "We will never spam or sell your info. Ever.") in removed
    assert "Clinical Findings\n" not in source.body
    assert "waitlist" not in source.body
    assert "Pilot Course" not in source.body
    assert "## Future Directions" in source.body


def test_003_web_article() -> None:
    source = COMMITTED["003_f025ccd70f0b67e0.txt"]
    assert source.kind == "web-article"
    assert source.meta["published"] == "2024-01-03"
    assert source.meta["category"] == "Ketamine IV"
    assert source.meta["publisher"] == "NuLife"
    assert "promotional" in source.flags
    assert "Visit NuLife" not in source.body
    assert "Our dedicated team" not in source.body
    assert "- **Open Communication:** Maintain open" in source.body
    assert "## Tips for Those Considering Ketamine Therapy\n" in source.body


def test_004_video_page_comment_thread() -> None:
    source = COMMITTED["004_bfec7b941897668e.txt"]
    assert source.kind == "video-page"
    assert source.title == "Ketamine & Depression: How it Works"
    assert source.meta["publisher"] == "Yale Medicine"
    assert source.meta["url"] == "https://www.yalemedicine.org/news/ketamine-depression"
    assert source.meta["speakers"] == [
        "Gerard Sanacora, PhD, MD",
        "Rachel Katz, MD",
        "John Krystal, MD",
    ]
    threads = [r for r in source.removed if r.reason == "comments"]
    assert len(threads) == 1
    assert (threads[0].count, threads[0].declared) == (6, 21)
    assert threads[0].text.startswith("21 Comments")
    assert threads[0].text.endswith("Leave A Reply")
    assert "Tonmoy Sharma" not in source.body
    assert "Leave A Reply" not in source.body
    assert source.flags == ["undated", "relative-dates"]


# --- the schema itself -------------------------------------------------------------------


def _schema_enum(validator, *path: str) -> set[str]:
    node = validator.schema
    for key in path:
        node = node[key]
    return set(node["enum"])


def test_schema_vocabularies_match_the_code(normalized_validator) -> None:
    v = normalized_validator
    assert _schema_enum(v, "properties", "kind") == set(KINDS)
    assert _schema_enum(v, "properties", "flags", "items") == set(FLAGS)
    assert _schema_enum(v, "properties", "overridden", "items") == set(FIELDS)
    reason = ("properties", "removed", "items", "properties", "reason")
    assert _schema_enum(v, *reason) == set(REASONS)


def test_schema_describes_every_property(normalized_validator) -> None:
    properties = normalized_validator.schema["properties"]
    removed = properties["removed"]["items"]["properties"]
    for name, spec in [*properties.items(), *removed.items()]:
        assert spec.get("description"), name


GOOD = {
    "id": "sleep-hygiene",
    "title": "Sleep hygiene",
    "kind": "podcast-notes",
    "language": "en-GB",
    "source_file": "sleep.txt",
    "sha256": "0" * 64,
}


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"published": "2024-03-14", "url": "https://example.org/a?b=1"}, True),
        ({"removed": [{"reason": "comments", "text": "3 Comments", "line": 7, "count": 3}]}, True),
        ({"flags": ["promotional", "undated"], "overridden": ["title"]}, True),
        ({"id": "Sleep_Hygiene"}, False),
        ({"id": "sleep--hygiene"}, False),
        ({"kind": "blog-post"}, False),
        ({"language": "english"}, False),
        ({"sha256": "ABC"}, False),
        ({"sha256": "G" * 64}, False),
        ({"published": "14 March 2024"}, False),
        ({"published": "2024-13-01"}, False),
        ({"url": "not a url"}, False),
        ({"flags": ["dubious"]}, False),
        ({"overridden": ["sha256"]}, False),
        ({"speakers": "Jane Doe, MD"}, False),
        ({"removed": [{"reason": "spam", "text": "x"}]}, False),
        ({"removed": [{"reason": "markup"}]}, False),
        ({"removed": [{"reason": "markup", "text": "<b>", "line": 0}]}, False),
        ({"removed": [{"reason": "comments", "text": "x", "count": -1}]}, False),
        ({"removed": [{"reason": "comments", "text": "x", "extra": 1}]}, False),
        ({"surprise": "field"}, False),
    ],
)
def test_schema_accepts_good_and_rejects_bad(
    normalized_validator, change: dict, valid: bool
) -> None:
    assert normalized_validator.is_valid({**GOOD, **change}) is valid


@pytest.mark.parametrize("field", ["id", "title", "kind", "language", "source_file", "sha256"])
def test_schema_requires_core_fields(normalized_validator, field: str) -> None:
    data = {k: v for k, v in GOOD.items() if k != field}
    assert not normalized_validator.is_valid(data)
