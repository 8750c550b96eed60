"""Replace a topic's output folder as one atomic step, under a lock.

Readers of `dist/<topic>/` see the previous complete folder or the new complete
one, never a mix: the new folder is staged beside the old and the two are
swapped with renameat2(RENAME_EXCHANGE). A build killed at any moment leaves a
folder whose manifest matches its files.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from publish import fsutil
from publish.errors import OutputError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold `.<name>.lock` beside the folder; a second build of the same topic is refused.

    The lock file is opened with O_NOFOLLOW (a symlink there is refused, so no file is
    ever created elsewhere), and `target` must be a real folder or absent, never a link.
    """
    check_folder(target)
    lock = target.parent / f".{target.name}.lock"
    with fsutil.open_folder(target.parent, target.parent) as folder:
        try:
            fd = fsutil.open_file_in(folder, lock, os.O_RDWR | os.O_CREAT)
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", lock) from exc
    with os.fdopen(fd, "r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                "another build is writing this folder; try again when it ends", target
            ) from None
        check_folder(target)  # as it is now that no other build can change it
        _remove_leftovers(target)
        yield


def check_folder(target: Path) -> None:
    """Refuse an output folder that is a symlink (to a folder, a file or nothing) or a file:
    its files would be published from, or written to, somewhere else."""
    if target.is_symlink():
        raise fsutil.refuse_link(target)
    if target.exists() and not target.is_dir():
        raise OutputError("cannot write: not a folder", target)


def _remove_leftovers(target: Path) -> None:
    """Staging folders of a build that was killed (only ever removed under the lock)."""
    for stray in target.parent.glob(f".{target.name}.staging-*"):
        shutil.rmtree(stray, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the system cannot."""
    rename = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if rename is None:
        return False
    if rename(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(staging: Path, target: Path) -> None:
    """Put the staged folder in the target's place in one step; the old one is removed."""
    if not target.exists():
        os.rename(staging, target)
    elif _exchange(staging, target):
        shutil.rmtree(staging)
    else:
        old = staging.with_name(staging.name + "-old")
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old)
    _fsync_dir(target.parent)


def _replace(target: Path, fill: Callable[[Path], None]) -> None:
    """Stage a new folder beside `target`, let `fill` write it (raising keeps the old one),
    sync it and swap it into place; anything left half-written is removed."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", target.parent) from exc
    try:
        fill(staging)
        os.chmod(staging, 0o755)
        _fsync_dir(staging)
        _swap(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write: {exc.strerror or exc}", target) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write(path: Path, data: bytes) -> None:
    """One file, on disk before the folder holding it is swapped in."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def commit(target: Path, files: dict[str, bytes], remove: Iterable[str] = ()) -> None:
    """Make `target` hold `files` plus whatever else it held (less `remove`), atomically."""
    dropped = set(remove)
    check_folder(target)

    def fill(staging: Path) -> None:
        if target.is_dir():
            for entry in target.iterdir():
                if entry.name in files or entry.name in dropped:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(entry, staging / entry.name, symlinks=True)
                else:
                    shutil.copy2(entry, staging / entry.name, follow_symlinks=False)
        for name, data in files.items():
            _write(staging / name, data)

    _replace(target, fill)


def replace_tree(
    target: Path, files: dict[str, bytes], verify: Callable[[Path], None] | None = None
) -> None:
    """Make `target` hold exactly `files` (paths inside it, with subfolders) in one step.

    The new tree is staged beside the target, synced to disk and passed to `verify`, which
    raises to keep the old one; only then are the two swapped. Used for a whole site, where
    a file left from an earlier run (a topic since withdrawn) must not stay published."""
    check_folder(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", target.parent) from exc

    def fill(staging: Path) -> None:
        for name, data in sorted(files.items()):
            path = staging / name
            if not path.resolve().is_relative_to(staging.resolve()):
                raise OutputError("refused: a path that leads outside the folder", path)
            path.parent.mkdir(parents=True, exist_ok=True)
            _write(path, data)
        for folder in sorted((p for p in staging.rglob("*") if p.is_dir()), reverse=True):
            os.chmod(folder, 0o755)
            _fsync_dir(folder)
        if verify is not None:
            verify(staging)

    with locked(target):
        _replace(target, fill)
