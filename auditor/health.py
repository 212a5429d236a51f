"""Reading health: how much of a report was read, so that a report never looks clean because
it was not read. Measured on the Report alone (no checks): tables found with figures, tables
found empty, narrative claims tied to a table cell, figures standing outside any sentence
(the mark of lines broken apart), characters that could not be decoded."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from auditor.model import STANDARD_KINDS, Report

TIEABLE = ("amount", "outturn", "budget", "share", "growth", "completion")
_FIGURES_ONLY = re.compile(r"^[\s\d,.，。%％()（）万元亿\-—]+$")
_FIGURE = re.compile(r"\d[\d,]*\.\d+|\d{2,}")


@dataclass
class ReadingHealth:
    tables_with_data: list[str] = field(default_factory=list)
    tables_empty: list[str] = field(default_factory=list)
    tables_missing: list[str] = field(default_factory=list)
    claims_tieable: int = 0
    claims_tied: int = 0
    amount_claims: int = 0  # narrative amounts in 万元/元/亿元
    figures_outside_sentences: int = 0  # lines that hold only figures
    undecodable_chars: int = 0  # "(cid:N)" glyph numbers and U+FFFD
    text_chars: int = 0
    problems: list[str] = field(default_factory=list)  # why reading has likely failed (Chinese)

    @property
    def tied_share(self) -> float | None:
        return self.claims_tied / self.claims_tieable if self.claims_tieable else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tied_share"] = None if self.tied_share is None else round(self.tied_share, 3)
        return data


def reading_health(report: Report) -> ReadingHealth:
    health = ReadingHealth()
    for kind in STANDARD_KINDS:
        table = report.table(kind)
        if table is None:
            health.tables_missing.append(kind.value)
        elif table.is_empty:
            health.tables_empty.append(kind.value)
        else:
            health.tables_with_data.append(kind.value)
    tieable = [c for c in report.claims if c.kind in TIEABLE]
    health.claims_tieable = len(tieable)
    health.claims_tied = sum(1 for c in tieable if c.target is not None)
    health.amount_claims = sum(1 for c in report.claims if c.unit in ("万元", "元", "亿元") and c.value)
    for line in report.lines:
        text = line.text.strip()
        health.text_chars += len(text)
        health.undecodable_chars += text.count("(cid:") + text.count("\ufffd")
        if _FIGURES_ONLY.match(text) and len(_FIGURE.findall(text)) >= 2:
            health.figures_outside_sentences += 1
    health.problems = _problems(health)
    return health


def _problems(h: ReadingHealth) -> list[str]:
    problems = []
    found = h.tables_with_data + h.tables_empty
    if found and not h.tables_with_data and h.amount_claims >= 3:
        problems.append(f"正文写有 {h.amount_claims} 个金额，但识别到的 {len(found)} 张表全部读成空表")
    if h.tables_with_data and h.claims_tieable >= 8 and (h.tied_share or 0) < 0.25:
        problems.append(f"可与表格对照的 {h.claims_tieable} 条正文陈述中只有 {h.claims_tied} 条对应到表格单元格"
                        f"（{(h.tied_share or 0):.0%}，不足四分之一）")
    if h.figures_outside_sentences >= 5:
        problems.append(f"有 {h.figures_outside_sentences} 行只有数字、不在任何句子中（文字与数字可能被拆到不同的行）")
    if h.text_chars and h.undecodable_chars * 50 > h.text_chars:
        problems.append(f"有 {h.undecodable_chars} 处文字无法解码（字形编号或乱码）")
    return problems
