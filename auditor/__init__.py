"""auditor: audits and explains Chinese department final-accounts reports (部门决算公开)."""

import functools

__version__ = "0.1.0"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The version plus a hash of the package's own source: results computed by other code
    (an upgrade, a local change) are not reused by a resumed batch."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"
