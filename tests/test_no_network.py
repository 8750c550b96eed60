"""A build makes no network request of any kind, DNS included: watched at two levels.

The audit hook sees every socket Python code opens or every name it resolves; strace
sees every socket system call of the build and its worker processes, whatever library
makes it (Pango, fontconfig, HarfBuzz, the C parts of WeasyPrint's dependencies).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

AUDITED = """
import sys
seen = []
def hook(event, args):
    if event.startswith("socket.") or event in ("urllib.Request",):
        seen.append(event)
sys.addaudithook(hook)
sys.argv = ["publish", "build", "--force", "-q", "--jobs", "1"]
from publish.cli import main
try:
    main()
finally:
    print("NETWORK:" + ",".join(seen))
"""


def test_the_audit_hook_sees_a_socket_and_a_name_lookup() -> None:
    """The watcher works: the same hook reports a socket and a lookup when there is one."""
    control = AUDITED.replace(
        "from publish.cli import main",
        "import socket\nsocket.socket().close()\n"
        "main = lambda: socket.getaddrinfo('localhost', 80)",
    )
    done = subprocess.run(
        [sys.executable, "-c", control], capture_output=True, text=True, check=False
    )
    assert "socket.__new__" in done.stdout and "socket.getaddrinfo" in done.stdout


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}


def test_a_build_opens_no_socket_and_resolves_no_name_in_python(
    new_project: object, tmp_path: Path
) -> None:
    project = new_project("project")  # type: ignore[operator]
    done = subprocess.run(
        [sys.executable, "-c", AUDITED],
        cwd=project,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "NETWORK:"
    assert (project / "dist" / "ketamine-depression" / "reader.epub").is_file()


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(
        ["strace", "-f", "-o", os.devnull, "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


def _socket_calls(project: Path, log: Path, *args: str) -> list[str]:
    """The socket system calls of `publish ARGS` and every process it starts."""
    done = subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-e",
            "signal=none",
            "-e",
            "trace=socket,socketpair,connect,bind,sendto,sendmsg",
            "-o",
            str(log),
            sys.executable,
            "-m",
            "publish",
            *args,
        ],
        cwd=project,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in log.read_text().splitlines() if "exited with" not in line]


@pytest.mark.skipif(not _strace_works(), reason="strace cannot trace processes here")
def test_a_build_and_a_site_make_no_socket_system_call(new_project: object, tmp_path: Path) -> None:
    project = new_project("project")  # type: ignore[operator]
    assert (
        _socket_calls(project, tmp_path / "build.log", "build", "--force", "-q", "--jobs", "2")
        == []
    )
    site = ("site", "--drafts", "--base-url", "https://clinic.example/handouts")
    assert _socket_calls(project, tmp_path / "site.log", *site) == []
    assert (project / "dist" / "_site" / "catalog.xml").is_file()
