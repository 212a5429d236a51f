"""A synthetic corpus for questions across reports: departments × years written as text
reports (the fastest input the batch reads through the real reader), their figures kept as
ground truth (truth.json), and corpus questions whose expected answers are computed from
those figures, never from the database.

    python bench/corpus_db.py [--out bench/out/corpus_db] [--departments 50] [--years 10]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.synth.compose import LAYOUT_NAMES, compose  # noqa: E402
from auditor.synth.figures import OFFICES, PLACES, ReportData, generate  # noqa: E402
from auditor.synth.text import render_text  # noqa: E402

FIRST_YEAR = 2016


def _department(seed: int) -> str:
    """The department ``generate(seed)`` draws (its first three draws), without generating."""
    rng = random.Random(seed)
    rng.randint(2016, 2025)
    place = rng.choice(PLACES)
    office, _ = rng.choice(OFFICES)
    return f"示例市{place}{office}"


def plan(departments: int, years: int) -> list[tuple[str, int, int]]:
    """(department, year, seed) for ``departments`` × ``years`` reports: every seed's figures
    are those the generator draws for that department; the year is set afterwards."""
    names = [f"示例市{p}{o}" for o, _ in OFFICES for p in PLACES]
    if departments > len(names):
        raise ValueError(f"at most {len(names)} departments")
    random.Random(0).shuffle(names)  # places and offices mixed in any prefix
    names = names[:departments]
    wanted = {n: [] for n in names}  # type: dict[str, list[int]]
    seed = 1000
    while any(len(s) < years for s in wanted.values()):
        name = _department(seed)
        if name in wanted and len(wanted[name]) < years:
            wanted[name].append(seed)
        seed += 1
    return [(name, FIRST_YEAR + i, s) for name in names for i, s in enumerate(wanted[name])]


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def figures(data: ReportData) -> dict[str, str | None]:
    """The ground truth of one report: each corpus subject as printed (万元, 2 decimals), or
    None when the report does not print it."""
    tp = data.three_public
    printed_t7 = not (tp.total("budget") == 0 and tp.total("final") == 0)
    goods, works, services = data.procurement

    def t7(value: Decimal) -> str | None:
        return str(_q2(value)) if printed_t7 else None

    return {
        "three_public": t7(tp.total("final")),
        "three_public_budget": t7(tp.total("budget")),
        "abroad": t7(tp.final["abroad"]),
        "car_purchase": t7(tp.final["car_purchase"]),
        "car_operation": t7(tp.final["car_operation"]),
        "reception": t7(tp.final["reception"]),
        "total_spending": str(_q2(data.total)),
        "total_income": str(_q2(data.total)),
        "fiscal_income": str(_q2(data.fiscal)),
        "basic_spending": str(_q2(data.basic)),
        "project_spending": str(_q2(data.project)),
        "general_budget": str(_q2(data.general)),
        "personnel": str(_q2(data.personnel)),
        "public_costs": str(_q2(data.public)),
        "running_costs": str(_q2(data.running_costs)) if data.running_costs else None,
        "procurement": str(_q2(goods + works + services)),
        "vehicles": str(data.vehicles),
        "execution_rate": str(data.performance.rate) if data.performance is not None else None,
    }


def write_one(task: tuple[str, int, int, str]) -> dict[str, Any]:
    department, year, seed, out = task
    data = generate(seed, "exact")
    data.year = year
    layout = LAYOUT_NAMES[seed % len(LAYOUT_NAMES)]
    spec, _ = compose(data, layout)
    name = f"r{seed:05d}_{year}.txt"
    (Path(out) / name).write_text(render_text(spec), encoding="utf-8")
    return {"file": name, "department": department, "year": year, "seed": seed, "layout": layout,
            "figures": figures(data)}


def build(out: Path, departments: int = 50, years: int = 10, jobs: int = 1) -> list[dict[str, Any]]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("r*_*.txt"):
        old.unlink()
    tasks = [(d, y, s, str(out)) for d, y, s in plan(departments, years)]
    if jobs > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fresh interpreters: a fork of a process that imported threaded libraries can hang
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            truth = list(pool.map(write_one, tasks, chunksize=8))
    else:
        truth = [write_one(t) for t in tasks]
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


# ---- questions with expected answers ----------------------------------------------------------

LABELS = {"three_public": "三公经费", "abroad": "因公出国（境）费", "car_purchase": "公务用车购置费",
          "car_operation": "公务用车运行维护费", "reception": "公务接待费", "total_spending": "支出合计",
          "total_income": "收入合计", "fiscal_income": "财政拨款收入", "basic_spending": "基本支出",
          "project_spending": "项目支出", "general_budget": "一般公共预算财政拨款支出", "personnel": "人员经费",
          "public_costs": "公用经费", "running_costs": "机关运行经费", "procurement": "政府采购支出",
          "vehicles": "车辆", "execution_rate": "执行率"}
CN = "零一二三四五六七八九十"


def _values(truth: list[dict[str, Any]], subject: str, year: int) -> dict[str, Decimal]:
    return {t["department"]: Decimal(t["figures"][subject]) for t in truth
            if t["year"] == year and t["figures"].get(subject) is not None}


def questions(truth: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Corpus questions in several phrasings with their expected answers:
    rank -> ordered [department, value]; trend -> [[year, value]]; filter -> sorted departments;
    sum / average -> value (2 decimals); count -> int."""
    years = sorted({t["year"] for t in truth})
    last = years[-1]
    departments = sorted({t["department"] for t in truth})
    out: list[dict[str, Any]] = []

    def ranked(subject: str, year: int, n: int, ascending: bool = False) -> list[list[str]]:
        values = _values(truth, subject, year)
        order = sorted(values.items(), key=lambda kv: (kv[1] if ascending else -kv[1], kv[0]))
        if len(order) > n:  # figures tied with the n-th are named too
            order = [kv for kv in order if (kv[1] <= order[n - 1][1] if ascending else kv[1] >= order[n - 1][1])]
        return [[d, str(v)] for d, v in order]

    rank_subjects = ["three_public", "total_spending", "running_costs", "procurement", "personnel", "reception",
                     "car_operation", "fiscal_income", "general_budget", "public_costs", "basic_spending",
                     "project_spending", "total_income", "vehicles"]
    for i, subject in enumerate(rank_subjects):
        label = LABELS[subject]
        year = years[-1 - (i % min(3, len(years)))]
        n = 3 + i % 3
        out.append({"q": f"{year}年哪个部门的{label}最多？", "op": "rank", "expected": ranked(subject, year, 1)})
        out.append({"q": f"{year}年{label}排名前{CN[n]}的部门", "op": "rank", "expected": ranked(subject, year, n)})
        if i % 2 == 0:
            out.append({"q": f"{year}年度{label}最少的是哪个部门", "op": "rank",
                        "expected": ranked(subject, year, 1, ascending=True)})
    out.append({"q": "哪个部门的三公经费最多", "op": "rank", "expected": ranked("three_public", last, 1)})
    # trends: the department named in the question, sometimes by its short name
    trend_subjects = ["running_costs", "three_public", "total_spending", "procurement", "personnel", "vehicles"]
    for i, department in enumerate(departments[: 2 * len(trend_subjects)]):
        subject = trend_subjects[i % len(trend_subjects)]
        label = LABELS[subject]
        rows = sorted((t["year"], t["figures"][subject]) for t in truth
                      if t["department"] == department and t["figures"].get(subject) is not None)
        short = department.replace("示例市", "")
        phrasing = [f"{short}历年{label}怎么变？", f"{department}{label}的变化趋势", f"{short}这几年{label}是多少"][i % 3]
        out.append({"q": phrasing, "op": "trend", "expected": [[y, v] for y, v in rows]})
        if len(years) >= 5 and i < 3:
            recent = [[y, v] for y, v in rows if y > last - 5]
            out.append({"q": f"{short}五年来{label}怎么变", "op": "trend", "expected": recent})
        if len(years) >= 3 and i in (4, 5):  # a range of years
            lo, hi = years[1], years[-2] if len(years) > 3 else years[-1]
            out.append({"q": f"{short}{lo}年至{hi}年{label}", "op": "trend",
                        "expected": [[y, v] for y, v in rows if lo <= y <= hi]})
    # filters
    for subject, word, threshold, phrasing in (
            ("car_purchase", ">", Decimal(0), "{y}年哪些部门公务用车购置费大于0？"),
            ("abroad", ">", Decimal(0), "{y}年有因公出国（境）费支出（不为0）的部门有哪些"),
            ("execution_rate", "<", Decimal(95), "{y}年哪些项目执行率不到95%"),
            ("execution_rate", "<", Decimal(90), "{y}年哪些部门项目执行率低于90%"),
            ("three_public", ">", Decimal(10), "{y}年三公经费超过10万元的部门"),
            ("running_costs", ">", Decimal(1000), "{y}年机关运行经费高于1000万元的部门有哪些"),
            ("vehicles", "=", Decimal(0), "{y}年哪些部门车辆为0"),
            ("reception", "<", Decimal(1), "{y}年公务接待费少于1万元的部门"),
            ("procurement", ">", Decimal(500), "{y}年政府采购支出大于500万元的部门")):
        for year in (last, years[len(years) // 2]):
            values = _values(truth, subject, year)
            ok = sorted(d for d, v in values.items() if {">": v > threshold, "<": v < threshold, "=": v == threshold}[word])
            out.append({"q": phrasing.format(y=year), "op": "filter", "expected": ok})
    # counts, sums and averages
    for year in years[-3:]:
        values = _values(truth, "car_purchase", year)
        out.append({"q": f"{year}年有多少个部门公务用车购置费大于0", "op": "count",
                    "expected": sum(1 for v in values.values() if v > 0)})
        for subject, phrasing in (("three_public", "{y}年全区三公经费合计"), ("running_costs", "{y}年各部门机关运行经费总共多少"),
                                  ("procurement", "{y}年政府采购支出加起来是多少"), ("total_spending", "{y}年全区支出合计")):
            total = sum(_values(truth, subject, year).values(), Decimal(0))
            out.append({"q": phrasing.format(y=year), "op": "sum", "expected": str(_q2(total))})
        for subject in ("three_public", "personnel"):
            values = _values(truth, subject, year)
            mean = sum(values.values(), Decimal(0)) / len(values) if values else Decimal(0)
            out.append({"q": f"{year}年各部门{LABELS[subject]}平均是多少", "op": "average", "expected": str(_q2(mean))})
    out.append({"q": "全区三公经费合计", "op": "sum",
                "expected": str(_q2(sum(_values(truth, "three_public", last).values(), Decimal(0))))})
    return out


def check(answer: Any, item: dict[str, Any]) -> tuple[bool, str]:
    """Whether a CorpusAnswer gives the expected answer, every row cited (file and page or line
    and the cell or sentence)."""
    rows = answer.rows
    if not answer.ok:
        return False, answer.text
    for row in rows:
        cite = str(row.get("出处", ""))
        if "按年度合计" not in cite and not (".txt" in cite or ".pdf" in cite) or not ("行" in cite or "页" in cite):
            return False, f"uncited row {row}"
    op, expected = item["op"], item["expected"]
    if op == "rank":
        got = [[r["部门"], _norm(r["数值"])] for r in rows]
        want = [[d, _norm(v)] for d, v in expected]
        return got == want, f"{got} != {want}"
    if op == "trend":
        got = [[r["年度"], _norm(r["数值"])] for r in rows]
        want = [[y, _norm(v)] for y, v in expected]
        return got == want, f"{got} != {want}"
    if op == "filter":
        got = sorted(r["部门"] for r in rows)
        return got == expected, f"{got} != {expected}"
    if op == "count":
        return len(rows) == expected and f"共{expected}个" in answer.text, f"{len(rows)} != {expected}"
    if op in ("sum", "average"):
        total = sum((r["数值"] for r in rows), Decimal(0))
        value = total if op == "sum" else (total / len(rows) if rows else Decimal(0))
        stated = f"{'合计' if op == 'sum' else '平均为'}{Decimal(expected):,}万元" in answer.text  # the sentence says it
        return _q2(value) == Decimal(expected) and stated, f"{_q2(value)} != {expected} or not in {answer.text[:60]}"
    return False, "unknown op"


def _norm(value: Any) -> str:
    return str(_q2(Decimal(str(value))))


def main() -> int:
    parser = argparse.ArgumentParser(description="生成多年度、多部门的语料库测试报告")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "corpus_db")
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    truth = build(args.out, args.departments, args.years, args.jobs)
    print(f"{len(truth)} 份报告，{len(questions(truth))} 个问题")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
