"""Questions a journalist asks, over every report in ../shared (the seed, the real PDFs, the
Jiangsu budgets with their tables, the Fujian narratives), answered without an LLM:
right figures, right page or line cited, the report's own reasons, the audit's findings
carried by every answer that states a flagged figure, and never a traceback.

Expected answers (tests/fixtures/qa/real_questions.yaml) were read from the reports
themselves (pdftotext -layout, the text files), never from this tool's output.
`python -m tests.test_qa_real` prints the figures (right / total per report kind,
contradictions).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.audit import audit_report
from auditor.ingest import load_report
from auditor.model import Report
from index.answer import Answer, Answerer
from index.facts import Fact, FactBase, build_facts
from index.store import ReportIndex, build_index
from tests.conftest import REAL, SEED

QUESTIONS = Path(__file__).parent / "fixtures" / "qa" / "real_questions.yaml"
SHARED = SEED.parents[1]
FUJIAN = REAL / "narratives_fujian"
JIANGSU = REAL / "budget_jiangsu"
INTERNAL_TAG = re.compile(r"\[(?:错误|警告|提示)\]|\b[A-Z]{2,5}\d{3}\]")


def reports() -> dict[str, list[Path]]:
    """Every report in ../shared, by key: one file, or a Jiangsu narrative with its tables."""
    found: dict[str, list[Path]] = {"seed": [SEED]}
    for path in sorted(REAL.glob("*.pdf")):
        found[f"real/{path.stem}"] = [path]
    for path in sorted(FUJIAN.glob("*.txt")):
        found[f"fujian/{path.stem.removeprefix('fujian-pingtan_')}"] = [path]
    for path in sorted(JIANGSU.glob("*_report.pdf")):
        tables = path.with_name(path.name.replace("_report", "_tables"))
        key = path.stem.removeprefix("jiangsu_").removesuffix("_budget_report")
        found[f"jiangsu/{key}"] = [path, tables] if tables.exists() else [path]
    return found


def kind_of(key: str) -> str:
    return key.split("/")[0] if "/" in key else "seed"


@cache
def _read(paths: tuple[Path, ...]) -> Report:
    """Each report read once for the whole module (reading is tested elsewhere)."""
    return load_report(list(paths) if len(paths) > 1 else paths[0])


@cache
def session(key: str) -> tuple[FactBase, ReportIndex]:
    report = _read(tuple(reports()[key]))
    base = build_facts(report, audit_report(report))
    return base, build_index(base, vectors=False)


def questions() -> list[dict[str, Any]]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))


def _numbers(text: str) -> list[Decimal]:
    values = []
    for raw in re.findall(r"\d[\d,]*(?:\.\d+)?", re.sub(r"(?<=[\d.])\s+(?=\d)", "", text)):
        try:
            values.append(Decimal(raw.replace(",", "")))
        except InvalidOperation:
            continue
    return values


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def judge(question: dict[str, Any], answer: Answer) -> tuple[bool, str]:
    """(right, why not). Right: every expected figure stated, the expected page or line
    among the citations, the reason quoted, the finding's code carried; no internal tag."""
    expect = question.get("expect") or {}
    text = answer.text
    if INTERNAL_TAG.search(text):
        return False, "internal tag in the answer"
    if question["kind"] == "not_found":
        return (not answer.found or "未找到" in text or "无此项" in text), "stated as found"
    if not answer.found:
        return False, "not found"
    stated = _numbers(text)
    for figure in expect.get("figures", []):
        if Decimal(str(figure)) not in stated:
            return False, f"figure {figure} missing"
    for quote in [expect["quote"]] if expect.get("quote") else []:
        if _flat(quote) not in _flat(text):
            return False, f"quote “{quote}” missing"
    for code in [expect["code"]] if expect.get("code") else []:
        if code not in text:
            return False, f"finding {code} not carried"
    pages = {c.page for c in answer.citations if c.page}
    lines = {c.line for c in answer.citations if c.line}
    for key, cited in (("page", pages), ("line", lines)):  # one place, or any of several printing the same
        wanted = expect.get(key)
        if wanted is not None and not set(wanted if isinstance(wanted, list) else [wanted]) & cited:
            return False, f"{key} {wanted} not cited (cited {sorted(cited)})"
    if not pages and not lines:
        return False, "no citation"
    return True, ""


def ask_all(only: str | None = None) -> list[tuple[dict[str, Any], Answer, bool, str]]:
    everything = questions()
    by_id = {q["id"]: q for q in everything}
    out = []
    for question in everything:
        if only and question["report"] != only:
            continue
        base, index = session(question["report"])
        answerer = Answerer(base, index)
        if question.get("after"):
            answerer.ask(by_id[question["after"]]["question"] if question["after"] in by_id else question["after"])
        answer = answerer.ask(question["question"])
        ok, why = judge(question, answer)
        out.append((question, answer, ok, why))
    return out


# ---- contradictions: every finding tied to a figure, asked about that figure --------------------

QUESTION_OF_KIND = {
    "growth": "{s}比上年增减了多少？",
    "share": "{s}占比多少？",
    "completion": "{s}完成预算的百分之多少？",
    "budget": "{s}的预算是多少？",
    "count": "{s}有多少？",
}


def figure_questions(base: FactBase) -> list[tuple[Fact, Fact, str]]:
    """(finding, figure, question about the figure) for every error / warning finding tied
    to a table cell or a narrative figure."""
    out = []
    for finding in base.of_kind("finding"):
        if finding.extra.get("severity") not in ("error", "warning"):
            continue
        targets = [base.get(i) for i in finding.extra.get("targets", "").split(",") if i]
        figures = [t for t in targets if t is not None and t.kind in ("cell", "claim") and t.value is not None
                   and not t.extra.get("suspect")]
        if not figures:
            continue
        figure = figures[0]
        subject = re.sub(r"\s+", "", figure.subject or "")
        if not subject:
            continue
        if figure.kind == "cell":
            question = f"{subject}是多少？"
        else:
            question = QUESTION_OF_KIND.get(figure.extra.get("kind", ""), "{s}是多少？").format(s=subject)
        out.append((finding, figure, question))
    return out


def _printed(figure: Fact) -> str:
    if figure.kind == "claim":
        return re.sub(r"\s+", "", figure.extra.get("raw") or str(figure.value))
    return f"{figure.value}万元"


def contradictions(key: str) -> tuple[int, list[str], list[str]]:
    """(findings asked about, answers stating the flagged figure without the finding,
    answers to "is this figure right?" that do not carry the finding)."""
    base, index = session(key)
    asked, silent, bare = 0, [], []
    for finding, figure, question in figure_questions(base):
        asked += 1
        code = finding.extra.get("code", "")
        answer = Answerer(base, index).ask(question)
        if figure.id in answer.facts and code not in answer.text:  # the flagged figure itself stated bare
            silent.append(f"{key} {code} 「{question}」 -> {answer.text[:120]}")
        subject = re.sub(r"\s+", "", figure.subject)
        check = f"{subject}{_printed(figure)}对吗？"
        answer = Answerer(base, index).ask(check)
        if code not in answer.text:
            bare.append(f"{key} {code} 「{check}」 -> {answer.text[:120]}")
    return asked, silent, bare


# ---- tests -------------------------------------------------------------------------------------

# A narrative written for these tests (no tables): a wrong growth rate, reasons in the next
# sentence, "同上", a cause stated before "相应增加", visits with a foreign subset.
OWN = """2023年度某区示范局部门决算说明
一、收入支出决算总体情况说明
2023年度收入支出总计500.00万元，比2022年决算数400.00万元增加100.00万元，增长20.00%。
主要原因是新增培训项目。
二、机关运行经费支出情况
2023年度机关运行经费支出30.00万元，比上年决算数增加6.00万元，增长25.00%。主要原因同上。
三、“三公”经费支出情况
公务接待费2.00万元，累计接待12批次、接待总人数80人次，其中：接待外宾2批次。与上年相比增加1.00万元，来访考察团组增多，相应增加接待费用。
"""


@pytest.fixture(scope="module")
def own() -> tuple[FactBase, ReportIndex]:
    from tests.conftest import report_from_text

    report = report_from_text(OWN)
    base = build_facts(report, audit_report(report))
    return base, build_index(base, vectors=False)


def _ask(own: tuple[FactBase, ReportIndex], question: str) -> Answer:
    return Answerer(*own).ask(question)


def test_a_flagged_figure_is_never_stated_bare(own: tuple[FactBase, ReportIndex]) -> None:
    answer = _ask(own, "收入支出总计比上年增长多少？")
    assert "20.00%" in answer.text and "NAR003" in answer.text and "25.00%" in answer.text  # stated, flagged, corrected
    assert not INTERNAL_TAG.search(answer.text)
    assert len(answer.citations) == len(set(answer.citations))
    checked = _ask(own, "收入支出总计增长20.00%对吗？")
    assert "NAR003" in checked.text and "应为25.00%" in checked.text


def test_no_problem_only_from_checks_that_ran(own: tuple[FactBase, ReportIndex]) -> None:
    answer = _ask(own, "公务接待费2.00万元对吗？")
    assert "未发现" in answer.text and "已运行" in answer.text
    assert "未能核对" in answer.text  # no tables: the table comparison did not run, and is named


def test_reasons_are_the_reports_own(own: tuple[FactBase, ReportIndex]) -> None:
    assert "新增培训项目" in _ask(own, "收入支出总计为什么增加？").text  # the sentence after the figure
    assert "新增培训项目" in _ask(own, "机关运行经费为什么增加？").text  # "主要原因同上"
    visits = _ask(own, "公务接待费为什么增加？")
    assert "来访考察团组增多" in visits.text and "未说明" not in visits.text
    assert "12批次" in _ask(own, "公务接待了多少批次？").text  # all visits, not the foreign ones

def _need_shared() -> None:
    if not SEED.exists() or not FUJIAN.exists() or not JIANGSU.exists():
        pytest.skip("../shared 中的报告不存在（CI 中提供），无法评测真实报告问答")


def test_question_set_covers_every_report() -> None:
    _need_shared()
    everything = questions()
    assert len(everything) >= 200
    assert len({q["id"] for q in everything}) == len(everything)
    covered = Counter(q["report"] for q in everything)
    missing = [key for key in reports() if not covered[key]]
    assert not missing, f"reports without questions: {missing}"
    kinds = Counter(q["kind"] for q in everything)
    assert kinds["why"] >= 20 and kinds["findings"] >= 15, kinds


def test_real_questions_answered_right() -> None:
    _need_shared()
    results = ask_all()
    wrong = [f"{q['id']} {q['question']} -> {why}: {a.text[:160]}" for q, a, ok, why in results if not ok]
    right = len(results) - len(wrong)
    assert right / len(results) >= 0.95, f"{right}/{len(results)}\n" + "\n".join(wrong)


def test_issue_questions_answered_right() -> None:
    """The questions quoted in the issue, each on its report, all right."""
    _need_shared()
    results = [r for r in ask_all() if r[0].get("issue")]
    assert len(results) >= 8
    wrong = [f"{q['id']} {q['question']} -> {why}: {a.text[:200]}" for q, a, ok, why in results if not ok]
    assert not wrong, "\n".join(wrong)


def test_no_answer_contradicts_a_finding() -> None:
    """Every finding tied to a figure: asked about that figure, the answer carries it."""
    _need_shared()
    total = 0
    silent: list[str] = []
    bare: list[str] = []
    for key in reports():
        asked, said, missed = contradictions(key)
        total += asked
        silent += said
        bare += missed
    assert total >= 30
    assert not silent, "\n".join(silent)
    assert not bare, f"{len(bare)}/{total} answers about a flagged figure do not carry the finding:\n" + "\n".join(bare)


def test_no_traceback_from_ask_or_index_on_any_shared_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """`ask` (keyword retrieval) on every file of ../shared alone and on each Jiangsu pair,
    with the issue's questions: an answer or a Chinese message, never a traceback. (The
    files are read once for the module: reading within limits is tested elsewhere.)"""
    _need_shared()
    from click.testing import CliRunner

    from auditor.cli import main

    def read(target: str | list[str], limits: object) -> Report:
        return _read(tuple(Path(t) for t in (target if isinstance(target, list) else [target])))

    monkeypatch.setattr("auditor.cli.read_bounded", read)

    files = [[p] for p in sorted(SHARED.rglob("*")) if p.suffix in (".pdf", ".txt") and p.is_file()]
    files += [paths for paths in reports().values() if len(paths) > 1]
    asked = ["年初预算是多少？完成了多少？", "公务接待费花了多少？接待了多少批次？", "为什么决算数小于预算数？",
             "这份报告有什么问题？"]
    runner = CliRunner()
    for paths in files:
        args = ["ask", *map(str, paths), "--keyword-only", "--format", "json"]
        for question in asked:
            args += ["-q", question]
        result = runner.invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            f"{paths}: {result.exception!r}\n{result.output[-500:]}"
        assert "Traceback" not in result.output, paths
        assert result.exit_code == 0, f"{paths}: {result.output[-300:]}"


if __name__ == "__main__":  # pragma: no cover - `python -m tests.test_qa_real` prints the figures
    import sys

    only = sys.argv[1] if len(sys.argv) > 1 else None
    results = ask_all(only)
    by_kind: dict[str, list[int]] = {}
    for q, a, ok, why in results:
        tally = by_kind.setdefault(kind_of(q["report"]), [0, 0])
        tally[0] += ok
        tally[1] += 1
        if not ok:
            print(f"MISS {q['id']} {q['question']} -> {why}: {a.text[:200]}")
    right = sum(t[0] for t in by_kind.values())
    print(f"right {right}/{len(results)}", {k: f"{a}/{b}" for k, (a, b) in sorted(by_kind.items())})
    if only is None:
        total = 0
        silent: list[str] = []
        bare: list[str] = []
        for key in reports():
            n, s, b = contradictions(key)
            total, silent, bare = total + n, silent + s, bare + b
        print(f"findings asked about {total}; answers stating the flagged figure without the finding {len(silent)}; "
              f"'is it right?' answers not carrying the finding {len(bare)}")
        print("\n".join(silent[:20] + bare[:20]))
