"""The web handout and every page of the site in a real browser: axe-core finds nothing at
WCAG 2.1 AA at a desktop and a phone width and at 200% zoom, no page scrolls sideways, and
no page asks for anything from the network.

Like the EPUB's Ace check, this fails rather than skips where the browser or axe-core is
missing: a machine that checked nothing must not pass. `bash .ci/run` installs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import PageResult, axe, missing
from helpers import copy_seeds, run_cli

TOPIC = "ketamine-depression"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[PageResult]:
    """Both languages built, with a clinic profile and a site address, and the site
    written with drafts; every page through the browser once."""
    reason = missing()
    assert reason is None, reason
    project = tmp_path_factory.mktemp("web-a11y") / "project"
    copy_seeds(project / "seeds", translations=True)
    example = Path(__file__).resolve().parent.parent / "docs" / "example-clinic"
    (project / "logo.svg").write_bytes((example / "logo.svg").read_bytes())
    (project / "publish.toml").write_text(
        'clinic_name = "Riverside Mood Clinic"\nlogo = "logo.svg"\n'
        'phone = "(555) 010-0199"\nsite_url = "https://clinic.example/handouts"\n',
        encoding="utf-8",
    )
    built = run_cli("build", "--only", "web", "--only", "epub", cwd=project)
    assert built.returncode == 0, built.stderr
    site = run_cli("site", "--drafts", cwd=project)
    assert site.returncode == 0, site.stderr
    dist = project / "dist"
    pages = [
        dist / TOPIC / "handout.html",
        dist / f"{TOPIC}.es" / "handout.html",
        dist / "_site" / "index.html",
        dist / "_site" / TOPIC / "en" / "index.html",
        dist / "_site" / TOPIC / "es" / "index.html",
    ]
    return axe(pages, widths=(1280, 390), zooms=((640, 200),))


def test_every_page_was_checked_at_every_width(results: list[PageResult]) -> None:
    assert len(results) == 5 * 3
    assert {(r.width, r.zoom) for r in results} == {(1280, 100), (390, 100), (640, 200)}


def test_axe_finds_no_violation_at_wcag_21_aa(results: list[PageResult]) -> None:
    broken = [str(r) for r in results if r.violations]
    assert broken == []


def test_no_page_scrolls_sideways_on_a_phone_or_at_200_percent(
    results: list[PageResult],
) -> None:
    assert [f"{r.page} at {r.css_width} CSS px" for r in results if r.overflow] == []


def test_no_page_asks_for_anything_from_the_network(results: list[PageResult]) -> None:
    assert [(str(r.page), r.blocked) for r in results if r.blocked] == []
