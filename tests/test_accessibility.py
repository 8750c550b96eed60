"""Accessibility of what `publish build` writes, checked the way the field checks it.

The EPUBs go through Ace by DAISY (the checker EPUB accessibility conformance is
reported with), which runs axe-core in Chromium over every content document. The PDFs'
links must each have an area a pointer can hit and a text alternative that says where
they go (WCAG 2.4.9; veraPDF rule 2.4.9-1), still tied to their `Link` structure
elements; the clinician sheet's table headers must state their scope. One build of the
default topic, English and Spanish, serves the whole module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pytest
from helpers import REPO_ROOT, copy_seeds

from publish.builder import build_topics
from publish.render.pdffinish import Tree, describe

TOPIC = "ketamine-depression"
LANGUAGES = {"en": TOPIC, "es": f"{TOPIC}.es"}
"""Each language's output folder."""
ACE_LOCAL = REPO_ROOT / ".ci" / "node" / "node_modules" / ".bin" / "ace-cli"
"""Where `.ci/run` installs Ace (`npm install --prefix .ci/node @daisy/ace-cli`)."""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default topic built in every language, every artifact: the output folder."""
    root = tmp_path_factory.mktemp("accessibility")
    copy_seeds(root / "seeds", translations=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        result = build_topics(out=root / "dist")
    assert result.ok, [str(e) for e in result.errors]
    assert {t.folder.name for t in result.topics} == set(LANGUAGES.values())
    return root / "dist"


def pdfs(dist: Path) -> list[Path]:
    found = sorted(dist.glob("*/*.pdf"))
    names = {(p.parent.name, p.name) for p in found}
    assert {(TOPIC, "handout.pdf"), (TOPIC, "clinician-summary.pdf")} <= names
    assert (LANGUAGES["es"], "handout.pdf") in names
    return found


def link_annotations(path: Path) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """Every link annotation of a PDF, with where it is (file and page) for messages."""
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") == "/Link":
                    yield f"{path.parent.name}/{path.name} p.{number}", annotation


# --- Ace by DAISY ------------------------------------------------------------------------------


def ace_command() -> list[str]:
    """Ace as `.ci/run` installs it, or as installed on PATH; missing, the test fails: a
    suite that skipped it would pass on a machine that checked nothing."""
    found = next(
        (
            str(path)
            for path in (ACE_LOCAL, shutil.which("ace"), shutil.which("ace-cli"))
            if path and os.access(path, os.X_OK)
        ),
        None,
    )
    if found is None:
        pytest.fail(
            "Ace by DAISY is not installed: `PUPPETEER_SKIP_DOWNLOAD=1 npm install "
            "--prefix .ci/node @daisy/ace-cli` (needs Node.js 20 or later; README Requirements)"
        )
    return [found]


def ace(epub: Path, outdir: Path) -> dict:
    """Ace's report on one EPUB, run with Debian's Chromium (Puppeteer downloads none)."""
    env = dict(os.environ)
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", shutil.which("chromium") or "/usr/bin/chromium")
    command = [*ace_command(), "--silent", "--force", "--outdir", str(outdir), str(epub)]
    for _attempt in range(3):  # a browser that fails to start gives no report, no verdict
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        if run.returncode == 0 or (outdir / "report.json").is_file():
            break
    assert run.returncode == 0, f"Ace failed on {epub}: {run.stdout}{run.stderr}"
    return json.loads((outdir / "report.json").read_text(encoding="utf-8"))


def violations(report: dict) -> list[str]:
    """Each failed check of an Ace report: rule id, impact, document, element, what is wrong."""
    found = []
    for document in report["assertions"]:
        subject = document["earl:testSubject"]["url"]
        for check in document.get("assertions", []):
            if check["earl:result"]["earl:outcome"] != "fail":
                continue
            test, result = check["earl:test"], check["earl:result"]
            where = ", ".join(result.get("earl:pointer", {}).get("css", []))
            found.append(
                f"{test['dct:title']} [{test.get('earl:impact', '?')}] {subject} {where}: "
                + result["dct:description"].splitlines()[0]
            )
    return found


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_ace_finds_no_violation_in_the_book(dist: Path, language: str, tmp_path: Path) -> None:
    report = ace(dist / LANGUAGES[language] / "reader.epub", tmp_path / "ace")
    found = violations(report)
    assert not found, "Ace by DAISY reports:\n" + "\n".join(found)
    assert report["earl:result"]["earl:outcome"] == "pass"


def test_ace_reports_a_figure_without_a_text_alternative(dist: Path, tmp_path: Path) -> None:
    """The same check on a copy of the book whose figure lost its description must fail:
    the test above would otherwise pass on an Ace that checked no content document."""
    source, damaged = dist / TOPIC / "reader.epub", tmp_path / "damaged.epub"
    with zipfile.ZipFile(source) as book, zipfile.ZipFile(damaged, "w") as copy:
        for item in book.infolist():
            data = book.read(item)
            if item.filename.endswith(".xhtml") and b'src="images/' in data:
                data = re.sub(rb'(<img\b[^>]*?) alt="[^"]*"', rb"\1", data)
            copy.writestr(item, data)
    found = violations(ace(damaged, tmp_path / "ace"))
    assert any(v.startswith("image-alt ") for v in found), found


# --- PDF links ---------------------------------------------------------------------------------


def test_every_pdf_link_has_an_area_to_click(dist: Path) -> None:
    empty = []
    for path in pdfs(dist):
        for where, annotation in link_annotations(path):
            x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
            if not (x2 > x1 and y2 > y1):
                empty.append(f"{where}: {[x1, y1, x2, y2]}")
    assert not empty, "links with no area (x1 < x2 and y1 < y2):\n" + "\n".join(empty)


def test_every_pdf_link_says_where_it_goes_not_its_address(dist: Path) -> None:
    bare = []
    for path in pdfs(dist):
        for where, annotation in link_annotations(path):
            text = str(annotation.get("/Contents", "")).strip()
            targets = {str(annotation.get("/Dest", ""))}
            if "/A" in annotation:
                targets.add(str(annotation.A.get("/URI", "")))
            if not text or text in targets:
                bare.append(f"{where}: {text!r}")
    assert not bare, "links whose text alternative is empty or their target:\n" + "\n".join(bare)


def test_a_citation_link_reads_as_its_numbered_reference(dist: Path) -> None:
    """ "3" alone tells a listener nothing; the reference it points to does, number first."""
    said: dict[str, set[str]] = {}
    for where, annotation in link_annotations(dist / TOPIC / "handout.pdf"):
        destination = str(annotation.get("/Dest", ""))
        if destination.startswith("ref-"):
            number = destination.removeprefix("ref-")
            text = str(annotation.Contents)
            assert text.startswith(f"{number}. ") and len(text.split()) > 3, (where, text)
            said.setdefault(number, set()).add(text)
    assert len(said) >= 2 and all(len(texts) == 1 for texts in said.values()), said
    assert len({next(iter(texts)) for texts in said.values()}) == len(said), said


def test_pdf_links_stay_tied_to_their_link_structure_elements(dist: Path) -> None:
    """PDF/UA: each link annotation is the object of a `Link` element of the structure tree."""
    loose = []
    for path in pdfs(dist):
        with pikepdf.open(path) as pdf:
            parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
            for number, page in enumerate(pdf.pages, start=1):
                for annotation in page.obj.get("/Annots", []):
                    element = parents.get(int(annotation.StructParent))
                    kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
                    objects = [k.Obj.objgen for k in kids if isinstance(k, pikepdf.Dictionary)]
                    if element.S != "/Link" or annotation.objgen not in objects:
                        loose.append(f"{path.parent.name}/{path.name} p.{number}")
    assert not loose, loose


# --- PDF tables --------------------------------------------------------------------------------


def structure_elements(node: object, tag: str) -> Iterator[pikepdf.Dictionary]:
    if not isinstance(node, pikepdf.Dictionary):
        return
    if node.get("/S") == tag:
        yield node
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        yield from structure_elements(kid, tag)


def test_clinician_table_headers_state_their_scope(dist: Path) -> None:
    with pikepdf.open(dist / TOPIC / "clinician-summary.pdf") as pdf:
        headers = list(structure_elements(pdf.Root.StructTreeRoot, "/TH"))
        scopes = [(str(th.A.get("/O")), str(th.A.get("/Scope"))) for th in headers]
    assert len(scopes) >= 2, "the source appraisal table has a header row"
    assert set(scopes) == {("/Table", "/Column")}, scopes


# --- the text alternatives, one case at a time ------------------------------------------------


def test_an_address_outside_the_reference_list_reads_as_its_host() -> None:
    root = ElementTree.fromstring(
        '<html><body><p>See <a href="https://www.example.org/a?b=1">'
        "https://www.example.org/a?b=1</a>.</p></body></html>"
    )
    [link] = root.iter("a")
    target = link.get("href", "")
    assert describe(link, "external", target, Tree.of(root)) == "www.example.org"
