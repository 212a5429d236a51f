"""Unusable input: one exception with a one-line Chinese reason for the user."""

from __future__ import annotations


class InputError(Exception):
    """The file cannot be read as a report. ``str(exc)`` is the Chinese reason."""

    def __init__(self, reason: str, kind: str = "unreadable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # empty / encrypted / scanned / not_pdf / corrupt / too_large / unreadable
