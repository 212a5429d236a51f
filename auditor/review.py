"""A reviewer's marks on findings: confirmed / dismissed with a note, kept per report.

Marks are keyed by the finding's fingerprint (its code and where it points, not its wording),
so they survive a re-run of the checks, and stored as one JSON file per report, named by the
report's SHA-256, in a folder the user chooses. Reopening the same file restores them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

STATUSES = ("confirmed", "dismissed")
STATUS_ZH = {"confirmed": "已确认", "dismissed": "已排除", "": "未复核"}
MAX_NOTE = 2000


@dataclass(frozen=True)
class Mark:
    status: str  # "confirmed" or "dismissed"
    note: str = ""
    at: str = ""  # UTC timestamp, ISO 8601

    @property
    def status_zh(self) -> str:
        return STATUS_ZH.get(self.status, self.status)

    def to_dict(self) -> dict[str, str]:
        return {**asdict(self), "status_zh": self.status_zh}


class ReviewStore:
    """Marks of one report in ``folder/<sha256>.review.json``."""

    def __init__(self, folder: Path | str, sha256: str) -> None:
        if not re.fullmatch(r"[0-9a-f]{16,64}", sha256 or ""):
            raise ValueError("review marks need the report's SHA-256")
        self.path = Path(folder) / f"{sha256}.review.json"
        self.marks: dict[str, Mark] = self._load()

    def _load(self) -> dict[str, Mark]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        marks = {}
        for fingerprint, item in (data.get("marks") or {}).items():
            if isinstance(item, dict) and item.get("status") in STATUSES:
                marks[str(fingerprint)] = Mark(item["status"], str(item.get("note", ""))[:MAX_NOTE], str(item.get("at", "")))
        return marks

    def set(self, fingerprint: str, status: str, note: str = "") -> Mark | None:
        """Record a mark; status "" clears it. Written to disk at once (atomically)."""
        if status and status not in STATUSES:
            raise ValueError(f"unknown review status {status!r}")
        mark = None
        if status:
            mark = Mark(status, note.strip()[:MAX_NOTE], datetime.now(timezone.utc).isoformat(timespec="seconds"))
            self.marks[fingerprint] = mark
        else:
            self.marks.pop(fingerprint, None)
        self._save()
        return mark

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"marks": {k: asdict(v) for k, v in sorted(self.marks.items())}}, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
        os.replace(tmp, self.path)

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {k: v.to_dict() for k, v in self.marks.items()}
