"""Hostile and broken inputs: every case of tests/fixtures/bad/cases.yaml through the real
command line, plus the promise that a build never touches the network.

Each case gets a fresh project (a copy of the repository's seeds/), is applied, and run (the
command it judges in a process of its own; a command before it, such as the build a `check`
reads, in this process). An input publish refuses must fail with its documented exit code
and exactly one `error:` line naming the file (and line); an input publish accepts must build,
with its safe handling checked. Nothing may print a traceback, and nothing may reach the local
server that stands in for the network.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import tracemalloc
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pikepdf
import pytest
import yaml
from helpers import Listener, listening, run_cli
from pypdf import PdfReader

from publish import frontmatter
from publish.cli import main
from publish.errors import InputError
from publish.resources import bundled_templates

BAD = Path(__file__).parent / "fixtures" / "bad"
TABLE = BAD / "cases.yaml"
TABLES = [TABLE, *sorted((BAD / "cases").glob("*.yaml"))]
"""cases.yaml, then one table per class of attack in cases/ (same fields)."""
CASES: list[dict[str, Any]] = [
    case for table in TABLES for case in yaml.safe_load(table.read_text(encoding="utf-8"))["cases"]
]
KINDS = {"raw", "topic-file", "profile", "template", "overrides", "output"}
TOPIC_OUT = Path("dist/ketamine-depression")
Run = Callable[..., subprocess.CompletedProcess[str]]


# --- a stand-in for the network ------------------------------------------------------------------


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """One local server on 127.0.0.1 (port 0: any free port) for the whole module."""
    with listening() as found:
        yield found


# --- applying a case -----------------------------------------------------------------------------


@dataclass
class Place:
    """Where a case runs: the project, a folder beside it, the server standing in for the web."""

    project: Path
    outside: Path
    tmp: Path
    url: str

    def fill(self, value: Any) -> Any:
        """Placeholders replaced in a string, or in every string of a list or mapping."""
        if isinstance(value, str):
            return (
                value.replace("{url}", self.url)
                .replace("{outside}", str(self.outside))
                .replace("{tmp}", str(self.tmp))
            )
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        return value

    def path(self, name: str) -> Path:
        return self.project / self.fill(name)


def make_outside(folder: Path) -> Path:
    """Files outside the project that hostile input tries to reach."""
    folder.mkdir()
    (folder / "secret.txt").write_text("a secret outside the project\n", encoding="utf-8")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>\n'
    (folder / "figure.svg").write_text(svg, encoding="utf-8")
    (folder / "logo.svg").write_text(svg, encoding="utf-8")
    (folder / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    return folder


def content(step: dict[str, Any], place: Place) -> bytes:
    """The bytes a write/append/prepend step provides."""
    if "from" in step:
        return place.fill((BAD / step["from"]).read_text(encoding="utf-8")).encode("utf-8")
    if "text" in step:
        return place.fill(step["text"]).encode("utf-8")
    encoding = step.get("encoding", "utf-8")
    newline = {"crlf": "\r\n", "cr": "\r", None: "\n"}[step.get("newline")]
    data = b""
    for piece in step["pieces"]:
        if isinstance(piece, str):
            data += piece.replace("\n", newline).encode(encoding)
        elif "latin1" in piece:
            data += piece["latin1"].encode("latin-1")
        elif "repeat" in piece:
            data += (piece["repeat"] * piece["times"]).encode(encoding)
        else:
            fill = piece["fill"].encode(encoding)
            missing = piece["bytes"] - len(data)
            data += (fill * (missing // len(fill) + 1))[:missing]
    return data


def apply(step: dict[str, Any], place: Place, request: pytest.FixtureRequest) -> None:
    """One setup step of a case (see the table's header for what each does)."""
    if "write" in step:
        target = place.path(step["write"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content(step, place))
    elif "append" in step:
        target = place.path(step["append"])
        target.write_bytes(target.read_bytes() + content(step, place))
    elif "prepend" in step:
        target = place.path(step["prepend"])
        target.write_bytes(content(step, place) + target.read_bytes())
    elif "replace" in step:
        target = place.path(step["replace"])
        text = target.read_text(encoding="utf-8")
        assert step["old"] in text, f"{step['old']!r} not in {target}"
        target.write_text(text.replace(step["old"], place.fill(step["new"]), 1), encoding="utf-8")
    elif "field" in step:
        target = place.path(step["field"])
        text = target.read_text(encoding="utf-8")
        line = re.compile(rf"^{re.escape(step['key'])}:.*$", re.M)
        assert len(line.findall(text)) == 1, f"no single {step['key']!r} line in {target}"
        value = f"{step['key']}: {place.fill(str(step['value']))}"
        target.write_text(line.sub(lambda _: value, text), encoding="utf-8")
    elif "bundled" in step:
        target = place.project / "templates" / step["bundled"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundled_templates() / step["bundled"], target)
    elif "copy" in step:
        shutil.copyfile(place.path(step["copy"]), place.path(step["to"]))
    elif "move" in step:
        place.path(step["move"]).rename(place.path(step["to"]))
    elif "remove" in step:
        place.path(step["remove"]).unlink()
    elif "symlink" in step:
        place.path(step["symlink"]).symlink_to(place.fill(step["to"]))
    elif "mkdir" in step:
        place.path(step["mkdir"]).mkdir(parents=True, exist_ok=True)
    elif "chmod" in step:
        target = place.path(step["chmod"])
        target.chmod(int(step["mode"], 8))
        request.addfinalizer(lambda: target.chmod(0o755))
        if os.access(target, os.W_OK):
            pytest.skip("this user writes whatever the mode (root): nothing to refuse")
    else:
        raise AssertionError(f"unknown setup step {step}")


def run_timed(args: list[str], cwd: Path, seconds: float) -> subprocess.CompletedProcess[str]:
    """The command line, stopped after `seconds`: a slow input is a failure, not a hang."""
    started = time.monotonic()
    try:
        return run_cli(*args, cwd=cwd, timeout=seconds)
    except subprocess.TimeoutExpired:
        elapsed = time.monotonic() - started
        raise AssertionError(
            f"publish {' '.join(args)} still running after {elapsed:.1f} s (limit {seconds} s)"
        ) from None


def run_setup(args: list[str], cwd: Path) -> tuple[int, str]:
    """A command that prepares a case (a build before `check`), run in this process through
    the command line's entry point, as from `cwd`: its exit code and output. Only the last
    command, whose outcome the case judges, needs a process of its own."""
    output = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(output), redirect_stderr(output):
        patch.chdir(cwd)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        patch.setattr(sys, "argv", ["publish", *args])
        try:
            main()
        except SystemExit as exc:
            return int(exc.code or 0), output.getvalue()
    return 0, output.getvalue()


def files_under(root: Path, allowed: list[Path]) -> dict[str, str]:
    """Every file below `root` outside the `allowed` folders, with its sha256."""
    found = {}
    for path in sorted(root.rglob("*")):
        if any(path == a or path.is_relative_to(a) for a in allowed):
            continue
        if path.is_file() and not path.is_symlink():
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_symlink() or path.is_dir():
            found[str(path.relative_to(root))] = "link" if path.is_symlink() else "folder"
    return found


# --- reading artifacts back ----------------------------------------------------------------------

_ACTIVE_ELEMENTS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet"}
_LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background"}
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "file:")
_RAW_SCRIPT_LINK = re.compile(rb"<[^<>]*\shref\s*=\s*[\"']?\s*javascript:", re.I)
"""A script link inside a tag, seen in the bytes (escaped text shows `<` as `&lt;`)."""


def _scheme(url: str) -> str:
    """A URL as a browser compares its scheme: no whitespace or controls, lower case."""
    return re.sub(r"[\x00-\x20]", "", url).lower()


def _leaves_the_book(url: str, tag: str) -> bool:
    """A link to anything but the web or a file of the book, or an image from outside it:
    `smb:` and `//host` links, `../` out of the book, a remote (tracking) image."""
    plain = _scheme(url)
    if re.match(r"[a-z][a-z0-9+.-]*:", plain):
        return tag in ("img", "image") or not plain.startswith(("http:", "https:"))
    return plain.startswith(("//", "/", "\\")) or ".." in plain.split("/")


def epub_documents(epub: Path) -> dict[str, bytes]:
    """Every markup document inside the EPUB (XHTML, navigation, package, SVG)."""
    with zipfile.ZipFile(epub) as book:
        return {
            name: book.read(name)
            for name in book.namelist()
            if name.endswith((".xhtml", ".html", ".ncx", ".opf", ".svg", ".xml"))
        }


def active_content_in_epub(epub: Path) -> list[str]:
    """Elements and attributes that would run or load something, found by walking the XML."""
    problems = []
    for name, data in epub_documents(epub).items():
        if _RAW_SCRIPT_LINK.search(data):
            problems.append(f'{name}: href="javascript:" in a tag')
        root = ET.fromstring(data)
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.rsplit("}", 1)[-1].lower()
            if tag in _ACTIVE_ELEMENTS:
                problems.append(f"{name}: <{tag}> element")
            for attribute, value in element.attrib.items():
                local = attribute.rsplit("}", 1)[-1].lower()
                if local.startswith("on"):
                    problems.append(f"{name}: {local}= attribute on <{tag}>")
                if local in _LINK_ATTRIBUTES and _scheme(value).startswith(_UNSAFE_SCHEMES):
                    problems.append(f"{name}: {local}={value!r} on <{tag}>")
                elif local in _LINK_ATTRIBUTES and _leaves_the_book(value, tag):
                    problems.append(f"{name}: {local}={value!r} leaves the book")
    return problems


def _pdf_dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary in the file: indirect objects and the direct ones nested inside them."""
    stack = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary | pikepdf.Array)]
    while stack:
        obj = stack.pop()
        children = obj.values() if isinstance(obj, pikepdf.Dictionary) else list(obj)
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
        for child in children:
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                stack.append(child)


def active_content_in_pdf(pdf_path: Path) -> list[str]:
    """JavaScript, launch or submit actions, and links with an unsafe scheme, anywhere."""
    problems = []
    with pikepdf.open(pdf_path) as pdf:
        for obj in _pdf_dictionaries(pdf):
            for key in ("/JS", "/JavaScript", "/AA", "/OpenAction", "/Launch"):
                if key in obj:
                    problems.append(f"dictionary with {key}")
            kind = obj.get("/S")
            if kind is not None and str(kind) in ("/JavaScript", "/Launch", "/SubmitForm"):
                problems.append(f"action {kind}")
            uri = obj.get("/URI")
            if uri is not None and not _scheme(str(uri)).startswith(("http:", "https:")):
                problems.append(f"link to {uri}")
    return problems


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def epub_text(path: Path) -> str:
    parts = []
    for data in epub_documents(path).values():
        parts.extend(ET.fromstring(data).itertext())
    return " ".join(parts)


def read_normalized(path: Path) -> tuple[dict[str, Any], str]:
    """Front matter and body of a normalized file, read without the code under test."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?\n)---\n", text, re.S)
    assert match, f"{path} has no front matter"
    return yaml.safe_load(match.group(1)), text[match.end() :]


# --- the corpus ----------------------------------------------------------------------------------


def _cases() -> Iterator[Any]:
    for case in CASES:
        marks = []
        if case.get("bug"):
            marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=case["bug"]))
        yield pytest.param(case, id=case["name"], marks=marks)


def _findings(result: subprocess.CompletedProcess[str], command: list[str]) -> list[str]:
    """The lines that report the failure: `error:` lines, or FAIL lines of `publish check`."""
    lines = result.stderr.splitlines() + result.stdout.splitlines()
    if command[0] == "check" and result.returncode == 1:
        # the large-print handout is the handout laid out larger: one finding, found twice
        same = [_as_handout(line) for line in lines if line.startswith("FAIL")]
        return list(dict.fromkeys(same))
    return [line for line in lines if line.startswith("error:")]


PAGE_LIMIT = re.compile(r"\bartifacts\s+handout: \d+ pages, limit \d+")


def _as_handout(line: str) -> str:
    return line.replace("handout-large-print.pdf", "handout.pdf").replace(
        "large-print:", "handout:"
    )


def check_expectation(
    case: dict[str, Any], place: Place, command: list[str], result: subprocess.CompletedProcess[str]
) -> None:
    expect = place.fill(case["expect"])
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    if expect.get("ok"):
        assert result.returncode == 0, output
        assert _findings(result, command) == [], output
        return
    allowed = expect["exit"] if isinstance(expect["exit"], list) else [expect["exit"]]
    assert result.returncode in allowed, f"exit {result.returncode}, expected {allowed}\n{output}"
    if result.returncode == 0:
        return
    findings = _findings(result, command)
    if "pages" not in expect["says"]:  # text added by a case may push the full handout over
        findings = [line for line in findings if not PAGE_LIMIT.search(line)]
    assert len(findings) == 1, output
    [line] = findings
    assert expect["says"] in line, line
    where = expect["file"]
    assert where in line, line
    if expect.get("line") is True:
        assert re.search(re.escape(where) + r":\d+:", line), f"no line number: {line}"
    elif expect.get("line"):
        assert f"{where}:{expect['line']}:" in line, line


def run_check(
    name: str, value: Any, place: Place, result: subprocess.CompletedProcess[str]
) -> None:
    """One entry of a case's `checks`."""
    project = place.project
    built = project / TOPIC_OUT
    if name == "normalized":
        meta, body = read_normalized(project / "seeds" / "normalized" / f"{value['id']}.md")
        assert meta["id"] == value["id"]
        if "title" in value:
            assert meta["title"] == value["title"]
        for text in value.get("body_has", []):
            assert text in body, f"{text!r} not in body:\n{body[:2000]}"
        for text in value.get("body_lacks", []):
            assert text not in body, f"{text!r} in body:\n{body[:2000]}"
    elif name == "inert":
        assert result.returncode == 0, result.stderr
        files = {
            "handout": built / "handout.pdf",
            "clinician": built / "clinician-summary.pdf",
            "epub": built / "reader.epub",
        }
        for artifact in value:
            path = files[artifact]
            problems = (
                active_content_in_epub(path) if artifact == "epub" else active_content_in_pdf(path)
            )
            assert problems == [], f"{artifact}: {problems}"
    elif name == "pdf_text_has":
        assert _squash(value) in _squash(pdf_text(built / "handout.pdf"))
    elif name == "epub_text_has":
        assert _squash(value) in _squash(epub_text(built / "reader.epub"))
    elif name == "warning":
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert any(value in line for line in warnings), result.stderr
    elif name == "absent":
        path = Path(value) if Path(value).is_absolute() else project / value
        assert not path.exists() and not path.is_symlink(), f"{path} exists"
    elif name != "writes_only_under":
        raise AssertionError(f"unknown check {name!r}")


@pytest.mark.parametrize("case", list(_cases()))
def test_hostile_input(
    case: dict[str, Any],
    new_project: Callable[[str], Path],
    run_publish: Run,
    listener: Listener,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    outside = make_outside(tmp_path / "outside")
    place = Place(new_project("project"), outside, tmp_path, listener.url)
    for step in case.get("setup", []):
        apply(step, place, request)
    connections = len(listener.connections)  # every command of the case is counted
    commands = [shlex.split(place.fill(c)) for c in case["run"]]
    for command in commands[:-1]:
        code, output = run_setup(command, place.project)
        assert code == 0, output
    checks = [place.fill(c) for c in case.get("checks", [])]
    allowed = [place.project / p for c in checks for p in c.get("writes_only_under", [])]
    before = files_under(tmp_path, allowed) if allowed else None
    if case.get("within_seconds"):
        result = run_timed(commands[-1], place.project, case["within_seconds"])
    else:
        result = run_publish(*commands[-1], cwd=place.project)
    check_expectation(case, place, commands[-1], result)
    if before is not None:
        assert files_under(tmp_path, allowed) == before, "files changed outside " + str(allowed)
    for entry in checks:
        [(name, value)] = entry.items()
        run_check(name, value, place, result)
    assert len(listener.connections) == connections, listener.paths


# --- the table itself ----------------------------------------------------------------------------


def test_corpus_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40


def test_corpus_covers_every_kind_of_input() -> None:
    assert {case["kind"] for case in CASES} == KINDS


def test_every_case_is_complete_and_every_fixture_is_used() -> None:
    """Each case says what it is, what runs and what must happen; no fixture file is orphaned."""
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names))
    used = set()
    for case in CASES:
        assert case["kind"] in KINDS, case["name"]
        assert case["what"] and case["run"], case["name"]
        expect = case["expect"]
        if expect.get("ok"):
            assert expect.get("handling"), f"{case['name']}: an accepted input documents how"
        else:
            assert {"exit", "says", "file"} <= set(expect), case["name"]
        for step in case.get("setup", []):
            if "from" in step:
                assert (BAD / step["from"]).is_file(), step["from"]
                used.add(step["from"])
    committed = {str(p.relative_to(BAD)) for p in BAD.rglob("*") if p.is_file() and p not in TABLES}
    assert committed == used


# --- resource limits, in process -----------------------------------------------------------------


def test_billion_laughs_is_refused_quickly_in_little_memory() -> None:
    text = (BAD / "raw" / "billion-laughs.md").read_text(encoding="utf-8")
    fm_text, _, _ = frontmatter.split(text)
    assert fm_text is not None
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError, match="aliases are not allowed"):
            frontmatter.load(fm_text, "laughs.md")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 5 * 1024 * 1024


# --- nothing is fetched --------------------------------------------------------------------------


def test_the_listener_sees_a_request(listener: Listener) -> None:
    """The server below is trusted to notice a fetch: check that it does."""
    before = len(listener.connections)
    with urlopen(f"{listener.url}/probe.css", timeout=5) as response:
        assert response.status == 200
    assert len(listener.connections) == before + 1
    assert listener.paths[-1] == "/probe.css"


def test_no_network_access_from_any_input(
    new_project: Callable[[str], Path], run_publish: Run, listener: Listener
) -> None:
    """Text, stylesheets and raw sources all point at a live server; none of it is fetched."""
    project = new_project("project")
    url = listener.url
    before = len(listener.connections)
    topic = project / "seeds" / "topics" / "ketamine-depression"
    patient = topic / "patient.md"
    original = patient.read_text(encoding="utf-8")

    patient.write_text(original + f"\n![A remote figure]({url}/figure.png)\n", encoding="utf-8")
    refused = run_publish("build", "--only", "handout", cwd=project)
    assert refused.returncode == 4, refused.stderr
    assert f"{url}/figure.png" in refused.stderr
    patient.write_text(original, encoding="utf-8")

    css = project / "templates" / "css" / "handout.css"
    css.parent.mkdir(parents=True)
    bundled = (bundled_templates() / "css" / "handout.css").read_text(encoding="utf-8")
    css.write_text(
        f'@import url("{url}/import.css");\n{bundled}\n'
        f'body {{ background-image: url("{url}/background.png"); }}\n',
        encoding="utf-8",
    )
    (project / "seeds" / "raw" / "linked.md").write_text(
        f"---\ntitle: Linked Page\nurl: {url}/page\n---\n\n"
        f'See [the page]({url}/link) and <img src="{url}/inline.png"> for more.\n',
        encoding="utf-8",
    )
    control = topic / "topic.yaml"
    control.write_text(
        control.read_text(encoding="utf-8").replace("sources:\n", "sources:\n  - linked-page\n"),
        encoding="utf-8",
    )
    assert run_publish("normalize", cwd=project).returncode == 0
    built = run_publish("build", "--only", "handout", "--only", "epub", cwd=project)
    assert built.returncode == 0, built.stderr
    assert f"refused to load {url}/import.css" in built.stderr
    assert f"refused to load {url}/background.png" in built.stderr
    book = epub_documents(project / TOPIC_OUT / "reader.epub")
    assert any(f"{url}/page".encode() in data for data in book.values())

    assert len(listener.connections) == before, listener.paths


# --- the artifact readers find what they look for ------------------------------------------------


def test_epub_reader_finds_active_content(tmp_path: Path) -> None:
    page = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body>'
        '<script>alert(1)</script><img src="x" onerror="alert(2)"/>'
        '<a href=" JavaScript:alert(3)">x</a><p>&lt;script&gt; as text</p></body></html>'
    )
    book = tmp_path / "book.epub"
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("EPUB/page.xhtml", page)
    assert active_content_in_epub(book) == [
        'EPUB/page.xhtml: href="javascript:" in a tag',
        "EPUB/page.xhtml: <script> element",
        "EPUB/page.xhtml: onerror= attribute on <img>",
        "EPUB/page.xhtml: href=' JavaScript:alert(3)' on <a>",
    ]


def test_pdf_reader_sees_link_annotations(built_topic: Path) -> None:
    """The handout's web links are found, so a javascript: link would be too."""
    with pikepdf.open(built_topic / "handout.pdf") as pdf:
        uris = [str(d["/URI"]) for d in _pdf_dictionaries(pdf) if "/URI" in d]
    assert any(uri.startswith("https://") for uri in uris)
    assert active_content_in_pdf(built_topic / "handout.pdf") == []
