"""Request schemas (pydantic v2): they validate bodies for every face and generate the OpenAPI document."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from core.errors import ValidationFailed
from core.schemas.parse import parse


def validated(schema: type[BaseModel], body: Any, *, partial: bool = True) -> dict[str, Any]:
    """The fields `body` gives, checked by `schema` (every problem at once as ValidationFailed).

    With `partial` (the default) only the fields given come back, so they can be passed on as an
    action's keyword arguments; otherwise the schema's defaults fill the rest.
    """
    values, problems = parse(schema, body, with_defaults=not partial)
    if problems:
        raise ValidationFailed(problems)
    return values
