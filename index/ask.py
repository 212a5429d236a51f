"""Ask a report: the deterministic answer always; with an LLM configured, a phrasing of it
that must pass the verifier, else is repaired (sentences with unverified figures dropped)
or replaced by the deterministic answer — and the answer says which happened."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.audit import AuditResult, audit_report
from auditor.ingest import load_report
from auditor.model import Report
from index.answer import Answer, Answerer
from index.embed import EmbeddingSettings
from index.facts import FactBase, build_facts
from index.llm import LLMSettings, LLMUnavailable, make_chat, phrase
from index.query import Query, llm_query
from index.store import Progress, ReportIndex, build_index
from index.verify import verify

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


@dataclass
class Session:
    """One report opened for questions: facts, index, a conversation and optionally an LLM."""

    base: FactBase
    index: ReportIndex
    llm: LLMSettings = field(default_factory=LLMSettings)
    answerer: Answerer = field(init=False)
    _chat: Any = None
    _ids: set[str] | None = None

    def __post_init__(self) -> None:
        self.answerer = Answerer(self.base, self.index)

    @classmethod
    def open(cls, path: str | Path, llm: LLMSettings | None = None, embeddings: EmbeddingSettings | None = None,
             vectors: bool = True, progress: Progress | None = None, background: bool = False) -> Session:
        return cls.from_report(load_report(path), llm, embeddings, vectors, progress, background)

    @classmethod
    def from_report(cls, report: Report, llm: LLMSettings | None = None,
                    embeddings: EmbeddingSettings | None = None, vectors: bool = True,
                    progress: Progress | None = None, background: bool = False) -> Session:
        """A session over a report already read (the CLI reads it once to report errors)."""
        if progress is not None:
            progress("正在审核…")
        return cls.from_result(audit_report(report), llm, embeddings, vectors, progress, background)

    @classmethod
    def from_result(cls, result: AuditResult, llm: LLMSettings | None = None,
                    embeddings: EmbeddingSettings | None = None, vectors: bool = True,
                    progress: Progress | None = None, background: bool = False) -> Session:
        """A session over a report already audited (the UI shows findings before indexing).
        Deterministic answers need no index: it is built when a search first needs it, or at
        once in the background with ``background`` (``session.index.status`` tells how far)."""
        if progress is not None:
            progress("正在整理事实…")
        base = build_facts(result.report, result)
        index = build_index(base, embeddings, vectors=vectors, progress=progress)
        if background:
            index.start()
        return cls(base, index, llm or LLMSettings())

    def ask(self, question: str) -> Answer:
        answer = self.answerer.ask(question, self._llm_query(question))
        if self.llm.kind == "none" or not answer.found and answer.intent != "findings":
            answer.verification = {"status": "deterministic"}
            return answer
        return self._phrase(question, answer)

    def _llm_query(self, question: str) -> Query | None:
        """With an LLM configured and AUDITOR_LLM_QUERY=1, the model proposes the typed query of
        a one-part question (validated; anything invalid falls back to the parser)."""
        if self.llm.kind == "none" or os.environ.get("AUDITOR_LLM_QUERY") != "1" or len(self.answerer.parse(question)) != 1:
            return None
        try:
            if self._chat is None:
                self._chat = make_chat(self.llm)
        except LLMUnavailable:
            return None
        return llm_query(self._chat, question, self.base)

    def _phrase(self, question: str, draft: Answer) -> Answer:
        try:
            if self._chat is None:
                self._chat = make_chat(self.llm)
        except LLMUnavailable as exc:  # the model never answered: not a failed verification
            draft.verification = {"status": "error", "error": str(exc)}
            return draft
        facts = [self.base.get(i) for i in draft.facts]
        retrieved = [f for f, _ in self.index.search(question, k=6)]
        shown = [f for f in [*facts, *retrieved] if f is not None and not f.extra.get("suspect")]
        seen: set[str] = set()
        lines = []
        for fact in shown:
            if fact.id in seen:
                continue
            seen.add(fact.id)
            lines.append(f"【{fact.id}】{fact.text}（{fact.citation.where()}）")
        meta = self.base.report.meta
        try:
            text = phrase(self._chat, question, "\n".join(lines[:12]), draft.text, meta.department, str(meta.year or ""))
        except Exception as exc:  # noqa: BLE001 - a failing model never hides the answer
            # a call that failed is not a failed verification: status "error", the reason shown
            error = str(exc) if isinstance(exc, LLMUnavailable) else f"模型调用失败：{type(exc).__name__}"
            draft.verification = {"status": "error", "error": error}
            self._chat = None  # try again (a local server is restarted) on the next question
            return draft
        computations = [draft.text, draft.computation]
        ids = {f.id for f in shown} | set(draft.facts) | {s for f in shown for s in f.sources}
        self._ids = ids
        check = verify(text, self.base, computations, ids)
        result = Answer(question, text, draft.intent, draft.subject, draft.found, mode="llm", verified=check.ok,
                        facts=draft.facts, citations=draft.citations, computation=draft.computation,
                        query=draft.query, parts=draft.parts)
        if check.ok:
            result.verification = {"status": "passed", **check.to_dict()}
            return result
        repaired = self._repair(text, computations)
        if repaired:
            result.text = repaired
            result.verified = True
            result.verification = {"status": "repaired", **check.to_dict(), "llm_answer": text}
            return result
        draft.verification = {"status": "replaced", **check.to_dict(), "llm_answer": text}
        return draft

    def _repair(self, text: str, computations: list[str]) -> str:
        """The LLM text without the sentences that state unverified figures or unknown ids;
        empty when nothing with a verified figure remains."""
        kept = [s for s in _SENTENCE.findall(text) if s.strip() and verify(s, self.base, computations, self._ids).ok]
        joined = "".join(kept).strip()
        if not joined or not re.search(r"\d", joined):
            return ""
        return joined
