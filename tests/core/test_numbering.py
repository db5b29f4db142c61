"""PO numbers come from po_number_format, are never duplicated, and a failed create uses none."""
import threading

import pytest

from core.db import database
from core.errors import ValidationFailed
from core.models import PurchaseOrder
from core.services.purchase_orders import create_po
from core.services.settings import update_settings
from tests.factories import make_person, make_vendor, po_body


def test_creators_racing_each_other_never_share_a_po_number(db):
    requester = make_person("requester").user
    vendor = make_vendor()
    threads, per_thread = 6, 5
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def create_some():
        with database.connection_context():
            start.wait()
            try:
                for _ in range(per_thread):
                    create_po(requester, po_body(vendor))
            except BaseException as exc:  # reported below: a thread must not fail silently
                errors.append(exc)

    workers = [threading.Thread(target=create_some) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    numbers = [n for (n,) in PurchaseOrder.select(PurchaseOrder.po_number).tuples()]
    assert len(numbers) == threads * per_thread
    assert sorted(numbers) == [f"PO-{i:05d}" for i in range(1, threads * per_thread + 1)]


def test_a_failed_create_does_not_use_up_a_number(db):
    requester = make_person("requester").user
    with pytest.raises(ValidationFailed):
        create_po(requester, po_body(currency="XYZ"))
    assert create_po(requester, po_body()).po.po_number == "PO-00001"


def test_numbers_follow_the_configured_format_and_skip_ones_typed_by_hand(db):
    admin, requester = make_person("admin").user, make_person("requester").user
    update_settings(admin, {"po_number_format": "ACME/{year}/{seq:04d}"})
    year = PurchaseOrder._meta.fields["created_at"].default().year
    create_po(requester, po_body(po_number=f"ACME/{year}/0002"))
    first = create_po(requester, po_body()).po.po_number
    second = create_po(requester, po_body()).po.po_number
    assert (first, second) == (f"ACME/{year}/0001", f"ACME/{year}/0003")
