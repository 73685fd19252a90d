"""Field reference and JSON Schema files, both generated from the schema models (never written by hand)."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel

from . import CONTENT_TYPES, ContentType


@dataclass(frozen=True)
class FieldRow:
    path: str
    type: str
    required: bool
    description: str
    choices: tuple[str, ...]
    internal: bool


def json_schema(ctype: ContentType) -> str:
    schema = ctype.model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"{ctype.label}（{ctype.folder}/*.yaml）"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def field_rows(model: type[BaseModel], prefix: str = "") -> list[FieldRow]:
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner, is_list = _inner(info.annotation)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        choices = tuple(e.value for e in inner) if isinstance(inner, type) and issubclass(inner, Enum) else ()
        rows.append(FieldRow(path, _type_name(inner, is_list), info.is_required(), info.description or "", choices, bool(extra.get("x-internal"))))
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            rows.extend(field_rows(inner, f"{path}[]." if is_list else f"{path}."))
    return rows


def _inner(annotation: object) -> tuple[object, bool]:
    is_list = False
    while True:
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (typing.Union, types.UnionType):
            annotation = args[0]
        elif origin is list:
            is_list, annotation = True, args[0]
        elif origin is dict:
            return dict, is_list
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, is_list


_TYPE_WORDS: dict[object, str] = {str: "文字", int: "整数", bool: "true/false", dict: "键值对"}


def _type_name(inner: object, is_list: bool) -> str:
    if isinstance(inner, type) and issubclass(inner, Enum):
        word = "选项"
    elif isinstance(inner, type) and issubclass(inner, BaseModel):
        word = "对象"
    elif getattr(inner, "__name__", "") == "date":
        word = "日期"
    else:
        word = _TYPE_WORDS.get(inner, "文字")
    return f"{word}列表" if is_list else word


def all_field_tables() -> list[tuple[ContentType, list[FieldRow]]]:
    return [(t, field_rows(t.model)) for t in CONTENT_TYPES]


def strip_optional(annotation: object) -> object:
    """X | None and Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def item_type(annotation: object) -> object:
    """The type of one value: list[X] -> X, with optionality stripped."""
    inner = strip_optional(annotation)
    return strip_optional(typing.get_args(inner)[0]) if typing.get_origin(inner) is list else inner


def is_object(annotation: object) -> bool:
    inner = item_type(annotation)
    return isinstance(inner, type) and issubclass(inner, BaseModel)
