"""The bulk upsert envelope. Items are validated one by one later (PurchaseOrderImport), so that a
bad item fails alone instead of refusing the whole request."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SkipValidation, WithJsonSchema

from core.schemas.purchase_orders import PurchaseOrderImport

from core.schemas.types import NO_NUL_PATTERN, fail

MAX_POS = 100
MAX_LINES = 1000


# Any JSON value whose strings (keys too) hold no NUL: what a bulk item may carry before the
# worker checks it against PurchaseOrderImport (a NUL is refused at once, anywhere in a body).
# The schema is recursive; the document links the marker to it (pydantic would chase the $ref).
JSON_WITHOUT_NUL_REF = {"x-ref": "JsonWithoutNul"}
JSON_WITHOUT_NUL = {"anyOf": [
    {"type": "string", "pattern": NO_NUL_PATTERN},
    {"type": ["number", "boolean", "null"]},
    {"type": "array", "items": JSON_WITHOUT_NUL_REF},
    {"type": "object", "propertyNames": {"pattern": NO_NUL_PATTERN}, "additionalProperties": JSON_WITHOUT_NUL_REF},
]}


def _purchase_orders(value: Any) -> Any:
    if not isinstance(value, list):
        raise fail("invalid_type", "must be a list of purchase orders")
    if not value:
        raise fail("invalid_value", "must hold at least one purchase order")
    if len(value) > MAX_POS:
        raise fail("batch_too_large", f"at most {MAX_POS} purchase orders per request (got {len(value)})")
    lines = sum(len(item["line_items"]) for item in value if isinstance(item, dict) and isinstance(item.get("line_items"), list))
    if lines > MAX_LINES:
        raise fail("batch_too_large", f"at most {MAX_LINES} line items per request in all (got {lines})")
    return value


class BulkUpsert(BaseModel):
    """POST /purchase-orders/bulk: up to 100 POs and 1,000 line items in all."""

    model_config = ConfigDict(extra="forbid")

    # Only the envelope is checked here (SkipValidation): each item is validated on its own by the
    # worker, so that one bad item fails alone; the document still shows what an item must be.
    purchase_orders: Annotated[
        SkipValidation[list[PurchaseOrderImport]], BeforeValidator(_purchase_orders),
        WithJsonSchema({
            "type": "array", "minItems": 1, "maxItems": MAX_POS,
            "description": f"each an upsert keyed by external_id (else po_number); at most {MAX_LINES} line items in all",
            "items": {"type": "object", "propertyNames": {"pattern": NO_NUL_PATTERN},
                      "additionalProperties": JSON_WITHOUT_NUL_REF,
                      "x-item-schema": "#/components/schemas/PurchaseOrderImport",
                      "description": "a purchase order as PurchaseOrderImport describes it. The envelope is checked at once; "
                                     "each item is checked by the worker, so that an item that breaks that schema or a rule "
                                     "fails alone (its errors in GET /batches/{id}/results) and the others are written"},
        }),
    ]
