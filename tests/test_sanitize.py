"""The one sanitizer for untrusted markup: HTML from Markdown, SVG figures, the fetcher's rules.

Small inputs made in the test; the same rules run through the real command line in
tests/fixtures/bad/cases/inert.yaml.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from publish.errors import ContentError
from publish.render.markdown import to_html
from publish.render.pdf import Fetched, _fetcher_class
from publish.sanitize import clean_html, clean_svg, figure_bytes, is_web_url
from publish.svgclean import SvgError, safe_style
from publish.topic import check_figures

DEFAULT_FIGURE = (
    Path(__file__).parents[1]
    / "seeds"
    / "topics"
    / "ketamine-depression"
    / "figures"
    / "care-path.svg"
)
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


class _Attributes(HTMLParser):
    """Every (tag, attribute, value) of an HTML fragment, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.found.extend((tag, name, value) for name, value in attrs)


def parsed(html: str) -> _Attributes:
    reader = _Attributes()
    reader.feed(html)
    return reader


def no_cite(_cites: object) -> str:
    return ""


# --- URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a", "http://example.org", "HTTPS://EXAMPLE.ORG/x?y=1#z"],
)
def test_web_urls_are_links(url: str) -> None:
    assert is_web_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "smb://server/share",
        "//host/path",
        "../../etc/passwd",
        "notes.txt",
        "#section",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "java\tscript:alert(1)",
        " https://example.org",
        "https:/example.org",
        "http:\\\\example.org",
        "https://",
        "mailto:a@example.org",
        "ftp://example.org/x",
    ],
)
def test_other_urls_are_not_links(url: str) -> None:
    assert not is_web_url(url)


# --- HTML from Markdown -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("[share](smb://server/share)", "share"),
        ("[host](//evil.example/x)", "host"),
        ("[up](../../../etc/passwd)", "up"),
        ("[notes](notes.txt)", "notes"),
        ("[here](#top)", "here"),
        ("<smb://server/share>", "smb://server/share"),
        ("[mail](mailto:a@example.org)", "mail"),
        ("[ref][r]\n\n[r]: smb://server/x", "ref"),
    ],
)
def test_links_that_are_not_web_links_become_text(markdown: str, text: str) -> None:
    html = to_html(markdown, no_cite)
    assert "href" not in html
    assert text in html


def test_web_links_stay_links() -> None:
    html = to_html("[Yale](https://medicine.yale.edu/x) and <https://example.org/y>", no_cite)
    hrefs = [v for t, a, v in parsed(html).found if a == "href"]
    assert hrefs == ["https://medicine.yale.edu/x", "https://example.org/y"]


@pytest.mark.parametrize(
    "markdown",
    [
        "![pixel](http://tracker.example/p.gif)",
        "![pixel][r]\n\n[r]: https://tracker.example/p.gif",
        "![up](../../secret.png)",
        "![abs](/etc/passwd)",
        "![net](//host/p.png)",
    ],
)
def test_a_refused_image_is_its_alt_text_and_is_reported(markdown: str) -> None:
    refused: list[str] = []
    html = to_html(markdown, no_cite, image_src=lambda _src: None, refused=refused)
    assert "<img" not in html
    assert len(refused) == 1
    assert any(word in html for word in ("pixel", "up", "abs", "net"))


def test_without_a_resolver_only_a_plain_relative_image_is_kept() -> None:
    html = to_html("![a](figures/a.svg) ![b](../b.svg) ![c](%2e%2e/c.svg)", no_cite)
    assert [v for t, a, v in parsed(html).found if a == "src"] == ["figures/a.svg"]


def test_the_sanitizer_keeps_only_the_allow_list() -> None:
    fragment = (
        '<p onclick="x()">a<script>alert(1)</script><a href="smb://h/s">b</a>'
        '<a href="references.xhtml#ref-1">1</a><img src="http://t/p.gif" alt="p">'
        '<iframe src="https://x"></iframe><sup class="cite other">2</sup>'
        '<code class="language-py">c</code><a href="https://ok.example/">ok</a></p>'
    )
    result = parsed(clean_html(fragment, images={"images/a.svg"}))
    assert set(result.tags) <= {"p", "a", "img", "sup", "code"}
    assert result.found == [
        ("a", "href", "references.xhtml#ref-1"),
        ("img", "alt", "p"),
        ("sup", "class", "cite"),
        ("a", "href", "https://ok.example/"),
    ]


def test_clean_markdown_output_keeps_its_own_bytes() -> None:
    """Nothing removed: the fragment is returned as markdown-it wrote it (same built files)."""
    fragment = (
        '<p>A &quot;quote&quot;<sup class="cite"><a href="#ref-1">1</a></sup><br />\n'
        '<img src="images/a.svg" alt="x &amp; y" /></p>\n<hr />\n'
    )
    assert clean_html(fragment, images={"images/a.svg"}) == fragment


# --- SVG ----------------------------------------------------------------------------------------


def test_the_default_figure_is_unchanged() -> None:
    data = DEFAULT_FIGURE.read_bytes()
    result = clean_svg(data)
    assert result.data == data and result.removed == []


@pytest.mark.parametrize(
    ("inside", "removed"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<rect onclick="alert(1)"/>', "onclick="),
        ('<a xlink:href="javascript:alert(1)"><text>x</text></a>', "link to 'javascript:alert(1)'"),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', "link to"),
        (
            "<foreignObject><p xmlns='http://www.w3.org/1999/xhtml'>x</p></foreignObject>",
            "<foreignObject>",
        ),
        ('<style>@import url("http://evil.example/a.css");</style>', "<style>"),
        ("<style>rect { fill: url(http://evil.example/p.png) }</style>", "<style>"),
        ('<rect style="fill: url(//evil.example/x)"/>', "style="),
        ('<rect style="background: image-set(&quot;x.png&quot; 1x)"/>', "style="),
        ('<rect style="fill: \\75rl(http://x)"/>', "style="),
        ('<image href="http://tracker.example/p.png"/>', "link to"),
        ('<image href="data:image/svg+xml;base64,PHN2Zz4="/>', "link to"),
        ('<use href="other.svg#part"/>', "link to"),
        ('<animate attributeName="href" to="javascript:alert(1)"/>', "<animate>"),
        ('<set attributeName="onclick" to="alert(1)"/>', "<set>"),
        ('<rect cursor="url(http://x/c.cur)"/>', "cursor="),
        ('<rect filter="url(http://x/f.svg#f)"/>', "filter="),
    ],
)
def test_active_svg_content_is_removed(inside: str, removed: str) -> None:
    result = clean_svg(f"{SVG_OPEN}{inside}<rect width='1'/></svg>".encode())
    assert any(removed in item for item in result.removed), result.removed
    text = result.data.decode().replace("http://www.w3.org/", "")
    for bad in ("script", "javascript", "onclick", "http://", "//evil", "foreignObject"):
        assert bad not in text
    assert "<rect" in text
    assert clean_svg(result.data).removed == []  # cleaning again changes nothing


@pytest.mark.parametrize(
    "inside",
    [
        '<use xlink:href="#a"/>',
        '<rect fill="url(#grad)" transform="translate(1,2) rotate(3)"/>',
        "<style>.a { fill: rgb(1, 2, 3) } .b > .c { stroke: url(#g) }</style>",
        '<image href="data:image/png;base64,iVBORw0KGgo="/>',
        '<a href="https://example.org/more"><text>more</text></a>',
        '<text aria-label="x" xml:space="preserve">text &amp; more</text>',
    ],
)
def test_safe_svg_content_stays(inside: str) -> None:
    data = f"{SVG_OPEN}{inside}</svg>".encode()
    assert clean_svg(data).data == data


def test_a_plain_doctype_is_dropped_and_processing_instructions_removed() -> None:
    data = (
        b'<?xml version="1.0"?><?xml-stylesheet href="http://evil.example/a.css"?>'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    )
    result = clean_svg(data)
    assert b"DOCTYPE" not in result.data and b"evil" not in result.data
    assert result.removed == ["<?xml-stylesheet?>"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            b'<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
            "DOCTYPE with declarations",
        ),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DOCTYPE with declarations",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not well-formed"),
        (b"<html><body/></html>", "not an SVG image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg">&unknown;</svg>', "undefined entity"),
        (b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 300 + b"</g>" * 300 + b"</svg>",
         "nested deeper"),
    ],
)  # fmt: skip
def test_unsafe_or_broken_svg_is_refused(data: bytes, says: str) -> None:
    with pytest.raises(SvgError, match=says):
        clean_svg(data)


@pytest.mark.parametrize(
    ("css", "safe"),
    [
        ("fill: #123; stroke: rgb(1,2,3)", True),
        ("fill: url(#g)", True),
        ("fill: url('#g')", True),
        ("fill: url(http://x)", False),
        ("@import 'x.css'", False),
        ("fill: u\\rl(x)", False),
        ("fill: ur/**/l(x)", False),
        ("fill: image(x.png)", False),
        ("fill: expression(alert(1))", False),
    ],
)
def test_style_allow_list(css: str, safe: bool) -> None:
    assert safe_style(css) is safe


def test_figure_bytes_names_the_file_of_a_broken_svg(tmp_path: Path) -> None:
    path = tmp_path / "broken.svg"
    path.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg">\n<rect>\n</svg>')
    with pytest.raises(ContentError) as caught:
        figure_bytes(path)
    assert caught.value.path == path and caught.value.line == 3


# --- the figure rule in topic text --------------------------------------------------------------


def _topic_text(tmp_path: Path, markdown: str) -> Path:
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.svg").write_bytes(DEFAULT_FIGURE.read_bytes())
    path = tmp_path / "clinician.md"
    path.write_text(markdown, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("markdown", "says", "line"),
    [
        ("Text.\n\n![x][r]\n\n[r]: https://tracker.example/p.gif\n", "relative path", 3),
        ("Text.\n\n![x][r]\n\n[r]: ../../outside.svg\n", "not found inside", 3),
        ("![x]\n\n[x]: //host/p.png\n", "relative path", 1),
        ("![x](%2e%2e/%2e%2e/outside.svg)\n", "not found inside", 1),
    ],
)
def test_reference_style_images_follow_the_figure_rule(
    tmp_path: Path, markdown: str, says: str, line: int
) -> None:
    path = _topic_text(tmp_path, markdown)
    with pytest.raises(ContentError, match=says) as caught:
        check_figures(markdown, path)
    assert caught.value.path == path and caught.value.line == line


def test_a_reference_style_figure_inside_the_topic_is_fine(tmp_path: Path) -> None:
    markdown = "![x][r]\n\n[r]: figures/a.svg\n"
    check_figures(markdown, _topic_text(tmp_path, markdown))


def test_a_figure_with_entities_is_refused_at_load(tmp_path: Path) -> None:
    markdown = "Intro.\n\n![x](figures/a.svg)\n"
    path = _topic_text(tmp_path, markdown)
    (tmp_path / "figures" / "a.svg").write_bytes(
        b'<!DOCTYPE svg [<!ENTITY a "a">]><svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    with pytest.raises(ContentError, match="not a safe SVG image") as caught:
        check_figures(markdown, path)
    assert caught.value.line == 3


# --- the URL fetcher ----------------------------------------------------------------------------


@pytest.fixture
def fetcher(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.css").write_text("p { color: red }", encoding="utf-8")
    (root / "bad.svg").write_text(f"{SVG_OPEN}<script>alert(1)</script><rect/></svg>")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    log = Fetched()
    return _fetcher_class()((root.resolve(),), log), log, root


@pytest.mark.parametrize(
    "url",
    [
        "file://evil.example{root}/a.css",
        "file://localhost{root}/a.css",
        "file://127.0.0.1{root}/a.css",
        "file:{root}/../secret.txt",
        "http://127.0.0.1:9/a.css",
        "ftp://example.org/a.css",
        "smb://server/share/a.css",
    ],
)
def test_the_fetcher_refuses_hosts_and_everything_outside(fetcher, url: str) -> None:  # type: ignore[no-untyped-def]
    fetch, log, root = fetcher
    url = url.format(root=root.resolve())
    with pytest.raises(ValueError, match="refuses"):
        fetch.fetch(url)
    assert log.refused == [url]


def test_the_fetcher_makes_no_name_lookup(fetcher, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import socket

    def lookup(*_args: object) -> None:
        raise AssertionError("a name was looked up")

    for name in ("gethostbyname", "gethostbyname_ex", "getaddrinfo"):
        monkeypatch.setattr(socket, name, lookup)
    fetch, _, root = fetcher
    with pytest.raises(ValueError):
        fetch.fetch(f"file://printer.local{root.resolve()}/a.css")
    assert fetch.fetch((root / "a.css").resolve().as_uri()).read() == b"p { color: red }"


def test_the_fetcher_cleans_svg_files_and_data_urls(fetcher) -> None:  # type: ignore[no-untyped-def]
    import base64

    fetch, log, root = fetcher
    served = fetch.fetch((root / "bad.svg").resolve().as_uri()).read()
    assert b"script" not in served and b"<rect" in served
    svg = f"{SVG_OPEN}<rect onload='x()'/></svg>".encode()
    url = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    assert b"onload" not in fetch.fetch(url).read()
    assert log.removed == ["figure bad.svg: removed <script>", "an embedded image: removed onload="]
