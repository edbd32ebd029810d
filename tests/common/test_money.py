from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lom.common.money import MoneyParseError, format_ore, parse_kronor, percent_of


def test_format_uses_swedish_grouping_and_decimal_comma():
    assert format_ore(1_250_000_50) == "1\u00a0250\u00a0000,50\u00a0kr"
    assert format_ore(-5) == "−0,05\u00a0kr"
    assert format_ore(None) == "–"


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("12 500", 1_250_000),
        ("12500,5", 1_250_050),
        ("12500.50", 1_250_050),
        ("0,01", 1),
        ("12\u00a0500 kr", 1_250_000),
    ],
)
def test_parse_accepts_what_people_type(text, ore):
    assert parse_kronor(text) == ore


@pytest.mark.parametrize("text", ["", "abc", "12,345", "1e5", "12.5.5", "--1"])
def test_parse_rejects_garbage_with_reason(text):
    with pytest.raises(MoneyParseError):
        parse_kronor(text)


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_format_then_parse_is_identity(ore):
    text = format_ore(ore, with_unit=False).replace("−", "-")
    assert parse_kronor(text) == ore


def test_percent_of_rounds_half_up_to_whole_ore():
    assert percent_of(1_000_000_000_00, Decimal("0.3")) == 300_000_000
    assert percent_of(1_000_00, Decimal("0.2")) == 200
    assert percent_of(250, Decimal("0.2")) == 1  # 0.5 öre rounds up


def test_a_number_with_thirty_digits_is_too_large_not_a_crash():
    import pytest

    from lom.common.money import MoneyParseError, parse_kronor

    for text in ("9" * 30, "9" * 30 + ",5", "-" + "9" * 40, "1" * 16):
        with pytest.raises(MoneyParseError, match="too_large"):
            parse_kronor(text)
    assert parse_kronor("999 999 999 999,99") == 99_999_999_999_999
