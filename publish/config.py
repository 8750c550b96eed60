"""Find and validate the clinic profile: `--profile FILE`, `publish.toml`, or `[tool.publish]`.

Unknown or invalid fields are errors naming the field and the file, so a typo
never silently drops a clinic's phone number or crisis line.
"""

from __future__ import annotations

import base64
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from publish.errors import ProfileError
from publish.profile import DEFAULT, PAPERS, Profile

_TEXT = ("clinic_name", "phone", "address", "website", "language", "locale", "disclaimer_extra")
_LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
MAX_LOGO_BYTES = 512 * 1024


def find_profile(start: Path | None = None) -> Path | None:
    """`publish.toml`, else a `pyproject.toml` with `[tool.publish]`, in the working folder."""
    folder = start or Path.cwd()
    if (folder / "publish.toml").is_file():
        return folder / "publish.toml"
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "tool" in _read(pyproject) and "publish" in _read(pyproject)["tool"]:
        return pyproject
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read profile: {exc}", path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"not valid TOML: {exc}", path) from exc


def load_profile(path: Path | None) -> Profile:
    """The profile in `path` (publish.toml, pyproject.toml or any TOML file), or the default."""
    if path is None:
        return DEFAULT
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("publish", {})
    elif "clinic" in data and isinstance(data["clinic"], dict) and len(data) == 1:
        data = data["clinic"]
    known = {f.name for f in fields(Profile)} - {"source"}
    values: dict[str, Any] = {"source": str(path)}
    for key, value in data.items():
        if key not in known:
            raise ProfileError(
                f"unknown profile field {key!r}; allowed: {', '.join(sorted(known))}", path
            )
        values[key] = _check(key, value, path)
    return Profile(**values)


def _check(key: str, value: Any, path: Path) -> Any:
    if key in _TEXT:
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"profile field {key!r} must be non-empty text", path)
        return value.strip()
    if key == "paper":
        if value not in PAPERS:
            raise ProfileError(f"profile field 'paper' must be one of {', '.join(PAPERS)}", path)
        return value
    if key == "crisis":
        ok = (
            isinstance(value, list)
            and value
            and all(isinstance(v, str) and v.strip() for v in value)
        )
        if not ok:
            raise ProfileError("profile field 'crisis' must be a non-empty list of lines", path)
        return tuple(v.strip() for v in value)
    if key == "logo":
        return _logo(value, path)
    raise ProfileError(f"unknown profile field {key!r}", path)  # pragma: no cover


def _logo(value: Any, path: Path) -> str:
    """The logo as a data: URI, so documents never load files from outside the project."""
    if not isinstance(value, str) or not value:
        raise ProfileError("profile field 'logo' must be a path to an SVG or PNG file", path)
    logo = (path.parent / value).resolve()
    kind = _LOGO_TYPES.get(logo.suffix.lower())
    if kind is None:
        raise ProfileError(f"profile field 'logo' must be an SVG or PNG file, not {value!r}", path)
    if not logo.is_relative_to(path.parent.resolve()):
        raise ProfileError(
            f"profile field 'logo' points outside the profile's folder: {value!r}", path
        )
    if not logo.is_file():
        raise ProfileError(f"profile field 'logo': no such file {value!r}", path)
    data = logo.read_bytes()
    if len(data) > MAX_LOGO_BYTES:
        raise ProfileError(f"profile field 'logo': file is over {MAX_LOGO_BYTES} bytes", path)
    if kind == "image/png" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ProfileError(f"profile field 'logo': {value!r} is not a PNG file", path)
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"
