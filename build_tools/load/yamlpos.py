"""A YAML loader that remembers where every key and value came from, and refuses dangerous input.

PyYAML's own loaders forget positions, silently keep the last of two duplicate keys, recurse on deep nesting and
expand alias bombs. This one builds plain Python data from libyaml's flat event stream instead, so it can check
each of those as it goes and never recurses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Any

import yaml

from ..problems import Problem

Loc = tuple[str | int, ...]

MAX_BYTES = 512 * 1024
MAX_DEPTH = 30
MAX_NODES = 50_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars: PyYAML's 1.1 rules would turn 09:00 into 540 and `no` into false."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    ("float", r"^[-+]?(?:(?:0|[1-9][0-9]*)?\.[0-9]+|(?:0|[1-9][0-9]*)\.)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("timestamp", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "0123456789"),
):
    _CoreResolver.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))

_resolver = _CoreResolver()
_SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_KIND_WORDS = {"timestamp": "日期", "int": "整数", "float": "小数", "bool": "真假值", "null": "空值"}
_KIND_HINTS = {"日期": "；请写成 YYYY-MM-DD，例如 2026-01-31", "真假值": "；请写 true 或 false"}

#: Clearer Chinese for the syntax errors editors actually make.
_SYNTAX_HINTS = {
    "found character '\\t' that cannot start any token": "不能用 Tab 键缩进，请改用空格",
    "found character that cannot start any token": "这里有不能放在开头的字符：常见原因是用了 Tab 键缩进（请改用空格），或文字以 @、` 开头（请给文字加引号）",
    "mapping values are not allowed": "这里不能出现“: ”；如果文字里本来就有英文冒号，请把整段文字用引号括起来",
    "could not find expected ':'": "缺少“: ”：每一行应写成“字段名: 内容”",
    "found undefined alias": "用到了没有定义的别名（*）",
    "did not find expected key": "缩进不对齐：同一层的字段要对齐到同一列",
    "did not find expected '-' indicator": "缩进不对齐：列表项“- ”要对齐到同一列",
    "found unexpected end of stream": "文件在引号或括号没有闭合的地方结束了",
    "found unknown escape character": "双引号里的反斜杠“\\”不合法；请改用单引号，或写成“\\\\”",
}


@dataclass
class Document:
    """One parsed YAML file: its data plus the line and column of every key and value (1-based)."""

    path: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Position of the value (or key) at `loc`, or of its closest parent that exists."""
        table = self.keys if key else self.values
        for end in range(len(loc), -1, -1):
            prefix = tuple(loc[:end])
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, col = self.position(loc, key=key)
        return Problem(self.path, line, col, message)


class _Stop(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _pos(mark: yaml.Mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def decode(path: str, raw: bytes) -> tuple[str | None, Problem | None]:
    """Bytes to text: UTF-8 (with or without BOM) only; name the encoding an editor used by mistake."""
    if len(raw) > MAX_BYTES:
        return None, Problem(path, 1, 1, f"文件太大（{len(raw)} 字节，上限 {MAX_BYTES} 字节，即 {MAX_BYTES // 1024} KiB）；请把内容拆成多个文件")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        col = len(raw[line_start:err.start].decode("utf-8", errors="replace")) + 1
        guess = _guess_encoding(raw)
        return None, Problem(path, line, col, f"文件不是 UTF-8 编码{guess}；请在编辑器里选择“另存为 UTF-8”后再提交")


def _guess_encoding(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "（看起来是 UTF-16）"
    for name, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return f"（看起来是 {label}，Windows 记事本常这样保存）"
    return ""


def load_text(path: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML text; return the document, or None and the problem that stopped parsing."""
    doc = Document(path, None)
    try:
        doc.data = _Builder(doc).build(yaml.parse(text, Loader=_Loader))
    except _Stop as stop:
        return None, [stop.problem]
    except yaml.MarkedYAMLError as err:
        return None, [_syntax_problem(path, err)]
    except yaml.YAMLError as err:  # reader errors: control characters and the like
        pos = getattr(err, "position", None)
        if pos is None:
            return None, [Problem(path, 1, 1, f"YAML 无法读取：{err}")]
        line, col = text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1
        return None, [Problem(path, line, col, "这里有不能出现的控制字符（看不见的特殊字符），请删掉")]
    if doc.data is None:
        return None, [Problem(path, 1, 1, "文件是空的；请按模板填写内容，或删除这个文件")]
    if not isinstance(doc.data, dict):
        kind = "列表" if isinstance(doc.data, list) else "一段文字"
        return None, [Problem(path, 1, 1, f"文件最外层应该是“字段名: 内容”的形式，现在是{kind}")]
    return doc, []


def _syntax_problem(path: str, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line, col = _pos(mark) if mark else (1, 1)
    problem = err.problem or ""
    hint = next((h for k, h in _SYNTAX_HINTS.items() if problem.startswith(k)), None)
    return Problem(path, line, col, f"YAML 语法错误：{hint or problem}")


class _Builder:
    """Turns the event stream into dicts, lists and scalars, checking limits on the way."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.nodes = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, mark: yaml.Mark, message: str) -> _Stop:
        line, col = _pos(mark)
        return _Stop(Problem(self.doc.path, line, col, message))

    def count(self, n: int, mark: yaml.Mark) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise self.fail(mark, f"内容展开后超过 {MAX_NODES} 个节点（可能是别名“*”反复引用）；请直接写出内容，不要用锚点和别名")

    def build(self, events) -> Any:
        # Each frame: [container, loc, pending_key, anchor, start_nodes]
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(event.start_mark, "一个文件只能有一个 YAML 文档；请删掉多余的“---”，或把内容拆成两个文件")
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, _loc, _key, anchor, start = stack.pop()
                if anchor:
                    self.anchors[anchor] = (container, self.nodes - start)
                if not stack:
                    root = container
                continue
            parent = stack[-1] if stack else None
            if parent is not None and isinstance(parent[0], dict) and parent[2] is None:
                self.take_key(parent, event)
                continue
            loc = self.child_loc(parent)
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.anchors:
                    raise self.fail(event.start_mark, f"别名 *{event.anchor} 没有对应的锚点 &{event.anchor}")
                value, size = self.anchors[event.anchor]
                self.count(size, event.start_mark)
            elif isinstance(event, yaml.ScalarEvent):
                self.count(1, event.start_mark)
                value = self.scalar(event)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(event.start_mark, f"嵌套太深（超过 {MAX_DEPTH} 层）；请检查缩进")
                self.count(1, event.start_mark)
                self.check_tag(event)
                value = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.doc.values[loc] = _pos(event.start_mark)
            if parent is None:
                root = value
            else:
                self.attach(parent, value)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append([value, loc, None, event.anchor, self.nodes - 1])
        return root

    def child_loc(self, parent: list[Any] | None) -> Loc:
        if parent is None:
            return ()
        container, loc, key = parent[0], parent[1], parent[2]
        return (*loc, key) if isinstance(container, dict) else (*loc, len(container))

    def attach(self, parent: list[Any], value: Any) -> None:
        if isinstance(parent[0], dict):
            parent[0][parent[2]] = value
            parent[2] = None
        else:
            parent[0].append(value)

    def take_key(self, parent: list[Any], event) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            raise self.fail(event.start_mark, "字段名只能是文字；这里的字段名是列表或键值对，请检查缩进和冒号")
        key = event.value
        mapping, loc = parent[0], parent[1]
        if key in mapping:
            line, _ = self.doc.keys[(*loc, key)]
            raise self.fail(event.start_mark, f"字段“{key}”重复了（第 {line} 行已经写过）；YAML 只会保留后一个，请删掉其中一个")
        if key == "":
            raise self.fail(event.start_mark, "字段名是空的")
        self.doc.keys[(*loc, key)] = _pos(event.start_mark)
        parent[2] = key

    def check_tag(self, event) -> None:
        tag = getattr(event, "tag", None)
        if not tag or tag == "!":
            return
        if tag not in _SAFE_TAGS:
            raise self.fail(event.start_mark, f"不支持 YAML 标签 {tag}；请删掉它，直接写内容")
        is_collection = tag in (_MAP_TAG, _SEQ_TAG)
        if is_collection != (not isinstance(event, yaml.ScalarEvent)) or (tag == _MAP_TAG) != isinstance(event, yaml.MappingStartEvent) and is_collection:
            raise self.fail(event.start_mark, f"标签 {tag} 与内容的类型不符；请删掉这个标签")

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        self.check_tag(event)
        tag = event.tag if event.tag and event.tag != "!" else _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node)
        except Exception:  # noqa: BLE001 - PyYAML raises KeyError, IndexError ... for explicit tags on bad text
            kind = _KIND_WORDS.get(tag.rsplit(":", 1)[-1], "值")
            raise self.fail(event.start_mark, f"“{event.value[:40]}”不是合法的{kind}{_KIND_HINTS.get(kind, '；请改正，或删掉前面的标签')}") from None
