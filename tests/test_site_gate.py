"""The site gate on small sites written by hand: each way a site can break is named."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from publish.gates.site import PASSED, findings, problems

PAGE = """<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>
<main><h1 id="top">T</h1><a href="#top">up</a> <a href="handout.pdf">PDF</a>
<a href="../../index.html">All</a> <a href="https://example.org/elsewhere">out</a>
<a href="mailto:care@example.org">mail</a> <a href="tel:+15550100">call</a> <a href="#">top</a>
<img src="data:image/png;base64,AAAA" alt=""/></main></body></html>"""
INDEX = """<!DOCTYPE html><html lang="en"><head><title>i</title></head><body>
<main><a href="t/en/index.html">T</a> <a href="t/en/">T</a></main></body></html>"""
FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>f</title>
<updated>2026-01-01T00:00:00Z</updated>
<entry><title>T</title><id>urn:y</id><updated>2026-01-01T00:00:00Z</updated>
<link rel="http://opds-spec.org/acquisition/open-access" href="t/en/handout.pdf"/>
<link rel="alternate" href="t/en/index.html"/></entry></feed>"""


def make_site(root: Path) -> Path:
    site = root / "site"
    page = site / "t" / "en"
    page.mkdir(parents=True)
    (site / "index.html").write_text(INDEX, "utf-8")
    (site / "catalog.xml").write_text(FEED, "utf-8")
    (site / "sitemap.xml").write_text("<urlset/>", "utf-8")
    (page / "index.html").write_text(PAGE, "utf-8")
    (page / "handout.pdf").write_bytes(b"%PDF built")
    digest = hashlib.sha256(b"%PDF built").hexdigest()
    entry = {"name": "handout", "file": "handout.pdf", "sha256": digest}
    manifest = {"topic": "t", "language": "en", "translation": None, "artifacts": [entry]}
    (page / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return site


def test_a_whole_site_passes(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    assert problems(site) == []
    assert [(f.gate, f.status, f.message, f.file) for f in findings(site, None)] == [
        ("site", "pass", PASSED, str(site))
    ]


@pytest.mark.parametrize(
    ("break_it", "problem"),
    [
        (
            lambda s: (s / "t/en/handout.pdf").write_bytes(b"%PDF edited"),
            "t/en/handout.pdf: does not match the manifest",
        ),
        (lambda s: (s / "t/en/handout.pdf").unlink(), "t/en/handout.pdf: does not match"),
        (
            lambda s: (s / "t/en/old-handout.pdf").write_bytes(b"%PDF"),
            "t/en/old-handout.pdf: offered, but not in the manifest beside it",
        ),
        (
            lambda s: (s / "t/en/manifest.json").write_text("{not json", "utf-8"),
            "t/en/manifest.json: unreadable manifest",
        ),
        (
            lambda s: (s / "t/en/manifest.json").write_text(
                (s / "t/en/manifest.json").read_text("utf-8").replace("handout.pdf", "../x.pdf"),
                "utf-8",
            ),
            "t/en/manifest.json: unreadable manifest",
        ),
        (
            lambda s: (s / "t/en/index.html").write_text(
                PAGE.replace('href="handout.pdf"', 'href="javascript:alert(1)"'), "utf-8"
            ),
            "t/en/index.html: <a> javascript:alert(1) is not a web address",
        ),
        (lambda s: (s / "index.html").unlink(), "index.html: missing"),
        (lambda s: (s / "catalog.xml").unlink(), "catalog.xml: missing"),
        (lambda s: (s / "catalog.xml").write_text("<feed", "utf-8"), "catalog.xml: does not parse"),
        (
            lambda s: (s / "catalog.xml").write_text("<rss/>", "utf-8"),
            "catalog.xml: not an Atom feed",
        ),
        (
            lambda s: (s / "sitemap.xml").write_text("<urlset", "utf-8"),
            "sitemap.xml: does not parse",
        ),
        (
            lambda s: (s / "catalog.xml").write_text(FEED.replace("<title>T</title>", ""), "utf-8"),
            "catalog.xml: entry 1 has no title",
        ),
        (
            lambda s: (s / "catalog.xml").write_text(FEED.replace("<id>urn:y</id>", ""), "utf-8"),
            "catalog.xml: entry 1 has no id",
        ),
        (
            lambda s: (s / "catalog.xml").write_text(
                FEED.replace("<updated>2026-01-01T00:00:00Z</updated>\n<link", "<link"), "utf-8"
            ),
            "catalog.xml: entry 1 has no updated",
        ),
        (
            lambda s: (s / "catalog.xml").write_text(FEED.replace("open-access", "x"), "utf-8"),
            "catalog.xml: entry 1 has no acquisition link",
        ),
        (
            lambda s: (s / "catalog.xml").write_text(
                FEED.replace("t/en/index", "t/fr/index"), "utf-8"
            ),
            "catalog.xml: entry 1: t/fr/index.html leads to no file",
        ),
        (
            lambda s: (s / "t/en/index.html").write_text(PAGE.replace("#top", "#gone"), "utf-8"),
            "t/en/index.html: <a> #gone names no element of the page",
        ),
        (
            lambda s: (s / "t/en/index.html").write_text(
                PAGE.replace("../../index.html", "../../../outside.html"), "utf-8"
            ),
            "t/en/index.html: <a> ../../../outside.html leads outside the site",
        ),
        (
            lambda s: (s / "index.html").write_text(INDEX.replace('t/en/"', 't/es/"'), "utf-8"),
            "index.html: <a> t/es/ leads to no file",
        ),
        (
            lambda s: (s / "t/en/index.html").write_text(
                PAGE.replace('alt=""/>', 'alt=""/><img src="missing.png" alt="">'), "utf-8"
            ),
            "t/en/index.html: <img> missing.png leads to no file",
        ),
    ],
)
def test_each_break_is_named(tmp_path: Path, break_it, problem: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site(tmp_path)
    break_it(site)
    found = problems(site)
    assert any(p.startswith(problem) for p in found), found
    assert [(f.gate, f.status, f.message, f.file) for f in findings(site, None)] == [
        ("site", "fail", p, str(site)) for p in found
    ]


def test_a_site_older_than_the_build_is_named(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    dist = tmp_path / "dist"
    (dist / "t").mkdir(parents=True)
    built = json.loads((site / "t/en/manifest.json").read_text("utf-8"))
    (dist / "t" / "manifest.json").write_text(json.dumps(built), "utf-8")
    assert problems(site, dist) == []
    built["artifacts"][0]["sha256"] = "0" * 64
    (dist / "t" / "manifest.json").write_text(json.dumps(built), "utf-8")
    assert problems(site, dist) == [
        f"t/en/manifest.json: older than the build in {dist / 't'}; run publish site"
    ]


def test_a_translations_page_is_compared_with_its_own_build(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    manifest = site / "t/en/manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data |= {"language": "es", "translation": {"status": "draft"}}
    manifest.write_text(json.dumps(data), "utf-8")
    dist = tmp_path / "dist"
    (dist / "t.es").mkdir(parents=True)
    (dist / "t.es" / "manifest.json").write_text("{}", "utf-8")
    assert problems(site, dist) == [
        f"t/en/manifest.json: older than the build in {dist / 't.es'}; run publish site"
    ]


def test_no_site_is_one_failure(tmp_path: Path) -> None:
    none = tmp_path / "none"
    assert [(f.gate, f.status, f.message, f.file) for f in findings(none, None)] == [
        ("site", "fail", "no site here; run publish site", str(none))
    ]


def test_findings_compare_with_the_build(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    dist = tmp_path / "dist"
    (dist / "t").mkdir(parents=True)
    (dist / "t" / "manifest.json").write_text("{}", "utf-8")
    assert [f.message for f in findings(site, dist)] == [
        f"t/en/manifest.json: older than the build in {dist / 't'}; run publish site"
    ]
