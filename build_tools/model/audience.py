"""Public and staff views of one catalogue.

The schema marks internal fields (`x-internal`); the public view is the same catalogue with those fields
emptied and staff-only SOPs removed, taken *before* anything is rendered, so no output of a public build
(page, search index, export, QR sheet) can contain them.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any, get_args

from pydantic import BaseModel

from ..schema.sop import SopAudience
from .catalogue import Catalogue


class Audience(StrEnum):
    PUBLIC = "public"
    STAFF = "staff"


def is_internal(model: type[BaseModel], name: str) -> bool:
    extra = model.model_fields[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("x-internal"))


@lru_cache(maxsize=None)
def _plan(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of `model` to empty, and those to look inside: only fields whose type can hold a model with
    internal fields, so removing them never walks every string of a large catalogue."""
    internal = tuple(name for name in model.model_fields if is_internal(model, name))
    nested = tuple(name for name, info in model.model_fields.items()
                   if name not in internal and _may_hold_internal(info.annotation, frozenset({model})))
    return internal, nested


def _may_hold_internal(annotation: Any, seen: frozenset[type]) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return False
        internal = any(is_internal(annotation, name) for name in annotation.model_fields)
        return internal or any(_may_hold_internal(info.annotation, seen | {annotation}) for info in annotation.model_fields.values())
    return any(_may_hold_internal(arg, seen) for arg in get_args(annotation))


def strip_internal(value: Any) -> Any:
    """A copy of `value` with every internal field set to None, at any depth."""
    if isinstance(value, BaseModel):
        internal, nested = _plan(type(value))
        update = {name: None for name in internal if getattr(value, name) is not None}
        for name in nested:
            current = getattr(value, name)
            stripped = strip_internal(current)
            if stripped is not current:
                update[name] = stripped
        return value.model_copy(update=update) if update else value
    if isinstance(value, list):
        items = [strip_internal(v) for v in value]
        return items if any(a is not b for a, b in zip(items, value)) else value
    if isinstance(value, dict):
        entries = {k: strip_internal(v) for k, v in value.items()}
        return entries if any(entries[k] is not value[k] for k in value) else value
    return value


def view(catalogue: Catalogue, audience: Audience, memo: dict[int, tuple[Any, Any]] | None = None) -> Catalogue:
    """What `audience` may see. With a `memo` (a preview server), objects seen before are not stripped again."""
    if audience is Audience.STAFF:
        return catalogue

    def strip(obj: Any) -> Any:
        if memo is None:
            return strip_internal(obj)
        entry = memo.get(id(obj))
        if entry is None or entry[0] is not obj:
            entry = memo[id(obj)] = (obj, strip_internal(obj))
        return entry[1]

    def clean(table: dict[str, Any]) -> dict[str, Any]:
        return {k: strip(v) for k, v in table.items()}

    return Catalogue(
        departments=clean(catalogue.departments),
        halls=clean(catalogue.halls),
        matters=clean(catalogue.matters),
        sops={k: strip(s) for k, s in catalogue.sops.items() if s.audience is SopAudience.PUBLIC},
        guides=clean(catalogue.guides),
        sources=catalogue.sources,
        codes={c: e for c, e in catalogue.codes.items() if e.kind != "sop" or e.id in catalogue.sops and catalogue.sops[e.id].audience is SopAudience.PUBLIC},
        file_dates=catalogue.file_dates,
    )
