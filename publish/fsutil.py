"""Atomic file writes: a reader sees the old complete file or the new one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from publish.errors import InputError, OutputError


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, then rename."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
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


def require_inside(path: Path, root: Path) -> Path:
    """`path`, refused if it (or a symlink on the way) leads outside `root`."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise InputError(f"refused: leads outside {root} (to {resolved})", path)
    return path
