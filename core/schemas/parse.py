"""Validate a JSON body against a schema and report every problem, with pointers."""
from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError, WrapValidator

from core.errors import ERROR_CODES, Problem, pointer

# Pydantic's own error types that can still surface (our validators raise contract codes).
_BUILTIN_CODES = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_field",
    "model_type": "invalid_type",
    "model_attributes_type": "invalid_type",
    "list_type": "invalid_type",
    "dict_type": "invalid_type",
}


def problems_from(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """Contract problems for every error pydantic found."""
    problems = []
    for err in exc.errors(include_url=False):
        kind = err["type"]
        if kind in ERROR_CODES:
            code = kind
        elif kind in _BUILTIN_CODES:
            code = _BUILTIN_CODES[kind]
        else:
            code = "invalid_type" if kind.endswith("_type") else "invalid_value"
        loc = err["loc"]
        if kind == "missing":
            detail = f"{loc[-1]} is required"
        elif kind == "extra_forbidden":
            detail = f"unknown field {loc[-1]!r}"
        elif kind in ("model_type", "model_attributes_type"):
            detail = "must be an object"
        else:
            detail = err["msg"]
            named = next((part for part in reversed(loc) if isinstance(part, str)), None)
            if named:
                detail = f"{named}: {detail}"
        problems.append(Problem(code, detail, prefix + pointer(*loc)))
    return problems


def _list_item(annotation: Any) -> Any:
    """The item type of a list field, or None when the field is not a list."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is list:
        return get_args(annotation)[0]
    return None


@lru_cache(maxsize=None)
def _adapter(item: Any) -> TypeAdapter:
    return TypeAdapter(item)


def _partial_item(item: Any, value: Any, with_defaults: bool) -> Any:
    """One list item on its own: a model's valid fields, a scalar if valid, else None."""
    if isinstance(item, type) and issubclass(item, BaseModel):
        return _partial(item, value, with_defaults) if isinstance(value, dict) else None
    try:
        return _adapter(item).validate_python(value)
    except ValidationError:
        return None


@lru_cache(maxsize=None)
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    field = model.model_fields[name]
    return TypeAdapter(Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation)


def _partial(model: type[BaseModel], data: dict[str, Any], with_defaults: bool) -> dict[str, Any]:
    """The fields of `data` that are valid on their own, converted; invalid ones are left out."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name not in data:
            if with_defaults and not field.is_required():
                out[name] = field.get_default(call_default_factory=True)
            continue
        value = data[name]
        item = _list_item(field.annotation)
        if item is not None:
            if isinstance(value, list):  # keep positions, so later pointers stay right
                out[name] = [_partial_item(item, v, with_defaults) for v in value]
            continue
        try:
            out[name] = _field_adapter(model, name).validate_python(value)
        except ValidationError:
            pass
    return out


def parse(
    model: type[BaseModel], data: Any, *, with_defaults: bool = True, prefix: str = ""
) -> tuple[dict[str, Any], list[Problem]]:
    """Validate `data`; return (values, problems).

    On success the values are the model's dump (only the given fields when `with_defaults` is
    False, as a PATCH needs). On failure the problems list every error, and the values still hold
    each field that was valid on its own, so the business rules can report their problems too.
    """
    if not isinstance(data, dict):
        return {}, [Problem("invalid_type", "must be a JSON object" if prefix else "the request body must be a JSON object", prefix or None)]
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        return _partial(model, data, with_defaults), problems_from(exc, prefix)
    return obj.model_dump(exclude_unset=not with_defaults, warnings=False), []


def _kept(value: Any, handler) -> Any:
    # An item's errors stay with the item: the list goes on to the next one.
    try:
        return handler(value)
    except ValidationError as exc:
        return exc


@lru_cache(maxsize=None)
def _many(model: type[BaseModel]) -> tuple[TypeAdapter, TypeAdapter]:
    return TypeAdapter(list[Annotated[model, WrapValidator(_kept)]]), TypeAdapter(list[model])


def parse_many(model: type[BaseModel], items: list[Any], *, with_defaults: bool = True) -> list[tuple[dict[str, Any], list[Problem]]]:
    """`parse` for each of `items` (an ERP batch), in one call into pydantic rather than one per item:
    the same values and problems, item by item, each item failing alone."""
    validate, dump = _many(model)
    objects = [item for item in items if isinstance(item, dict)]
    checked = iter(validate.validate_python(objects))
    results: list[Any] = [next(checked) if isinstance(item, dict) else None for item in items]
    valid = iter(dump.dump_python([r for r in results if isinstance(r, model)], exclude_unset=not with_defaults, warnings=False))
    out = []
    for item, result in zip(items, results):
        if result is None:  # not an object: as parse says it
            out.append(parse(model, item, with_defaults=with_defaults))
        elif isinstance(result, ValidationError):
            out.append((_partial(model, item, with_defaults), problems_from(result)))
        else:
            out.append((next(valid), []))
    return out
