"""Enumerations and plain value types shared by rules, services, queries and the faces."""
from __future__ import annotations

import re
from enum import StrEnum


class Role(StrEnum):
    viewer = "viewer"
    requester = "requester"
    approver = "approver"
    admin = "admin"

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)

    def at_least(self, other: "Role") -> bool:
        """True when this role includes everything `other` may do."""
        return self.rank >= Role(other).rank


ROLE_ORDER = (Role.viewer, Role.requester, Role.approver, Role.admin)


class PoStatus(StrEnum):
    draft = "draft"
    pending_approval = "pending_approval"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"
    closed = "closed"


class ReceiptStatus(StrEnum):
    not_received = "not_received"
    partially_received = "partially_received"
    fully_received = "fully_received"


class BillingStatus(StrEnum):
    not_billed = "not_billed"
    partially_billed = "partially_billed"
    fully_billed = "fully_billed"


class MatchStatus(StrEnum):
    none = "none"
    matched = "matched"
    exception = "exception"


class PoType(StrEnum):
    goods = "goods"
    services = "services"


class Matching(StrEnum):
    two_way = "two_way"
    three_way = "three_way"


# Decimal places kept in storage. Inputs with more places than the contract allows are refused
# by validation; storage keeps these many so that nothing valid is ever rounded away.
QUANTITY_PLACES = 4
RATE_PLACES = 6
AMOUNT_PLACES = 4  # enough for every ISO 4217 minor unit (CLF and UYW use 4)
PERCENT_PLACES = 4
EXCHANGE_RATE_PLACES = 8

MAX_ID = 2**31 - 1  # ids are 32-bit serials on PostgreSQL: no row has a larger one

# A number written as a string (api.md, Numbers): ASCII digits, an optional minus and fraction.
# Nothing else: no exponent, spaces, underscores, plus sign or other scripts' digits, all of
# which Python's Decimal() would accept.
DECIMAL_STRING = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
