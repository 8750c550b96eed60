"""The browser accessibility harness can fail: a page known to be good passes, and pages
known to break WCAG, not to reflow, or to fetch from the network are caught.

The HTML handouts and the site are judged by this harness; if it passed everything, their
tests would prove nothing. One browser run covers the fixture pages (tests/fixtures/browser/).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import browser
import pytest
from browser import PageResult, axe, needs_browser
from helpers import REPO_ROOT, listening

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "browser"
PAGES = ["good", "bad", "wide", "external"]
WIDTHS = (1280, 390)
ZOOM = (640, 200)
"""A 640 px window at 200% zoom: laid out at 320 CSS px (WCAG 1.4.10 reflow, 1.4.4)."""


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shots")


@pytest.fixture(scope="module")
def results(shots: Path) -> dict[tuple[str, int, int], PageResult]:
    """Each fixture page at each width and at 200% zoom, by (page, window width, zoom)."""
    browser.require_browser()
    found = axe([FIXTURES / f"{name}.html" for name in PAGES], WIDTHS, shots, zooms=[ZOOM])
    return {(r.page.stem, r.width, r.zoom): r for r in found}


def at(results: dict[tuple[str, int, int], PageResult], page: str) -> list[PageResult]:
    """A page's results at the plain widths and at 200% zoom."""
    views = [(width, 100) for width in WIDTHS] + [ZOOM]
    return [results[(page, width, zoom)] for width, zoom in views]


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header."""
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@needs_browser
def test_a_good_page_passes_at_every_width(results: dict[tuple[str, int, int], PageResult]) -> None:
    for result in at(results, "good"):
        assert result.violations == (), str(result)
        assert not result.overflow, f"{result.scroll_width} px wide at {result.css_width} px"
        assert result.blocked == ()


@needs_browser
def test_a_bad_page_is_caught(results: dict[tuple[str, int, int], PageResult]) -> None:
    for result in at(results, "bad"):
        assert result.ids == {"image-alt", "color-contrast", "html-has-lang"}, str(result)
        (contrast,) = [v for v in result.violations if v.id == "color-contrast"]
        assert contrast.targets == ("p",)
        assert contrast.impact == "serious"


@needs_browser
def test_a_page_that_does_not_reflow_overflows_on_a_phone_and_when_zoomed(
    results: dict[tuple[str, int, int], PageResult],
) -> None:
    desktop, phone, zoomed = at(results, "wide")
    assert not desktop.overflow
    assert phone.overflow and phone.scroll_width >= 1200
    assert zoomed.css_width == 320
    assert zoomed.overflow


@needs_browser
def test_an_external_request_is_reported(results: dict[tuple[str, int, int], PageResult]) -> None:
    for result in at(results, "external"):
        assert result.blocked == ("http://example.com/x.png",)
        assert result.violations == (), str(result)


@needs_browser
def test_an_external_request_is_never_sent(tmp_path: Path) -> None:
    with listening() as server:
        page = tmp_path / "fetches.html"
        page.write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fetches</title>'
            f'<link rel="stylesheet" href="{server.url}/style.css"></head>'
            f'<body><main><h1>Fetches</h1><img src="{server.url}/x.png" alt="x">'
            f'<script>fetch("{server.url}/data.json").catch(() => {{}})</script>'
            "</main></body></html>",
            encoding="utf-8",
        )
        (result,) = axe([page], widths=(390,))
    assert set(result.blocked) == {
        f"{server.url}/{name}" for name in ("style.css", "x.png", "data.json")
    }
    assert server.connections == [] and server.paths == []


@needs_browser
def test_screenshots_show_the_whole_page_at_each_width(
    results: dict[tuple[str, int, int], PageResult], shots: Path
) -> None:
    desktop, phone, zoomed = at(results, "good")
    assert desktop.screenshot == shots / "good-1280px.png"
    assert png_size(desktop.screenshot)[0] == 1280
    assert phone.screenshot is not None and png_size(phone.screenshot)[0] == 390
    assert (
        zoomed.screenshot is not None and png_size(zoomed.screenshot)[0] == 640
    )  # 320 CSS px at 2x
    wide = results[("wide", 390, 100)].screenshot
    assert wide is not None and png_size(wide)[0] >= 1200  # full page: the overflow is in it


def test_a_missing_page_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.html"):
        axe([tmp_path / "nope.html"])


def test_a_run_without_result_is_retried_three_times(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fails(job: str, seconds: float) -> tuple[int, str, str]:
        calls.append(job)
        return 1, "", "Failed to launch the browser process"

    monkeypatch.setattr(browser, "_attempt", fails)
    with pytest.raises(browser.HarnessError, match="Failed to launch"):
        axe([FIXTURES / "good.html"])
    assert len(calls) == 3


def test_a_result_is_never_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = {
        "page": str(FIXTURES / "bad.html"),
        "width": 390,
        "zoom": 100,
        "css_width": 390,
        "violations": [{"id": "image-alt", "impact": "critical", "help": "", "targets": ["img"]}],
        "blocked": [],
        "overflow": False,
        "scroll_width": 390,
        "screenshot": None,
    }
    outcomes = iter([(1, "", "crashed"), (0, json.dumps({"results": [bad]}), "")])
    calls: list[str] = []

    def once(job: str, seconds: float) -> tuple[int, str, str]:
        calls.append(job)
        return next(outcomes)

    monkeypatch.setattr(browser, "_attempt", once)
    (result,) = axe([FIXTURES / "bad.html"], widths=(390,))
    assert result.ids == {"image-alt"}
    assert len(calls) == 2
