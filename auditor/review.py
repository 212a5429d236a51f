"""A reviewer's marks on findings: confirmed / dismissed with a note, kept per report.

Marks are keyed by the finding's fingerprint (its code and where it points, not its wording),
so they survive a re-run of the checks, and stored as one JSON file per report, named by the
report's SHA-256, in a folder the user chooses. Reopening the same file restores them.

Several writers may mark one report at once (two reviewers, two UI sessions, the CLI): each
change takes an exclusive lock on a companion ``.lock`` file, re-reads the marks on disk,
applies only its own change and replaces the file atomically, so no one's mark is lost.
Reading (``as_dict``) re-reads the file, so each writer sees the others' marks.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
        self.lock_path = Path(folder) / f"{sha256}.review.lock"
        self.marks: dict[str, Mark] = self._load()

    def _load(self) -> dict[str, Mark]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or not isinstance(data.get("marks"), dict):
            return {}
        marks = {}
        for fingerprint, item in data["marks"].items():
            if isinstance(item, dict) and item.get("status") in STATUSES:
                marks[str(fingerprint)] = Mark(item["status"], str(item.get("note", ""))[:MAX_NOTE], str(item.get("at", "")))
        return marks

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive lock shared by every process and thread that writes this report's marks."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                import fcntl
            except ImportError:  # not POSIX: the atomic replace alone
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def set(self, fingerprint: str, status: str, note: str = "") -> Mark | None:
        """Record a mark; status "" clears it. Written to disk at once (atomically), merged with
        what other writers saved meanwhile."""
        if status and status not in STATUSES:
            raise ValueError(f"unknown review status {status!r}")
        mark = None
        if status:
            mark = Mark(status, note.strip()[:MAX_NOTE], datetime.now(timezone.utc).isoformat(timespec="seconds"))
        with self._locked():
            marks = self._load()
            if mark is not None:
                marks[fingerprint] = mark
            else:
                marks.pop(fingerprint, None)
            self._save(marks)
            self.marks = marks
        return mark

    def _save(self, marks: dict[str, Mark]) -> None:
        body = json.dumps({"marks": {k: asdict(v) for k, v in sorted(marks.items())}}, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise

    def refresh(self) -> dict[str, Mark]:
        """The marks as saved now (including other writers')."""
        self.marks = self._load()
        return self.marks

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {k: v.to_dict() for k, v in self.refresh().items()}

