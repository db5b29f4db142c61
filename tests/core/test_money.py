"""Money rules: ISO 4217 codes, half-up rounding per minor unit, line and PO arithmetic."""
from decimal import Decimal as D

import pytest

from core.money import (
    LineMoney,
    decimal_places,
    display_rate,
    is_currency,
    line_money,
    minor_units,
    multiply,
    plain,
    po_totals,
    round_amount,
)


@pytest.mark.parametrize("currency, places", [("JPY", 0), ("INR", 2), ("USD", 2), ("EUR", 2), ("KWD", 3)])
def test_each_currency_has_its_iso_minor_unit(currency, places):
    assert minor_units(currency) == places


@pytest.mark.parametrize("currency, places", [("IQD", 3), ("RSD", 2), ("LBP", 2), ("ALL", 2)])
def test_minor_units_follow_iso_4217_where_cldr_display_digits_differ(currency, places):
    # CLDR rounds these to whole units for display; ISO 4217 (the contract) keeps the minor unit.
    assert minor_units(currency) == places


@pytest.mark.parametrize("value, currency, expected", [
    ("2.5", "JPY", "3"),
    ("3.5", "JPY", "4"),
    ("2.4999", "JPY", "2"),
    ("0.125", "INR", "0.13"),
    ("0.005", "INR", "0.01"),
    ("2.345", "USD", "2.35"),
    ("1.0005", "KWD", "1.001"),
    ("1.0004", "KWD", "1.000"),
    ("1680", "INR", "1680.00"),
    ("32", "JPY", "32"),
    ("1.25", "KWD", "1.250"),
])
def test_amounts_round_half_up_to_the_minor_unit_and_print_all_its_places(value, currency, expected):
    assert str(round_amount(D(value), currency)) == expected


def test_halves_never_round_to_even():
    # Banker's rounding would give 0.12 and 2; the contract says half-up.
    assert str(round_amount(D("0.125"), "USD")) == "0.13"
    assert str(round_amount(D("2.5"), "JPY")) == "3"


def test_a_line_amount_is_quantity_times_rate_rounded():
    money = line_money(D("3"), D("0.335"), D("0"), "INR")
    assert money == LineMoney(D("1.01"), D("0.00"))
    assert str(money.amount) == "1.01"


def test_line_tax_is_computed_on_the_rounded_amount():
    # amount = round(1 × 0.125) = 0.13; tax = round(0.13 × 50%) = 0.07 (0.06 if taken unrounded)
    money = line_money(D("1"), D("0.125"), D("50"), "INR")
    assert (str(money.amount), str(money.tax)) == ("0.13", "0.07")


@pytest.mark.parametrize("quantity, rate, tax_rate, currency, amount, tax", [
    ("100", "10", "18", "INR", "1000.00", "180.00"),
    ("3", "10.7", "10", "JPY", "32", "3"),
    ("2.5", "0.5", "5", "KWD", "1.250", "0.063"),
    ("0", "10", "18", "INR", "0.00", "0.00"),
])
def test_line_money_in_each_currency(quantity, rate, tax_rate, currency, amount, tax):
    money = line_money(D(quantity), D(rate), D(tax_rate), currency)
    assert (str(money.amount), str(money.tax)) == (amount, tax)


def test_po_totals_are_sums_of_the_rounded_line_values():
    lines = [line_money(D("1"), D("0.333"), D("10"), "INR") for _ in range(3)]
    totals = po_totals(lines, "INR", D("1"), "INR")
    # each line: 0.33 + tax 0.03; rounding the unrounded sums would give 1.00 and 0.10
    assert (str(totals.subtotal), str(totals.tax_total), str(totals.total)) == ("0.99", "0.09", "1.08")
    assert str(totals.total_base) == "1.08"


def test_total_base_is_the_total_times_the_exchange_rate_rounded_in_the_base_currency():
    lines = [LineMoney(D("10.01"), D("0.00"))]
    assert str(po_totals(lines, "USD", D("83.123456"), "INR").total_base) == "832.07"
    assert str(po_totals(lines, "USD", D("151.555"), "JPY").total_base) == "1517"


def test_total_base_in_a_three_decimal_base_currency():
    lines = [LineMoney(D("100.00"), D("0.00"))]
    assert str(po_totals(lines, "INR", D("0.0036789"), "KWD").total_base) == "0.368"


def test_a_po_without_lines_totals_zero_with_the_currency_places():
    totals = po_totals([], "JPY", D("0.55"), "INR")
    assert (str(totals.subtotal), str(totals.total), str(totals.total_base)) == ("0", "0", "0.00")


def test_big_quantities_times_big_rates_keep_every_digit():
    quantity, rate = D("9999999999.9999"), D("999999999999.999999")
    exact = 99999999999999 * 999999999999999999  # the product in units of 10^-10
    cents = (exact + 5 * 10**7) // 10**8  # half-up to 10^-2
    expected = f"{cents // 100}.{cents % 100:02d}"
    assert str(line_money(quantity, rate, D("0"), "INR").amount) == expected
    assert multiply(quantity, rate) == D(f"{exact // 10**10}.{exact % 10**10:010d}")


def test_multiply_is_exact_beyond_the_default_precision():
    a, b = 12345678901234567890123, 98765432109876543210987
    assert multiply(D(a), D(b)) == D(str(a * b))


def test_the_tax_of_a_big_line_keeps_every_digit():
    money = line_money(D("9999999999"), D("999999999999"), D("18"), "INR")
    assert str(money.amount) == "9999999998990000000001.00"
    assert str(money.tax) == "1799999999818200000000.18"


@pytest.mark.parametrize("rate, currency, expected", [
    ("10", "INR", "10.00"),
    ("10.5", "INR", "10.50"),
    ("1.23456", "INR", "1.23456"),
    ("10.000000", "INR", "10.00"),
    ("10.5", "JPY", "10.5"),
    ("32", "JPY", "32"),
    ("2", "KWD", "2.000"),
    ("2.1234", "KWD", "2.1234"),
])
def test_a_rate_is_shown_with_at_least_the_currency_places(rate, currency, expected):
    assert str(display_rate(D(rate), currency)) == expected


@pytest.mark.parametrize("value, expected", [
    ("100.0000", "100"), ("1E+2", "100"), ("2.50", "2.5"), ("0.000", "0"), ("12.3456", "12.3456"),
])
def test_plain_drops_trailing_zeros_and_never_prints_an_exponent(value, expected):
    assert str(plain(D(value))) == expected


@pytest.mark.parametrize("value, places", [
    ("5", 0), ("1.2300", 2), ("1E+2", 0), ("0.0001", 4), ("100.000000", 0), ("1.23456789", 8),
])
def test_decimal_places_ignores_trailing_zeros(value, places):
    assert decimal_places(D(value)) == places


@pytest.mark.parametrize("code", ["INR", "USD", "EUR", "JPY", "KWD", "GBP", "CHF", "BHD", "CLP"])
def test_current_iso_4217_codes_are_currencies(code):
    assert is_currency(code)


@pytest.mark.parametrize("code", ["CLF", "UYW", "VED"])
def test_current_iso_4217_codes_missing_from_cldr_tender_lists_are_still_currencies(code):
    # All three are on ISO 4217's current list (types.AMOUNT_PLACES even names CLF and UYW).
    assert is_currency(code)


@pytest.mark.parametrize("code", ["inr", "Usd", "jpy"])
def test_lower_case_codes_are_refused(code):
    assert not is_currency(code)


@pytest.mark.parametrize("code", ["DEM", "FRF", "ITL", "HRK", "ZWL"])
def test_withdrawn_codes_are_refused(code):
    assert not is_currency(code)


@pytest.mark.parametrize("code", ["", "IN", "INRR", "ABC", "XXX", " INR"])
def test_things_that_are_not_codes_are_refused(code):
    assert not is_currency(code)


@pytest.mark.parametrize("value", [None, 356, 3.0, b"INR", ["INR"], {"code": "INR"}, True])
def test_non_strings_are_never_currencies(value):
    assert not is_currency(value)
