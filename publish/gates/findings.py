"""What a gate reports: findings (pass, warn or fail, with file and line) and the run's result."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from publish import __version__

if TYPE_CHECKING:
    from publish.explain import Hint

STATUSES = ("pass", "warn", "fail")


@dataclass(frozen=True)
class Finding:
    gate: str
    status: str
    message: str
    file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class CheckResult:
    """All findings for all topics; `failed(strict)` says whether the run must stop a release."""

    findings: list[Finding] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    """Reading help (`check --explain`): never a verdict."""

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.findings)

    def failed(self, strict: bool = False) -> bool:
        return self.count("fail") > 0 or (strict and self.count("warn") > 0)

    def to_dict(self, strict: bool = False) -> dict[str, Any]:
        """The `--json` document; its schema is publish/schemas/check.schema.json."""
        return {
            "ok": not self.failed(strict),
            "strict": strict,
            "toolkit_version": __version__,
            "counts": {s: self.count(s) for s in STATUSES},
            "findings": [asdict(f) for f in self.findings],
        } | ({"explain": [hint.to_dict() for hint in self.hints]} if self.hints else {})

    def to_json(self, strict: bool = False) -> str:
        return json.dumps(self.to_dict(strict), indent=2, ensure_ascii=False)
