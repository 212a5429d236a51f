"""The exposed UI's guards: login throttling with back-off, and report text made inert before
it is rendered (no remote images, no links, no HTML from a report reaches the browser)."""

from __future__ import annotations

import asyncio
import hmac
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

UNKNOWN_USER = "\x00unknown"  # every name that is not an account shares one bucket


@dataclass
class LoginThrottle:
    """Gradio's ``auth`` callable: checks a login and slows guessing down.

    Each account (and, together, every unknown name) has a failure count. After
    ``free_tries`` failures the account is locked for ``base_seconds`` · 2^(n − free_tries),
    at most ``max_seconds``; while locked every attempt, right or wrong, is refused with
    HTTP 429 and a Chinese message, without checking the password. Every failure also costs
    ``delay_seconds``. A success resets the count."""

    accounts: dict[str, str]
    free_tries: int = 3
    base_seconds: float = 2.0
    max_seconds: float = 900.0
    delay_seconds: float = 0.3
    refused: int = 0  # attempts refused while locked (for figures and tests)
    failed: int = 0  # wrong passwords checked
    _state: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _key(self, username: str) -> str:
        return username if username in self.accounts else UNKNOWN_USER

    def locked_for(self, username: str) -> float:
        """Seconds the name is still locked for (0 when it may try)."""
        with self._lock:
            _, until = self._state.get(self._key(username), (0, 0.0))
        return max(0.0, until - time.monotonic())

    def check(self, username: str, password: str) -> bool | None:
        """True / False for a checked login; None when refused because the name is locked."""
        key = self._key(username)
        with self._lock:
            failures, until = self._state.get(key, (0, 0.0))
            now = time.monotonic()
            if now < until:
                self.refused += 1
                return None
            expected = self.accounts.get(username)
            ok = expected is not None and hmac.compare_digest(password.encode("utf-8"), expected.encode("utf-8"))
            if ok:
                self._state.pop(key, None)
                return True
            failures += 1
            self.failed += 1
            lock = 0.0 if failures < self.free_tries else min(self.max_seconds,
                                                               self.base_seconds * 2 ** (failures - self.free_tries))
            self._state[key] = (failures, now + lock)
            return False

    def auth_function(self) -> Callable[[str, str], Awaitable[bool]]:
        """What to give Gradio as ``auth``: a plain coroutine function. (Gradio awaits only
        what ``inspect.iscoroutinefunction`` recognises; an object with an async ``__call__``
        would be called without awaiting and its coroutine taken as a success.)"""

        async def check_login(username: str, password: str) -> bool:
            return await self.login(username, password)

        return check_login

    async def login(self, username: str, password: str) -> bool:
        from fastapi import HTTPException

        verdict = self.check(username, password)
        if verdict is None:
            wait = max(1, math.ceil(self.locked_for(username)))
            raise HTTPException(status_code=429, detail=f"登录失败次数过多，请 {wait} 秒后再试",
                                headers={"Retry-After": str(wait)})
        if not verdict:
            await asyncio.sleep(self.delay_seconds)
        return verdict


# -- report text made inert --------------------------------------------------------------------
_URL = re.compile(r"(?i)\b(?:https?|ftp|file|data|javascript|vbscript)\s*:[^\s<>\"'`）)】」，。；]*|\bwww\.[^\s<>\"'`）)】」，。；]+")
_MARKUP = str.maketrans({"<": "&lt;", ">": "&gt;", "[": "［", "]": "］", "`": "'", "\\": "＼"})


def inert(text: str) -> str:
    """Report (or model) text safe to put into Markdown: HTML tags shown as text, Markdown
    link and image brackets replaced by full-width ones (no ``![…](…)`` or ``[…](…)``
    survives), addresses shown as code so nothing links or loads. Our own Markdown is added
    around the result, never inside it."""
    if not text:
        return ""
    urls: list[str] = []

    def hold(match: re.Match[str]) -> str:
        urls.append(match.group(0))
        return f"\x00{len(urls) - 1}\x00"

    held = _URL.sub(hold, text)
    safe = held.translate(_MARKUP)
    return re.sub(r"\x00(\d+)\x00", lambda m: "`" + urls[int(m.group(1))].replace("`", "'").translate(
        {ord("<"): "%3C", ord(">"): "%3E"}) + "`", safe)
