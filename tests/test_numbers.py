from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.numbers import find_unit, parse_amount, try_parse_amount


@pytest.mark.parametrize(
    ("raw", "value", "decimals"),
    [
        ("2,940.05", "2940.05", 2),
        ("251. 21", "251.21", 2),
        ("0.00", "0.00", 2),
        ("25", "25", 0),
        ("-12.50", "-12.50", 2),
        ("（空）".replace("（空）", "1，234.5"), "1234.5", 1),
    ],
)
def test_parse_amount_as_printed(raw: str, value: str, decimals: int) -> None:
    amount = parse_amount(raw)
    assert amount is not None
    assert amount.value == Decimal(value)
    assert amount.decimals == decimals


@pytest.mark.parametrize("raw", ["", "-", "—", "  ", "－", "——"])
def test_empty_marks_are_blank(raw: str) -> None:
    assert parse_amount(raw) is None


def test_yuan_converted_to_wan_yuan_with_precision() -> None:
    amount = parse_amount("2,940,050.00", unit="元")
    assert amount is not None
    assert amount.value == Decimal("294.005")
    assert amount.decimals == 6


def test_percent() -> None:
    amount = parse_amount("85.32%")
    assert amount is not None and amount.is_percent and amount.value == Decimal("85.32")


def test_garbage_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_amount("见说明")
    assert try_parse_amount("1,2O4.00") is None


@pytest.mark.parametrize(("line", "unit"), [("单位：万元", "万元"), ("单位: 元", "元"), ("金额单位：万元", "万元"), ("部门：XX局", None)])
def test_find_unit(line: str, unit: str | None) -> None:
    assert find_unit(line) == unit


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_round_trip_with_thousands_separators(value: Decimal) -> None:
    printed = f"{value:,.2f}"
    amount = parse_amount(printed)
    assert amount is not None and amount.value == value


@given(st.text(max_size=12))
def test_parser_never_crashes(text: str) -> None:
    try:
        parse_amount(text)
    except ValueError:
        pass
