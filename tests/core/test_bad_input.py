"""A face (the bot, the dashboard) calling core directly with a wrong type or a value out of range
gets a precise DomainError naming what was wrong, never an OverflowError, an AttributeError or a
database error (a 500)."""
from decimal import Decimal

import pytest

from core import queries, services
from core.errors import NotFound, ValidationFailed
from core.queries import PoFilter
from core.queries._params import MAX_PAGE
from tests.factories import line, make_person, po_body

IMPOSSIBLE_IDS = [2**63, 10**20, 2**31, 0, -1, "abc", "1", 1.0, True]


@pytest.fixture
def cast(db):
    admin, requester, approver = make_person("admin").user, make_person("requester").user, make_person("approver").user
    services.update_settings(admin, {"approval_levels": [{"min_total": "0", "approvers": [approver.id]}]})
    return admin, requester, approver


def problems(error):
    return [(p.code, p.pointer) for p in error.value.problems]


@pytest.mark.parametrize("ident", IMPOSSIBLE_IDS)
def test_an_id_no_purchase_order_can_have_is_not_found_by_every_action_and_query(cast, ident):
    admin, requester, approver = cast
    first = services.create_po(requester, po_body(lines=[line(quantity=1, rate=1)])).po  # id 1: what True would read as
    calls = [
        lambda: services.submit_po(requester, ident),
        lambda: services.approve_po(approver, ident),
        lambda: services.check_decision(approver, ident),
        lambda: services.cancel_po(requester, ident),
        lambda: services.record_receipt(requester, ident, {"lines": [{"line_id": 1, "quantity": 1}]}),
        lambda: services.copy_po(requester, ident),
        lambda: queries.po_card(ident),
        lambda: queries.purchase_order(ident),
    ]
    for call in calls:
        with pytest.raises(NotFound) as error:
            call()
        assert (error.value.what, error.value.ident) == ("purchase order", ident)
    assert queries.purchase_order(first.id)["status"] == "draft"


@pytest.mark.parametrize("ident", [2**63, 10**20, "abc"])
def test_an_id_no_user_can_have_is_not_found_by_the_desk_queries(cast, ident):
    for call in (lambda: queries.waiting_for(ident), lambda: queries.open_pos_of(ident)):
        with pytest.raises(NotFound) as error:
            call()
        assert (error.value.what, error.value.ident) == ("user", ident)


def test_an_invoice_or_vendor_id_no_row_can_have_is_not_found(cast):
    admin, _, approver = cast
    with pytest.raises(NotFound) as invoice:
        services.accept_invoice_exception(approver, 10**20, reason="agreed")
    with pytest.raises(NotFound) as vendor:
        queries.open_exceptions(vendor_id=2**63)
    assert (invoice.value.what, vendor.value.what) == ("invoice", "vendor")


@pytest.mark.parametrize("actor", [None, 7, "U012ABC", {"id": 1}])
def test_an_actor_that_is_not_a_user_is_refused_naming_the_action(cast, actor):
    _, requester, _ = cast
    po = services.create_po(requester, po_body()).po
    for call, doing in ((lambda: services.approve_po(actor, po.id), "approving purchase orders"),
                        (lambda: services.create_po(actor, po_body()), "creating purchase orders"),
                        (lambda: services.update_settings(actor, {"company_name": "x"}), "changing settings")):
        with pytest.raises(ValidationFailed) as error:
            call()
        assert problems(error) == [("invalid_type", None)]
        assert doing in error.value.detail and type(actor).__name__ in error.value.detail


def test_an_expected_version_that_is_not_a_number_is_a_type_error_not_a_version_mismatch(cast):
    _, requester, _ = cast
    po = services.create_po(requester, po_body()).po
    with pytest.raises(ValidationFailed) as error:
        services.cancel_po(requester, po.id, expected_version=str(po.version))
    assert problems(error) == [("invalid_type", "/expected_version")]
    assert queries.purchase_order(po.id)["status"] == "draft"


@pytest.mark.parametrize("find", [queries.find_vendors, queries.find_skus, queries.closest_po_numbers])
@pytest.mark.parametrize("text", [42, b"Acme", ["Acme"]])
def test_the_finders_refuse_what_is_not_text_at_the_text_argument(db, find, text):
    with pytest.raises(ValidationFailed) as error:
        find(text)
    assert problems(error) == [("invalid_type", "/text")]


def test_the_finders_still_take_nothing_typed(db):
    assert (queries.find_vendors(None), queries.find_skus(""), queries.closest_po_numbers(None)) == ([], [], [])


@pytest.mark.parametrize("month", ["2026-01", 202601, ("2026", "01")])
def test_spend_by_vendor_refuses_a_month_that_is_not_a_date(db, month):
    with pytest.raises(ValidationFailed) as error:
        queries.spend_by_vendor(month=month)
    assert problems(error) == [("invalid_type", "/month")]


@pytest.mark.parametrize("limit, code", [("x", "invalid_type"), (True, "invalid_type"), (2.5, "invalid_type"),
                                         (-1, "invalid_value"), (0, "invalid_value"), (10**20, "invalid_value")])
def test_a_query_limit_must_be_a_whole_number_in_range(cast, limit, code):
    admin, _, approver = cast
    for call in (lambda: queries.waiting_for(approver.id, limit=limit), lambda: queries.open_exceptions(limit=limit),
                 lambda: queries.recent_batches(limit=limit), lambda: queries.find_vendors("Acme", limit=limit)):
        with pytest.raises(ValidationFailed) as error:
            call()
        assert problems(error) == [(code, "/limit")]


# A PoFilter the bot builds meets the limits the query string's parser enforces (core/queries/_params.py).
OVER_THE_LIMITS = [
    ("page", MAX_PAGE + 1, str(MAX_PAGE + 1)),
    ("page", 10**20, str(10**20)),
    ("min_total", Decimal("1e30"), "1" + "0" * 30),
    ("max_total", Decimal(10) ** 14, "100000000000000"),
    ("min_total", Decimal("0.00001"), "0.00001"),
    ("min_total", Decimal("-1"), "-1"),
    ("q", "x" * 201, "x" * 201),
    ("external_id", "  ", "  "),
]


@pytest.mark.parametrize("name, value, written", OVER_THE_LIMITS, ids=[f"{n}-{w[:12]}" for n, _, w in OVER_THE_LIMITS])
def test_a_po_filter_built_directly_is_refused_where_the_query_string_is(db, name, value, written):
    with pytest.raises(ValidationFailed) as direct:
        PoFilter(**{name: value})
    with pytest.raises(ValidationFailed) as parsed:
        PoFilter.from_args({name: [written]})
    assert problems(direct) == [("invalid_value", "/" + name)]
    assert [p.code for p in parsed.value.problems] == ["invalid_value"]
    assert direct.value.detail.startswith(name + ":") and parsed.value.detail.startswith(name + ":")


def test_a_po_filter_at_the_limits_is_accepted_either_way(db):
    at_limits = {"page": MAX_PAGE, "min_total": Decimal("0"), "max_total": Decimal("99999999999999.9999"), "q": "x" * 200}
    direct = PoFilter(**at_limits)
    assert PoFilter.from_args({k: [format(v, "f") if isinstance(v, Decimal) else str(v)] for k, v in at_limits.items()}) == direct
    assert queries.purchase_orders(direct)[0] == []
