"""`publish preview`: pages over real HTTP, live reload on edits, errors on the page, no escapes
from the served folders, and a real browser rendering the handout."""

from __future__ import annotations

import html
import http.client
import inspect
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import copy_seeds

from publish import httpserve
from publish.i18n import DISCLAIMER
from publish.preview import DEFAULT_HOST, DEFAULT_PORT, EVENTS, PreviewServer, error_page, serve

TOPIC = Path("seeds/topics/ketamine-depression")
CITED = "New test sentence [@ketamine-depression-how-it-works]."


class Served:
    """A running preview server and a small client for it."""

    def __init__(self, server: PreviewServer, host: str, port: int) -> None:
        self.server = server
        self.host = host
        self.port = port
        self.base = f"http://{host}:{port}"

    def get(self, path: str) -> tuple[int, str, bytes]:
        """Status, content type and body; error statuses are answers too, not exceptions."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers["Content-Type"], error.read()

    def raw(self, path: str, host_header: str | None = None) -> int:
        """The status for a path sent exactly as written (no client-side normalising)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            headers = {"Host": host_header} if host_header else {}
            connection.request("GET", path, headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()

    def text(self, path: str) -> str:
        return self.get(path)[2].decode("utf-8")

    def version(self) -> int:
        return self.server.version

    def stream(self) -> EventStream:
        return EventStream(self.host, self.port)


class EventStream:
    """A client of the preview's event stream, as a page's EventSource is."""

    def __init__(self, host: str, port: int, host_header: str | None = None) -> None:
        self.connection = socket.create_connection((host, port), timeout=10)
        self.reader = self.connection.makefile("rb")
        name = host_header or f"localhost:{port}"
        request = f"GET {EVENTS} HTTP/1.1\r\nHost: {name}\r\nAccept: text/event-stream\r\n\r\n"
        self.connection.sendall(request.encode())
        self.status = int(self.reader.readline().split()[1])
        self.headers: dict[str, str] = {}
        while line := self.reader.readline().strip():
            key, _, value = line.decode().partition(":")
            self.headers[key.lower()] = value.strip()

    def event(self) -> str:
        """The data of the next event (the first is the version the server is at)."""
        data = ""
        while (line := self.reader.readline().decode()) != "\n":
            if not line:
                raise EOFError("the server closed the stream")
            if line.startswith("data: "):
                data = line.removeprefix("data: ").rstrip("\n")
        return data

    def close(self) -> None:
        self.reader.close()
        self.connection.close()


def wait_for(check: Callable[[], bool], timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repo_root: Path) -> Path:
    """A project folder holding a copy of the checkout's seeds/, as the working folder."""
    copy_seeds(tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@contextmanager
def running(topic: Path = TOPIC) -> Iterator[Served]:
    server = PreviewServer(topic, port=0)
    host, port = server.start()
    try:
        yield Served(server, host, port)
    finally:
        server.stop()


@pytest.fixture
def served(project: Path) -> Iterator[Served]:
    with running() as served:
        yield served


def test_pages_stylesheets_and_figure(served: Served) -> None:
    status, kind, body = served.get("/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    index = body.decode("utf-8")
    for page in ("/handout", "/clinician", "/epub"):
        assert f'href="{page}"' in index
        status, kind, body = served.get(page)
        assert (status, kind) == (200, "text/html; charset=utf-8"), page
        assert 'new EventSource("/_events")' in body.decode("utf-8"), page  # every page reloads

    handout = served.text("/handout")
    assert DISCLAIMER in handout
    assert "988" in handout
    assert '<link rel="stylesheet" href="/_static/css/handout.css" />' in handout
    assert served.get("/_static/css/handout.css")[:2] == (200, "text/css; charset=utf-8")
    status, kind, _ = served.get("/_static/fonts/AtkinsonHyperlegible-Regular.ttf")
    assert (status, kind) == (200, "font/ttf")  # base.css loads it as ../fonts/

    figure = "/_topic/figures/care-path.svg"
    assert f'src="{figure}"' in handout
    status, kind, body = served.get(figure)
    assert (status, kind) == (200, "image/svg+xml")
    assert body.lstrip().startswith(b"<")

    clinician = served.text("/clinician")
    assert '<link rel="stylesheet" href="/_static/css/clinician.css" />' in clinician
    assert "Source appraisal" in clinician


def test_epub_pages_follow_the_book(served: Served) -> None:
    contents = served.text("/epub")
    for chapter in ("about", "guide", "clinician", "source-1", "glossary", "references"):
        assert f'href="/epub/{chapter}.xhtml"' in contents
    guide = served.text("/epub/guide.xhtml")
    assert '<link rel="stylesheet" href="/_static/css/epub.css" />' in guide
    assert 'href="references.xhtml#ref-1"' in guide  # the book's own links work here too
    assert 'id="ref-1"' in served.text("/epub/references.xhtml")
    assert served.get("/epub/nothing.xhtml")[0] == 404


def test_an_edit_bumps_the_version_and_shows(served: Served, project: Path) -> None:
    before = served.version()
    patient = project / TOPIC / "patient.md"
    patient.write_text(patient.read_text(encoding="utf-8") + f"\n{CITED}\n", encoding="utf-8")
    assert wait_for(lambda: served.version() > before), "no reload after an edit"
    assert "New test sentence" in served.text("/handout")


def test_an_error_shows_on_the_page_until_fixed(served: Served, project: Path) -> None:
    patient = project / TOPIC / "patient.md"
    good = patient.read_text(encoding="utf-8")
    broken = good + "\nA claim [@no-such-source].\n"
    patient.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("A claim [@no-such-source].") + 1

    status, kind, body = served.get("/handout")
    page = body.decode("utf-8")
    assert (status, kind) == (500, "text/html; charset=utf-8")
    assert f"patient.md:{line}: unknown citation key @no-such-source" in page
    assert 'new EventSource("/_events")' in page  # it reloads itself once the file is fixed

    patient.write_text(good, encoding="utf-8")
    assert served.get("/handout")[0] == 200


def test_project_templates_win_and_their_errors_show(project: Path) -> None:
    templates = project / "templates"
    (templates / "css").mkdir(parents=True)
    (templates / "css" / "handout.css").write_text("/* the clinic's own */\n", encoding="utf-8")
    page = templates / "handout.html"
    page.write_text('{% extends "base.html" %}{% block body %}{{ oops( }}{% endblock %}\n')
    with running() as served:
        assert served.text("/_static/css/handout.css") == "/* the clinic's own */\n"
        status, _, body = served.get("/handout")
        assert status == 500
        assert "handout.html:1: template syntax error" in body.decode("utf-8")

        before = served.version()
        page.write_text('{% extends "base.html" %}{% block body %}<h1>Ours</h1>{% endblock %}\n')
        assert wait_for(lambda: served.version() > before), "no reload after a template edit"
        status, _, body = served.get("/handout")
        assert status == 200
        assert "<h1>Ours</h1>" in body.decode("utf-8")


def test_error_messages_are_escaped() -> None:
    page = error_page("Cannot render /handout", 'x.md:3: bad <script>alert("x")</script>', "b.7")
    assert "&lt;script&gt;alert(" in page
    assert 'bad <script>alert("x")</script>' in html.unescape(page)  # shown as text
    assert page.count("<script>") == 1  # the reload script only
    assert 'var seen = "b.7"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/_topic/../../../etc/passwd",
        "/_topic/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/_topic/..%2F..%2Fnormalized/ketamine-depression-how-it-works.md",
        "/_topic//etc/passwd",
        "/_topic/%2fetc%2fpasswd",
        "/_topic/figures/%00.svg",
        "/_static/../../../etc/passwd",
        "/_static/css/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/_static/handout.html",
        "/seeds/topics/ketamine-depression/patient.md",
    ],
)
def test_nothing_outside_the_served_folders(served: Served, path: str) -> None:
    assert served.raw(path) == 404


def test_binds_loopback_by_default(served: Served) -> None:
    assert (DEFAULT_HOST, DEFAULT_PORT) == ("127.0.0.1", 8000)
    assert inspect.signature(PreviewServer).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert served.host == "127.0.0.1"
    assert served.port > 0


def test_other_host_names_are_refused(served: Served) -> None:
    """A page elsewhere cannot rebind its own name to this server and read the topic."""
    assert served.raw("/handout", host_header="attacker.example:80") == 403
    assert served.raw("/handout", host_header=f"localhost:{served.port}") == 200


def test_a_real_browser_renders_the_handout(served: Served, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed")
    shot = tmp_path / "shot.png"
    run = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'browser'}",
            f"--screenshot={shot}",
            "--window-size=900,1200",
            "--dump-dom",
            f"{served.base}/handout",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    dom = run.stdout
    assert run.returncode == 0, run.stderr[-2000:]
    assert "<h1>Ketamine for Depression</h1>" in dom
    assert 'class="crisis"' in dom and "988" in dom
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("name", "served_as"),
    [
        ("run.js", "application/octet-stream"),
        ("page.html", "application/octet-stream"),
        ("feed.xml", "application/octet-stream"),
        ("notes.md", "text/plain; charset=utf-8"),
        ("photo.png", "image/png"),
    ],
)
def test_topic_files_are_served_as_images_or_text_never_as_something_to_run(
    project: Path, name: str, served_as: str
) -> None:
    (project / TOPIC / name).write_bytes(b"<script>alert(1)</script>")
    with running() as served:
        status, kind, _ = served.get(f"/_topic/{name}")
    assert (status, kind) == (200, served_as)


def test_the_error_page_lists_every_problem_of_the_file(project: Path) -> None:
    control = project / TOPIC / "topic.yaml"
    text = control.read_text(encoding="utf-8")
    control.write_text(
        text.replace("status: draft", "status: finished").replace("language: en", "language: 12"),
        encoding="utf-8",
    )
    with running() as served:
        status, _, body = served.get("/handout")
    page = body.decode("utf-8")
    assert status == 500
    assert "field &#39;status&#39;" in page and "field &#39;language&#39;" in page


def test_idle_connections_do_not_stop_the_server_answering(served: Served) -> None:
    """Hundreds of connections that never send a request hold no worker."""
    import socket

    idle = [socket.create_connection((served.host, served.port)) for _ in range(300)]
    try:
        started = time.monotonic()
        assert served.get("/")[0] == 200
        assert time.monotonic() - started < 5
    finally:
        for connection in idle:
            connection.close()


def test_a_connection_that_sends_nothing_is_closed(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from publish import httpserve

    monkeypatch.setattr(httpserve, "IDLE_SECONDS", 0.5)
    idle = socket.create_connection((served.host, served.port))
    idle.settimeout(5)
    try:
        assert idle.recv(1) == b""  # closed by the server, not by the timeout here
    finally:
        idle.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1", "0x7f.1", "2130706433", "::1", "LOCALHOST"])
def test_every_spelling_of_loopback_keeps_the_host_check(host: str) -> None:
    from publish.preview import _is_loopback

    assert _is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.1", "128.1", "example.org"])
def test_other_addresses_are_not_loopback(host: str) -> None:
    from publish.preview import _is_loopback

    assert not _is_loopback(host)


def test_an_edit_is_pushed_to_open_pages_at_once(served: Served, project: Path) -> None:
    stream = served.stream()
    try:
        assert stream.status == 200
        assert stream.headers["content-type"] == "text/event-stream"
        rendered_at = stream.event()  # the server's version: what a page now rendered holds
        assert f'var seen = "{rendered_at}"' in served.text("/handout")

        patient = project / TOPIC / "patient.md"
        patient.write_text(patient.read_text(encoding="utf-8") + f"\n{CITED}\n", "utf-8")
        started = time.monotonic()
        pushed = stream.event()
        assert time.monotonic() - started < 2, "the change was not pushed promptly"
        assert pushed != rendered_at
        assert f'var seen = "{pushed}"' in served.text("/handout")
        assert "New test sentence" in served.text("/handout")
    finally:
        stream.close()


def test_a_page_open_across_a_restart_reloads(project: Path) -> None:
    """Each run of the server starts at version 0, yet a page of the last run reloads."""
    with running() as first:
        stream = first.stream()
        before = stream.event()
        stream.close()
    with running() as second:
        stream = second.stream()
        assert stream.event() != before
        stream.close()


def test_many_open_pages_do_not_stop_the_server_answering(served: Served, project: Path) -> None:
    """Event streams hold no worker: three times the pool's size of them open, pages load."""
    streams = [served.stream() for _ in range(3 * httpserve.WORKERS)]
    try:
        assert all(s.status == 200 and s.event() for s in streams)
        started = time.monotonic()
        assert served.get("/")[0] == 200
        assert served.get("/handout")[0] == 200
        assert time.monotonic() - started < 5

        patient = project / TOPIC / "patient.md"
        patient.write_text(patient.read_text(encoding="utf-8") + f"\n{CITED}\n", "utf-8")
        assert len({s.event() for s in streams}) == 1  # every page is told, the same version
    finally:
        for stream in streams:
            stream.close()


def test_event_streams_are_capped_and_closed_ones_are_freed(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(httpserve, "MAX_STREAMS", 2)
    first, second = served.stream(), served.stream()
    refused = served.stream()
    assert (first.status, second.status, refused.status) == (200, 200, 503)
    refused.close()
    first.close()  # a closed tab gives its place back
    opened: list[EventStream] = []

    def reopen() -> bool:
        stream = served.stream()
        opened.append(stream)
        return stream.status == 200

    assert wait_for(reopen)
    for stream in (second, *opened):
        stream.close()


def test_the_event_stream_keeps_the_host_check(served: Served) -> None:
    stream = EventStream(served.host, served.port, host_header="attacker.example:80")
    assert stream.status == 403
    stream.close()
    assert served.raw(EVENTS, host_header="attacker.example") == 403


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from helpers import run_cli

    copy_seeds(tmp_path / "seeds")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("preview", "--port", str(port), cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "choose another --port, or --port 0 for a free one"
    ]
