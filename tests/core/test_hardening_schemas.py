"""Schema-level hardening (issue 12): what every face (API, bot, ERP batch) refuses the same way."""
from decimal import Decimal

import pytest

from core.db import database
from core.rules.identifiers import identifier_key
from core.rules.matching import PoLineFacts, pair_by_description
from core.schemas.invoices import InvoiceCreate, ReceiptCreate
from core.schemas.parse import parse
from core.schemas.purchase_orders import PurchaseOrderCreate, PurchaseOrderPatch
from core.schemas.reference import DimensionCreate, SettingsPatch, SkuCreate, VendorCreate
from core.services._bulk_upsert import upsert_many
from core.operator import add_user
from tests.factories import make_vendor

NUL = "\x00"


def problems(model, body, **kw):
    return [(p.code, p.pointer) for p in parse(model, body, **kw)[1]]


def po(*lines, **fields):
    return {"po_type": "goods", "matching": "two_way",
            "line_items": list(lines) or [line()], **fields}


def line(**fields):
    return {"identifier": "Steel bolts", "quantity": "100", "rate": "10", **fields}


# NUL characters

@pytest.mark.parametrize("model, body, at", [
    (VendorCreate, {"name": "Acme" + NUL}, "/name"),
    (VendorCreate, {"name": "Acme", "external_id": NUL}, "/external_id"),
    (SkuCreate, {"code": "B" + NUL, "name": "Bolt"}, "/code"),
    (DimensionCreate, {"type": "PROJECT", "erp_dimension_id": "P" + NUL, "name": "x"}, "/erp_dimension_id"),
    (PurchaseOrderCreate, po(po_number="PO" + NUL), "/po_number"),
    (PurchaseOrderCreate, po(description=NUL + "x"), "/description"),
    (PurchaseOrderCreate, po(line(identifier="Bolt" + NUL)), "/line_items/0/identifier"),
    (PurchaseOrderCreate, po(line(sku_code=NUL)), "/line_items/0/sku_code"),
    (PurchaseOrderCreate, po(line(dimensions={"PROJECT": "P" + NUL})), "/line_items/0/dimensions"),
    (PurchaseOrderPatch, {"line_items": [{"identifier": "a" + NUL + "b"}]}, "/line_items/0/identifier"),
    (ReceiptCreate, {"lines": [{"identifier": NUL, "quantity": "1"}]}, "/lines/0/identifier"),
    (InvoiceCreate, {"vendor_id": 1, "invoice_number": "I" + NUL, "invoice_date": "2026-01-01", "currency": "INR",
                     "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]}, "/invoice_number"),
])
def test_a_nul_in_any_text_field_is_an_invalid_value_at_that_field(model, body, at):
    assert problems(model, body) == [("invalid_value", at)]


def test_text_without_a_nul_is_untouched():
    values, found = parse(VendorCreate, {"name": "  C:\\u0000 Tools  "})
    assert found == [] and values["name"] == "C:\\u0000 Tools"


def test_an_erp_item_with_a_nul_fails_alone_as_invalid_value_not_as_an_internal_error(db):
    admin, vendor = add_user("ERP", "erp@example.com", "admin"), make_vendor()
    good = po(external_id="ERP-1", vendor_id=vendor.id)
    bad = po(line(identifier="Wire" + NUL), external_id="ERP-2", vendor_id=vendor.id)
    with database.atomic():
        outcomes = upsert_many(admin, list(enumerate([good, bad])))
    assert [o.result for o in outcomes] == ["created", "failed"]
    assert [(p.code, p.pointer) for p in outcomes[1].errors] == [("invalid_value", "/line_items/0/identifier")]


# Decimal strings: ASCII -?digits[.digits], nothing else (JSON numbers stay accepted)

NOT_DECIMALS = ["1_000", "١٠", " 10 ", "10 ", "+10", "1e3", "1E3", ".5", "10.", "0x10", "1,000", "10\n", "٣.٥", "１０",
                "NaN", "Infinity", "", "-", "--1", "1.2.3"]


@pytest.mark.parametrize("text", NOT_DECIMALS)
def test_a_numeric_string_that_is_not_plain_ascii_digits_is_an_invalid_value(text):
    assert problems(PurchaseOrderCreate, po(line(quantity=text))) == [("invalid_value", "/line_items/0/quantity")]


@pytest.mark.parametrize("text, value", [("10", "10"), ("0.5", "0.5"), ("007", "7"), ("10.2500", "10.25")])
def test_a_plain_decimal_string_is_read_exactly(text, value):
    values, found = parse(PurchaseOrderCreate, po(line(rate=text)))
    assert found == [] and values["line_items"][0]["rate"] == Decimal(value)


@pytest.mark.parametrize("number", [Decimal("1E+3"), 1000, Decimal("10.5")])
def test_json_numbers_are_still_decimals(number):
    values, found = parse(PurchaseOrderCreate, po(line(quantity=number)))
    assert found == [] and values["line_items"][0]["quantity"] == number


@pytest.mark.parametrize("model, body, at", [
    (PurchaseOrderCreate, po(line(rate="1_0")), "/line_items/0/rate"),
    (PurchaseOrderCreate, po(line(tax_rate=" 5")), "/line_items/0/tax_rate"),
    (PurchaseOrderCreate, po(currency="USD", exchange_rate="８"), "/exchange_rate"),
    (PurchaseOrderPatch, {"exchange_rate": "1e2"}, "/exchange_rate"),
    (PurchaseOrderPatch, {"line_items": [{"id": 1, "quantity": "1_0"}]}, "/line_items/0/quantity"),
    (SkuCreate, {"code": "B", "name": "Bolt", "default_rate": "١"}, "/default_rate"),
    (SettingsPatch, {"price_tolerance_pct": "5 "}, "/price_tolerance_pct"),
    (SettingsPatch, {"price_tolerance_abs": "1_0"}, "/price_tolerance_abs"),
    (SettingsPatch, {"approval_levels": [{"min_total": "1_000", "approvers": ["admin"]}]}, "/approval_levels/0/min_total"),
    (ReceiptCreate, {"lines": [{"line_id": 1, "quantity": "٢"}]}, "/lines/0/quantity"),
    (InvoiceCreate, {"vendor_id": 1, "invoice_number": "I-1", "invoice_date": "2026-01-01", "currency": "INR",
                     "lines": [{"description": "x", "quantity": "1", "unit_price": "1_0"}]}, "/lines/0/unit_price"),
])
def test_every_decimal_field_takes_only_plain_decimal_strings(model, body, at):
    assert problems(model, body) == [("invalid_value", at)]


# One key for a line identifier, shared by the uniqueness rule and invoice pairing

@pytest.mark.parametrize("text", ["Bolt", "BOLT", "bolt", "Bolt\u200b", "\u2060Bo\u00adlt\ufeff", "Ｂｏｌｔ", " Bolt\u200b "])
def test_identifiers_differing_only_by_case_width_or_invisible_characters_share_a_key(text):
    assert identifier_key(text) == "bolt"


@pytest.mark.parametrize("one, other", [("Bolt M8", "Bolt M10"), ("Bolt-M8", "Bolt M8"), ("Bolt", "Bolts"), ("Bölt", "Bolt")])
def test_identifiers_that_read_differently_keep_different_keys(one, other):
    assert identifier_key(one) != identifier_key(other)


@pytest.mark.parametrize("one, other", [("Straße", "STRASSE"), ("ﬁtting", "FITTING"), ("Bolt  M8", "Bolt M8"), ("Ｍ８ ｂｏｌｔ", "m8 bolt")])
def test_folding_and_compatibility_forms_are_one_key(one, other):
    assert identifier_key(one) == identifier_key(other)


def test_an_invoice_line_pairs_with_a_po_line_whatever_invisible_characters_either_carries():
    lines = [PoLineFacts(1, "Steel\u200b bolts M8", Decimal(10), Decimal(1)), PoLineFacts(2, "Copper wire", Decimal(5), Decimal(2))]
    paired, reason = pair_by_description("ＳＴＥＥＬ BOLTS\u2060 M8", lines)
    assert (paired.id if paired else None, reason) == (1, None)
