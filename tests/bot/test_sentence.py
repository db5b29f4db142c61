"""New-PO sentences typed to podesk in Slack, and what the bot reads from them (no database, no Slack)."""
import time
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.parse import NewPo, parse_command, parse_message

ACME = "new PO for Acme Tools: "


def line(quantity, item, rate=None, currency=None, quoted=False):
    return (D(quantity), item, quoted, None if rate is None else D(rate), currency)


def read(po):
    return [(x.quantity, x.item, x.quoted, x.rate, x.currency) for x in po.lines]


BOLTS = [line("10", "BOLT-M8", "4.50"), line("20", "NUT-M8", "0.80")]

# (id, what was typed, vendor, lines, the PO's currency)
SENTENCES = [
    ("SKU codes", ACME + "10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80", "Acme Tools", BOLTS, None),
    ("SKU names with spaces", ACME + "10 x Steel bolt M8 @ 4.50, 20 x Hex nut M8 @ 0.80", "Acme Tools",
     [line("10", "Steel bolt M8", "4.50"), line("20", "Hex nut M8", "0.80")], None),
    ("capital X", ACME + "10 X BOLT-M8 @ 4.50", "Acme Tools", BOLTS[:1], None),
    ("times sign ×", ACME + "10 × BOLT-M8 @ 4.50", "Acme Tools", BOLTS[:1], None),
    ("times sign × without spaces", ACME + "10×BOLT-M8 @ 4.50", "Acme Tools", BOLTS[:1], None),
    ("asterisk", ACME + "10 * BOLT-M8 @ 4.50", "Acme Tools", BOLTS[:1], None),
    ("asterisk and @ without spaces", ACME + "10*BOLT-M8@4.50", "Acme Tools", BOLTS[:1], None),
    ("x glued to the quantity", ACME + "10x BOLT-M8 @4.50", "Acme Tools", BOLTS[:1], None),
    ("no times sign at all", ACME + "10 BOLT-M8 @ 4.50", "Acme Tools", BOLTS[:1], None),
    ("an item starting with x", ACME + "10 xylophones @ 3", "Acme Tools", [line("10", "xylophones", "3")], None),
    ("an item starting with X-", ACME + "10 X-RAY FILM @ 3", "Acme Tools", [line("10", "X-RAY FILM", "3")], None),
    ("an item with an x inside", ACME + "10 x 2x4 lumber @ 3", "Acme Tools", [line("10", "2x4 lumber", "3")], None),
    ("decimal quantity", ACME + "2.5 x Copper wire (kg) @ 812.25", "Acme Tools",
     [line("2.5", "Copper wire (kg)", "812.25")], None),
    ("four-decimal quantity, six-decimal rate", ACME + "0.0001 x Gold leaf @ 0.012345", "Acme Tools",
     [line("0.0001", "Gold leaf", "0.012345")], None),
    ("rate after 'at'", ACME + "10 x BOLT-M8 at 4.50", "Acme Tools", BOLTS[:1], None),
    ("'at' inside a name", ACME + "10 x Seat at back @ 2, 5 x Seat at front", "Acme Tools",
     [line("10", "Seat at back", "2"), line("5", "Seat at front")], None),
    ("thousands separators in quantities", ACME + "1,000 x BOLT-M8 @ 4.50, 2,500 x NUT-M8 @ 0.80", "Acme Tools",
     [line("1000", "BOLT-M8", "4.50"), line("2500", "NUT-M8", "0.80")], None),
    ("thousands separator in a rate with decimals", ACME + "1 x Lathe @ 12,500.75", "Acme Tools",
     [line("1", "Lathe", "12500.75")], None),
    ("millions in dollars", ACME + "1 x Building @ $1,250,000.00", "Acme Tools",
     [line("1", "Building", "1250000.00", "USD")], "USD"),
    ("Indian lakh grouping", ACME + "1 x CNC machine @ ₹12,50,000", "Acme Tools",
     [line("1", "CNC machine", "1250000", "INR")], "INR"),
    ("rupee symbol", ACME + "10 x BOLT-M8 @ ₹4.50", "Acme Tools", [line("10", "BOLT-M8", "4.50", "INR")], "INR"),
    ("dollar symbol", ACME + "10 x BOLT-M8 @ $4.50", "Acme Tools", [line("10", "BOLT-M8", "4.50", "USD")], "USD"),
    ("pound symbol", ACME + "10 x BOLT-M8 @ £4.50", "Acme Tools", [line("10", "BOLT-M8", "4.50", "GBP")], "GBP"),
    ("yen symbol", ACME + "10 x BOLT-M8 @ ¥32", "Acme Tools", [line("10", "BOLT-M8", "32", "JPY")], "JPY"),
    ("euro with a decimal comma", ACME + "10 x BOLT-M8 @ €12,50", "Acme Tools",
     [line("10", "BOLT-M8", "12.50", "EUR")], "EUR"),
    ("symbol after the amount", ACME + "10 x BOLT-M8 @ 12,5 €", "Acme Tools",
     [line("10", "BOLT-M8", "12.5", "EUR")], "EUR"),
    ("ISO code after the rate", ACME + "10 x BOLT-M8 @ 4.50 USD", "Acme Tools",
     [line("10", "BOLT-M8", "4.50", "USD")], "USD"),
    ("ISO code before the rate", ACME + "10 x BOLT-M8 @ INR 4.50", "Acme Tools",
     [line("10", "BOLT-M8", "4.50", "INR")], "INR"),
    ("lower-case ISO code", ACME + "10 x BOLT-M8 @ 4.50 usd", "Acme Tools",
     [line("10", "BOLT-M8", "4.50", "USD")], "USD"),
    ("Rs. for rupees", ACME + "10 x BOLT-M8 @ Rs. 4.50", "Acme Tools",
     [line("10", "BOLT-M8", "4.50", "INR")], "INR"),
    ("rupees with /-", ACME + "2 x Audit @ 25,000/-", "Acme Tools", [line("2", "Audit", "25000")], None),
    ("each, per unit and /kg after rates", ACME + "10 x BOLT-M8 @ 4.50 each, 20 x NUT-M8 @ 0.80 USD per unit, "
     "2 x Wire @ 8/kg", "Acme Tools", [*BOLTS[:1], line("20", "NUT-M8", "0.80", "USD"), line("2", "Wire", "8")], "USD"),
    ("one currency on some lines", ACME + "10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ ₹0.80", "Acme Tools",
     [BOLTS[0], line("20", "NUT-M8", "0.80", "INR")], "INR"),
    ("the same currency written two ways", ACME + "10 x BOLT-M8 @ $4.50, 20 x NUT-M8 @ 0.80 USD", "Acme Tools",
     [line("10", "BOLT-M8", "4.50", "USD"), line("20", "NUT-M8", "0.80", "USD")], "USD"),
    ("quoted free text", ACME + '2 x "Network audit day" @ 25000', "Acme Tools",
     [line("2", "Network audit day", "25000", quoted=True)], None),
    ("curly double quotes", ACME + "2 x “Network audit day” @ 25000", "Acme Tools",
     [line("2", "Network audit day", "25000", quoted=True)], None),
    ("curly single quotes", ACME + "1 x ‘Site survey’ at 900", "Acme Tools",
     [line("1", "Site survey", "900", quoted=True)], None),
    ("straight single quotes around an apostrophe", ACME + "2 x 'O'Brien fitting' @ 3", "Acme Tools",
     [line("2", "O'Brien fitting", "3", quoted=True)], None),
    ("inch marks are not quotes", ACME + '10 x 3/4" copper pipe @ 3, 5 x Pipe 1" long @ 4', "Acme Tools",
     [line("10", '3/4" copper pipe', "3"), line("5", 'Pipe 1" long', "4")], None),
    ("a quote right after the x", ACME + '2 x"Network audit, day 1" @ 25000', "Acme Tools",
     [line("2", "Network audit, day 1", "25000", quoted=True)], None),
    ("separators inside quotes", ACME + '1 x "Audit, design and build; phase 1 @ site" @ 5000, 10 x BOLT-M8 @ 4.50',
     "Acme Tools", [line("1", "Audit, design and build; phase 1 @ site", "5000", quoted=True), BOLTS[0]], None),
    ("quoted text without a rate", ACME + '2 x "Network audit day"', "Acme Tools",
     [line("2", "Network audit day", quoted=True)], None),
    ("mixed separators", ACME + "10 x BOLT-M8 @ 4.50; 20 x NUT-M8 @ 0.80 and 5 x WASHER @ 0.10\n1 x Toolbox @ 30",
     "Acme Tools", [*BOLTS, line("5", "WASHER", "0.10"), line("1", "Toolbox", "30")], None),
    ("'and' inside a name", ACME + "10 x Nuts and bolts kit @ 3 and 2 x Tape @ 1", "Acme Tools",
     [line("10", "Nuts and bolts kit", "3"), line("2", "Tape", "1")], None),
    ("a line without a rate", ACME + "10 x BOLT-M8, 20 x NUT-M8 @ 0.80", "Acme Tools",
     [line("10", "BOLT-M8"), BOLTS[1]], None),
    ("one line per row, vendor on the first", "new PO for Acme Tools\n10 x BOLT-M8 @ 4.50\n20 x NUT-M8 @ 0.80",
     "Acme Tools", BOLTS, None),
    ("vendor after 'from'", "new PO from Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80", "Acme Tools", BOLTS, None),
    ("'new purchase order'", "new purchase order for Acme Tools: 10 x BOLT-M8 @ 4.50", "Acme Tools", BOLTS[:1], None),
    ("quoted vendor with a comma", 'new PO for "Acme Tools, Inc.": 10 x BOLT-M8 @ 4.50', "Acme Tools, Inc.",
     BOLTS[:1], None),
    ("curly-quoted vendor with a colon", "new PO for “Acme: West”: 10 x BOLT-M8 @ 4.50", "Acme: West", BOLTS[:1], None),
    ("vendor without the colon", "new PO for Acme Tools 10 x BOLT-M8 @ 4.50", "Acme Tools", BOLTS[:1], None),
    ("upper case and extra spaces", "NEW PO  FOR  Acme   Tools :  10   x   BOLT-M8   @   4.50 ", "Acme Tools",
     BOLTS[:1], None),
    ("a full stop at the end", ACME + "10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80.", "Acme Tools", BOLTS, None),
    ("a trailing comma", ACME + "10 x BOLT-M8 @ 4.50,", "Acme Tools", BOLTS[:1], None),
]


@pytest.mark.parametrize(("text", "vendor", "lines", "currency"), [c[1:] for c in SENTENCES],
                         ids=[c[0] for c in SENTENCES])
def test_a_new_po_sentence_is_read_into_its_vendor_lines_and_currency(text, vendor, lines, currency):
    po = parse_message(text)
    assert isinstance(po, NewPo)
    assert po.problems == ()
    assert (po.vendor, read(po), po.currency) == (vendor, lines, currency)


def test_amounts_are_exact_decimals_kept_as_written_and_each_line_keeps_its_source():
    po = parse_message(ACME + "1,000 x BOLT-M8 @ 4.50,  3 x NUT-M8 @ 0.123456")
    assert [(str(x.quantity), str(x.rate)) for x in po.lines] == [("1000", "4.50"), ("3", "0.123456")]
    assert all(isinstance(x.quantity, D) and isinstance(x.rate, D) for x in po.lines)
    assert [x.source for x in po.lines] == ["1,000 x BOLT-M8 @ 4.50", "3 x NUT-M8 @ 0.123456"]


def test_slack_escapes_and_a_leading_mention_do_not_reach_the_vendor():
    po = parse_message("<@U123ABC> new PO for Smith &amp; Sons: 10 x BOLT-M8 @ 4.50")
    assert (po.vendor, read(po), po.problems) == ("Smith & Sons", BOLTS[:1], ())


GOOD = "10 x BOLT-M8 @ 4.50, "
# (id, the bad line after a good one, the problem the user reads); the good line is still kept
REFUSED_LINES = [
    ("a quantity in words", "twenty bolts", "could not read line 2: 'twenty bolts' — write it as 20 x BOLT-M8 @ 4.50"),
    ("a zero quantity", "0 x NUT-M8 @ 0.80", "line 2: the quantity must be more than zero, not '0'"),
    ("a negative quantity", "-5 x NUT-M8 @ 0.80", "line 2: the quantity must be more than zero, not '-5'"),
    ("a quantity with five decimals", "1.23456 x NUT-M8", "line 2: the quantity '1.23456' has more than 4 decimal places"),
    ("a rate with seven decimals", "1 x NUT-M8 @ 0.1234567", "line 2: the rate '0.1234567' has more than 6 decimal places"),
    ("a negative rate", "1 x NUT-M8 @ -0.80", "line 2: the rate cannot be negative ('-0.80')"),
    ("a rate in words", "1 x NUT-M8 @ four fifty",
     "line 2: understood 1 x NUT-M8, but could not read the rate 'four fifty' — write it as @ 4.50 or @ 4.50 USD"),
    ("nothing after the @", "1 x NUT-M8 @", "line 2: understood 1 x NUT-M8, but no rate follows the @ — write it as @ 4.50"),
    ("a European thousands point", "1 x Lathe @ €1.000,50",
     "line 2: understood 1 x Lathe, but the number '1.000,50' is ambiguous — write decimals with a point and "
     "thousands with commas, like 1,000.50"),
    ("a comma with four digits after it", "1,5000 x NUT-M8",
     "line 2: the number '1,5000' is ambiguous — write decimals with a point and thousands with commas, like 1,000.50"),
    ("a line glued on by a comma without a space", "1 x NUT-M8 @ 0.80,20 x WASHER @ 1",
     "line 2: understood 1 x NUT-M8, but could not read the rate '0.80,20 x WASHER @ 1' — write it as @ 4.50 or "
     "@ 4.50 USD (between lines, put a space after the comma)"),
    ("two currencies in one rate", "1 x NUT-M8 @ $0.80 EUR",
     "line 2: understood 1 x NUT-M8, but the rate '$0.80 EUR' names two currencies, USD and EUR"),
    ("a quote that is never closed", '2 x "Network audit day @ 25000',
     "line 2: the quote in '\"Network audit day @ 25000' is never closed"),
    ("words after a quoted item", '2 x "Network audit" tomorrow @ 5',
     "line 2: understood 2 x \"Network audit\", but not 'tomorrow @ 5' after it — write the rate as @ 4.50"),
    ("a quantity with no item", "10 x @ 4.50", "line 2: '10 x @ 4.50' names no item — write it as 20 x BOLT-M8 @ 4.50"),
]


@pytest.mark.parametrize(("bad", "problem"), [c[1:] for c in REFUSED_LINES], ids=[c[0] for c in REFUSED_LINES])
def test_a_line_that_cannot_be_read_is_left_out_and_the_problem_says_why(bad, problem):
    po = parse_message(ACME + GOOD + bad)
    assert po.problems == (problem,)
    assert read(po) == BOLTS[:1]


REFUSED_SENTENCES = [
    ("no vendor", "new PO: 10 x BOLT-M8 @ 4.50",
     ("no vendor — name it after 'for': new PO for Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80",)),
    ("no lines", "new PO for Acme Tools",
     ("no lines — list them after the vendor and a colon: new PO for Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80",)),
    ("only separators after the vendor", "new PO for Acme Tools: , ;", (
        "no lines — list them after the vendor and a colon: new PO for Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80",)),
    ("an unclosed quote around the vendor", 'new PO for "Acme Tools: 10 x BOLT-M8 @ 4.50', (
        'the quote around the vendor is never closed — write it as new PO for "Acme Tools, Inc.": 20 x BOLT-M8 @ 4.50',)),
    ("lines in two currencies", ACME + "10 x BOLT-M8 @ $4.50, 20 x NUT-M8 @ €0.80, 1 x Tape @ 2 USD",
     ("the lines use different currencies (USD on line 1, EUR on line 2, USD on line 3) — a PO has one currency",)),
    ("more than 4,000 characters", ACME + "10 x BOLT-M8 @ 4.50, " * 200, (
        "that message has 4,222 characters; a new PO sentence can have at most 4,000 — use /po new for a long PO",)),
]


@pytest.mark.parametrize(("text", "problems"), [c[1:] for c in REFUSED_SENTENCES], ids=[c[0] for c in REFUSED_SENTENCES])
def test_a_sentence_that_cannot_become_a_po_says_what_is_missing(text, problems):
    po = parse_message(text)
    assert isinstance(po, NewPo) and not po.ok
    assert po.problems == problems


def test_a_sentence_in_two_currencies_keeps_its_lines_but_has_no_currency():
    po = parse_message(ACME + "10 x BOLT-M8 @ $4.50, 20 x NUT-M8 @ €0.80")
    assert po.currency is None and [x.currency for x in po.lines] == ["USD", "EUR"]


def test_hundreds_of_unreadable_lines_give_ten_problems_not_hundreds():
    po = parse_message(ACME + ", ".join(["twenty bolts"] * 250))
    assert len(po.problems) == 10
    assert po.problems[-1] == "… and 241 more problems"


def test_the_slash_command_reads_the_same_sentence():
    po = parse_command("new PO for Smith &amp; Sons: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80")
    assert (po.vendor, read(po), po.problems) == ("Smith & Sons", BOLTS, ())


quantities = st.decimals(min_value=D("0.0001"), max_value=D("9999999999.9999"), places=4)
rates = st.decimals(min_value=D("0"), max_value=D("999999999999.999999"), places=6)
# Names chosen to tempt the grammar: an x, "and", "at", a leading digit, an apostrophe.
items = st.sampled_from(["BOLT-M8", "Steel bolt M8", "X-RAY FILM", "2x4 lumber", "Nuts and bolts kit",
                         "Seat at back", "xylophones", "O'Brien fitting", "NUT_M8/B"])
money = st.sampled_from([("{}", None), ("₹{}", "INR"), ("{} USD", "USD"), ("EUR {}", "EUR"), ("¥ {}", "JPY")])
times = st.sampled_from([" x ", "x ", " X ", "×", " * "])
separators = st.sampled_from([", ", "; ", " and ", "\n", " ,  "])


@given(st.lists(st.tuples(quantities, items, rates, st.booleans(), times), min_size=1, max_size=20), money, separators)
def test_any_well_written_sentence_reads_back_the_exact_quantities_items_and_rates(written, money, separator):
    (form, currency), number = money, "{:,f}".format
    text = ACME + separator.join(f"{number(q) if grouped else q} {sign} {item} @ {form.format(number(r) if grouped else r)}"
                                 for q, item, r, grouped, sign in written)
    po = parse_message(text)
    assert po.problems == ()
    assert [(x.quantity, x.item, x.rate, x.currency) for x in po.lines] == [(q, i, r, currency) for q, i, r, *_ in written]


# Mostly the characters the grammar cares about, so that near-misses are tried, not just noise.
GRAMMAR_TEXT = st.lists(st.sampled_from([*"0123456789 ,.;:@x×*X-−'\"“”‘’₹$€£¥\nUSDINRabct", " and ", " at ", "/-"]),
                        max_size=80).map("".join)


@given(st.one_of(st.text(max_size=300), GRAMMAR_TEXT))
def test_whatever_follows_new_po_becomes_a_po_or_a_problem_never_an_error(tail):
    po = parse_message("new PO for " + tail)
    assert isinstance(po, NewPo)
    assert po.lines or po.problems
    for x in po.lines:
        assert x.item and x.quantity > 0 and -x.quantity.normalize().as_tuple().exponent <= 4
        assert x.rate is None or (x.rate >= 0 and -x.rate.normalize().as_tuple().exponent <= 6)


# Inputs that make careless patterns backtrack: long runs of spaces, quotes, commas, digits, "and".
WORST = {
    "spaces": ACME + "1 x B @" + " " * 3950 + "x",
    "quotes never closed": ACME + "'a " * 1320,
    "double quotes": ACME + '"' * 3970,
    "commas between digits": ACME + "1," * 1980,
    "and before digits": ACME + "1 x B" + " and 1" * 660,
    "at before digits": ACME + "1 x B" + " at 1" * 790,
    "a vendor with no colon": "new PO for " + "1 " * 1990,
    "360 good lines": ACME + ", ".join(["1 x B @ 1"] * 360),
}


@pytest.mark.parametrize("text", WORST.values(), ids=WORST.keys())
def test_the_worst_4000_characters_are_read_in_well_under_a_second(text):
    assert len(text) <= 4000
    started = time.perf_counter()
    parse_message(text)
    assert time.perf_counter() - started < 0.5
