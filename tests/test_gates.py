"""The gates of `publish check` on small inputs made in each test: no build, no epubcheck run.

tests/test_check.py breaks a real build and reads the finding back; these tests give each
gate exactly the input that sits on one side of its rule (a review date of today and of
yesterday, five copied words and six, a PDF with and without /Lang, a font file of each
kind) and check what a user reads: the status, the message naming the problem, the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pikepdf
import pytest
from helpers import copy_seeds
from pikepdf import Array, Dictionary, Name, String

from publish import __version__, i18n
from publish import manifest as manifests
from publish.citations import find_citations
from publish.gates import (
    DEFAULT_MAX_GRADE,
    WARN_GRADE,
    CheckResult,
    Finding,
    artifacts,
    check_topic,
    check_topics,
    citations,
    document_control,
    epub,
    evidence,
    pdf,
    readability,
    safety,
)
from publish.gates.built import built_files
from publish.i18n import DISCLAIMER, DRAFT_MARKING
from publish.normalizer.model import NormalizedSource, Removal
from publish.profile import Profile
from publish.project import Project
from publish.render import registry
from publish.render.options import Options
from publish.topic import Control, GlossaryEntry, Text, Topic, load_topic

REPO = Path(__file__).resolve().parent.parent
TOPIC_ID = "a-topic"
DUE = date(2026, 5, 1)
CRISIS = ("Call the crisis line on 0800 010 0911 at any hour.", "In an emergency, call 112.")
COMMENT = "honestly it was already changing my outlook being more positive every day"
HANDOUT = registry.ARTIFACTS["handout"]
EPUB = registry.ARTIFACTS["epub"]


# --- small inputs -----------------------------------------------------------------------------


def source(
    key: str,
    *,
    flags: tuple[str, ...] = (),
    removed: tuple[Removal, ...] = (),
) -> NormalizedSource:
    return NormalizedSource(
        id=key,
        title=f"Source {key}",
        kind="web-article",
        language="en",
        source_file=f"{key}.txt",
        sha256="0" * 64,
        body="Text.\n",
        flags=list(flags),
        removed=list(removed),
    )


def make_topic(
    folder: Path,
    patient: str = "Ketamine may help [@a].\n",
    clinician: str = "Ketamine acts on glutamate [@a].\n",
    *,
    sources: tuple[NormalizedSource, ...] = (source("a"),),
    glossary: tuple[GlossaryEntry, ...] = (),
    status: str = "draft",
    next_review: date = DUE,
    approved_by: str | None = None,
    approved_on: date | None = None,
) -> Topic:
    """A topic as `load_topic` would give it, without files: texts, sources, control."""

    def text(name: str, markdown: str) -> Text:
        path = folder / name
        return Text(path, markdown, tuple(cite for _, cite in find_citations(markdown, path)))

    control = Control(
        id=TOPIC_ID,
        title="A topic",
        version="1.0",
        status=status,
        updated=date(2026, 1, 1),
        next_review=next_review,
        language="en",
        approved_by=approved_by,
        approved_on=approved_on,
    )
    return Topic(
        folder=folder,
        control=control,
        patient=text("patient.md", patient),
        clinician=text("clinician.md", clinician),
        glossary=glossary,
        sources=sources,
        sources_folder=folder / "sources",
    )


def statuses(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.status, f.message) for f in findings]


def pdf_file(
    path: Path,
    lines_per_page: tuple[tuple[str, ...], ...] = ((),),
    *,
    marked: bool | None = True,
    structure: bool = True,
    lang: str | None = "en",
    title: str | None = "A handout",
    fonts: tuple[Font, ...] = (),
) -> Path:
    """A PDF of the given pages of text (Helvetica), tagged and titled unless told otherwise.

    `marked=None` leaves /Marked out of /MarkInfo; `fonts` go into every page's resources.
    """
    with pikepdf.new() as document:
        made = [font.make(document) for font in fonts]
        helvetica = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        for lines in lines_per_page:
            shown = b"".join(
                b"BT /F0 9 Tf 20 %d Td (%s) Tj ET\n" % (760 - 12 * n, line.encode("latin-1"))
                for n, line in enumerate(lines)
            )
            page_fonts = Dictionary(F0=helvetica) if lines else Dictionary()
            for n, font in enumerate(made, 1):
                page_fonts[f"/F{n}"] = font
            page = pikepdf.Page(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=Array([0, 0, 612, 792]),
                    # a page without text or fonts has no /Font resource at all
                    Resources=Dictionary(Font=page_fonts) if page_fonts else Dictionary(),
                    Contents=document.make_stream(shown),
                )
            )
            document.pages.append(page)
        document.Root.MarkInfo = Dictionary() if marked is None else Dictionary(Marked=marked)
        if structure:
            document.Root.StructTreeRoot = document.make_indirect(
                Dictionary(Type=Name.StructTreeRoot)
            )
        if lang is not None:
            document.Root.Lang = String(lang)
        if title is not None:
            document.docinfo["/Title"] = title
        document.save(path)
    return path


def blank_pdf(path: Path, pages: int) -> Path:
    return pdf_file(path, tuple(() for _ in range(pages)))


@dataclasses.dataclass(frozen=True)
class Font:
    """A TrueType font whose descriptor holds `font_file` (None: not embedded); `composite`
    wraps it as the descendant of a Type0 font, as WeasyPrint writes fonts."""

    name: str
    font_file: str | None
    composite: bool = False

    def make(self, document: pikepdf.Pdf) -> Dictionary:
        descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name(f"/{self.name}"))
        if self.font_file is not None:
            descriptor[self.font_file] = document.make_stream(b"font program")
        font = Dictionary(
            Type=Name.Font,
            Subtype=Name.TrueType,
            BaseFont=Name(f"/{self.name}"),
            FontDescriptor=descriptor,
        )
        if self.composite:
            font = Dictionary(
                Type=Name.Font,
                Subtype=Name.Type0,
                BaseFont=Name(f"/{self.name}-Identity-H"),
                Encoding=Name("/Identity-H"),
                DescendantFonts=Array([document.make_indirect(font)]),
            )
        return document.make_indirect(font)


def epub_file(path: Path, members: dict[str, str]) -> Path:
    """A zip holding the given members, in the given order (not an EPUB epubcheck accepts)."""
    with zipfile.ZipFile(path, "w") as book:
        for name, text in members.items():
            book.writestr(name, text)
    return path


def chapter(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return f'<?xml version="1.0"?>\n<html><body>\n{body}</body></html>\n'


def squashed(text: str) -> str:
    """Runs of spaces and newlines as one space (a no-break space is kept)."""
    return re.sub(r"[ \n]+", " ", text).strip()


# --- readability ------------------------------------------------------------------------------

EASY = "The cat sat on the mat [@a]. We like the cat [@a]."
GRADE_6 = (
    "Ask your doctor about it. Your care team will watch you closely during each visit to "
    "the clinic. Medication is monitored carefully [@a]."
)
HARD = (
    "Psychiatric practitioners generally administer the medication in supervised clinical "
    "environments, where experienced personnel continuously monitor dissociative experiences "
    "[@a]."
)
REPORT = re.compile(r"^Flesch–Kincaid grade (-?\d+\.\d), SMOG (\d+\.\d) \((.*)\)$")


def grade(finding: Finding) -> float:
    match = REPORT.match(finding.message)
    assert match, finding.message
    return float(match.group(1))


def test_plain_handout_passes_readability_naming_grade_smog_and_limits(tmp_path: Path) -> None:
    topic = make_topic(tmp_path, EASY)

    [finding] = readability(topic, DEFAULT_MAX_GRADE)

    assert (finding.gate, finding.status) == ("readability", "pass")
    assert finding.file == str(tmp_path / "patient.md")
    match = REPORT.match(finding.message)
    assert match, finding.message
    assert float(match.group(1)) <= WARN_GRADE
    assert match.group(3) == "warn above 6, fail above 8"


def test_grade_exactly_6_passes_and_the_warning_limit_is_inclusive(tmp_path: Path) -> None:
    [finding] = readability(make_topic(tmp_path, GRADE_6), DEFAULT_MAX_GRADE)

    assert grade(finding) == WARN_GRADE
    assert finding.status == "pass"


def test_grade_above_the_maximum_fails_and_the_maximum_itself_warns(tmp_path: Path) -> None:
    topic = make_topic(tmp_path, HARD)
    [finding] = readability(topic, DEFAULT_MAX_GRADE)
    hard = grade(finding)

    assert hard > DEFAULT_MAX_GRADE
    assert finding.status == "fail"
    assert finding.message.endswith("(warn above 6, fail above 8)")
    [at_limit] = readability(topic, hard)
    assert at_limit.status == "warn"
    assert at_limit.message.endswith(f"fail above {hard:g})")
    assert readability(topic, hard - 0.1)[0].status == "fail"


# --- citations --------------------------------------------------------------------------------


def test_every_block_cited_passes_with_no_file(tmp_path: Path) -> None:
    topic = make_topic(tmp_path, "# Heading\n\nKetamine may help [@a].\n\n- A list item [@a].\n")

    assert citations(topic) == [
        Finding(
            "citations", "pass", "every paragraph and list item cites a source; all keys resolve"
        )
    ]


def test_uncited_paragraph_and_list_item_fail_naming_file_line_and_claim(tmp_path: Path) -> None:
    patient = "Ketamine works for everyone.\n\nCited [@a].\n\n- Monitor   blood pressure .\n"
    clinician = "Cited [@a].\n\nIt is always safe.\n"

    findings = citations(make_topic(tmp_path, patient, clinician))

    assert findings == [
        Finding(
            "citations",
            "fail",
            "no citation: “Ketamine works for everyone.”",
            str(tmp_path / "patient.md"),
            1,
        ),
        Finding(
            "citations",
            "fail",
            "no citation: “Monitor blood pressure.”",
            str(tmp_path / "patient.md"),
            5,
        ),
        Finding(
            "citations",
            "fail",
            "no citation: “It is always safe.”",
            str(tmp_path / "clinician.md"),
            3,
        ),
    ]


def test_a_figure_on_its_own_needs_no_citation_but_the_claims_after_it_do(
    tmp_path: Path,
) -> None:
    topic = make_topic(tmp_path, "![A brain](figures/brain.png)\n\nKetamine may help [@a].\n")
    assert statuses(citations(topic)) == [
        ("pass", "every paragraph and list item cites a source; all keys resolve")
    ]
    later = make_topic(tmp_path, "![A brain](figures/brain.png)\n\nIt always works.\n")
    assert [(f.status, f.line) for f in citations(later)] == [("fail", 3)]


def test_long_claims_are_cut_at_70_characters(tmp_path: Path) -> None:
    seventy = "A" * 69 + "."
    longer = "B" * 70 + "."
    topic = make_topic(tmp_path, f"{seventy}\n\n{longer}\n")

    messages = [f.message for f in citations(topic)]

    assert messages == [f"no citation: “{seventy}”", f"no citation: “{'B' * 70}…”"]


def test_sources_never_cited_warn_naming_each_and_the_topic_file(tmp_path: Path) -> None:
    topic = make_topic(tmp_path, sources=(source("a"), source("b"), source("c")))

    findings = citations(topic)

    assert findings == [
        Finding("citations", "warn", "sources never cited: b, c", str(tmp_path / "topic.yaml")),
        Finding(
            "citations", "pass", "every paragraph and list item cites a source; all keys resolve"
        ),
    ]


def test_sources_cited_in_either_text_or_the_glossary_count_as_cited(tmp_path: Path) -> None:
    glossary = (GlossaryEntry("Infusion", "A medicine given into a vein.", ("c",)),)
    topic = make_topic(
        tmp_path,
        "Ketamine may help [@a].\n",
        "Ketamine acts on glutamate [@b].\n",
        sources=(source("a"), source("b"), source("c")),
        glossary=glossary,
    )

    assert [f.status for f in citations(topic)] == ["pass"]


def test_an_uncited_claim_with_unused_sources_fails_and_warns_without_passing(
    tmp_path: Path,
) -> None:
    topic = make_topic(tmp_path, "No source here.\n", sources=(source("a"), source("b")))
    assert [f.status for f in citations(topic)] == ["fail", "warn"]


# --- evidence ---------------------------------------------------------------------------------

NO_CONCERN = Finding(
    "evidence", "pass", "no claim rests only on promotion without saying so, or on comments"
)
UNSAID = "only promotional support, and the text does not say so"


def test_claim_resting_only_on_promotional_sources_warns_naming_it(tmp_path: Path) -> None:
    sources = (source("ad", flags=("promotional",)), source("ad2", flags=("promotional",)))
    clinician = "Sound claim [@a].\n\nA single infusion brings lasting relief [@ad; @ad2] .\n"
    topic = make_topic(tmp_path, clinician=clinician, sources=(source("a"), *sources))

    findings = evidence(topic)

    assert findings == [
        Finding(
            "evidence",
            "warn",
            f"{UNSAID}: “A single infusion brings lasting relief.”",
            str(tmp_path / "clinician.md"),
            3,
        )
    ]


def test_promotional_source_alongside_an_independent_one_is_enough(tmp_path: Path) -> None:
    sources = (source("a"), source("ad", flags=("promotional",)))
    topic = make_topic(tmp_path, clinician="Acts within a day [@ad; @a].\n", sources=sources)
    assert evidence(topic) == [NO_CONCERN]


def test_uncited_clinician_claim_is_not_an_evidence_warning(tmp_path: Path) -> None:
    topic = make_topic(tmp_path, clinician="Nothing cited here.\n")
    assert evidence(topic) == [NO_CONCERN]


def with_comments(*removed: Removal) -> tuple[NormalizedSource, ...]:
    return (source("a", removed=removed),)


def test_six_words_copied_from_removed_comments_warn(tmp_path: Path) -> None:
    claim = "Patients find it was already changing my outlook"  # 6 words of COMMENT
    topic = make_topic(
        tmp_path,
        clinician=f"{claim} [@a].\n",
        sources=with_comments(Removal("comments", COMMENT)),
    )

    assert evidence(topic) == [
        Finding(
            "evidence",
            "warn",
            f"repeats removed comment text: “{claim}.”",
            str(tmp_path / "clinician.md"),
            1,
        )
    ]


def test_copied_words_are_matched_whatever_their_case_and_around_a_citation(
    tmp_path: Path,
) -> None:
    claim = "PATIENTS say It Was Already Changing [@a] My Outlook"
    topic = make_topic(
        tmp_path, clinician=f"{claim}.\n", sources=with_comments(Removal("comments", COMMENT))
    )
    assert [f.message.split(":")[0] for f in evidence(topic)] == ["repeats removed comment text"]


def test_five_copied_words_at_the_end_are_not_enough(tmp_path: Path) -> None:
    # The last five words of claim and comment agree; no run of six does.
    topic = make_topic(
        tmp_path,
        clinician="Patients said she was already changing my outlook [@a].\n",
        sources=with_comments(Removal("comments", "honestly it was already changing my outlook")),
    )
    assert evidence(topic) == [NO_CONCERN]


def test_text_removed_for_another_reason_is_not_comment_text(tmp_path: Path) -> None:
    topic = make_topic(
        tmp_path,
        clinician="Ketamine was already changing my outlook being more positive [@a].\n",
        sources=with_comments(Removal("advertising", COMMENT)),
    )
    assert evidence(topic) == [NO_CONCERN]


def test_comments_of_every_source_are_compared(tmp_path: Path) -> None:
    sources = (
        source("a", removed=(Removal("comments", "first thread about something else"),)),
        source("b", removed=(Removal("comments", COMMENT),)),
    )
    topic = make_topic(
        tmp_path,
        clinician="It was already changing my outlook being more positive [@a].\n",
        sources=sources,
    )
    assert [f.status for f in evidence(topic)] == ["warn"]


def test_a_claim_both_promoted_and_copied_warns_twice(tmp_path: Path) -> None:
    promoted = source("ad", flags=("promotional",), removed=(Removal("comments", COMMENT),))
    topic = make_topic(
        tmp_path,
        clinician="It was already changing my outlook being more positive [@ad].\n",
        sources=(source("a"), promoted),
    )
    assert [f.message.split(":")[0] for f in evidence(topic)] == [
        UNSAID,
        "repeats removed comment text",
    ]


def test_a_patient_claim_resting_only_on_promotion_warns_too(tmp_path: Path) -> None:
    sources = (source("a"), source("ad", flags=("promotional",)))
    topic = make_topic(tmp_path, patient="It works within a day [@ad].\n", sources=sources)
    assert evidence(topic) == [
        Finding(
            "evidence",
            "warn",
            f"{UNSAID}: “It works within a day.”",
            str(tmp_path / "patient.md"),
            1,
        )
    ]


@pytest.mark.parametrize(
    "claim",
    [
        "A clinic's marketing article says it works within a day",
        "A promotional page claims relief within a day",
        "An advertisement says it works within a day",
        "Un artículo de publicidad dice que funciona en un día",
    ],
)
def test_a_claim_that_says_its_support_is_promotion_does_not_warn(
    tmp_path: Path, claim: str
) -> None:
    sources = (source("a"), source("ad", flags=("promotional",)))
    topic = make_topic(tmp_path, clinician=f"{claim} [@ad].\n", sources=sources)
    assert evidence(topic) == [NO_CONCERN]


# --- document control -------------------------------------------------------------------------


def test_review_due_today_is_not_overdue_and_the_day_after_fails(tmp_path: Path) -> None:
    topic = make_topic(tmp_path, next_review=DUE)
    topic_yaml = str(tmp_path / "topic.yaml")
    draft = Finding(
        "document-control", "warn", "status is draft: not clinically reviewed", topic_yaml
    )

    assert document_control(topic, DUE) == [draft]
    assert document_control(topic, DUE + timedelta(days=1)) == [
        Finding("document-control", "fail", "next_review 2026-05-01 has passed", topic_yaml),
        draft,
    ]


def test_approved_topic_passes_until_its_review_date(tmp_path: Path) -> None:
    topic = make_topic(
        tmp_path, status="approved", approved_by="Dr. A. Example", approved_on=date(2025, 11, 20)
    )

    assert document_control(topic, DUE) == [
        Finding(
            "document-control",
            "pass",
            "approved by Dr. A. Example on 2025-11-20; review due 2026-05-01",
        )
    ]
    overdue = document_control(topic, DUE + timedelta(days=1))
    assert statuses(overdue) == [("fail", "next_review 2026-05-01 has passed")]


# --- safety -----------------------------------------------------------------------------------

PROFILE = Profile(crisis=(("en", CRISIS),))


def book(path: Path, *paragraphs: str) -> Path:
    return epub_file(path, {"EPUB/text.xhtml": chapter(*paragraphs)})


def test_epub_with_disclaimer_crisis_lines_and_draft_marking_passes(tmp_path: Path) -> None:
    path = book(tmp_path / "reader.epub", DISCLAIMER, *CRISIS, DRAFT_MARKING)

    findings = safety(make_topic(tmp_path), {"epub": path}, PROFILE)

    assert findings == [
        Finding("safety", "pass", "epub: disclaimer and crisis block visible", str(path))
    ]


@pytest.mark.parametrize(
    ("kept", "missing"),
    [
        ((DISCLAIMER, CRISIS[0], DRAFT_MARKING), "crisis line 2"),
        ((CRISIS[1], DRAFT_MARKING), "disclaimer, crisis line 1"),
        ((DISCLAIMER, *CRISIS), "draft marking"),
    ],
)
def test_epub_missing_a_safety_text_fails_naming_what_is_missing(
    tmp_path: Path, kept: tuple[str, ...], missing: str
) -> None:
    path = book(tmp_path / "reader.epub", *kept)

    findings = safety(make_topic(tmp_path), {"epub": path}, PROFILE)

    assert findings == [Finding("safety", "fail", f"epub: missing {missing}", str(path))]


def test_approved_topic_needs_no_draft_marking(tmp_path: Path) -> None:
    path = book(tmp_path / "reader.epub", DISCLAIMER, *CRISIS)
    topic = make_topic(tmp_path, status="approved", approved_by="Dr. B", approved_on=DUE)
    assert [f.status for f in safety(topic, {"epub": path}, PROFILE)] == ["pass"]


def test_safety_text_broken_across_lines_hyphens_and_soft_hyphens_is_found(
    tmp_path: Path,
) -> None:
    extra = Profile(
        crisis=(("en", ("Call the after-hours line.",)),),
        disclaimer_extra=(("en", "Ask  your pharmacist."),),
    )
    broken = DISCLAIMER.replace(" not ", "\n  not ").replace("education", "edu\u00adcation")
    path = book(
        tmp_path / "reader.epub", broken, "Ask your\npharmacist.", "Call the after-\nhours line."
    )
    topic = make_topic(tmp_path, status="approved", approved_by="Dr. B", approved_on=DUE)

    assert statuses(safety(topic, {"epub": path}, extra)) == [
        ("pass", "epub: disclaimer and crisis block visible")
    ]


def test_safety_reads_a_pdf_and_an_epub_each_with_its_own_reader(tmp_path: Path) -> None:
    words = DISCLAIMER.split()
    lines = (" ".join(words[:10]), " ".join(words[10:]), *CRISIS)
    handout = pdf_file(tmp_path / "handout.pdf", (("Page one",), lines))
    reader = book(tmp_path / "reader.epub", DISCLAIMER)
    topic = make_topic(tmp_path, status="approved", approved_by="Dr. B", approved_on=DUE)

    findings = safety(topic, {"handout": handout, "epub": reader}, PROFILE)

    assert findings == [
        Finding("safety", "pass", "handout: disclaimer and crisis block visible", str(handout)),
        Finding("safety", "fail", "epub: missing crisis line 1, crisis line 2", str(reader)),
    ]


# --- artifacts --------------------------------------------------------------------------------


def test_artifacts_reports_each_files_problems_or_its_verifiers_pass_message(
    tmp_path: Path,
) -> None:
    good = pdf_file(tmp_path / "handout.pdf")
    bad = pdf_file(tmp_path / "clinician-summary.pdf", marked=False, lang=None, title=None)

    findings = artifacts({"handout": good, "clinician": bad})

    assert findings == [
        Finding("artifacts", "pass", f"handout: {pdf.PASSED}", str(good)),
        Finding("artifacts", "fail", "clinician: no /Lang; no title; not tagged", str(bad)),
    ]


# --- built files and the manifest -------------------------------------------------------------


def as_built(
    folder: Path, topic: Topic, entries: list[dict[str, str]], profile: Profile, project: Project
) -> None:
    """A manifest in `folder` that says `entries` were built from `topic` as it is now."""
    inputs = manifests.inputs_digest(topic.files())
    options = Options(paper="letter", profile=profile, project=project)
    for item in entries:
        known = registry.get(item["name"])
        if known is not None:
            item["input_hash"] = manifests.input_hash(inputs, known, options, "en")
    control = topic.control
    fields = {
        "version": control.version,
        "status": control.status,
        "updated": control.updated.isoformat(),
        "inputs_sha256": inputs,
        "paper": "letter",
        "artifacts": entries,
    }
    (folder / "manifest.json").write_text(json.dumps(fields), encoding="utf-8")


def manifest(dist: Path, entries: list[dict[str, str]], topic: Topic) -> Path:
    folder = dist / TOPIC_ID
    folder.mkdir(parents=True, exist_ok=True)
    as_built(folder, topic, entries, PROFILE, Project.find(dist.parent))
    return folder


def entry(folder: Path, name: str, file: str, data: bytes | None) -> dict[str, str]:
    """A manifest entry for `file`; `data` is written there (None: the file is not written)."""
    if data is not None:
        (folder / file).write_bytes(data)
    return {"name": name, "file": file, "sha256": hashlib.sha256(b"as built").hexdigest()}


def test_never_built_topic_fails_naming_the_manifest(tmp_path: Path) -> None:
    files, findings = built_files(
        make_topic(tmp_path), tmp_path / "dist", PROFILE, Project.find(tmp_path)
    )

    assert files == {}
    assert findings == [
        Finding(
            "artifacts",
            "fail",
            "not built: run `publish build` first",
            str(tmp_path / "dist" / TOPIC_ID / "manifest.json"),
        )
    ]


def test_manifest_entries_missing_changed_or_unknown_fail_and_intact_ones_are_returned(
    tmp_path: Path,
) -> None:
    dist = tmp_path / "dist"
    folder = dist / TOPIC_ID
    folder.mkdir(parents=True)
    entries = [
        entry(folder, "handout", "handout.pdf", b"as built"),
        entry(folder, "clinician", "clinician-summary.pdf", None),
        entry(folder, "epub", "reader.epub", b"edited after the build"),
        entry(folder, "large-print", "handout-large-print.pdf", b"as built"),
        entry(folder, "web", "handout.html", b"as built"),
        entry(folder, "poster", "poster.pdf", b"as built"),
    ]
    topic = make_topic(tmp_path)
    manifest(dist, entries, topic)

    files, findings = built_files(topic, dist, PROFILE, Project.find(tmp_path))

    assert files == {
        "handout": folder / "handout.pdf",
        "large-print": folder / "handout-large-print.pdf",
        "web": folder / "handout.html",
    }
    assert findings == [
        Finding(
            "artifacts",
            "fail",
            "clinician-summary.pdf is missing or does not match the manifest",
            str(folder / "clinician-summary.pdf"),
        ),
        Finding(
            "artifacts",
            "fail",
            "reader.epub is missing or does not match the manifest",
            str(folder / "reader.epub"),
        ),
        Finding(
            "artifacts",
            "fail",
            "poster.pdf: unknown artifact 'poster' in the manifest",
            str(folder / "poster.pdf"),
        ),
    ]


# --- the PDF verifier -------------------------------------------------------------------------


def test_pdf_text_is_every_pages_text_in_order(tmp_path: Path) -> None:
    path = pdf_file(tmp_path / "a.pdf", (("First page",), (), ("Third", "page")))
    assert squashed(pdf.read(path.read_bytes()).everything) == "First page Third page"


def test_pdf_that_is_tagged_titled_with_a_language_passes(tmp_path: Path) -> None:
    assert pdf.problems(pdf_file(tmp_path / "a.pdf"), HANDOUT) == []


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"marked": False}, "not tagged"),
        ({"marked": None}, "not tagged"),
        ({"structure": False}, "not tagged"),
        ({"lang": None}, "no /Lang"),
        ({"lang": ""}, "no /Lang"),
        ({"title": None}, "no title"),
        ({"title": ""}, "no title"),
    ],
)
def test_pdf_missing_one_accessibility_basic_names_it(
    tmp_path: Path, options: dict[str, object], problem: str
) -> None:
    path = pdf_file(tmp_path / "a.pdf", **options)  # type: ignore[arg-type]
    assert pdf.problems(path, HANDOUT) == [problem]


def test_pdf_without_mark_info_is_not_tagged(tmp_path: Path) -> None:
    path = pdf_file(tmp_path / "a.pdf")
    with pikepdf.open(path, allow_overwriting_input=True) as document:
        del document.Root.MarkInfo
        document.save(path)
    assert pdf.problems(path, HANDOUT) == ["not tagged"]


def test_pdf_with_every_problem_lists_them_sorted(tmp_path: Path) -> None:
    path = pdf_file(tmp_path / "a.pdf", marked=False, structure=False, lang=None, title=None)
    assert pdf.problems(path, HANDOUT) == ["no /Lang", "no title", "not tagged"]


def test_pdf_at_its_page_limit_passes_and_one_page_over_fails(tmp_path: Path) -> None:
    two = dataclasses.replace(HANDOUT, max_pages=2)
    assert pdf.problems(blank_pdf(tmp_path / "two.pdf", 2), two) == []
    assert pdf.problems(blank_pdf(tmp_path / "three.pdf", 3), two) == ["3 pages, limit 2"]


def test_pdf_without_a_page_limit_may_run_long(tmp_path: Path) -> None:
    unlimited = dataclasses.replace(HANDOUT, max_pages=None)
    assert pdf.problems(blank_pdf(tmp_path / "a.pdf", 5), unlimited) == []


@pytest.mark.parametrize("font_file", ["/FontFile", "/FontFile2", "/FontFile3"])
def test_a_font_embedded_as_any_kind_of_font_file_passes(tmp_path: Path, font_file: str) -> None:
    path = pdf_file(tmp_path / "a.pdf", fonts=(Font("Atkinson", font_file),))
    assert pdf.problems(path, HANDOUT) == []


def test_a_font_without_its_font_file_fails_once_naming_it(tmp_path: Path) -> None:
    fonts = (Font("Atkinson", None), Font("Embedded", "/FontFile2"))
    path = pdf_file(tmp_path / "a.pdf", ((), ()), fonts=fonts)  # the same font on two pages
    assert pdf.problems(path, HANDOUT) == ["font /Atkinson not embedded"]


def test_a_composite_fonts_descendant_without_its_font_file_fails(tmp_path: Path) -> None:
    path = pdf_file(tmp_path / "a.pdf", fonts=(Font("AtkinsonCID", None, composite=True),))
    assert pdf.problems(path, HANDOUT) == ["font /AtkinsonCID not embedded"]


# --- the EPUB verifier ------------------------------------------------------------------------


def test_epub_text_is_its_xhtml_documents_in_name_order_without_tags_or_entities(
    tmp_path: Path,
) -> None:
    path = epub_file(
        tmp_path / "reader.epub",
        {
            "mimetype": "application/epub+zip",
            "EPUB/content.opf": "<package><title>Not reading text</title></package>",
            "EPUB/b.xhtml": chapter("Second <em>chapter</em> — Q&amp;A"),
            "EPUB/nav.html": chapter("Not a book document"),
            "EPUB/a.xhtml": chapter("First&#160;chapter", "Dr.&nbsp;Ann’s <b>note</b>"),
        },
    )

    text = epub.read(path.read_bytes()).everything

    assert squashed(text) == "First\xa0chapter Dr.\xa0Ann’s note Second chapter — Q&A"
    assert "<" not in text


def test_epubcheck_that_cannot_run_is_a_problem_not_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = epub_file(tmp_path / "reader.epub", {"mimetype": "application/epub+zip"})
    monkeypatch.setenv("PATH", str(tmp_path / "no-java-here"))

    [problem] = epub.problems(path, EPUB)

    assert problem.startswith("epubcheck could not run: ")
    assert "java" in problem


# --- findings and the run's result ------------------------------------------------------------


def test_where_names_the_file_and_the_line_when_there_is_one() -> None:
    assert Finding("citations", "pass", "ok").where == ""
    assert Finding("safety", "fail", "missing", "dist/handout.pdf").where == "dist/handout.pdf"
    assert Finding("citations", "fail", "no", "patient.md", 7).where == "patient.md:7"


@pytest.mark.parametrize(
    ("found", "plain", "strict"),
    [
        (("pass",), False, False),
        (("pass", "warn", "warn"), False, True),
        (("pass", "fail"), True, True),
    ],
)
def test_a_run_fails_on_any_fail_and_strictly_on_any_warning(
    found: tuple[str, ...], plain: bool, strict: bool
) -> None:
    result = CheckResult([Finding("gate", status, "message") for status in found])

    assert (result.failed(), result.failed(strict=True)) == (plain, strict)
    assert [result.count(s) for s in ("pass", "warn", "fail")] == [
        found.count(s) for s in ("pass", "warn", "fail")
    ]


def test_json_report_counts_every_status_and_keeps_each_finding() -> None:
    claim = Finding("evidence", "warn", "only promotional support: “A claim”", "clinician.md", 3)
    result = CheckResult([Finding("readability", "pass", "grade 5"), claim])

    document = result.to_dict()
    text = result.to_json(strict=True)

    assert document == {
        "ok": True,
        "strict": False,
        "toolkit_version": __version__,
        "counts": {"pass": 1, "warn": 1, "fail": 0},
        "findings": [
            {
                "gate": "readability",
                "status": "pass",
                "message": "grade 5",
                "file": None,
                "line": None,
            },
            {
                "gate": "evidence",
                "status": "warn",
                "message": "only promotional support: “A claim”",
                "file": "clinician.md",
                "line": 3,
            },
        ],
    }
    assert json.loads(text) == {**document, "ok": False, "strict": True}
    assert json.loads(result.to_json()) == document  # not strict unless asked
    assert text.startswith('{\n  "ok": false,\n  "strict": true,')
    assert "“A claim”" in text  # printed as written, not as \\u escapes


# --- every gate on a topic folder -------------------------------------------------------------

SEED_TOPIC = "ketamine-depression"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project holding a copy of the checkout's seeds/ (nothing built)."""
    copy_seeds(tmp_path / "seeds")
    return tmp_path


def seed_topic(project: Path) -> Path:
    return project / "seeds" / "topics" / SEED_TOPIC


def seed_next_review(project: Path) -> date:
    found = re.search(r"(?m)^next_review: (\S+)$", (seed_topic(project) / "topic.yaml").read_text())
    assert found
    return date.fromisoformat(found.group(1))


def test_folder_without_a_topic_fails_the_topic_gate(tmp_path: Path) -> None:
    [finding] = check_topic(tmp_path / "nothing", tmp_path / "dist")

    assert (finding.gate, finding.status) == ("topic", "fail")
    assert "not a topic folder" in finding.message
    assert finding.file == str(tmp_path / "nothing")


def test_topic_with_two_bad_fields_fails_once_for_each_naming_its_line(project: Path) -> None:
    path = seed_topic(project) / "topic.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    status = next(n for n, line in enumerate(lines, 1) if line.startswith("status:"))
    review = next(n for n, line in enumerate(lines, 1) if line.startswith("next_review:"))
    lines[status - 1], lines[review - 1] = "status: maybe", "next_review: someday"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    findings = check_topic(seed_topic(project), project / "dist")

    assert [(f.gate, f.status, f.file, f.line) for f in findings] == [
        ("topic", "fail", str(path), status),
        ("topic", "fail", str(path), review),
    ]
    assert "status" in findings[0].message and "next_review" in findings[1].message


def test_topic_citing_an_unknown_source_fails_the_citations_gate(project: Path) -> None:
    path = seed_topic(project) / "patient.md"
    path.write_text("Ask your care team [@no-such-source].\n", encoding="utf-8")

    [finding] = check_topic(seed_topic(project), project / "dist")

    assert (finding.gate, finding.status, finding.file, finding.line) == (
        "citations",
        "fail",
        str(path),
        1,
    )
    assert "@no-such-source" in finding.message


def test_unbuilt_topic_runs_every_text_gate_and_fails_artifacts(project: Path) -> None:
    due = seed_next_review(project)

    findings = check_topic(seed_topic(project), project / "dist", today=due)
    overdue = check_topic(seed_topic(project), project / "dist", today=due + timedelta(days=1))

    assert list(dict.fromkeys(f.gate for f in findings)) == [
        "readability",
        "actionable",
        "citations",
        "language",
        "artifacts",
        "evidence",
        "document-control",
    ]
    [artifact] = [f for f in findings if f.gate == "artifacts"]
    assert artifact.message == "not built: run `publish build` first"
    assert [f.status for f in findings if f.gate == "document-control"] == ["warn"]
    assert [f.status for f in overdue if f.gate == "document-control"] == ["fail", "warn"]


def test_today_defaults_to_the_real_date(project: Path) -> None:
    dist = project / "dist"
    assert check_topic(seed_topic(project), dist) == check_topic(
        seed_topic(project), dist, today=date.today()
    )


def test_max_grade_reaches_the_readability_gate(project: Path) -> None:
    findings = check_topic(seed_topic(project), project / "dist", max_grade=1.0)
    [finding] = [f for f in findings if f.gate == "readability"]
    assert finding.status == "fail"
    assert finding.message.endswith("fail above 1)")


def hand_built(project: Path, profile: Profile) -> Path:
    """dist/ with a manifest listing one small handout PDF carrying the profile's safety text."""
    folder = project / "dist" / SEED_TOPIC
    folder.mkdir(parents=True)
    handout = pdf_file(
        folder / "handout.pdf",
        ((i18n.safety(i18n.messages_for("en"), profile).disclaimer, *profile.crisis_for("en")),),
    )
    text = handout.read_bytes()
    listed = {"name": "handout", "file": "handout.pdf", "sha256": hashlib.sha256(text).hexdigest()}
    as_built(folder, load_topic(seed_topic(project)), [listed], profile, Project.find(project))
    return handout


def test_built_files_are_read_back_with_the_profile_the_topic_was_built_with(
    project: Path,
) -> None:
    path = seed_topic(project) / "topic.yaml"
    path.write_text(
        re.sub(
            r"(?m)^(status|approved_by|approved_on): .*$",
            lambda m: {"status": "status: approved", "approved_by": "approved_by: Dr. B"}.get(
                m.group(1), "approved_on: 2026-01-02"
            ),
            path.read_text(encoding="utf-8"),
        ),
        encoding="utf-8",
    )
    handout = hand_built(project, PROFILE)

    here = Project.find(project)
    clinic = check_topic(seed_topic(project), project / "dist", PROFILE, project=here)
    default = check_topic(seed_topic(project), project / "dist", project=here)

    def built(findings: list[Finding]) -> list[tuple[str, str, str | None]]:
        return [
            (f.gate, f.status, f.file)
            for f in findings
            if f.gate in ("safety", "artifacts") and "was not built" not in f.message
        ]

    assert built(clinic) == [
        ("safety", "pass", str(handout)),
        ("artifacts", "pass", str(handout)),
    ]
    assert built(default)[0] == ("safety", "fail", str(handout))


def test_check_topics_runs_every_topic_of_the_project_with_the_options_given(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = project / "seeds" / "topics" / "second-topic"
    shutil.copytree(seed_topic(project), second)
    control = second / "topic.yaml"
    control.write_text(
        re.sub(r"(?m)^id: .*$", "id: second-topic", control.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    handout = hand_built(project, PROFILE)
    copy = project / "dist" / "second-topic"
    copy.mkdir()
    shutil.copy(handout, copy / "handout.pdf")
    listed = {"name": "handout", "file": "handout.pdf", "sha256": manifests.sha256_file(handout)}
    as_built(copy, load_topic(second), [listed], PROFILE, Project.find(project))
    due = seed_next_review(project)
    monkeypatch.chdir(project)

    given = check_topics(
        dist="dist",
        project=Project.find(project),
        max_grade=1.0,
        today=due + timedelta(days=1),
        profile=PROFILE,
    )
    found = check_topics([Path("seeds/topics/second-topic")])

    def gates(result: CheckResult, status: str) -> list[str]:
        return [f.gate for f in result.findings if f.status == status]

    assert gates(given, "fail").count("readability") == 2
    assert gates(given, "fail").count("document-control") == 2
    safety_messages = [f.message for f in given.findings if f.gate == "safety"]
    assert safety_messages == ["handout: missing draft marking"] * 2  # the profile's crisis lines
    assert [
        (f.status, f.message.split(";")[0])
        for f in found.findings
        if f.gate == "artifacts" and "was not built" not in f.message
    ] == [  # checked with the default profile, not the one it was built with
        (
            "fail",
            "handout: built with other templates, another clinic profile or another "
            "publish version than now",
        ),
        ("pass", "handout: tagged, fonts embedded, title and language set, within page limit"),
    ]
    [safety_default] = [f for f in found.findings if f.gate == "safety"]
    assert safety_default.file == str(Path("dist") / "second-topic" / "handout.pdf")
    assert "crisis line 1" in safety_default.message  # the default profile's are not there


# --- epubcheck on small files -----------------------------------------------------------------

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>\
</rootfiles>
</container>"""
PACKAGE = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id" xml:lang="en">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">urn:uuid:12345678-1234-5678-1234-567812345678</dc:identifier>
<dc:title>A book</dc:title><dc:language>en</dc:language>
<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>
</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="text" href="text.xhtml" media-type="application/xhtml+xml"/>
</manifest>
<spine><itemref idref="text"/></spine>
</package>"""
XHTML = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
xml:lang="en"><head><title>{title}</title></head><body>{body}</body></html>"""


def test_a_file_that_is_not_an_epub_fails_with_epubchecks_fatal_error(tmp_path: Path) -> None:
    path = tmp_path / "reader.epub"
    path.write_text("not a zip", encoding="utf-8")

    found = epub.problems(path, EPUB)

    assert [problem.split(":")[0] for problem in found] == ["ERROR PKG-003", "FATAL PKG-008"]


def test_an_epubcheck_warning_is_a_problem_as_much_as_an_error(tmp_path: Path) -> None:
    """A link with an unregistered URI scheme (a WARNING) and a duplicate id (an ERROR)."""
    body = '<p id="x">One.</p><p id="x">Two.</p><p><a href="skype:clinic?call">Call</a></p>'
    nav = '<nav epub:type="toc"><ol><li><a href="text.xhtml">Text</a></li></ol></nav>'
    path = tmp_path / "reader.epub"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        book.writestr("META-INF/container.xml", CONTAINER)
        book.writestr("EPUB/package.opf", PACKAGE)
        book.writestr("EPUB/nav.xhtml", XHTML.format(title="Contents", body=nav))
        book.writestr("EPUB/text.xhtml", XHTML.format(title="Text", body=body))

    found = epub.problems(path, EPUB)

    assert sorted({problem.split(":")[0] for problem in found}) == [
        "ERROR RSC-005",
        "WARNING HTM-025",
    ]


# --- the whole build, judged against the topic as it is now -------------------------------------


def whole(tmp_path: Path) -> tuple[Topic, Path, Path]:
    """A topic and a manifest listing every registered artifact, built from it as it is."""
    topic = make_topic(tmp_path)
    dist = tmp_path / "dist"
    folder = dist / TOPIC_ID
    folder.mkdir(parents=True)
    entries = [entry(folder, a.name, a.filename, b"as built") for a in registry.ARTIFACTS.values()]
    manifest(dist, entries, topic)
    return topic, dist, folder


def test_a_whole_current_build_has_no_artifact_finding(tmp_path: Path) -> None:
    topic, dist, folder = whole(tmp_path)
    files, findings = built_files(topic, dist, PROFILE, Project.find(tmp_path))
    assert findings == []
    assert files == {a.name: folder / a.filename for a in registry.ARTIFACTS.values()}


def test_each_registered_artifact_missing_from_the_manifest_fails_by_name(tmp_path: Path) -> None:
    topic = make_topic(tmp_path)
    dist = tmp_path / "dist"
    folder = dist / TOPIC_ID
    folder.mkdir(parents=True)
    manifest(dist, [entry(folder, "handout", "handout.pdf", b"as built")], topic)
    _, findings = built_files(topic, dist, PROFILE, Project.find(tmp_path))
    assert findings == [
        Finding(
            "artifacts",
            "fail",
            f"{a.name}: {a.filename} was not built; run publish build",
            str(folder / a.filename),
        )
        for a in registry.ARTIFACTS.values()
        if a.name != "handout" and not a.variant  # a variant is checked once it is built
    ]


def test_a_build_from_other_topic_files_fails_once_naming_the_manifest(tmp_path: Path) -> None:
    topic, dist, folder = whole(tmp_path)
    path = folder / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["inputs_sha256"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    files, findings = built_files(topic, dist, PROFILE, Project.find(tmp_path))
    assert findings == [
        Finding(
            "artifacts",
            "fail",
            "the topic or its sources changed since the build; run publish build first",
            str(path),
        )
    ]
    assert len(files) == len(registry.ARTIFACTS)  # still read back by the other gates


def test_a_build_of_another_version_names_both_versions(tmp_path: Path) -> None:
    topic, dist, folder = whole(tmp_path)
    path = folder / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = "0.9"
    path.write_text(json.dumps(data), encoding="utf-8")
    _, findings = built_files(topic, dist, PROFILE, Project.find(tmp_path))
    assert [f.message for f in findings] == [
        "manifest is for version 0.9 (draft, 2026-01-01) but the topic is 1.0 (draft, "
        "2026-01-01); run publish build first"
    ]


def test_checking_with_another_profile_fails_every_artifact_built(tmp_path: Path) -> None:
    topic, dist, folder = whole(tmp_path)
    _, findings = built_files(topic, dist, Profile(), Project.find(tmp_path))
    assert findings == [
        Finding(
            "artifacts",
            "fail",
            f"{a.name}: built with other templates, another clinic profile or another publish "
            "version than now; build again (with the same --profile)",
            str(folder / a.filename),
        )
        for a in registry.ARTIFACTS.values()
    ]


def test_the_paper_the_build_used_is_the_paper_checked(tmp_path: Path) -> None:
    topic, dist, folder = whole(tmp_path)
    path = folder / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["paper"] = "a4"
    path.write_text(json.dumps(data), encoding="utf-8")
    _, findings = built_files(topic, dist, PROFILE, Project.find(tmp_path))
    assert len(findings) == len(registry.ARTIFACTS)  # built on letter, the manifest says a4


def test_a_damaged_manifest_is_named_as_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "dist" / TOPIC_ID
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    files, findings = built_files(
        make_topic(tmp_path), tmp_path / "dist", PROFILE, Project.find(tmp_path)
    )
    assert (files, findings) == (
        {},
        [
            Finding(
                "artifacts",
                "fail",
                "unreadable manifest; run publish build first",
                str(folder / "manifest.json"),
            )
        ],
    )
