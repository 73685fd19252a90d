"""Per-file check: the document against its schema, with pydantic's errors rewritten for editors.

Each message says what is wrong in Chinese and what to write instead (the allowed values, the format, the
nearest known field name).
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from ..characters import find_unsafe
from ..load import Document
from ..problems import Problem

_TYPE_NAMES = {
    "string_type": "文字",
    "int_type": "整数",
    "int_parsing": "整数",
    "int_from_float": "整数",
    "bool_type": "true 或 false",
    "bool_parsing": "true 或 false",
    "list_type": "列表（每项以“- ”开头）",
    "dict_type": "“字段名: 内容”形式的键值对",
    "model_type": "“字段名: 内容”形式的键值对",
    "model_attributes_type": "“字段名: 内容”形式的键值对",
    "date_type": "日期，格式 YYYY-MM-DD",
    "date_parsing": "日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期（不带时间），格式 YYYY-MM-DD",
}

#: What each pattern in the schema means, in words an editor can act on.
_PATTERN_HINTS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "只能用小写字母、数字和连字符，例如 qiye-sheli-dengji",
    "^[a-z0-9][a-z0-9-]*$": "只能用小写字母、数字和连字符，例如 m1",
    "^https?://": "应是以 http:// 或 https:// 开头的完整网址",
    "^[0-9][0-9\\-]": "应是电话号码，只含数字和连字符，例如 010-0000-1234",
    "^([01][0-9]|2[0-3])": "应是 24 小时制时间，例如 09:00",
    "^[0-9A-Z]": "只能用数字和大写字母",
}


def check_document(doc: Document, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    hidden = character_problems(doc)
    try:
        return model.model_validate(doc.data), hidden
    except ValidationError as err:
        return None, hidden + [_problem(doc, model, e) for e in _without_union_tags(model, err.errors(include_url=False))]


def character_problems(doc: Document) -> list[Problem]:
    """Refused characters (`characters.py`) in keys and values that the loader could not see in the file: written
    as escapes in double quotes ("\\e", "\\u202e"), or made by the importer from a spreadsheet's cells."""
    if doc.text is not None and "\\" not in doc.text:
        return []
    problems = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), doc.data)]
    while stack:
        loc, container = stack.pop()
        for key, value in container.items() if isinstance(container, dict) else enumerate(container):
            here = (*loc, key)
            if isinstance(key, str) and (bad := find_unsafe(key)):
                problems.append(doc.problem(here, f"字段名“{_shown(key)}”里有{bad.describe()}", key=True))
            if isinstance(value, str) and (bad := find_unsafe(value)):
                problems.append(doc.problem(here, f"字段“{_dotted(here)}”的第 {bad.index + 1} 个字是{bad.describe()}"))
            elif isinstance(value, (dict, list)):
                stack.append((here, value))
    return sorted(problems)


def _without_union_tags(model: type[BaseModel], errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A value that may be a time limit or 未说明 fails both ways; pydantic names each way in the location
    ("function-after[…, Duration]", "literal['未说明']"). Locations keep only the fields an editor wrote, and the
    literal's error goes when the other way says more about the same place."""
    cleaned = []
    for error in errors:
        loc: list[Any] = []
        current: Any = model
        for part in error["loc"]:
            fields = getattr(current, "model_fields", None)
            if isinstance(part, int) or fields is None or part in fields:
                loc.append(part)
                if fields is not None and part in fields:
                    current = _unwrap(fields[part].annotation)
            elif "[" in str(part) or str(part)[:1].isupper() or part in ("str", "int"):
                continue  # a union member's tag, not a field
            else:
                loc.append(part)
        cleaned.append({**error, "loc": tuple(loc)})
    detailed = {e["loc"] for e in cleaned if e["type"] != "literal_error"} | {e["loc"][:-1] for e in cleaned if e["type"] == "missing"}
    return [e for e in cleaned if e["type"] != "literal_error" or e["loc"] not in detailed]


def _problem(doc: Document, model: type[BaseModel], error: dict[str, Any]) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        allowed = list(_model_at(model, loc[:-1]).model_fields)
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"；是不是要写“{close[0]}”？" if close else f"；这里可以写的字段有：{'、'.join(allowed)}"
        return doc.problem(loc, f"未知字段“{name}”{hint}", key=True)
    if kind == "missing":
        parent = _model_at(model, loc[:-1])
        field = parent.model_fields.get(name)
        meaning = f"（{field.description}）" if field and field.description else ""
        return doc.problem(loc[:-1], f"缺少必填字段“{name}”{meaning}")
    return doc.problem(loc, f"字段“{_dotted(loc)}”：{_describe(error)}")


def _describe(error: dict[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _TYPE_NAMES:
        return f"应该是{_TYPE_NAMES[kind]}，现在是“{_shown(error.get('input'))}”"
    if kind == "enum":
        return f"只能是以下之一：{ctx.get('expected', '').replace(' or ', ', ').replace(chr(39), '')}；现在是“{_shown(error.get('input'))}”"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        hint = next((h for p, h in _PATTERN_HINTS.items() if pattern.startswith(p)), f"格式应符合 {pattern}")
        return f"{hint}；现在是“{_shown(error.get('input'))}”"
    if kind == "value_error":  # a model's own check, whose message is written for editors already
        return str(ctx.get("error", error.get("msg")))
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_too_long":
        return f"太长了，最多 {ctx.get('max_length')} 个字"
    if kind == "too_short":
        return f"至少要写 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"最多写 {ctx.get('max_length')} 项"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"不能{'小于' if kind == 'greater_than_equal' else '大于'} {bound}"
    return f"值不合法（{error.get('msg')}）"


def _shown(value: object) -> str:
    """The offending value on one line (a problem is always one line of output)."""
    text = " ".join(str(value).split())
    return text if len(text) <= 30 else text[:30] + "…"


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The sub-model that the location points into (lists and dicts stepped through)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        current = _unwrap(current.model_fields[part].annotation)
    return cast(type[BaseModel], current)


def _unwrap(annotation: object) -> object:
    """list[X] / X | None / dict[K, X] -> X, until a model (or a plain type) is reached."""
    while True:
        if isinstance(annotation, type) and issubclass(annotation, (BaseModel, Enum)):
            return annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        origin = typing.get_origin(annotation)
        if not args or origin is typing.Annotated:
            return typing.get_args(annotation)[0] if origin is typing.Annotated else annotation
        if origin in (typing.Union, types.UnionType):  # a model or 未说明: the model is what has fields
            annotation = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), args[-1])
        else:
            annotation = args[-1] if origin in (list, dict) else args[0]
