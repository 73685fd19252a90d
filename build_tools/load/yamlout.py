"""Content YAML as an editor would write it, the loader's inverse: schema comment first, fields in schema order,
nested objects as blocks, short lists of words inline (`[法人, 自然人]`), multi-line text as `|` blocks, default
values left out. The importer writes matters this way; the benchmarks' synthetic trees use the same writer with
libyaml's emitter (`fast`), which indents and quotes a little differently and writes thousands of files a second."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from ..schema import BY_NAME
from ..schema.reference import is_object, item_type


class _Dumper(yaml.SafeDumper):
    """No anchors; list items indented under their key, as in the hand-written files."""

    def ignore_aliases(self, data) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def choose_scalar_style(self) -> str:
        """Double quotes where quotes are needed ("12345", "09:00"), like the hand-written files."""
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _list(dumper: _Dumper, data: list) -> yaml.Node:
    flow = all(not isinstance(v, (dict, list)) and not (isinstance(v, str) and "\n" in v) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _dict(dumper: _Dumper, data: dict) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


def _str(dumper: _Dumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data) -> bool:
        return True


for _dumper in (_Dumper, _FastDumper):
    _dumper.add_representer(list, _list)
    _dumper.add_representer(dict, _dict)
    _dumper.add_representer(str, _str)


def content_yaml(kind: str, data: dict, fast: bool = False) -> str:
    """One content file of `kind` ("matter", "sop" …), with the schema line editors' editors use."""
    header = f"# yaml-language-server: $schema=../schemas/{kind}.schema.json\n"
    body = yaml.dump(tidy(data, BY_NAME[kind].model), Dumper=_FastDumper if fast else _Dumper, allow_unicode=True,
                     sort_keys=False, width=4096)
    return header + body


def matter_yaml(data: dict) -> str:
    return content_yaml("matter", data)


def tidy(data: Any, model: type[BaseModel]) -> Any:
    """Keys in the model's field order (unknown keys last, for the validator to name), optional fields that
    only repeat their default dropped."""
    if not isinstance(data, dict):
        return data
    out = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        value = data[name]
        if not info.is_required() and value == info.get_default(call_default_factory=True):
            continue
        if is_object(info.annotation):
            inner = item_type(info.annotation)
            value = [tidy(v, inner) for v in value] if isinstance(value, list) else tidy(value, inner)  # type: ignore[arg-type]
        out[name] = value
    out.update({k: v for k, v in data.items() if k not in model.model_fields})
    return out
