"""Department and year from the report's own title line, in the common forms (own sentences)."""

from __future__ import annotations

import pytest

from auditor.ingest.document import TextLine
from auditor.ingest.meta import department, year

CASES = [
    (["2019年度某某县农业农村局部门决算说明", "一、部门主要职责"], "某某县农业农村局", 2019),
    (["某某市文化和旅游局2021年度部门决算", "目录"], "某某市文化和旅游局", 2021),
    (["2016年度某某区档案馆决算说明 按照有关要求，现将我单位情况说明如下："], "某某区档案馆", 2016),
    (["2015年度某某镇人民政府部门决算说 明"], "某某镇人民政府", 2015),
    (["某某县卫生健康委员会关于2020年度部门决算的说明"], "某某县卫生健康委员会", 2020),
    (["按照《某某区财政局关于批复某某街道办事处2018年度部门决算的通知》，现将我单位2018年度部门决算说明如下："],
     "某某街道办事处", 2018),
    (["现将我单位2017年度部门决算说明如下：", "一、部门主要职责 某某县水利局的主要职责是：", "（一）2017年度收入"],
     "某某县水利局", 2017),
    (["（一）某某乡政府2014年部门决算总收入9.48万元。", "单位：某某乡人民政府"], "某某乡人民政府", None),
]


@pytest.mark.parametrize(("lines", "dept", "yr"), CASES)
def test_department_and_year_from_title(lines: list[str], dept: str, yr: int | None) -> None:
    text_lines = [TextLine(text=t) for t in lines]
    assert department(text_lines) == dept
    if yr is not None:
        assert year(text_lines) == yr
