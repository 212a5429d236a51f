"""How OCR'd text outside tables becomes lines of the report, with no OCR run: text boxes made
up here (pixel rectangles as the detector gives them) go through the same line assembly as a
scanned page. Wrapped lines of a paragraph are joined as the text-layer reader joins them;
half-width marks read for the full-width ones of print are put back; centred lines of a cover
are not joined."""

from __future__ import annotations

import numpy as np

from auditor.ingest.ocr import _fix_title, _Piece, _punctuate, _text_lines, _ToPoints

CHAR = 40.0  # box height of body text, pixels


def _lines(boxes: list[tuple[float, float, float, str]], height: float = CHAR) -> list[str]:
    """(left, top, right, text) boxes -> the text lines assembled from them."""
    pieces = [_Piece((x0, top, x1, top + height), None, text, [0.99] * len(text)) for x0, top, x1, text in boxes]
    to_points = _ToPoints(np.eye(3), 200, (595.0, 842.0))
    return [line.text for _, line in _text_lines(pieces, 1, to_points)]


def test_wrapped_lines_join_though_most_lines_are_indented() -> None:
    # first lines indented by two characters; only one paragraph wraps: the margin is still
    # where the wrapped lines start, not where most lines start
    lines = _lines([
        (260, 100, 1480, "第一段只有一行，顶格缩进两个字。"),
        (260, 170, 1440, "第二段第一行，一直写到右边距附近，其中某项支出为"),
        (180, 230, 700, "3.25万元；另一项为0.40万元。"),
        (260, 300, 1470, "第三段第一行也写到右边距，末尾是“收入和支"),
        (180, 360, 240, "出。"),
        (260, 430, 1200, "第四段只有一行。"),
        (180, 500, 900, "（一）小标题不与上一行相连"),
    ])
    assert lines == [
        "第一段只有一行，顶格缩进两个字。",
        "第二段第一行，一直写到右边距附近，其中某项支出为3.25万元；另一项为0.40万元。",
        "第三段第一行也写到右边距，末尾是“收入和支出。",
        "第四段只有一行。",
        "（一）小标题不与上一行相连",
    ]


def test_an_indented_line_starts_a_new_paragraph() -> None:
    lines = _lines([
        (180, 100, 1480, "上一段的最后一行一直写到了右边距附近的位置为止没有句号"),
        (180, 160, 1480, "这是该段的续行，也写到右边距附近，直到这一行结束为止。"),
        (260, 220, 1000, "新的一段缩进两个字，不接在上一行后面。"),
    ])
    assert len(lines) == 2 and lines[1].startswith("新的一段")


def test_centred_cover_lines_of_other_sizes_stay_apart() -> None:
    pieces = [(683, 612, 942, "2022年度"), (228, 811, 1397, "某某单位名称")]
    assert _lines(pieces, height=110) == ["2022年度", "某某单位名称"]


def test_half_width_marks_are_put_back_but_numbers_keep_theirs() -> None:
    assert _punctuate("收入合计1,234.50万元,增长3.5%;其中:基本支出(类)") == "收入合计1,234.50万元，增长3.5%；其中：基本支出（类）"
    assert _punctuate("收入和支出.") == "收入和支出。"
    assert _punctuate("12,345.00") == "12,345.00"  # no Chinese: left alone
    assert _punctuate("会议于10:30开始") == "会议于10:30开始"
    text = "收入100.75万元,占91.29%"
    assert len(_punctuate(text)) == len(text)  # one mark for one: character positions kept


def test_a_title_that_goes_on_is_not_cut_to_a_shorter_one() -> None:
    # …决算明细表 is a title of its own, not …决算表 with 明 misread
    text = "一般公共预算财政拨款基本支出决算明细表"
    assert _fix_title(text) == text


def test_an_unsure_character_takes_the_next_best_reading_that_makes_a_word() -> None:
    from auditor.ingest.ocr import _correct_words

    text = "纳入本单位2023年度部内决算编制范围"
    at = text.index("内")
    confidences = [0.99] * len(text)
    confidences[at] = 0.54
    fixed, new_confidences = _correct_words(text, confidences, [(at, "门", 0.45)])
    assert fixed == "纳入本单位2023年度部门决算编制范围"
    assert new_confidences[at] == 0.45  # the reading taken is no surer than the recogniser was
    # a sure reading keeps its character whatever the next best one would make
    assert _correct_words(text, [0.99] * len(text), [])[0] == text
    # a next best reading the recogniser gave almost no chance is not taken
    assert _correct_words(text, list(confidences), [(at, "门", 0.005)])[0] == text
    # words of about the same likelihood: what was read stays
    plain = "社会保障局"
    assert _correct_words(plain, [0.99, 0.99, 0.99, 0.99, 0.6], [(4, "同", 0.35)])[0] == plain


def test_digits_are_never_changed_by_words() -> None:
    from auditor.ingest.ocr import _correct_words

    text = "支出决算为2022年"
    at = text.index("2", 6)
    confidences = [0.99] * len(text)
    confidences[at] = 0.5
    assert _correct_words(text, confidences, [(at, "零", 0.45)])[0] == text
    assert _correct_words(text, list(confidences), [(at, "3", 0.45)])[0] == text


def test_a_centred_title_is_not_continued_by_the_label_under_it() -> None:
    # a table's title centred over the page, long enough to reach near the right margin of a
    # short page, then the 公开表 label at the left margin and the 部门/单位 line
    pieces = [_Piece((344, 186, 1192, 253), None, "财政拨款基本支出预算表（经济科目）", [0.99] * 17),
              _Piece((109, 266, 222, 321), None, "公开表六", [0.99] * 4),
              _Piece((109, 326, 1453, 380), None, "部门：某某单位 单位：万元", [0.99] * 13)]
    to_points = _ToPoints(np.eye(3), 200, (595.0, 842.0))
    lines = [line.text for _, line in _text_lines(pieces, 1, to_points)]
    assert lines[0] == "财政拨款基本支出预算表（经济科目）" and lines[1] == "公开表六"
