"""Repeated findings grouped into one per kind and place; list rows that say what differs;
NAR008's evidence and exact names; STR007 on the example and the real reports; a model that
cannot be reached is an error, not a failed verification."""

from __future__ import annotations

from collections import Counter

import pytest

import auditor.checks.base as base
from auditor.audit import audit_report
from auditor.checks.base import REGISTRY, load_all, run_check
from auditor.checks.structure.STR007 import same_department
from auditor.findings import Evidence, Finding, Severity, group_repeats
from auditor.ingest import load_report
from tests.conftest import EXAMPLE_PDF, REAL, SEED, need, report_from_text

TEMPLATE = "national_template_bumen_juesuan.pdf"


def _finding(quote: str, page: int, observed: str, title: str = "模板占位符未替换") -> Finding:
    return Finding("TPL001", Severity.ERROR, "template", title, f"“{observed}”：{title}。", observed, "填写完整",
                   (Evidence(page=page, quote=quote),))


def test_repeats_on_one_page_become_one_finding_with_every_location() -> None:
    found = [_finding("一", 3, "XX"), _finding("二", 3, "XXX"), _finding("三", 4, "XX"), _finding("四", 3, "XX")]
    grouped = group_repeats(found)
    assert len(grouped) == 2
    page3 = grouped[0]
    assert [e.quote for e in page3.locations] == ["一", "二", "四"]
    assert page3.message == "第3页共3处模板占位符未替换：“XX”“XXX”。" and page3.observed == "XX、XXX"
    assert grouped[1] == found[2]  # alone on its page: unchanged
    assert group_repeats(found)[0].fingerprint == page3.fingerprint  # stable from run to run


def test_findings_about_different_items_stay_apart() -> None:
    a = Finding("SUM001", Severity.ERROR, "arithmetic", "上级科目不等于下级之和", "“201”合计为3.00，下级之和为2.00。", "3.00",
                "2.00", (Evidence(page=5, table="T3", row="201"),))
    b = Finding("SUM001", Severity.ERROR, "arithmetic", "上级科目不等于下级之和", "“208”合计为3.00，下级之和为2.00。", "3.00",
                "2.00", (Evidence(page=5, table="T3", row="208"),))
    assert group_repeats([a, b]) == [a, b]


def test_blank_template_gives_one_placeholder_finding_per_page() -> None:
    report = load_report(need(REAL / TEMPLATE))
    grouped = [f for f in audit_report(report, select=["TPL001"]).findings]
    original = base.group_repeats
    try:
        base.group_repeats = lambda findings: findings
        separate = audit_report(report, select=["TPL001"]).findings
    finally:
        base.group_repeats = original
    places = Counter((f.locations[0].page, f.title) for f in grouped)
    assert max(places.values()) == 1, places
    assert len(grouped) < len(separate)
    assert sum(len(f.locations) for f in grouped) == len(separate)  # no occurrence lost
    assert any("共" in f.message and len(f.locations) > 1 for f in grouped)


NAR007_TEXT = """
一般公共预算财政拨款基本支出决算表
单位：万元
| 经济分类科目编码 | 科目名称 | 决算数 | 经济分类科目编码 | 科目名称 | 决算数 |
| 302 | 商品和服务支出 | 14.58 | 301 | 工资福利支出 | 1.00 |
| 30201 | 办公费 | 14.58 | 30101 | 基本工资 | 1.00 |
| 30202 | 印刷费 |  |  |  |  |
| 30203 | 咨询费 | 0.00 |  |  |  |
六、一般公共预算财政拨款基本支出决算情况说明
公用经费14.58万元，主要包括办公费、印刷费、咨询费。
"""


def test_list_rows_name_the_item() -> None:
    load_all()
    result = run_check(REGISTRY["NAR007"], report_from_text(NAR007_TEXT))
    titles = [f.title for f in result.findings]
    assert len(titles) == 2 and len(set(titles)) == 2, titles
    assert any("印刷费" in t for t in titles) and any("咨询费" in t for t in titles)


NAR008_TEXT = """
一般公共预算财政拨款支出决算表
单位：万元
| 功能分类科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出 |
| 213 | 农林水支出 | 20.00 |  | 20.00 |
| 21301 | 农业农村 | 20.00 |  | 20.00 |
| 2130199 | 其他农业农村支出 | 20.00 |  | 20.00 |
（三）一般公共预算财政拨款支出决算具体情况
1、农林水支出（类）农业农村（款）行政运行（项）。年初预算为0.00万元，支出决算为0.00万元。
2、农林水支出（类）农业（款）其他农业支出（项）。年初预算为18.00万元，支出决算为20.00万元，完成年初预算的111.11%。
"""


def test_name_check_quotes_the_sentence_with_the_name() -> None:
    load_all()
    result = run_check(REGISTRY["NAR008"], report_from_text(NAR008_TEXT))
    by_name = {f.observed: f for f in result.findings}
    assert set(by_name) == {"行政运行（项）", "农业（款）"}, [f.message for f in result.findings]
    assert [e.quote for e in by_name["农业（款）"].locations] == ["2、农林水支出（类）农业（款）其他农业支出（项）。"]
    assert "21301 农业农村" in by_name["农业（款）"].message  # what the table has instead
    assert [e.quote for e in by_name["行政运行（项）"].locations] == ["1、农林水支出（类）农业农村（款）行政运行（项）。"]


def test_a_renamed_item_in_a_real_report_is_found() -> None:
    """The text names an item by a wording the table does not print (fuzzy matching let it pass)."""
    result = audit_report(load_report(need(REAL / "shanghai_putuo_guihua_ziyuan_2024.pdf")), select=["NAR008"])
    for finding in result.findings:
        assert all("（项）" in e.quote or "（款）" in e.quote for e in finding.locations), finding  # the naming sentence
    assert len(result.findings) >= 3, [f.message for f in result.findings]


def test_department_short_forms() -> None:
    assert same_department("上海市普陀区规划和自然资源局", "普陀区规划和自然资源局")
    assert same_department("规划和自然资源局", "上海市普陀区规划和自然资源局")
    assert same_department("中共上海市普陀区委社会工作部", "区委社会工作部")
    assert not same_department("上海市规划和自然资源局", "上海市普陀区规划和自然资源局")
    assert not same_department("上海市普陀区规划与自然资源局", "上海市普陀区规划和自然资源局")


@pytest.mark.parametrize("path", [EXAMPLE_PDF, SEED, REAL / "shanghai_putuo_shehui_gongzuobu_2024.pdf"],
                         ids=["example", "seed", "shehui"])
def test_department_name_check_is_quiet_on_consistent_reports(path) -> None:  # type: ignore[no-untyped-def]
    result = audit_report(load_report(need(path)), select=["STR007"])
    assert result.results[0].outcome.value == "pass" and result.results[0].comparisons > 5
    assert not result.findings, [f.message for f in result.findings]


def test_department_name_check_on_a_real_report_with_other_names() -> None:
    report = load_report(need(REAL / "shanghai_putuo_guihua_ziyuan_2024.pdf"))
    result = audit_report(report, select=["STR007"])
    assert result.findings
    for finding in result.findings:
        assert not same_department(finding.observed, report.meta.department)
        assert all(finding.observed in (e.quote or "").replace(" ", "") for e in finding.locations)


def test_an_unreachable_model_is_an_error_not_a_failed_verification() -> None:
    from index.ask import Session
    from index.llm import LLMSettings

    session = Session.open(EXAMPLE_PDF, LLMSettings("openai", "http://127.0.0.1:9/v1", "x", "k"), vectors=False)
    answer = session.ask("人员经费是多少？")
    assert answer.verification["status"] == "error", answer.verification
    assert str(answer.verification["error"]).startswith("大模型服务无法连接"), answer.verification
    assert answer.mode == "deterministic" and "193.51" in answer.text
