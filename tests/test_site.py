"""`publish site`: a static site of every built topic and language, from dist/ alone."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from helpers import copy_seeds, run_cli
from lxml import etree, html

from publish.errors import EXIT_CONTENT, EXIT_OK, EXIT_OUTPUT
from publish.site.layout import page_url

BASE = "https://clinic.example/handouts"
TOPIC = "ketamine-depression"


def approve(project: Path) -> None:
    """Mark the copied topic and its Spanish translation approved (test data, not a review)."""
    folder = project / "seeds" / "topics" / TOPIC
    topic = folder / "topic.yaml"
    text = topic.read_text("utf-8").replace("status: draft", "status: approved")
    text = text.replace("approved_by: null", "approved_by: Dr. A. Reviewer")
    topic.write_text(text.replace("approved_on: null", "approved_on: 2026-11-30"), "utf-8")
    spanish = folder / "patient.es.md"
    text = spanish.read_text("utf-8").replace("status: draft", "status: approved", 1)
    text = text.replace("approved_by: null", "approved_by: Dra. B. Revisora", 1)
    spanish.write_text(text.replace("approved_on: null", "approved_on: 2026-11-30", 1), "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the default topic approved in English and Spanish, built."""
    project = tmp_path_factory.mktemp("site") / "project"
    copy_seeds(project / "seeds", translations=True)
    approve(project)
    result = run_cli("build", cwd=project)
    assert result.returncode == EXIT_OK, result.stderr
    return project


@pytest.fixture(scope="module")
def site(built: Path) -> Path:
    result = run_cli("site", "--base-url", BASE, cwd=built)
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout.strip().endswith("2 pages and an index, 2 e-books in catalog.xml")
    return built / "dist" / "_site"


def page(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_each_language_has_a_page_at_the_address_its_qr_code_gives(site: Path) -> None:
    for language in ("en", "es"):
        url = page_url(BASE, TOPIC, language)
        relative = url.removeprefix(BASE + "/")
        assert (site / relative / "index.html").is_file(), url
    assert sorted(p.name for p in (site / TOPIC / "en").iterdir()) == [
        "clinician-summary.pdf",
        "cover.svg",
        "handout.html",
        "handout.pdf",
        "index.html",
        "manifest.json",
        "reader.epub",
    ]


def test_a_page_is_the_web_handout_with_downloads_sizes_and_other_languages(
    site: Path, built: Path
) -> None:
    english = page(site / TOPIC / "en" / "index.html")
    handout = page(built / "dist" / TOPIC / "handout.html")
    assert english.xpath("string(//main)") == handout.xpath("string(//main)")
    links = {a.text_content(): a.get("href") for a in english.xpath("//nav//a")}
    assert links["Español"] == "../es/index.html"
    assert links["All handouts"] == "../../index.html"
    downloads = english.xpath("//nav[@class='formats']//li")
    texts = [re.sub(r"\s+", " ", li.text_content()) for li in downloads]
    assert any(t.startswith("Printable handout (PDF) (") and t.endswith(" KB)") for t in texts)
    assert any(t.startswith("E-book (EPUB)") for t in texts)
    size = (site / TOPIC / "en" / "handout.pdf").stat().st_size
    assert f"({round(size / 1024, 1)} KB)" in " ".join(texts)
    spanish = page(site / TOPIC / "es" / "index.html")
    assert spanish.get("lang") == "es"
    assert spanish.xpath("//nav//a[@hreflang='en']/text()") == ["English"]


def test_the_index_lists_each_language_with_version_status_and_review_date(site: Path) -> None:
    index = page(site / "index.html")
    rows = [
        [re.sub(r"\s+", " ", cell.text_content()).strip() for cell in row.xpath("th|td")]
        for row in index.xpath("//tbody/tr")
    ]
    assert rows == [
        ["English: Ketamine for Depression", "0.3.0", "Approved", "May 24, 2027"],
        ["Español: La ketamina para la depresión", "0.3.0", "Approved", "May 24, 2027"],
    ]
    assert not index.xpath("//*[contains(@class, 'draft')]")


def test_the_opds_catalog_lists_every_ebook_as_a_reading_app_reads_it(site: Path) -> None:
    parsed = feedparser.parse((site / "catalog.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Patient handouts"
    by_language = {e.dcterms_language: e for e in parsed.entries}  # OPDS: dc = dcterms
    assert set(by_language) == {"en", "es"}
    english = by_language["en"]
    assert english.title == "Ketamine for Depression"
    assert english.summary.startswith("A patient handout, clinician summary and e-book")
    assert english.updated == "2026-11-30T00:00:00Z"
    links = {link.rel: link for link in english.links}
    book = links["http://opds-spec.org/acquisition/open-access"]
    assert book.type == "application/epub+zip"
    assert (site / book.href).read_bytes() == (site / TOPIC / "en" / "reader.epub").read_bytes()
    assert int(book.length) == (site / book.href).stat().st_size
    cover = links["http://opds-spec.org/image"]
    assert etree.fromstring((site / cover.href).read_bytes()).tag.endswith("svg")


def test_the_sitemap_lists_the_index_and_every_page(site: Path) -> None:
    root = etree.fromstring((site / "sitemap.xml").read_bytes())
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == [f"{BASE}/", page_url(BASE, TOPIC, "en"), page_url(BASE, TOPIC, "es")]


def test_every_file_offered_is_the_built_one_and_check_passes(site: Path, built: Path) -> None:
    for language, folder in (("en", TOPIC), ("es", f"{TOPIC}.es")):
        manifest = json.loads((site / TOPIC / language / "manifest.json").read_text("utf-8"))
        for entry in manifest["artifacts"]:
            data = (site / TOPIC / language / entry["file"]).read_bytes()
            assert data == (built / "dist" / folder / entry["file"]).read_bytes()
    result = run_cli("check", cwd=built)
    assert re.search(r"^PASS\s+site\s+every link leads", result.stdout, re.M), result.stdout


def test_the_same_builds_give_the_same_site_byte_for_byte(site: Path, built: Path) -> None:
    before = digests(site)
    again = run_cli("site", "--base-url", BASE, "--out", "dist/again", cwd=built)
    assert again.returncode == EXIT_OK, again.stderr
    assert digests(built / "dist" / "again") == before
    shutil.rmtree(built / "dist" / "again")


def test_check_names_a_changed_file_and_a_site_older_than_the_build(
    site: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    (copy / TOPIC / "en" / "handout.pdf").write_bytes(b"%PDF-1.7 not the one built")
    (copy / TOPIC / "es" / "index.html").unlink()
    from publish.gates.site import problems

    found = problems(copy)
    assert f"{TOPIC}/en/handout.pdf: does not match the manifest" in found
    assert any(
        p.startswith("index.html: <a> ketamine-depression/es/index.html leads") for p in found
    )
    assert any("catalog.xml: entry 2" in p and "es/index.html leads to no file" in p for p in found)


def test_drafts_are_left_out_unless_asked_for_and_then_marked(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_seeds(project / "seeds", translations=True)
    assert run_cli("build", "--only", "epub", "--only", "web", cwd=project).returncode == 0
    refused = run_cli("site", cwd=project)
    assert refused.returncode == EXIT_CONTENT
    assert refused.stderr.strip().splitlines() == [
        "error: dist: nothing to publish: no approved topic is built "
        "(pass --drafts to include drafts)"
    ]
    assert not (project / "dist" / "_site").exists()
    result = run_cli("site", "--drafts", cwd=project)
    assert result.returncode == EXIT_OK, result.stderr
    site = project / "dist" / "_site"
    index = page(site / "index.html")
    assert index.xpath("//*[@class='draft-stamp']")
    assert index.xpath("//tbody//strong[@class='draft']/text()") == ["Draft", "Draft"]
    for language in ("en", "es"):
        assert page(site / TOPIC / language / "index.html").xpath("//*[@class='draft-stamp']")
    parsed = feedparser.parse((site / "catalog.xml").read_bytes())
    assert [[t.term for t in e.tags] for e in parsed.entries] == [["draft"], ["draft"]]


def test_a_folder_publish_did_not_write_is_never_replaced(built: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", "utf-8")
    result = run_cli("site", "--out", str(mine), cwd=built)
    assert result.returncode == EXIT_OUTPUT
    assert result.stderr.count("\n") == 1
    assert "notes.txt was not written by publish site" in result.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_a_file_added_to_a_written_site_is_never_deleted(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("site", "--out", str(out), cwd=built).returncode == EXIT_OK
    again = run_cli("site", "--out", str(out), cwd=built)
    assert again.returncode == EXIT_OK, again.stderr  # its own files: replaced
    (out / ".htaccess").write_text("AddType application/epub+zip .epub\n", "utf-8")
    refused = run_cli("site", "--out", str(out), cwd=built)
    assert refused.returncode == EXIT_OUTPUT
    assert ".htaccess was not written by publish site" in refused.stderr
    assert (out / ".htaccess").read_text("utf-8").startswith("AddType")


def test_a_site_from_a_damaged_build_fails_and_the_old_site_stays(
    built: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(built, project)
    site = project / "dist" / "_site"
    before = digests(site) if site.exists() else None
    (project / "dist" / TOPIC / "reader.epub").write_bytes(b"not the book")
    result = run_cli("site", "--base-url", BASE, cwd=project)
    assert result.returncode == EXIT_CONTENT
    assert result.stderr.strip() == (
        f"error: dist/{TOPIC}: reader.epub does not match the manifest; run publish build"
    )
    assert (digests(site) if site.exists() else None) == before


def copy_of(built: Path, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(built, project)
    shutil.rmtree(project / "dist" / "_site", ignore_errors=True)
    return project


def edit_manifest(folder: Path, **fields: object) -> None:
    path = folder / "manifest.json"
    data = json.loads(path.read_text("utf-8"))
    for key, value in fields.items():
        if isinstance(value, dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    path.write_text(json.dumps(data), "utf-8")


def test_what_a_release_would_refuse_is_held_back_and_marked_when_published(
    built: Path, tmp_path: Path
) -> None:
    project = copy_of(built, tmp_path)
    edit_manifest(project / "dist" / f"{TOPIC}.es", translation={"translated_from": "0.2.0"})
    result = run_cli("site", "--base-url", BASE, cwd=project)
    assert result.returncode == EXIT_OK, result.stderr
    assert f"note: {TOPIC} (es): translation out of date" in result.stdout
    site = project / "dist" / "_site"
    assert not (site / TOPIC / "es").exists() and (site / TOPIC / "en").is_dir()
    assert (site / "sitemap.xml").is_file()

    shown = run_cli("site", "--drafts", "--base-url", BASE, cwd=project)
    assert shown.returncode == EXIT_OK, shown.stderr
    spanish = page(site / TOPIC / "es" / "index.html")
    assert spanish.xpath("//p[@class='draft-stamp']/strong/text()") == [
        "Traducción desactualizada."
    ]
    assert spanish.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert page(site / "index.html").xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert not (site / "sitemap.xml").exists(), "a site with drafts is not offered to search"


def test_a_topic_past_its_review_date_is_held_back(built: Path, tmp_path: Path) -> None:
    project = copy_of(built, tmp_path)
    for folder in (TOPIC, f"{TOPIC}.es"):
        edit_manifest(project / "dist" / folder, next_review="2020-01-01")
    result = run_cli("site", cwd=project)
    assert result.returncode == EXIT_CONTENT
    assert "nothing to publish" in result.stderr


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"topic": "javascript:alert(1)//"}, "the manifest's 'topic' is not one a build writes"),
        ({"language": "../../x"}, "the manifest's 'language' is not one a build writes"),
    ],
)
def test_a_manifest_edited_to_inject_a_link_or_a_path_is_refused(
    built: Path, tmp_path: Path, fields: dict[str, str], says: str
) -> None:
    project = copy_of(built, tmp_path)
    edit_manifest(project / "dist" / TOPIC, **fields)
    result = run_cli("site", cwd=project)
    assert result.returncode == EXIT_CONTENT
    assert result.stderr.strip() == f"error: dist/{TOPIC}/manifest.json: {says}"
    assert not (project / "dist" / "_site").exists()


def test_two_build_folders_of_one_topic_and_language_are_refused(
    built: Path, tmp_path: Path
) -> None:
    project = copy_of(built, tmp_path)
    shutil.copytree(project / "dist" / TOPIC, project / "dist" / f"{TOPIC} copy")
    result = run_cli("site", cwd=project)
    assert result.returncode == EXIT_CONTENT
    assert f"{TOPIC} and {TOPIC} copy are both {TOPIC}/en/" in result.stderr


def test_a_base_url_is_held_to_the_site_url_rule(built: Path) -> None:
    result = run_cli("site", "--base-url", "http://clinic.example/h", cwd=built)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: --base-url must be an https URL")
