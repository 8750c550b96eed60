"""Files written and read inside one allowed folder, atomically, never through a symlink.

Every writer of publish goes through here. A folder the user names (`--out`, `--dist`)
is taken as it is, link or not; below it nothing is followed: each folder on the way is
opened with O_NOFOLLOW relative to the one above it (openat style), so a symlink planted
at `dist/<id>`, `dist/<id>/fhir` or a lock file is refused, and a swap after the check
cannot redirect the write either.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from publish.errors import InputError, OutputError

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_LINKED = (errno.ELOOP, errno.ENOTDIR)
"""What O_NOFOLLOW (and O_DIRECTORY on a link to a file) answers for a symlink."""


def write_atomic(path: Path, data: bytes | str, root: Path | None = None) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, then rename.

    With `root`, `path` must lie below it and no folder between them may be a symlink
    (they are created as needed): the file lands inside `root` or not at all.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if root is not None:
        with open_folder(root, path.parent) as fd:
            _write_in(fd, path, payload)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_in(folder: int, path: Path, payload: bytes) -> None:
    """Write `path.name` in the open folder `folder`: temporary file, fsync, rename."""
    tmp = f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o644, dir_fd=folder)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o644)
        os.replace(tmp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
        os.fsync(folder)
    except OSError as exc:
        _unlink_in(folder, tmp)
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from exc
    except BaseException:
        _unlink_in(folder, tmp)
        raise


def _unlink_in(folder: int, name: str) -> None:
    with suppress(OSError):
        os.unlink(name, dir_fd=folder)


def refuse_link(path: Path) -> OutputError:
    """The error for a symlink where publish writes or reads its own files."""
    return OutputError("refused: a symbolic link where publish keeps its own files", path)


@contextmanager
def open_folder(root: Path, folder: Path, *, create: bool = True) -> Iterator[int]:
    """A descriptor of `folder`, reached from `root` without following any symlink below it.

    `root` itself may be a link (the user named it); each part of `folder` below it is
    opened with O_NOFOLLOW, and created when missing if `create`. A part that is a
    symlink (to a folder, a file or nothing) is refused with an OutputError naming it.
    """
    parts = relative_parts(root, folder)
    try:
        if create:
            Path(root).mkdir(parents=True, exist_ok=True)
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", root) from exc
    try:
        here = Path(root)
        for part in parts:
            here = here / part
            parent, fd = fd, -1
            try:
                fd = _step(parent, part, here, create)
            finally:
                os.close(parent)
        yield fd
    finally:
        if fd >= 0:
            os.close(fd)


def _step(parent: int, name: str, path: Path, create: bool) -> int:
    """Open the folder `name` inside `parent`, never through a link."""
    try:
        try:
            return os.open(name, _DIR_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                raise
            with suppress(FileExistsError):  # made meanwhile, or a dangling link:
                os.mkdir(name, 0o755, dir_fd=parent)  # the open below decides
            return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except OSError as exc:
        if exc.errno in _LINKED and os.path.islink(path):
            raise refuse_link(path) from None
        if exc.errno == errno.ENOTDIR:
            raise OutputError("cannot write: not a folder", path) from None
        if isinstance(exc, FileNotFoundError) and not create:
            raise OutputError("no such folder", path) from None
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from exc


def relative_parts(root: Path, path: Path) -> tuple[str, ...]:
    """The names leading from `root` to `path`, compared as written (no link followed)."""
    base = os.path.abspath(root)
    target = os.path.abspath(path)
    if target != base and not target.startswith(base.rstrip(os.sep) + os.sep):
        raise OutputError(f"refused: not inside {root}", path)
    rest = target[len(base) :].strip(os.sep)
    return tuple(p for p in rest.split(os.sep) if p)


def open_file_in(folder: int, path: Path, flags: int, mode: int = 0o644) -> int:
    """`path.name` opened inside the open folder with O_NOFOLLOW: a link is refused."""
    try:
        return os.open(
            path.name, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), mode, dir_fd=folder
        )
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise refuse_link(path) from None
        raise


def read_no_follow(path: Path) -> bytes:
    """The bytes of `path`, refused (OutputError) if the file itself is a symlink.

    Used for the files publish wrote itself (manifest, artifacts): whatever a link there
    points at was not built by publish and is never read, described or embedded.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise refuse_link(path) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def plain_folder(path: Path) -> bool:
    """Whether `path` is a real folder or absent: neither a symlink nor another kind of file."""
    return not path.is_symlink() and (path.is_dir() or not path.exists())


def require_inside(path: Path, root: Path) -> Path:
    """`path`, refused if it (or a symlink on the way) leads outside `root`."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise InputError(f"refused: leads outside {root} (to {resolved})", path)
    return path
