"""`publish preview`: serve a topic's artifacts as HTML and reload the browser on every change.

Writers see the handout, the clinician sheet and the e-book as they edit, without
waiting for WeasyPrint. Pages are rendered on request from the same templates the
builds use; a background thread (watchfiles) bumps a version number whenever an
input changes and pushes it at once, as a server-sent event on /_events, to a small
script in every page, which reloads the page. A broken input shows as an error page,
so fixing the file brings the page back.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jinja2

from publish.errors import EXIT_USAGE, ContentError, PublishError
from publish.httpserve import BoundedHTTPServer
from publish.project import TOPIC_FILE, Project, topic_folder
from publish.render import registry
from publish.render.html import render as render_template
from publish.render.html import template_file
from publish.render.options import Options, Page, figure_path
from publish.resources import bundled_templates, media_type
from publish.sanitize import figure_bytes, is_svg
from publish.topic import Topic, load_topic, translations

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
EVENTS = "/_events"
"""The event stream every preview page listens to: one event per version."""
RETRY_MS = 500
"""How long a page's event stream waits before reconnecting to a server that went away:
a restarted preview is back in about this long, and the page then reloads."""
WATCH_STEP_MS = 20
"""watchfiles checks for new changes this often and yields once a check finds none since
the last, so one save is announced 20 to 40 ms after it (the default step, 50, costs 50
to 100 ms). An editor's save (write, rename, attributes) typically takes a few ms, so
it is one batch and one reload; a save split over two batches only reloads twice."""
WATCH_DEBOUNCE_MS = 300
"""The longest watchfiles batches changes that keep coming less than a step apart (a
checkout, a script writing many files): one reload at least every 300 ms, where the
default, 1600, would show nothing for that long. A reload storm stays cheap: a page that
reloads again drops the load under way, and each artifact is rendered once at a time."""
STATIC_FOLDERS = ("css", "fonts")
"""The template subfolders served under /_static/ (never the Jinja sources)."""
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.I)


class PreviewError(PublishError):
    """The preview server could not start: the port is taken or the host is not this machine's."""

    exit_code = EXIT_USAGE


def _chrome(template: str, **context: Any) -> str:
    """The preview's own pages and additions, from the bundled templates only: a clinic's
    template overrides change what the artifacts look like, never the preview around them."""
    return render_template(template, None, events=EVENTS, **context)


def pages_index(folder: Path | None = None, language: str | None = None) -> list[tuple[str, str]]:
    """(URL, label) of every artifact's page in a language: one per registered artifact the
    topic in `folder` has the text for (a translation's pages are under /<tag>/)."""
    prefix = f"/{language}" if language else ""
    return [
        (f"{prefix}/{a.name}", a.label)
        for a in registry.ARTIFACTS.values()
        if folder is None or a.builds_in(folder, language)
    ]


def language_name(tag: str) -> str:
    """'Spanish (es)': how the preview's index heads a language's pages."""
    from publish.i18n import babel_locale

    return f"{babel_locale(tag).get_display_name('en')} ({tag})"


def inject(page: str, styles: tuple[str, ...], version: str, nav: str = "") -> str:
    """Add stylesheet links and the reload script to the head (the PDF path passes styles apart)."""
    head = _chrome("preview/head.html", styles=styles, version=version)
    page = page.replace("</head>", head + "</head>", 1) if "</head>" in page else head + page
    if nav:
        match = _BODY_OPEN.search(page)
        at = match.end() if match else 0
        page = page[:at] + nav + page[at:]
    return page


def _nav(*links: tuple[str, str]) -> str:
    return _chrome("preview/nav.html", links=links)


def error_page(title: str, message: str, version: str) -> str:
    """The one-line error, escaped, in a page that still reloads when the input is fixed."""
    links = [("/", "Index"), *pages_index()]
    return _chrome(
        "preview/error.html", title=title, message=message, links=links, styles=(), version=version
    )


def _message(exc: Exception) -> str:
    if isinstance(exc, PublishError):
        return "\n".join(exc.lines())  # every problem of the file, one line each
    if isinstance(exc, jinja2.TemplateError):
        return f"template failed: {exc}".replace("\n", " ")
    return f"internal error: {type(exc).__name__}: {exc}".replace("\n", " ")


# --- the server --------------------------------------------------------------------------------


@dataclass
class Response:
    status: HTTPStatus
    content_type: str
    body: bytes


def _html(page: str, status: HTTPStatus = HTTPStatus.OK) -> Response:
    return Response(status, "text/html; charset=utf-8", page.encode("utf-8"))


NOT_FOUND = Response(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")
TOO_MANY_STREAMS = Response(
    HTTPStatus.SERVICE_UNAVAILABLE,
    "text/plain; charset=utf-8",
    b"too many open pages: this one will not reload by itself\n",
)


def inside(root: Path, relative: str) -> Path | None:
    """`root/relative` if it is a file that resolves inside `root` (links followed), else None."""
    if not relative or "\x00" in relative:
        return None
    try:
        base = root.resolve()
        path = (base / relative).resolve()
    except (OSError, ValueError, RuntimeError):
        return None
    return path if path.is_relative_to(base) and path.is_file() else None


class PreviewServer:
    """An HTTP server for one topic, with a file watcher that tells open pages to reload.

    `start()` returns the bound address (port 0 picks a free one); `stop()` ends both threads.
    """

    def __init__(
        self,
        topic_dir: Path | str,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        log: Callable[[str], None] | None = None,
        project: Project | None = None,
    ) -> None:
        self.topic_dir = topic_folder(topic_dir)  # what build refuses, preview refuses
        self.host = host
        self.port = port
        self.log = log or (lambda line: None)
        self.project = project or Project.find(Path.cwd().resolve())
        self._version = 0
        self._boot = secrets.token_hex(4)
        self._lock = threading.Lock()
        self._page_locks: dict[str, threading.Lock] = {}
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # -- lifecycle --

    @property
    def version(self) -> int:
        return self._version

    @property
    def tag(self) -> str:
        """What a page compares with the events: the version, and which server run it is
        of, so that a page open across a restart reloads once it reconnects."""
        return f"{self._boot}.{self._version}"

    def bump(self) -> int:
        """A new version, pushed to every open page (each reloads)."""
        with self._lock:
            self._version += 1
            version = self._version
        if self._httpd is not None:
            self._httpd.streams.publish(self.tag)
        return version

    def start(self) -> tuple[str, int]:
        """Bind, then serve and watch in background threads; returns (host, port) as bound."""
        try:
            self._httpd = _server_class(self.host)((self.host, self.port), _Handler, self)
        except OSError as exc:
            raise PreviewError(
                f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc}); "
                "choose another --port, or --port 0 for a free one"
            ) from exc
        self._httpd.streams.publish(self.tag)
        serving = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},  # so that stop() returns promptly
            name="publish-preview-http",
            daemon=True,
        )
        watching = threading.Thread(target=self._watch, name="publish-preview-watch", daemon=True)
        self._threads = [serving, watching]
        serving.start()
        watching.start()
        self._watching.wait(timeout=5)  # a change made right after start() is not missed
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        serving = self._threads[0]
        while serving.is_alive():
            serving.join(timeout=0.5)

    # -- watching --

    def watch_paths(self) -> list[Path]:
        """The topic, its sources, the templates (project's and bundled) and the profile files."""
        folder = self.topic_dir.resolve()
        candidates = [folder, Project.sources_for(folder), bundled_templates()]
        if self.project.templates:
            candidates.append(self.project.templates)
        workdir = self.project.folder
        candidates += [workdir / "publish.toml", workdir / "pyproject.toml"]
        kept: list[Path] = []
        for path in sorted(
            {p.resolve() for p in candidates if p.exists()}, key=lambda p: len(p.parts)
        ):
            if not any(path.is_relative_to(k) for k in kept):
                kept.append(path)
        return kept

    def _watch(self) -> None:
        """Bump the version on every batch of changes watchfiles reports (see WATCH_STEP_MS
        and WATCH_DEBOUNCE_MS for how changes are batched)."""
        import watchfiles

        try:
            for changes in watchfiles.watch(
                *self.watch_paths(),
                stop_event=self._stop,
                debounce=WATCH_DEBOUNCE_MS,
                step=WATCH_STEP_MS,
                rust_timeout=200,
                yield_on_timeout=True,  # the first (empty) yield says the watcher is set up
                raise_interrupt=False,
            ):
                self._watching.set()
                if changes:
                    version = self.bump()
                    names = ", ".join(sorted(Path(p).name for _, p in changes))
                    self.log(f"changed: {names} (reload {version})")
        except Exception as exc:  # the pages still render; only live reload is lost
            self.log(f"warning: live reload stopped: {type(exc).__name__}: {exc}")
        finally:
            self._watching.set()

    # -- rendering --

    def options(self) -> Options:
        """The options `publish build` would use now: the profile may have changed since start."""
        from publish.config import load_profile

        profile = load_profile(self.project.profile_file())
        return Options(paper=profile.paper, profile=profile, project=self.project)

    def _image_src(self, topic: Topic) -> Callable[[str], str]:
        base = topic.folder.resolve()

        def image_src(src: str) -> str:
            return "/_topic/" + quote(figure_path(topic, src).relative_to(base).as_posix())

        return image_src

    def render(self, path: str, version: str) -> Response:
        """The page at `path`; a failure to load or render is a 500 page naming the cause.

        One render at a time per artifact: a reload storm waits for the render under way
        instead of starting many of the same (the keys are the registry's names, so a
        client cannot grow the table).
        """
        language, rest = self._language(path)
        name = rest.strip("/").partition("/")[0]
        key = f"{language}/{name}" if registry.get(name) is not None else ""
        with self._lock:
            page_lock = self._page_locks.setdefault(key, threading.Lock())
        try:
            with page_lock:
                page = self._render(path, version)
        except Exception as exc:
            message = _message(exc)
            self.log(f"error: {path}: {message}")
            title = f"Cannot render {path}"
            return _html(error_page(title, message, version), HTTPStatus.INTERNAL_SERVER_ERROR)
        return _html(page) if page is not None else NOT_FOUND

    def _language(self, path: str) -> tuple[str | None, str]:
        """A translation's tag when `path` starts with one (/es/handout), and the rest."""
        first, _, rest = path.strip("/").partition("/")
        if first in translations(self.topic_dir):
            return first, f"/{rest}"
        return None, path

    def _render(self, path: str, version: str) -> str | None:
        if path == "/":
            return self._index(version)
        language, rest = self._language(path)
        name, _, chapter = rest.strip("/").partition("/")
        artifact = registry.get(name)
        if artifact is None or not artifact.builds_in(self.topic_dir, language):
            return None
        topic = load_topic(self.topic_dir, language=language)
        pages = artifact.render_module().pages(topic, self.options(), self._image_src(topic))
        if not chapter and len(pages) == 1:
            return inject(pages[0].html, pages[0].styles, version)
        contents = f"/{language}/{artifact.name}" if language else f"/{artifact.name}"
        if not chapter:
            return self._contents(topic, artifact, pages, contents, version)
        return self._chapter(pages, chapter, contents, version)

    def _chapter(self, pages: list[Page], name: str, contents: str, version: str) -> str | None:
        """One page of a many-page artifact (an e-book chapter), with links to its neighbours."""
        names = [p.file_name for p in pages]
        if name not in names:
            return None
        at = names.index(name)
        links = [("/", "Index"), (contents, "Contents")]
        if at > 0:
            links.append((names[at - 1], f"← {pages[at - 1].title}"))
        if at + 1 < len(names):
            links.append((names[at + 1], f"{pages[at + 1].title} →"))
        return inject(pages[at].html, pages[at].styles, version, _nav(*links))

    def _index(self, version: str) -> str:
        topic = load_topic(self.topic_dir)
        languages = [(language_name(topic.language), pages_index(self.topic_dir))]
        languages += [
            (language_name(tag), pages_index(self.topic_dir, tag))
            for tag in translations(self.topic_dir)
        ]
        return _chrome(
            "preview/index.html",
            title=f"{topic.control.title}: preview",
            topic=topic.control,
            folder=str(self.topic_dir),
            languages=languages,
            styles=("css/base.css",),
            version=version,
        )

    def _contents(
        self,
        topic: Topic,
        artifact: registry.Artifact,
        pages: list[Page],
        contents: str,
        version: str,
    ) -> str:
        chapters = [(f"{contents}/{quote(p.file_name)}", p.title) for p in pages]
        return _chrome(
            "preview/contents.html",
            title=f"{topic.control.title}: {artifact.label.lower()}",
            heading=topic.control.title,
            chapters=chapters,
            links=[("/", "Index")],
            styles=pages[0].styles if pages else (),
            version=version,
        )

    # -- files --

    def static(self, relative: str) -> Response:
        """A stylesheet or font from the templates, the project's copy first (as the PDFs load)."""
        folder = relative.split("/", 1)[0]
        if folder not in STATIC_FOLDERS or "\x00" in relative:
            return NOT_FOUND
        templates = self.project.templates
        try:
            path = template_file(relative, templates).resolve()
        except (PublishError, OSError, ValueError):
            return NOT_FOUND
        roots = [r.resolve() / folder for r in (templates, bundled_templates()) if r]
        return _file(path) if any(path.is_relative_to(r) for r in roots) else NOT_FOUND

    def topic_file(self, relative: str) -> Response:
        """A file of the topic folder (figures), never anything outside it."""
        path = inside(self.topic_dir, relative)
        if path is None:
            return NOT_FOUND
        if is_svg(path.name):  # a figure is shown as the artifacts embed it: sanitized
            try:
                data, _ = figure_bytes(path)
            except (PublishError, OSError):
                return NOT_FOUND
            return Response(HTTPStatus.OK, _content_type(path), data)
        return _file(path)


_SERVED_AS_IS = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
"""Media types a page may load from the preview as they are; fonts and CSS are added below."""


def _content_type(path: Path) -> str:
    """An allow-list: images, fonts and stylesheets by their type, text as plain text, and
    anything else (scripts, XML, HTML) as bytes to download, never as something to run."""
    kind = media_type(path.name)
    if kind == "text/css":
        return "text/css; charset=utf-8"
    if kind in _SERVED_AS_IS or kind.startswith("font/"):
        return kind
    if kind in ("text/plain", "text/markdown", "application/yaml"):
        return "text/plain; charset=utf-8"
    return "application/octet-stream"


def _file(path: Path) -> Response:
    kind = _content_type(path)
    try:
        return Response(HTTPStatus.OK, kind, path.read_bytes())
    except OSError:
        return NOT_FOUND


def _is_loopback(host: str) -> bool:
    """Whether `host` is this machine only, in any spelling the socket layer accepts
    (`127.1` and `0x7f.1` are 127.0.0.1 to it); parsed, never looked up."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host)).is_loopback
    except OSError:
        return False


class _HTTPServer(BoundedHTTPServer):
    def __init__(self, address: tuple[str, int], handler: type, preview: PreviewServer) -> None:
        self.preview = preview
        super().__init__(address, handler)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


def _server_class(host: str) -> type[_HTTPServer]:
    return _HTTPServer6 if ":" in host else _HTTPServer


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "publish-preview"
    disable_nagle_algorithm = True
    """A response's head and body, and each event, leave at once (no 40 ms delayed-ACK wait)."""

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS and self._host_allowed():
            self._stream()
        else:
            self._respond(self._route(), head=False)

    def do_HEAD(self) -> None:
        self._respond(self._route(), head=True)

    def _route(self) -> Response:
        preview = self.server.preview
        version = preview.tag  # before rendering: a change during the render reloads
        if not self._host_allowed():
            return Response(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"forbidden\n")
        path = urlsplit(self.path).path
        if path.startswith("/_static/"):
            return preview.static(unquote(path.removeprefix("/_static/")))
        if path.startswith("/_topic/"):
            return preview.topic_file(unquote(path.removeprefix("/_topic/")))
        return preview.render(path.rstrip("/") or "/", version)

    def _stream(self) -> None:
        """Keep the connection as an event stream; the worker is free once the head is sent."""
        streams = self.server.streams
        if not streams.reserve(self.request):
            self._respond(TOO_MANY_STREAMS, head=False)
            return
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
        except OSError:
            streams.drop(self.request)
            return
        streams.start(self.request, RETRY_MS)

    def _host_allowed(self) -> bool:
        """On a loopback address, only local names: a web page cannot rebind its name to us."""
        if not _is_loopback(self.server.preview.host):
            return True
        header = self.headers.get("Host", "")
        if not header:
            return True  # an HTTP/1.0 client; browsers always send Host
        name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
        return name.strip("[]").lower() in LOOPBACK_NAMES | {self.server.preview.host}

    def _respond(self, response: Response, head: bool) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser reloaded before the page arrived

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: every reload requests a page and opens a stream."""


# --- the command -------------------------------------------------------------------------------


def default_topic(project: Project) -> Path:
    """The first topic `publish build` would build here."""
    topics = project.topic_dirs()
    if not topics:
        raise ContentError(f"no topic folder (with {TOPIC_FILE}) under seeds/topics")
    return topics[0]


def url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    topic_dir: Path | str | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    echo: Callable[[str], None] = print,
    project: Project | None = None,
) -> None:
    """Serve until Ctrl-C, printing the address and each reload or error."""
    project = project or Project.find(Path.cwd().resolve())
    folder = Path(topic_dir) if topic_dir is not None else default_topic(project)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    server = PreviewServer(folder, host, port, log=log, project=project)
    bound_host, bound_port = server.start()
    echo(f"Previewing {folder} at {url(bound_host, bound_port)}  (Ctrl-C to stop)")
    if not _is_loopback(bound_host):
        echo(f"warning: listening on {bound_host}: other machines on the network can see it")
    try:
        server.wait()
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.stop()
