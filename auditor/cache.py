"""The on-disk caches' common ground: where they live and how they are kept small.

Every cache lives under ``cache_root()`` (``AUDITOR_CACHE``, else ``XDG_CACHE_HOME``, else
``~/.cache``, then ``auditor``), one subfolder per cache (``index`` for the vectors of the
question index, ``ocr`` for the pages read by OCR). A cache is bounded: when a folder grows over
its limit, the least recently used files go first (a file that is read is touched).
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def cache_root() -> Path:
    base = os.environ.get("AUDITOR_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "auditor"


def limit_bytes(variable: str, default_mb: float) -> int:
    """The size limit set by the environment ``variable`` (megabytes), else ``default_mb``."""
    try:
        megabytes = float(os.environ.get(variable, default_mb))
    except ValueError:
        megabytes = default_mb
    return int(max(megabytes, 0.0) * 1024 * 1024)


def touch(path: Path) -> None:
    """Mark a cache file as recently used (kept when the cache is trimmed)."""
    try:
        os.utime(path)
    except OSError:
        pass


def trim_cache(directory: Path, limit: int, keep: Path | None = None, pattern: str = "*.npz") -> None:
    """Delete the least recently used files matching ``pattern`` until the folder is within
    ``limit`` bytes (``keep`` is never deleted); temporary files older than an hour go too."""
    try:
        for stale in directory.glob("*.tmp"):  # left by a process that ended while writing
            if time.time() - stale.stat().st_mtime > 3600:
                stale.unlink()
        files = [(p.stat().st_mtime, p.stat().st_size, p) for p in directory.glob(pattern)]
    except OSError:
        return
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files, key=lambda x: x[0]):
        if total <= limit:
            break
        if keep is not None and path == keep:
            continue
        try:
            path.unlink()
            total -= size
        except OSError:
            pass
