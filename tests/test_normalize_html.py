"""Saved web pages: the article kept whole, every other text of the page recorded with its
reason, the page's own metadata read, nothing fetched, and a bad page refused in one line."""

from __future__ import annotations

import hashlib
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import listening
from hypothesis import example, given, settings
from hypothesis import strategies as st

from publish import limits
from publish.cli import cli
from publish.errors import EXIT_INPUT, InputError
from publish.normalizer import NormalizedSource, normalize_paths, normalize_text
from publish.normalizer.pipeline import normalize_raw

PAGE = Path(__file__).resolve().parent / "fixtures" / "sources" / "handwashing.html"


def _normalize(*paths: Path, out: Path, overrides: Path | None = None):
    return normalize_paths(paths, out, overrides=overrides or out / "none.yaml")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, NormalizedSource]:
    """The hand-washing article, normalized once: its output folder and its source."""
    out = tmp_path_factory.mktemp("html")
    result = _normalize(PAGE, out=out)
    assert result.errors == []
    [source] = result.sources
    return out, source


class _ShownText(HTMLParser):
    """The text a browser shows, a line per element: read with the standard library's
    parser, apart from the code under test."""

    HIDDEN = frozenset(
        {"head", "script", "style", "template", "noscript", "svg", "iframe", "object"}
    )
    INLINE = frozenset(
        {"a", "abbr", "b", "code", "em", "i", "mark", "small", "span", "strong", "time"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag not in self.INLINE:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden -= 1
        elif tag not in self.INLINE:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.lines[-1] += data


def shown_text(html: str) -> str:
    reader = _ShownText()
    reader.feed(html)
    reader.close()
    return "\n".join(" ".join(line.split()) for line in reader.lines if line.strip())


def _lost(find_lost, html: str, source: NormalizedSource, folder: Path) -> list[str]:
    (folder / "shown.txt").write_text(shown_text(html), encoding="utf-8")
    return find_lost(folder / "shown.txt", source)


# --- the fixture page ----------------------------------------------------------------------------


def test_the_page_is_read_with_its_own_metadata(page) -> None:
    _, source = page
    assert source.kind == "web-page"
    assert source.title == "When and How to Wash Your Hands"  # without the site's name
    assert source.language == "en"
    assert source.meta == {
        "authors": ["Dana Whitfield"],
        "published": "2024-03-12",
        "publisher": "Riverside Community Health",
        "url": "https://health.example.org/articles/hand-washing",
    }
    assert source.source_file == "handwashing.html"
    assert source.sha256 == hashlib.sha256(PAGE.read_bytes()).hexdigest()


def test_nothing_real_is_lost(page, find_lost, tmp_path: Path) -> None:
    _, source = page
    assert _lost(find_lost, PAGE.read_text(encoding="utf-8"), source, tmp_path) == []


ARTICLE = [
    "Washing your hands is one of the simplest ways to protect yourself",
    "## When to wash your hands",
    "- After using the toilet or changing a diaper.",
    "## Five steps to wash your hands",
    "1. Wet your hands with clean, running water, turn off the tap and apply soap.",
    "3. Scrub your hands for at least 20 seconds.",
    "You can use a hand sanitizer that contains at least 60% alcohol.",
    "- Situation | Best choice\n- Hands visibly dirty | Soap and water",
    "Ask your care team if you have questions about keeping your hands clean at home.",
]


@pytest.mark.parametrize("text", ARTICLE)
def test_the_article_is_kept_whole(page, text: str) -> None:
    _, source = page
    assert text in source.body


FURNITURE = [
    ("We use cookies to improve your experience on our site.", "boilerplate"),
    ("Accept all cookies", "boilerplate"),
    ("Conditions A to Z", "navigation"),
    ("Home › Articles › Hand washing", "navigation"),
    ("Share this article", "boilerplate"),
    ("SoftTouch foaming soap kills germs fast.", "advertisement"),
    ("Getting ready for flu season", "navigation"),
    ("My kids sing a song while they wash", "comments"),
    ("All rights reserved.", "boilerplate"),
    ("Sign up for our newsletter", "boilerplate"),
    ("By Dana Whitfield · March 12, 2024", "metadata"),
    ("When and How to Wash Your Hands | Riverside Community Health", "metadata"),
]


@pytest.mark.parametrize(("text", "reason"), FURNITURE)
def test_all_furniture_is_removed_and_recorded_with_its_reason(
    page, text: str, reason: str
) -> None:
    _, source = page
    assert text not in source.body
    assert [r.reason for r in source.removed if text in r.text] == [reason]


def test_the_title_heading_is_recorded_as_metadata(page) -> None:
    _, source = page
    assert ("metadata", "When and How to Wash Your Hands") in [
        (r.reason, r.text) for r in source.removed
    ]
    assert "# When and How" not in source.body


def test_the_comment_section_is_one_removal_with_its_comments_counted(page) -> None:
    _, source = page
    [thread] = [r for r in source.removed if r.reason == "comments"]
    assert (thread.count, thread.declared) == (3, 3)
    assert thread.text.startswith("3 Comments\nMarcy\n")


def test_an_ad_slot_is_not_the_page_advertising_itself(page) -> None:
    """The site sold the space: the article is not promotional for carrying an ad."""
    _, source = page
    assert "promotional" not in source.flags


def test_removal_lines_point_at_the_page(page) -> None:
    _, source = page
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    for entry in source.removed:
        near = shown_text("\n".join(lines[entry.line - 1 : entry.line + 2]))
        first_words = " ".join(entry.text.split("\n")[0].split()[:2])
        assert first_words in " ".join(near.split()), entry


def test_the_body_holds_no_markup(page) -> None:
    _, source = page
    for marker in ("<", "dataLayer", "cookie-banner", "pixel.js", "{"):
        assert marker not in source.body, marker


# --- the same contract as every format --------------------------------------------------------


def test_a_second_run_changes_nothing_and_the_output_is_a_fixed_point(page) -> None:
    out, source = page
    again = _normalize(PAGE, out=out)
    assert again.written == [] and len(again.unchanged) == 1
    checked = normalize_paths([PAGE], out, overrides=out / "none.yaml", check=True)
    assert checked.ok
    written = (out / f"{source.id}.md").read_text(encoding="utf-8")
    assert normalize_text(written, "x.md").to_text() == written


def test_overrides_win_and_are_listed(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "handwashing.html:\n  title: Hand Washing at Home\n  published: 2024-04-01\n",
        encoding="utf-8",
    )
    [source] = _normalize(PAGE, out=tmp_path / "out", overrides=overrides).sources
    assert (source.title, source.meta["published"]) == ("Hand Washing at Home", "2024-04-01")
    assert source.overridden == ["published", "title"]


def test_a_page_is_known_by_its_content_not_its_name(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PAGE, raw / "saved-page.txt")
    (raw / "notes.html").write_text("Sleep and Mood\n\nPoor sleep and low mood go together.\n")
    result = _normalize(raw, out=tmp_path / "out")
    assert result.errors == []
    kinds = {source.source_file: source.kind for source in result.sources}
    assert kinds == {"saved-page.txt": "web-page", "notes.html": "report"}


def test_a_page_in_a_declared_legacy_charset_is_read(tmp_path: Path) -> None:
    html = PAGE.read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="windows-1252"')
    html = html.replace("Hand washing</nav>", "Café</nav>").replace("·", "-").replace("›", ">")
    html = html.replace("©", "(c)")
    source = normalize_raw(html.encode("cp1252"), "legacy.html")
    assert any("Café" in r.text for r in source.removed)


def test_a_wrapper_holding_most_of_the_text_is_not_furniture_whatever_its_class() -> None:
    html = (
        "<!DOCTYPE html><html><head><title>Dry Skin</title></head><body>"
        "<nav><a href='/'>Home</a></nav><div class='entry-content share-enabled'>"
        "<p>Dry skin can itch and crack, most often in winter. It is common in older adults "
        "and in people who wash their hands often, and it can be worse in heated rooms.</p>"
        "<p>A fragrance-free moisturizer after bathing may help. Short, warm showers dry the "
        "skin less than long, hot ones. Pat the skin dry with a towel instead of rubbing it, "
        "and put the moisturizer on while the skin is still a little damp.</p></div>"
        "<div class='share-bar'>Share this</div></body></html>"
    )
    source = normalize_raw(html.encode("utf-8"), "skin.html")
    assert "A fragrance-free moisturizer after bathing may help." in source.body
    assert ("boilerplate", "Share this") in [(r.reason, r.text) for r in source.removed]


def test_nothing_is_fetched(tmp_path: Path) -> None:
    """Stylesheets, scripts, images and frames of the page point at a local server, which
    counts every connection: normalizing the page makes none."""
    with listening() as server:
        html = PAGE.read_text(encoding="utf-8").replace(
            "</head>",
            f'<link rel="stylesheet" href="{server.url}/a.css"><script src="{server.url}/b.js">'
            f'</script></head><img src="{server.url}/c.png"><iframe src="{server.url}/d">'
            "</iframe>",
        )
        normalize_raw(html.encode("utf-8"), "page.html")
        assert server.connections == []


# --- bad pages: one line, exit 3, nothing written ------------------------------------------------

NAV_ONLY = "<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>"


@pytest.mark.parametrize(
    ("setting", "content", "message"),
    [
        pytest.param(
            ("MAX_HTML_BYTES", 1000),
            None,
            "web page is 5534 bytes, over the 1000-byte limit",
            id="over-the-size-limit",
        ),
        pytest.param(
            ("MAX_HTML_ELEMENTS", 40),
            None,
            "elements, over the 40-element limit",
            id="too-many-elements",
        ),
        pytest.param(None, NAV_ONLY.encode(), "no main text found in the web page", id="no-text"),
        pytest.param(
            None,
            b'<!DOCTYPE html><meta charset="utf-8"><p>Caf\xe9</p>',
            "not valid utf-8 text",
            id="bad-bytes",
        ),
    ],
)
def test_a_bad_page_is_one_line_exit_3_and_nothing_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    setting: tuple[str, int] | None,
    content: bytes | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "page.html").write_bytes(content or PAGE.read_bytes())
    if setting:
        monkeypatch.setattr(limits, *setting)
    result = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    assert result.exit_code == EXIT_INPUT
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: raw/page.html:"), result.stderr
    assert message in errors[0]
    assert result.stderr.splitlines() == errors  # no log lines, no traceback
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


# --- any page made of real content and furniture ----------------------------------------------

CONTENT = [
    "<p>Soap lifts germs off the skin so that water can rinse them away.</p>",
    "<p>Children may need help to reach the sink and to scrub for long enough.</p>",
    "<h2>Drying your hands</h2>",
    "<ul><li>Use a clean towel.</li><li>Let your hands air dry.</li></ul>",
    "<p>Hand sanitizer can help when there is no sink nearby.</p>",
    "<table><tr><th>Place</th><th>Tip</th></tr><tr><td>Kitchen</td><td>Wash after raw meat.</td>"
    "</tr></table>",
]
FURNITURE_HTML = [
    "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>",
    "<div class='cookie-notice'><p>This site uses cookies.</p><button>OK</button></div>",
    "<div class='ad'><p>Buy ShinyGel hand cream today.</p></div>",
    "<section id='comments'><h3>2 Comments</h3><ol><li class='comment'>Great tips.</li>"
    "<li class='comment'>Thank you.</li></ol></section>",
    "<footer><p>© 2024 Example Health. All rights reserved.</p></footer>",
    "<aside class='related'><h3>Related</h3><ul><li><a href='/x'>Flu facts</a></li></ul></aside>",
]


@settings(max_examples=25, deadline=None)
@example([CONTENT[2]], [FURNITURE_HTML[1]], False)  # a banner with more text than the page
@given(
    st.lists(st.sampled_from(CONTENT), min_size=1, max_size=8),
    st.lists(st.sampled_from(FURNITURE_HTML), max_size=4),
    st.booleans(),
)
def test_any_page_fails_only_clearly_keeps_no_furniture_loses_nothing_and_is_a_fixed_point(
    content: list[str], furniture: list[str], wrapped: bool
) -> None:
    from conftest import lost_sentences

    article = "".join(content)
    body = f"<main><article>{article}</article></main>" if wrapped else article
    half = len(furniture) // 2
    html = (
        "<!DOCTYPE html><html><head><title>Clean Hands</title></head><body>"
        + "".join(furniture[:half])
        + body
        + "".join(furniture[half:])
        + "</body></html>"
    )
    try:
        source = normalize_raw(html.encode("utf-8"), "page.html")
    except InputError:
        return
    assert lost_sentences(shown_text(html), source) == []
    for piece in furniture:
        assert not any(line in source.body for line in shown_text(piece).split("\n")), piece
    assert normalize_text(source.to_text(), "page.md").to_text() == source.to_text()


@settings(max_examples=50, deadline=None)
@given(st.text())
def test_any_text_that_looks_like_a_page_fails_only_with_an_input_error(text: str) -> None:
    try:
        source = normalize_text(f"<!DOCTYPE html><html><body><p>{text}</p>", "page.txt")
    except InputError:
        return
    assert normalize_text(source.to_text(), "page.md").to_text() == source.to_text()
