"""The templates of a PO's email (settings po_email_subject / po_email_body): placeholders filled in."""
from __future__ import annotations

import re
from typing import Mapping

PLACEHOLDERS = ("po_number", "vendor_name", "total", "company_name")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(template: str) -> list[str]:
    """The `{names}` in `template` that are not placeholders (most likely typos), in order."""
    return [name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS]


def fill(template: str, values: Mapping[str, str | None]) -> str:
    """`template` with each known `{placeholder}` replaced; any other brace is left as written.

    Not str.format: a subject such as "Order {ref}" or a body quoting JSON must not fail or change.
    """
    return _PLACEHOLDER.sub(lambda m: (values.get(m.group(1)) or "") if m.group(1) in PLACEHOLDERS else m.group(0), template)
