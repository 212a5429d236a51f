"""LLM prompt templates (Chinese), versioned files with declared slots.

Each template is a Markdown file with a small front matter (name, version, slots) and two
parts, ``[system]`` and ``[user]``; ``{slot}`` placeholders are filled by ``render``. The
test suite checks that every declared slot is used and no undeclared one is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)
_SLOT = re.compile(r"{([a-z_]+)}")


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    slots: tuple[str, ...]
    system: str
    user: str

    def render(self, **values: str) -> tuple[str, str]:
        missing = set(self.slots) - set(values)
        if missing:
            raise KeyError(f"提示词“{self.name}”缺少槽位：{', '.join(sorted(missing))}")
        # values are inserted verbatim: braces inside report text are not treated as slots
        def fill(template: str) -> str:
            return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), template)

        return fill(self.system), fill(self.user)

    def used_slots(self) -> set[str]:
        return set(_SLOT.findall(self.system)) | set(_SLOT.findall(self.user))


def load(name: str, version: int | None = None) -> Prompt:
    """The template ``name`` at ``version`` (the latest when None)."""
    candidates = sorted(
        (p for p in files(__package__).iterdir() if p.name.startswith(f"{name}_v") and p.name.endswith(".md")),
        key=lambda p: int(p.name[len(name) + 2 : -3]),
    )
    if version is not None:
        candidates = [p for p in candidates if p.name == f"{name}_v{version}.md"]
    if not candidates:
        raise FileNotFoundError(f"没有提示词模板“{name}”" + (f"（版本 {version}）" if version else ""))
    text = candidates[-1].read_text(encoding="utf-8")
    front = _FRONT.match(text)
    if front is None:
        raise ValueError(f"提示词模板“{name}”缺少头部信息")
    meta = dict(line.split(":", 1) for line in front.group(1).splitlines() if ":" in line)
    body = text[front.end() :]
    system, user = body.split("[user]", 1)
    return Prompt(
        name=meta["name"].strip(),
        version=int(meta["version"]),
        slots=tuple(s.strip() for s in meta["slots"].strip(" []").split(",") if s.strip()),
        system=system.replace("[system]", "", 1).strip(),
        user=user.strip(),
    )


def available() -> list[str]:
    return sorted(p.name for p in files(__package__).iterdir() if p.name.endswith(".md"))
