"""Load the reference data that PO requests mention, in a few set-based queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

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


def _dimension_query(pairs: set[tuple[str, str]]):
    # One query whatever the number of pairs: match on the ids, then keep the exact pairs.
    ids = {erp_id for _, erp_id in pairs}
    return Dimension.select().where(Dimension.erp_dimension_id.in_(list(ids)))


def load_catalog(refs: References, base_currency: str) -> Catalog:
    """A Catalog holding exactly the vendors, SKUs and dimensions in `refs`."""
    catalog = Catalog(base_currency=base_currency)
    if refs.vendor_ids:
        for vendor in Vendor.select().where(Vendor.id.in_(list(refs.vendor_ids))):
            catalog.vendors[vendor.id] = vendor_ref(vendor)
    if refs.sku_codes or refs.sku_names:
        query = Sku.select().where(Sku.code.in_(list(refs.sku_codes)) | Sku.name_key.in_(list(refs.sku_names)))
        for sku in query:
            ref = sku_ref(sku)
            catalog.skus_by_code[sku.code] = ref
            catalog.skus_by_name[sku.name_key] = ref
    if refs.dimensions:
        for dim in _dimension_query(refs.dimensions):
            if (dim.type, dim.erp_dimension_id) in refs.dimensions:
                catalog.dimensions[(dim.type, dim.erp_dimension_id)] = dimension_ref(dim)
    return catalog


def collect(bodies: Iterable[dict[str, Any]]) -> References:
    """References of many parsed PO bodies (an ERP batch)."""
    refs = References()
    for values in bodies:
        refs.add_po(values)
    return refs
