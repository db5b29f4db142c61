"""core.db.Prepared: a fixed-shape read whose SQL is written once gives exactly the rows the peewee
query gives, each time with that call's values, on either database."""
from decimal import Decimal

from core.db import Prepared
from core.models import PoLine, PurchaseOrder
from tests.factories import line, make_po


def test_a_prepared_read_gives_the_querys_rows_for_each_calls_values(db, people):
    first = make_po(people.requester, lines=[line(identifier="Bolts", quantity="3", rate="1.25")])
    second = make_po(people.requester, lines=[line(identifier="Nuts", quantity="7", rate="0.5"), line(identifier="Washers")])
    lines_of = Prepared(lambda po_id: PoLine.select().where(PoLine.po == po_id).order_by(PoLine.line_no), PoLine.po)
    for po in (first, second, first):
        expected = [(l.identifier, l.quantity, l.rate) for l in PoLine.select().where(PoLine.po == po.id).order_by(PoLine.line_no)]
        assert [(l.identifier, l.quantity, l.rate) for l in lines_of.rows(po.id)] == expected
    assert [l.quantity for l in lines_of.rows(first.id)] == [Decimal("3")]


def test_a_prepared_read_keeps_the_querys_row_type_and_conversions(db, people):
    po = make_po(people.requester)
    header = Prepared(lambda po_id: PurchaseOrder.select(PurchaseOrder.po_number, PurchaseOrder.total)
                      .where(PurchaseOrder.id == po_id).limit(1).dicts(), PurchaseOrder.id)
    assert header.first(po.id) == {"po_number": po.po_number, "total": PurchaseOrder.get_by_id(po.id).total}
    assert header.first(po.id + 1000) is None


def test_a_prepared_read_refuses_an_id_no_row_can_have_as_any_query_does(db):
    import pytest

    from core.errors import NotFound

    header = Prepared(lambda po_id: PurchaseOrder.select().where(PurchaseOrder.id == po_id), PurchaseOrder.id)
    for impossible in (0, 2**63, True, "1"):
        with pytest.raises(NotFound):
            header.first(impossible)
