"""The PO PDF a vendor receives, read back with pypdf: who, what, how much, in any script."""
import datetime as dt
import io
import re
from collections import Counter
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from core.documents import PdfLine, PoDocument, render_po_pdf
from core.documents.fonts import FONT_DIR
from core.money import line_money

HEADER_ROW = "No. Item SKU Qty Rate Tax % Tax Amount"


def make_line(line_no: int, identifier: str, quantity="100", rate="10", tax_rate="18", currency="INR", sku=None) -> PdfLine:
    money = line_money(D(quantity), D(rate), D(tax_rate), currency)
    return PdfLine(line_no, identifier, sku, D(quantity), D(rate), D(tax_rate), money.amount, money.tax)


def make_doc(lines=None, currency="INR", **overrides) -> PoDocument:
    lines = tuple(lines or (make_line(1, "Steel bolts M8", sku="BOLT-M8", currency=currency),))
    subtotal = sum((line.amount for line in lines), D(0))
    tax = sum((line.tax_amount for line in lines), D(0))
    values = dict(
        company_name="Acme Industries Pvt Ltd", company_address="42 MG Road\nBengaluru 560001",
        po_number="PO-00017", status="approved", po_date=dt.date(2026, 11, 20), delivery_date=dt.date(2026, 12, 1),
        vendor_name="Bolt & Nut Traders", vendor_address="12 Nehru Place\nNew Delhi 110019",
        vendor_email="sales@boltnut.example", vendor_gstin="07AAACR5055K1Z5", gstin="29ABCDE1234F1Z5",
        description="Quarterly fasteners restock", payment_terms="Net 30",
        terms_and_conditions="Deliver to the Bengaluru warehouse.", notes="Call before delivery.",
        currency=currency, subtotal=subtotal, tax_total=tax, total=subtotal + tax, lines=lines,
        requested_by="Asha Rao",
    )
    values.update(overrides)
    return PoDocument(**values)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def squashed(text: str) -> str:
    # pypdf prints the second and later glyphs of a shaped Devanagari cluster (whose text the
    # first glyph already carries) as control characters, and puts spaces where HarfBuzz moved
    # a glyph; without those, the letters must all be there, in order.
    return re.sub(r"[\x00-\x20]", "", text)


def test_the_pdf_names_the_po_our_company_the_vendor_and_the_terms():
    text = text_of(render_po_pdf(make_doc()))
    for expected in (
        "PURCHASE ORDER", "PO-00017", "Acme Industries Pvt Ltd", "42 MG Road", "Bengaluru 560001",
        "Bolt & Nut Traders", "12 Nehru Place", "sales@boltnut.example", "GSTIN 07AAACR5055K1Z5",
        "29ABCDE1234F1Z5", "20 Nov 2026", "1 Dec 2026", "Asha Rao", "Quarterly fasteners restock",
        "Net 30", "Deliver to the Bengaluru warehouse.", "Call before delivery.",
    ):
        assert expected in text


def test_each_line_shows_its_identifier_sku_quantity_rate_tax_and_amount():
    lines = [make_line(1, "Steel bolts M8", "100", "10", "18", sku="BOLT-M8"), make_line(2, "Washers", "2.5", "3.125", "5")]
    text = text_of(render_po_pdf(make_doc(lines)))
    assert "1 Steel bolts M8 BOLT-M8 100 10.00 18% ₹180.00 ₹1,000.00" in text
    assert "2 Washers 2.5 3.125 5% ₹0.39 ₹7.81" in text
    assert "Subtotal ₹1,007.81" in text
    assert "Tax ₹180.39" in text


@pytest.mark.parametrize("currency, locale, quantity, rate, expected_total", [
    ("INR", "en_IN", "100", "10", "Total (INR) ₹1,180.00"),
    ("JPY", "en_US", "8", "3.4", "Total (JPY) ¥32"),
    ("EUR", "en_IN", "100", "10", "Total (EUR) €1,180.00"),
    ("KWD", "en_IN", "1", "1.25", "Total (KWD) KWD1.475"),
])
def test_the_total_carries_the_currency_symbol_and_its_minor_unit(currency, locale, quantity, rate, expected_total):
    line = make_line(1, "Item", quantity, rate, "18", currency=currency)
    text = text_of(render_po_pdf(make_doc([line], currency=currency), locale=locale))
    assert expected_total in text


def test_names_in_cyrillic_greek_and_japanese_come_back_out_as_typed():
    doc = make_doc(
        [make_line(1, "六角ボルト M8"), make_line(2, "Гайка шестигранная")],
        company_name="ООО «Ромашка»", vendor_name="Αθήνα Εμπορική ΑΕ", description="株式会社山田製作所 ヤマダ",
    )
    text = text_of(render_po_pdf(doc))
    for expected in ("ООО «Ромашка»", "Αθήνα Εμπορική ΑΕ", "株式会社山田製作所 ヤマダ", "六角ボルト M8", "Гайка шестигранная"):
        assert expected in text


def test_a_devanagari_vendor_name_comes_back_out_letter_for_letter():
    name = "राम शर्मा ट्रेडर्स प्राइवेट लिमिटेड"
    text = text_of(render_po_pdf(make_doc([make_line(1, "स्टील बोल्ट")], vendor_name=name)))
    assert squashed(name) in squashed(text)
    assert squashed("स्टील बोल्ट") in squashed(text)


def test_devanagari_is_set_in_the_embedded_noto_font_with_its_conjuncts_formed():
    pdf = PdfReader(io.BytesIO(render_po_pdf(make_doc(vendor_name="राम शर्मा"))))
    fonts = [font.get_object() for font in pdf.pages[0]["/Resources"]["/Font"].values()]
    noto = [font for font in fonts if "NotoSansDevanagari" in font["/BaseFont"]]
    assert noto
    descendant = noto[0]["/DescendantFonts"][0].get_object()
    assert descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
    to_unicode = noto[0]["/ToUnicode"].get_object().get_data().decode()
    # "र्मा" drawn as one glyph (the reph over म with its vowel) is HarfBuzz's shaping at work.
    assert "<0930094D092E093E>" in to_unicode


INDIAN_AND_THAI_NAMES = {
    "tamil": "சென்னை இரும்பு வியாபாரிகள்",
    "thai": "บริษัท สยาม สตีล จำกัด",
    "bengali": "কলকাতা ইস্পাত ট্রেডার্স",
    "gujarati": "અમદાવાદ સ્ટીલ ટ્રેડર્સ",
    "telugu": "హైదరాబాద్ ఉక్కు ట్రేడర్స్",
    "kannada": "ಬೆಂಗಳೂರು ಸ್ಟೀಲ್ ಟ್ರೇಡರ್ಸ್",
    "malayalam": "കൊച്ചി സ്റ്റീൽ ട്രേഡേഴ്സ്",
    "gurmukhi": "ਅੰਮ੍ਰਿਤਸਰ ਸਟੀਲ ਟ੍ਰੇਡਰਜ਼",
    "oriya": "ଭୁବନେଶ୍ୱର ଷ୍ଟିଲ୍ ଟ୍ରେଡର୍ସ",
}


@pytest.mark.parametrize("name", INDIAN_AND_THAI_NAMES.values(), ids=INDIAN_AND_THAI_NAMES.keys())
def test_a_vendor_name_in_another_indian_script_or_thai_comes_back_out(name, caplog):
    with caplog.at_level("WARNING", logger="core.documents"):
        text = text_of(render_po_pdf(make_doc([make_line(1, name)], vendor_name=name)))
    assert squashed(text).count(squashed(name)) == 2  # the vendor, and the line item
    assert caplog.records == []


def test_a_tamil_name_is_set_in_the_embedded_noto_tamil_font():
    pdf = PdfReader(io.BytesIO(render_po_pdf(make_doc(vendor_name=INDIAN_AND_THAI_NAMES["tamil"]))))
    names = {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert names == {"DejaVuSansBook", "DejaVuSansBold", "NotoSansTamil"}  # and no other fallback


def test_a_character_no_shipped_font_has_is_drawn_as_a_visible_mark_and_logged_with_the_po(caplog):
    with caplog.at_level("WARNING", logger="core.documents"):
        pdf = render_po_pdf(make_doc([make_line(1, "철강 볼트 M8")], vendor_name="서울 Steel"))
    text = text_of(pdf)
    assert "\ufffd\ufffd Steel" in text  # Korean: no shipped font has Hangul
    assert "\ufffd\ufffd \ufffd\ufffd M8" in text
    [warning] = caplog.records
    assert warning.levelname == "WARNING" and "PO-00017" in warning.getMessage()
    assert "U+C11C" in warning.getMessage() and "U+BCFC" in warning.getMessage()


def test_text_after_a_line_that_starts_in_devanagari_is_still_drawn():
    # fpdf2 2.8.9 drew the lines after such a line with no font, or the previous one.
    doc = make_doc(
        [make_line(1, "स्टील बोल्ट"), make_line(2, "Steel nuts")],
        vendor_address="राम नगर\n12 Nehru Place\nNew Delhi 110019",
    )
    text = text_of(render_po_pdf(doc))
    for expected in ("12 Nehru Place", "New Delhi 110019", "sales@boltnut.example", "Steel nuts", "Net 30"):
        assert expected in text


def test_a_500_line_po_numbers_every_page_repeats_the_table_heading_and_lists_each_line_once():
    lines = [
        make_line(n, f"PART-{n:04d} hexagon bolt" + (" zinc plated, with nyloc nut and two washers, tail" if n % 5 == 0 else ""))
        for n in range(1, 501)
    ]
    pages = page_texts(render_po_pdf(make_doc(lines)))
    total = len(pages)
    assert total > 10
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        assert HEADER_ROW in page
    found = Counter(re.findall(r"PART-\d{4}", "\n".join(pages)))
    assert found == Counter(f"PART-{n:04d}" for n in range(1, 501))


def test_a_row_never_splits_across_pages():
    lines = [make_line(n, f"PART-{n:04d} " + "long description words " * 6 + f"END-{n:04d}") for n in range(1, 121)]
    pages = page_texts(render_po_pdf(make_doc(lines)))
    assert len(pages) > 2
    for page in pages:
        assert re.findall(r"PART-(\d{4})", page) == re.findall(r"END-(\d{4})", page)


def test_rendering_the_same_document_twice_gives_the_same_file():
    doc = make_doc([make_line(n, f"Item {n}") for n in range(1, 40)], vendor_name="राम शर्मा")
    first, second = render_po_pdf(doc), render_po_pdf(doc)
    assert page_texts(first) == page_texts(second)
    assert first == second


def test_what_people_typed_is_printed_as_typed_not_interpreted():
    typed = "{nb} **12** <b>u</b> __y__"
    lines = [make_line(n, f"{typed} {n}") for n in range(1, 61)]  # typed text on page 2 as well
    pages = page_texts(render_po_pdf(make_doc(lines, description=typed, notes="Page {nb}")))
    text = "\n".join(pages)
    assert len(pages) > 1
    assert text.count(typed) == 61
    assert "Page {nb}" in pages[-1]


@pytest.mark.parametrize("status, warning", [
    ("draft", "Draft — not an order yet"),
    ("pending_approval", "Awaiting approval — not an order yet"),
    ("rejected", "Rejected — not an order"),
    ("cancelled", "Cancelled — do not supply"),
    ("approved", None),
    ("closed", None),
])
def test_a_po_that_is_not_a_valid_order_says_so_under_its_number(status, warning):
    text = text_of(render_po_pdf(make_doc(status=status)))
    if warning:
        assert f"PO-00017\n{warning}\n" in text
    else:
        assert "not an order" not in text and "do not supply" not in text


def test_a_po_with_only_the_required_values_renders():
    doc = make_doc(
        company_name=None, company_address=None, delivery_date=None, vendor_name=None, vendor_address=None,
        vendor_email=None, vendor_gstin=None, gstin=None, description=None, payment_terms=None,
        terms_and_conditions=None, notes=None, requested_by=None,
    )
    pages = page_texts(render_po_pdf(doc))
    assert len(pages) == 1
    assert "PO-00017" in pages[0] and "Steel bolts M8" in pages[0] and "Page 1 of 1" in pages[0]
    assert "Delivery date" not in pages[0]


def test_long_terms_and_conditions_run_onto_further_pages():
    terms = "\n".join(f"Clause {n}: the vendor shall keep to the agreed schedule." for n in range(1, 301))
    pages = page_texts(render_po_pdf(make_doc(terms_and_conditions=terms)))
    assert len(pages) > 2
    assert Counter(re.findall(r"Clause (\d+):", "\n".join(pages))) == Counter(str(n) for n in range(1, 301))


def test_a_latin_only_po_embeds_dejavu_sans_alone():
    pdf = PdfReader(io.BytesIO(render_po_pdf(make_doc())))
    names = {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert names == {"DejaVuSansBook", "DejaVuSansBold"}


def test_the_shipped_fonts_are_documented_licensed_and_under_six_megabytes():
    readme = (FONT_DIR / "README.md").read_text()
    fonts = sorted(FONT_DIR.glob("*.ttf"))
    assert fonts
    for font in fonts:
        assert font.name in readme
    for licence in ("DejaVu-LICENSE.txt", "NotoSansDevanagari-OFL.txt", "NotoSans-Indic-Thai-OFL.txt",
                    "MotoyaLCedar-LICENSE-Apache-2.0.txt"):
        assert (FONT_DIR / licence).is_file() and licence in readme
    assert sum(font.stat().st_size for font in fonts) <= 6 * 1024 * 1024

