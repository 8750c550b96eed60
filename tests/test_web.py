"""The web handout: one self-contained, script-free HTML file with what the PDF has."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import html

from publish.gates import web
from publish.gates.visible import squash
from publish.render.registry import ARTIFACTS

SAFE = """<!DOCTYPE html><html lang="en"><head><title>t</title><meta name="robots" content="x">
<style>p{color:#000} i{background:url(data:image/png;base64,AAAA)}</style></head><body><main>
<h1>Title</h1><p>Text <a href="https://example.org/">a link is not a load</a></p>
<img src="DATA:image/svg+xml;base64,PHN2Zy8+" alt="embedded">{extra}</main></body></html>"""


@pytest.fixture(scope="module")
def page(built_project: Path) -> html.HtmlElement:
    return html.fromstring((built_project / "dist/ketamine-depression/handout.html").read_bytes())


def text_of(element: html.HtmlElement) -> str:
    return squash(element.text_content())


def test_it_is_a_default_artifact_listed_in_the_manifest(built_project: Path) -> None:
    import json

    artifact = ARTIFACTS["web"]
    assert (artifact.filename, artifact.media_type, artifact.variant) == (
        "handout.html",
        "text/html",
        False,
    )
    manifest = json.loads((built_project / "dist/ketamine-depression/manifest.json").read_text())
    [entry] = [a for a in manifest["artifacts"] if a["name"] == "web"]
    assert entry["file"] == "handout.html" and "pages" not in entry
    assert manifest["summary"]


def test_it_loads_nothing_and_runs_nothing(built_project: Path, page: html.HtmlElement) -> None:
    path = built_project / "dist/ketamine-depression/handout.html"
    assert web.problems(path, ARTIFACTS["web"]) == []
    assert not page.xpath("//script | //link | //iframe | //object | //embed | //base")
    assert not [a for e in page.iter() for a in e.attrib if a.lower().startswith("on")]
    sources = page.xpath("//img/@src")
    assert sources and all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    assert page.xpath("//style") and page.xpath("//meta[@name='viewport']")


def test_it_has_the_handouts_safety_blocks_draft_marking_and_references(
    page: html.HtmlElement,
) -> None:
    assert page.get("lang") == "en"
    assert [text_of(h) for h in page.xpath("//h1")] == ["Ketamine for Depression"]
    [disclaimer] = page.xpath("//aside[@class='disclaimer']")
    assert "This is for education only" in text_of(disclaimer)
    [crisis] = page.xpath("//section[@class='crisis']")
    assert "988" in text_of(crisis)
    assert "No clinician has approved this text" in text_of(page.xpath("//*[@role='note']")[0])
    [main] = page.xpath("//main")
    assert main.xpath(".//section[contains(@class, 'key-messages')]")
    # every citation number links to an entry of the reference list on the same page
    targets = {href[1:] for href in main.xpath(".//sup[@class='cite']/a/@href")}
    entries = set(page.xpath("//section[@class='references']//li/@id"))
    assert targets and targets <= entries
    assert page.xpath("//footer[@class='page-footer']//text()")


def test_its_words_are_the_pdf_handouts(built_project: Path, page: html.HtmlElement) -> None:
    from publish.gates.visible import read_pdf

    printed = read_pdf((built_project / "dist/ketamine-depression/handout.pdf").read_bytes())
    pdf = squash(printed.everything)
    for item in page.xpath("//main//li | //main//p"):
        first = " ".join(text_of(item).split()[:4])  # before any citation number
        assert first in pdf, first


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("<script>alert(1)</script>", "<script> is not allowed"),
        ('<img src="https://tracker.example/p.gif" alt="">', "<img> loads https://tracker.example"),
        ('<img src="x.png" alt="">', "<img> loads x.png"),
        ('<p onclick="x()">hi</p>', "event handler (onclick)"),
        ('<a href="javascript:x()">hi</a>', "script URL in href"),
        ('<iframe src="data:text/html,hi"></iframe>', "<iframe> is not allowed"),
        ('<link rel="stylesheet" href="https://cdn.example/a.css">', "<link> loads"),
        ('<p style="background:url(https://t.example/a)">hi</p>', "styles load from outside"),
        ('<meta http-equiv="refresh" content="0;url=https://x.example">', "<meta> is not allowed"),
        ("<h1>Second</h1>", "the page needs exactly one <h1>"),
        ("<main>Second</main>", "the page needs exactly one <main>"),
        ('<a href=" VBScript:x">hi</a>', "script URL in href"),
        ("<style>p { background: url('https://t.example/a') }</style>", "styles load from outside"),
        ('<svg><image href="https://t.example/i.png"/></svg>', "<image> loads https://t.example"),
        ('<img srcset="https://t.example/a.png 2x" alt="">', "<img> loads https://t.example"),
    ],
)
def test_the_verifier_names_what_would_run_or_reach_out(
    tmp_path: Path, extra: str, problem: str
) -> None:
    path = tmp_path / "handout.html"
    path.write_text(SAFE.replace("{extra}", extra), encoding="utf-8")
    found = web.problems(path, ARTIFACTS["web"])
    assert any(problem in p for p in found), found
    path.write_text(SAFE.replace("{extra}", ""), encoding="utf-8")
    assert web.problems(path, ARTIFACTS["web"]) == []


def test_a_page_without_a_language_is_named(tmp_path: Path) -> None:
    path = tmp_path / "handout.html"
    path.write_text(SAFE.replace(' lang="en"', ""), encoding="utf-8")
    assert web.problems(path, ARTIFACTS["web"]) == ["the page has no lang attribute"]


def with_web_stylesheet(built_project: Path, tmp_path: Path, css: str) -> Path:
    """A copy of the built project whose own templates/css/web.css holds `css`."""
    project = tmp_path / "project"
    shutil.copytree(built_project, project)
    override = project / "templates" / "css"
    override.mkdir(parents=True)
    (override / "web.css").write_text(css, encoding="utf-8")
    return project


def test_a_stylesheet_that_hides_the_disclaimer_fails_the_safety_gate(
    built_project: Path, tmp_path: Path, run_publish
) -> None:
    bundled = Path(__file__).resolve().parent.parent / "templates" / "css" / "web.css"
    css = bundled.read_text("utf-8") + "\n.disclaimer { color: #e8f0f8; }\n"
    project = with_web_stylesheet(built_project, tmp_path, css)
    built = run_publish("build", "--only", "web", cwd=project)
    assert built.returncode == 0, built.stderr
    checked = run_publish("check", cwd=project)
    assert checked.returncode == 1
    assert re.search(r"^FAIL\s+safety\s+web: .*disclaimer", checked.stdout, re.M), checked.stdout


def test_a_stylesheet_that_would_load_something_is_refused(
    built_project: Path, tmp_path: Path, run_publish
) -> None:
    css = '@font-face { font-family: X; src: url("https://fonts.example/x.woff2"); }\n'
    project = with_web_stylesheet(built_project, tmp_path, css)
    result = run_publish("build", "--only", "web", cwd=project)
    assert result.returncode != 0
    assert "templates/css/web.css" in result.stderr and "url()" in result.stderr
    assert "Traceback" not in result.stderr
