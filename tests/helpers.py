"""Helpers shared by test modules: the real command line, and a server that proves no fetch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`python -m publish ARGS` in `cwd`, as a user runs it (SOURCE_DATE_EPOCH cleared)."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "publish", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


@dataclass
class Listener:
    """A local HTTP server that records every connection made to it."""

    url: str
    connections: list[tuple[str, int]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)


@contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            listener.paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        do_HEAD = do_GET

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def verify_request(self, request, client_address) -> bool:  # type: ignore[no-untyped-def]
            listener.connections.append(client_address)
            return True

    server = Server(("127.0.0.1", 0), Handler)
    listener.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


TRANSLATIONS = shutil.ignore_patterns("patient.*.md", "clinician.*.md", "glossary.*.yaml")
"""A topic's translation files (patient.<tag>.md and its companions)."""


def copy_seeds(target: Path, *, translations: bool = False) -> Path:
    """Copy the checkout's seeds/ to `target`, in the topics' original language only unless
    `translations`: most tests are about one language's pipeline, and building every
    translation in each of them would only make the suite slower."""
    shutil.copytree(REPO_ROOT / "seeds", target, ignore=None if translations else TRANSLATIONS)
    return target


def normalize_refuses(tmp_path: Path, name: str, data: bytes) -> str:
    """Normalize one raw file that must be refused: exit 3, one error line naming it, and
    nothing written. Returns the error line, for the caller to check its message."""
    from click.testing import CliRunner

    from publish.cli import cli
    from publish.errors import EXIT_INPUT

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / name).write_bytes(data)
    result = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr  # one line
    assert result.stderr.startswith(f"error: raw/{name}: ")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    return result.stderr


def structure_elements(pdf: Any) -> list[Any]:
    """Every element of an open PDF's structure tree (pikepdf), each once, in tree order."""
    import pikepdf

    found: list[Any] = []
    seen: set[tuple[int, int]] = set()
    pending: list[Any] = [pdf.Root.StructTreeRoot]
    while pending:
        element = pending.pop(0)
        if isinstance(element, pikepdf.Array):
            pending[:0] = list(element)
        elif isinstance(element, pikepdf.Dictionary):
            if element.is_indirect:
                if element.objgen in seen:
                    continue
                seen.add(element.objgen)
            if "/S" in element:
                found.append(element)
            if "/K" in element:
                pending.insert(0, element.K)
    return found
