"""Documents the rules were not written against: one per kind, on other health topics.

They prove the rules recognise structure and wording, not the seed files. Each
fixture varies something the seeds do not: CRLF line endings, a UTF-8 BOM, '·'
and '-' bullets, numbered comments, ordinal dates, mm:ss timestamps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from publish import frontmatter
from publish.normalizer import NormalizedSource, normalize_paths

UNSEEN = Path(__file__).resolve().parent / "fixtures" / "unseen"

PODCAST = "podcast_sleep_hygiene.txt"
ARTICLE = "article_statins.txt"
VIDEO_PAGE = "video_page_migraine.txt"
WIKI = "wiki_exercise_brain.txt"
REPORT = "report_iron_deficiency.txt"

KIND_OF = {
    PODCAST: "podcast-notes",
    ARTICLE: "web-article",
    VIDEO_PAGE: "video-page",
    WIKI: "video-summary",
    REPORT: "report",
}


def _run(out: Path, *paths: Path, overrides: Path | None = None, check: bool = False):
    """Normalize with no overrides unless given, whatever the working folder holds."""
    return normalize_paths(
        paths or [UNSEEN], out, overrides=overrides or out / "none.yaml", check=check
    )


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("unseen")
    result = _run(out)
    assert result.errors == []
    return out


@pytest.fixture(scope="module")
def unseen(out_dir: Path) -> dict[str, NormalizedSource]:
    result = _run(out_dir, check=True)
    return {source.source_file: source for source in result.sources}


def _removed(source: NormalizedSource) -> list[tuple[str, str]]:
    return [(r.reason, r.text) for r in source.removed]


def test_every_fixture_is_normalized(unseen: dict[str, NormalizedSource]) -> None:
    assert sorted(unseen) == sorted(p.name for p in UNSEEN.glob("*.txt"))
    assert sorted(unseen) == sorted(KIND_OF)


@pytest.mark.parametrize(("name", "kind"), KIND_OF.items())
def test_kind_is_recognised(unseen: dict[str, NormalizedSource], name: str, kind: str) -> None:
    assert unseen[name].kind == kind


def test_second_run_changes_nothing(out_dir: Path) -> None:
    result = _run(out_dir, check=True)
    assert result.stale == []
    assert len(result.unchanged) == len(KIND_OF)


@pytest.mark.parametrize("name", sorted(KIND_OF))
def test_front_matter_matches_schema(out_dir, unseen, normalized_validator, name: str) -> None:
    text = (out_dir / f"{unseen[name].id}.md").read_text(encoding="utf-8")
    fm = frontmatter.load(frontmatter.split(text)[0] or "", name)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in normalized_validator.iter_errors(fm)]
    assert errors == []


@pytest.mark.parametrize("name", sorted(KIND_OF))
def test_nothing_is_lost(unseen, find_lost, name: str) -> None:
    assert find_lost(UNSEEN / name, unseen[name]) == []


@pytest.mark.parametrize("name", sorted(KIND_OF))
def test_removal_lines_point_at_the_raw_text(unseen, name: str) -> None:
    raw = (UNSEEN / name).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    lines = raw.split("\n")
    for entry in unseen[name].removed:
        if entry.reason == "markup":
            assert entry.line is not None
            assert all(tag in raw for tag in entry.text.split(" ")), entry
        else:
            assert lines[entry.line - 1].rstrip() == entry.text.split("\n")[0], entry


@pytest.mark.parametrize("name", sorted(KIND_OF))
def test_body_has_no_raw_markers(unseen, name: str) -> None:
    body = unseen[name].body
    for marker in ("\r", "\ufeff", "·", "•", "[[", "<a ", "<b>", "<script", "@@SELF"):
        assert marker not in body, marker


# --- podcast notes, CRLF line endings, '·' bullets, ordinal date -----------------------------


def test_podcast_notes(unseen: dict[str, NormalizedSource]) -> None:
    assert b"\r\n" in (UNSEEN / PODCAST).read_bytes()
    source = unseen[PODCAST]
    assert source.title == "Sleep Hygiene: Practical Tools for Better Rest"
    assert source.id == "sleep-hygiene-practical-tools-for-better-rest"
    assert source.meta["publisher"] == "The Rested Mind Podcast"
    assert source.meta["published"] == "2024-03-14"
    assert source.flags == []
    assert ("boilerplate", "Image of podcast") in _removed(source)
    assert (
        "call-to-action",
        "Subscribe to The Rested Mind newsletter for a weekly sleep tip.",
    ) in _removed(source)
    assert source.body.startswith("## Why Sleep Hygiene Matters\n\n- Adults who sleep less")
    assert "## When to See a Doctor\n" in source.body
    assert (
        "- Keep the bedroom cool, dark and quiet; a temperature around 18 degrees Celsius"
        " suits most people.\n"
    ) in source.body
    assert "newsletter" not in source.body


# --- web article, UTF-8 BOM, '-' bullets, advert, newsletter, authors -------------------------


def test_web_article(unseen: dict[str, NormalizedSource]) -> None:
    assert (UNSEEN / ARTICLE).read_bytes().startswith(b"\xef\xbb\xbf")
    source = unseen[ARTICLE]
    assert source.title == "Statins: What Your Cholesterol Numbers Really Mean"
    assert source.id == "statins-what-your-cholesterol-numbers-really-mean"
    assert source.meta["published"] == "2024-02-05"
    assert source.meta["category"] == "Heart Health"
    assert source.meta["authors"] == ["Priya Natarajan", "Tom Ellis"]
    assert source.meta["publisher"] == "Brookside Heart Clinic"
    assert source.flags == ["promotional"]
    reasons = {reason: text for reason, text in _removed(source)}
    assert reasons["advertisement"].startswith("Visit Brookside Heart Clinic for a free")
    assert reasons["call-to-action"].startswith("Sign up for our heart health newsletter")
    assert ("boilerplate", "Image of a pharmacist handing over a prescription") in _removed(source)
    assert ("boilerplate", "© 2024 Brookside Heart Clinic. All rights reserved.") in _removed(
        source
    )
    for gone in ("Brookside", "newsletter", "©", "Image of", "By Priya"):
        assert gone not in source.body
    assert source.body.startswith("Statins are among the most widely prescribed medicines")
    assert "## How Statins Work\n" in source.body
    assert "- **Take It Consistently:** Take your statin at the same time every day" in source.body
    assert "- **Check Interactions:** Grapefruit juice" in source.body


def test_web_article_question_heading(unseen: dict[str, NormalizedSource]) -> None:
    assert "## Who Should Take a Statin?\n" in unseen[ARTICLE].body


# --- video page, numbered comments, quoted experts ----------------------------------------------


def test_video_page(unseen: dict[str, NormalizedSource]) -> None:
    source = unseen[VIDEO_PAGE]
    assert source.title == "Migraine: Why It Happens and How It Is Treated"
    assert source.meta["publisher"] == "Northfield Health"
    assert source.meta["url"] == "https://www.northfieldhealth.example/conditions/migraine"
    assert source.meta["speakers"] == ["Amara Okafor, MD", "Dr. Lena Fischer, PhD"]
    assert source.flags == ["undated", "relative-dates"]
    threads = [r for r in source.removed if r.reason == "comments"]
    assert len(threads) == 1
    assert (threads[0].line, threads[0].count, threads[0].declared) == (7, 5, 7)
    assert threads[0].text.startswith("7 Comments\n")
    assert threads[0].text.endswith("Leave a Reply")
    assert "About one in seven adults has migraine" in source.body
    assert "last month." in source.body
    for comment in ("second pregnancy", "yawning thing", "cluster headaches", "Leave a Reply"):
        assert comment not in source.body


# --- wiki export: front matter, From: [[channel]], mm:ss anchors, [[links]], <script> ------------


def test_wiki_video_summary(unseen: dict[str, NormalizedSource]) -> None:
    source = unseen[WIKI]
    assert source.title == "Exercise and the Ageing Brain"
    assert source.meta["published"] == "2022-11-03"
    assert source.meta["authors"] == ["Movement Clinic Editors"]
    assert source.meta["publisher"] == "movementclinic"
    assert "url" not in source.meta
    assert "video_id" not in source.meta
    assert source.related == [
        "healthy_ageing",
        "neuroplasticity",
        "mild_cognitive_impairment",
        "exercise_prescription",
    ]
    body = source.body
    assert "blood flow to the brain [@exercise-and-the-ageing-brain, 00:03:15]." in body
    assert "about two percent [@exercise-and-the-ageing-brain, 01:02:40]." in body
    assert "in the hippocampus neuroplasticity in adults." in body
    assert "with mild cognitive impairment.\n" in body
    assert "- Add two sessions of strength training" in body
    assert "trackView" not in body
    assert "# Exercise and the Ageing Brain" not in body
    assert "### Balance and Coordination" not in body
    assert "### Strength Training" in body
    removed = _removed(source)
    assert ("metadata", "# Exercise and the Ageing Brain") in removed
    assert ("metadata", "From: [[movementclinic]] <br/>") in removed
    assert ("markup", '<script>trackView("exercise-brain")</script>') in removed
    assert ("empty-section", "### Balance and Coordination") in removed


def test_wiki_removals_are_recorded_once(unseen: dict[str, NormalizedSource]) -> None:
    removed = _removed(unseen[WIKI])
    assert len(removed) == len(set(removed))


def test_wiki_removals_are_in_document_order(unseen: dict[str, NormalizedSource]) -> None:
    lines = [r.line for r in unseen[WIKI].removed]
    assert lines == sorted(lines)


# --- untitled report: empty section, numbered steps, marketing footer ---------------------------


def test_untitled_report(unseen: dict[str, NormalizedSource]) -> None:
    source = unseen[REPORT]
    assert source.title == "Untitled document (report_iron_deficiency)"
    assert source.id == "untitled-document-report-iron-deficiency"
    assert source.flags == ["promotional", "undated", "relative-dates", "untitled"]
    assert _removed(source) == [
        ("empty-section", "Limitations"),
        ("call-to-action", "Book your appointment with a Wellspring dietitian today."),
        (
            "advertisement",
            "Our friendly team of dietitians and nurses is here to help every family eat well.",
        ),
        ("boilerplate", "© 2023 Wellspring Nutrition"),
    ]
    assert source.body.startswith("Iron deficiency is the most common nutritional deficiency")
    assert "## Who Is at Risk\n" in source.body
    assert "## Treatment\n" in source.body
    assert "alternate-day dosing is absorbed better and causes fewer stomach upsets." in source.body
    assert source.body.rstrip().endswith("Guidance on screening athletes was recently updated.")
    assert "Wellspring" not in source.body


def test_untitled_report_keeps_step_numbers(unseen: dict[str, NormalizedSource]) -> None:
    assert "1. Confirm the deficiency" in unseen[REPORT].body


def test_untitled_report_warns_and_names_the_overrides_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _run(tmp_path, UNSEEN / REPORT)
    assert result.warnings == [f"{REPORT}: no title found; set one in overrides.yaml"]
    assert capsys.readouterr().err == ""  # the library returns warnings; the command prints them


def test_override_gives_the_report_a_title(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        f"{REPORT}:\n  title: Iron Deficiency in Adolescents\n  published: 2023-05-02\n",
        encoding="utf-8",
    )
    result = _run(tmp_path / "out", UNSEEN / REPORT, overrides=overrides)
    (source,) = result.sources
    assert source.title == "Iron Deficiency in Adolescents"
    assert source.id == "iron-deficiency-in-adolescents"
    assert source.meta["published"] == "2023-05-02"
    assert source.overridden == ["published", "title"]
    assert source.flags == ["promotional"]
    assert (tmp_path / "out" / "iron-deficiency-in-adolescents.md").is_file()
