"""Find and validate the clinic profile: `--profile FILE`, `publish.toml`, or `[tool.publish]`.

Unknown or invalid fields are errors naming the field and the file, so a typo
never silently drops a clinic's phone number or crisis line.
"""

from __future__ import annotations

import base64
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from publish.errors import ProfileError
from publish.profile import DEFAULT, Profile

_LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
MAX_LOGO_BYTES = 512 * 1024


def find_profile(folder: Path) -> Path | None:
    """`publish.toml`, else a `pyproject.toml` with `[tool.publish]`, in the project folder."""
    if (folder / "publish.toml").is_file():
        return folder / "publish.toml"
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "tool" in _read(pyproject) and "publish" in _read(pyproject)["tool"]:
        return pyproject
    return None


def _text(path: Path) -> str:
    """The profile's text. TOML is UTF-8; a byte order mark, which some editors save at the
    start, is read past rather than reported as a bad first line."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProfileError("saved as UTF-16; TOML files must be UTF-8 (save it as UTF-8)", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ProfileError("not valid UTF-8; TOML files must be UTF-8", path, line) from exc


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_text(path))
    except OSError as exc:
        raise ProfileError(f"cannot read profile: {exc.strerror or exc}", path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"not valid TOML: {exc}", path) from exc


def load_profile(path: Path | None) -> Profile:
    """The profile in `path` (publish.toml, pyproject.toml or any TOML file), or the default.

    Every problem of the file is reported at once, each with the line of its field.
    """
    if path is None:
        return DEFAULT
    from publish import fields

    data, table = _table(_read(path), path)
    found, problems = fields.check(fields.ProfileFields, data, fields.field_name("profile field"))
    values = found.model_dump(exclude_unset=True) if found else {}
    located = [(message, _line(path, table, loc)) for loc, message in problems]
    logo = data.get("logo")
    if isinstance(logo, str) and not any(loc[:1] == ("logo",) for loc, _ in problems):
        try:
            values["logo"] = _logo(logo.strip(), path)
        except ProfileError as exc:
            located.append((exc.raw, _line(path, table, ("logo",))))
    if located:
        raise fields.problems_error(ProfileError, path, located)
    return Profile(**values, source=str(path))


def _table(data: dict[str, Any], path: Path) -> tuple[dict[str, Any], str | None]:
    """The profile's fields and the TOML table holding them: pyproject's [tool.publish], a
    file's only table [clinic], or the whole file."""
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        found = tool.get("publish", {}) if isinstance(tool, dict) else {}
        if not isinstance(found, dict):
            raise ProfileError("[tool.publish] must be a table of profile fields", path)
        return found, "tool.publish"
    if "clinic" in data and isinstance(data["clinic"], dict) and len(data) == 1:
        return data["clinic"], "clinic"
    return data, None


_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")


def _line(path: Path, table: str | None, loc: tuple[str | int, ...]) -> int | None:
    """The line a field is written on (tomllib does not say): its `key =` in its table."""
    if not loc:
        return None
    key = re.escape(str(loc[0]))
    assignment = re.compile(rf"^\s*(?:{key}|\"{key}\")\s*=")
    current = None
    text = _text(path)  # already read once, so readable
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            current = header.group(1)
        elif current == table and assignment.match(line):
            return number
    return None


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
    data = _read_logo(logo, value, path)
    if kind == "image/png" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ProfileError(f"profile field 'logo': {value!r} is not a PNG file", path)
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _read_logo(logo: Path, value: str, path: Path) -> bytes:
    """The logo's bytes, its size checked before reading so a huge file is never read whole.

    The size comes from the open file (no race with a file swapped in between), and at most
    one byte over the limit is read even if the file grows while it is read.
    """
    too_big = f"profile field 'logo': file is over {MAX_LOGO_BYTES} bytes"
    try:
        with logo.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_LOGO_BYTES:
                raise ProfileError(too_big, path)
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise ProfileError(
            f"profile field 'logo': cannot read {value!r}: {exc.strerror}", path
        ) from exc
    if len(data) > MAX_LOGO_BYTES:
        raise ProfileError(too_big, path)
    return data
