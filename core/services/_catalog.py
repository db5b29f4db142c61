"""Load the reference data that PO requests mention, in a few set-based queries."""
from __future__ import annotations

from dataclasses import dataclass, field
import operator
from functools import reduce
from typing import Any, Iterable

from peewee import SQL

from core.models import Dimension, Sku, Vendor
from core.rules.state import Catalog, DimensionRef, SkuRef, VendorRef


@dataclass
class References:
    vendor_ids: set[int] = field(default_factory=set)
    sku_codes: set[str] = field(default_factory=set)
    sku_names: set[str] = field(default_factory=set)  # case-folded
    dimensions: set[tuple[str, str]] = field(default_factory=set)

    def add_po(self, values: dict[str, Any]) -> "References":
        """Collect what one parsed PO body (create, patch or ERP item) refers to."""
        if isinstance(values.get("vendor_id"), int):
            self.vendor_ids.add(values["vendor_id"])
        for line in values.get("line_items") or []:
            if not line:
                continue
            if isinstance(line.get("sku_code"), str):
                self.sku_codes.add(line["sku_code"])
            if isinstance(line.get("sku_name"), str):
                self.sku_names.add(line["sku_name"].casefold())
            for pair in (line.get("dimensions") or {}).items():
                self.dimensions.add(pair)
        return self


def vendor_ref(vendor: Vendor) -> VendorRef:
    return VendorRef(vendor.id, vendor.name, vendor.active, vendor.currency, vendor.payment_terms)


def sku_ref(sku: Sku) -> SkuRef:
    return SkuRef(sku.id, sku.code, sku.name, sku.active)


def dimension_ref(dim: Dimension) -> DimensionRef:
    return DimensionRef(dim.id, dim.type, dim.erp_dimension_id, dim.active)


def load_catalog(refs: References, base_currency: str) -> Catalog:
    """A Catalog holding exactly the vendors, SKUs and dimensions in `refs`, read in one query."""
    catalog = Catalog(base_currency=base_currency)
    # One UNION ALL rather than a query per table: creating a PO that names a vendor, SKUs and
    # dimensions read them in three round trips, inside a request that is counted statement by statement.
    # Rows are (kind, id, a, b, c, active); dimensions are matched on their ids, then on the exact pairs.
    parts = []
    if refs.vendor_ids:
        parts.append(Vendor.select(SQL("'vendor'"), Vendor.id, Vendor.name, Vendor.currency, Vendor.payment_terms, Vendor.active)
                     .where(Vendor.id.in_(list(refs.vendor_ids))))
    if refs.sku_codes or refs.sku_names:
        parts.append(Sku.select(SQL("'sku'"), Sku.id, Sku.code, Sku.name, Sku.name_key, Sku.active)
                     .where(Sku.code.in_(list(refs.sku_codes)) | Sku.name_key.in_(list(refs.sku_names))))
    if refs.dimensions:
        parts.append(Dimension.select(SQL("'dimension'"), Dimension.id, Dimension.type, Dimension.erp_dimension_id, SQL("NULL"), Dimension.active)
                     .where(Dimension.erp_dimension_id.in_(list({erp_id for _, erp_id in refs.dimensions}))))
    if not parts:
        return catalog
    for kind, ident, a, b, c, active in reduce(operator.add, parts).tuples():
        if kind == "vendor":
            catalog.vendors[ident] = VendorRef(ident, a, bool(active), b, c)
        elif kind == "sku":
            catalog.skus_by_code[a] = catalog.skus_by_name[c] = SkuRef(ident, a, b, bool(active))
        elif (a, b) in refs.dimensions:
            catalog.dimensions[(a, b)] = DimensionRef(ident, a, b, bool(active))
    return catalog


def collect(bodies: Iterable[dict[str, Any]]) -> References:
    """References of many parsed PO bodies (an ERP batch)."""
    refs = References()
    for values in bodies:
        refs.add_po(values)
    return refs
