"""A YAML loader that remembers where every key and value came from, and refuses dangerous input.

PyYAML's own loaders forget positions, silently keep the last of two duplicate keys, recurse on deep nesting and
expand alias bombs. This one builds plain Python data from libyaml's flat event stream instead, so it can check
each of those as it goes and never recurses.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any, Callable

import orjson
import yaml

from ..characters import find_unsafe
from ..problems import Problem

Loc = tuple[str | int, ...]
Positions = dict[Loc, tuple[int, int]]

MAX_BYTES = 512 * 1024
MAX_DEPTH = 30
MAX_NODES = 50_000
#: The file with every alias written out, in UTF-8 bytes: a few aliases of a long text stay under the node limit
#: and still made a 387 MB page, so what aliases repeat is counted in bytes too.
MAX_EXPANDED_BYTES = 1024 * 1024

#: `load.registry.REGISTRY`: written by `codes assign` with a line (about 80 bytes, 4 nodes) per matter, SOP, guide
#: and hall of the whole catalogue, so at 10,000 matters it is 0.9 MB and 49,000 nodes, past the limits meant for
#: hand-written files. Its own limits leave room for about 200,000 objects.
REGISTRY_PATH = "registry/codes.yaml"
REGISTRY_MAX_BYTES = 16 * 1024 * 1024
REGISTRY_MAX_NODES = 1_000_000
REGISTRY_MAX_EXPANDED_BYTES = 32 * 1024 * 1024

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

#: First character of a plain scalar -> the (tag, pattern) pairs that may match it, as `resolve()` looks them up.
_IMPLICIT = _CoreResolver.yaml_implicit_resolvers
_SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_MAP_TAG, _SEQ_TAG, _STR_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"
#: Plain scalars whose text matched a core-schema pattern: for such text these give what SafeConstructor gives,
#: without building a node per scalar.
_CONSTRUCT: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": lambda text: text[0] in "tT",
    "tag:yaml.org,2002:null": lambda text: None,
    "tag:yaml.org,2002:timestamp": dt.date.fromisoformat,
}
_SCALAR, _MAP_START, _MAP_END, _SEQ_START, _SEQ_END = (
    yaml.ScalarEvent, yaml.MappingStartEvent, yaml.MappingEndEvent, yaml.SequenceStartEvent, yaml.SequenceEndEvent)
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


class Document:
    """One parsed YAML file: its data plus the line and column of every key and value (1-based).

    A document parsed from text records no positions until they are first asked for: then it parses its text
    again. Only a problem needs them, and recording two positions per node on every load is work most loads throw away. For the
    same reason a pickled document (one that comes back from a worker process) carries its text, not its positions
    (`__reduce__`).
    """

    def __init__(self, path: str, data: Any, values: Positions | None = None, keys: Positions | None = None, text: str | None = None):
        self.path, self.data, self.text = path, data, text
        if text is None:  # made in memory: there is no text to find positions in
            values, keys = {} if values is None else values, {} if keys is None else keys
        self._values, self._keys = values, keys

    @property
    def values(self) -> Positions:
        if self._values is None:
            self._locate()
        return self._values  # type: ignore[return-value]

    @property
    def keys(self) -> Positions:
        if self._keys is None:
            self._locate()
        return self._keys  # type: ignore[return-value]

    def _locate(self) -> None:
        self._values, self._keys = {}, {}
        _parse(self.path, self.text, (self._values, self._keys))  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return (self.path, self.data, self.values, self.keys) == (other.path, other.data, other.values, other.keys)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Document({self.path!r}, {self.data!r})"

    def __reduce__(self):
        """How a worker process hands a document to the main process. The data goes as JSON with the places of its
        dates (JSON has no date type): orjson writes and reads it in half the time pickle takes, and the main
        process reads 6,000 documents at 5,000 matters while the workers parse. Documents made in memory, and data
        JSON would not give back as it is (a time of day, an infinite float, an integer past 64 bits), go by pickle.
        Positions stay behind either way: the text goes, and they are found in it again when asked for."""
        if self.text is None:
            return Document, (self.path, self.data, self._values, self._keys)
        dates = _date_locations(self.data)
        if dates is not None:
            try:
                return _from_json, (self.path, orjson.dumps(self.data), dates, self.text)
            except orjson.JSONEncodeError:
                pass
        return Document, (self.path, self.data, None, None, self.text)

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


def _date_locations(data: dict) -> list[Loc] | None:
    """Where `data` holds dates; None if it holds a value JSON would not give back as it is."""
    found: list[Loc] = []
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, container = stack.pop()
        for key, value in container.items() if type(container) is dict else enumerate(container):
            kind = type(value)
            if kind is str or kind is int or kind is bool or value is None:
                continue
            if kind is dict or kind is list:
                stack.append(((*loc, key), value))
            elif kind is dt.date:
                found.append((*loc, key))
            elif kind is not float or not math.isfinite(value):
                return None
    return found


def _from_json(path: str, blob: bytes, dates: list[Loc], text: str) -> Document:
    data = orjson.loads(blob)
    for *parents, last in dates:
        container = data
        for key in parents:
            container = container[key]
        container[last] = dt.date.fromisoformat(container[last])
    return Document(path, data, text=text)


class _Stop(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


class _Unlocated(Exception):
    """The problem's message needs positions that were not recorded (the line of the first of two equal keys)."""


def _pos(mark: Any) -> tuple[int, int]:  # yaml.Mark, or libyaml's (the stubs tell them apart)
    return (mark.line + 1, mark.column + 1)


def limits(path: str) -> tuple[int, int, int]:
    """Bytes, nodes and expanded bytes allowed in the file at `path`; `REV:registry/codes.yaml` (the registry at a
    git revision) is the registry too."""
    if path.rpartition(":")[2] == REGISTRY_PATH:
        return REGISTRY_MAX_BYTES, REGISTRY_MAX_NODES, REGISTRY_MAX_EXPANDED_BYTES
    return MAX_BYTES, MAX_NODES, MAX_EXPANDED_BYTES


def decode(path: str, raw: bytes) -> tuple[str | None, Problem | None]:
    """Bytes to text: UTF-8 (with or without BOM) only; name the encoding an editor used by mistake."""
    max_bytes = limits(path)[0]
    if len(raw) > max_bytes:
        return None, Problem(path, 1, 1, f"文件太大（{len(raw)} 字节，上限 {max_bytes} 字节，即 {max_bytes // 1024} KiB）；请把内容拆成多个文件")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        col = len(raw[line_start:err.start].decode("utf-8", errors="replace")) + 1
        guess = guess_encoding(raw)
        hint = "" if guess is None else f"（看起来是 {guess}{'，Windows 记事本常这样保存' if guess.startswith('GBK') else ''}）"
        return None, Problem(path, line, col, f"文件不是 UTF-8 编码{hint}；请在编辑器里选择“另存为 UTF-8”后再提交")


def guess_encoding(raw: bytes) -> str | None:
    """The encoding bytes that are not UTF-8 were most likely saved in, for the message: "UTF-16" (with a byte-order
    mark, or NUL bytes all at odd or all at even places: the high byte of ASCII characters, which no other text
    encoding has), "GBK/GB18030" or "Big5"."""
    head = raw[:1000]
    nuls = {i % 2 for i, byte in enumerate(head) if byte == 0}
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or len(nuls) == 1:
        return "UTF-16"
    for name, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return label
    return None


def load_text(path: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML text; return the document, or None and the problem that stopped parsing."""
    bad = find_unsafe(text, source=True)  # before libyaml, which reads U+2028 as a line break and then misparses
    if bad is not None:
        line, col = text.count("\n", 0, bad.index) + 1, bad.index - (text.rfind("\n", 0, bad.index) + 1) + 1
        return None, [Problem(path, line, col, f"这里有{bad.describe()}")]
    try:
        data = _parse(path, text)
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
    if data is None:
        return None, [Problem(path, 1, 1, "文件是空的；请按模板填写内容，或删除这个文件")]
    if not isinstance(data, dict):
        kind = "列表" if isinstance(data, list) else "一段文字"
        return None, [Problem(path, 1, 1, f"文件最外层应该是“字段名: 内容”的形式，现在是{kind}")]
    return Document(path, data, text=text), []


def _parse(path: str, text: str, positions: tuple[Positions, Positions] | None = None) -> Any:
    """The data of `text`; positions of values and keys are recorded into `positions` if given."""
    parser = _Loader(text)
    try:
        return _Builder(path, text, positions).build(iter(parser.get_event, None))  # None: past the end of the stream
    except _Unlocated:
        return _parse(path, text, ({}, {}))
    finally:
        parser.dispose()


def _syntax_problem(path: str, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line, col = _pos(mark) if mark else (1, 1)
    problem = err.problem or ""
    hint = next((h for k, h in _SYNTAX_HINTS.items() if problem.startswith(k)), None)
    return Problem(path, line, col, f"YAML 语法错误：{hint or problem}")


class _Builder:
    """Turns the event stream into dicts, lists and scalars, checking limits on the way.

    This loop runs once per YAML event (millions for a city-scale catalogue), so it keeps its state in local
    variables and dispatches on the event's class instead of calling a method per event.
    """

    def __init__(self, path: str, text: str, positions: tuple[Positions, Positions] | None):
        self.path, self.text, self.positions = path, text, positions
        _, self.max_nodes, self.max_expanded = limits(path)
        self.constructor = yaml.constructor.SafeConstructor()

    @functools.cached_property
    def file_bytes(self) -> int:
        """Asked for at the first alias only (most files have none)."""
        return len(self.text.encode("utf-8"))

    def span(self, start: int, end: int) -> int:
        """UTF-8 bytes of the source between two character positions: what an alias to that node repeats."""
        return len(self.text[start:end].encode("utf-8"))

    def fail(self, event: yaml.Event, message: str) -> _Stop:
        line, col = _pos(event.start_mark)
        return _Stop(Problem(self.path, line, col, message))

    def build(self, events) -> Any:
        values, keys = self.positions or (None, None)
        max_nodes = self.max_nodes
        anchors: dict[str, tuple[Any, int, int]] = {}  # anchor -> (value, nodes, source bytes with aliases expanded)
        nodes = documents = 0
        repeated = 0  # bytes the aliases so far repeat
        root: Any = None
        # The collection being filled: the container (None outside the root), whether it is a mapping, its
        # location (kept only while recording positions), and the key waiting for its value (None while the next
        # scalar is a key).
        container: Any = None
        is_map = False
        loc: Loc = ()
        key: Any = None
        # Per open collection: its parent's (container, is_map, loc), its anchor (name, where it starts, bytes
        # repeated before it) and the node count before it.
        stack: list[tuple[Any, bool, Loc, tuple[str, int, int] | None, int]] = []
        for event in events:
            cls = event.__class__
            if cls is _SCALAR:
                if is_map and key is None:
                    key = event.value
                    if key in container:
                        if keys is None:
                            raise _Unlocated
                        raise self.fail(event, f"字段“{key}”重复了（第 {keys[(*loc, key)][0]} 行已经写过）；YAML 只会保留后一个，请删掉其中一个")
                    if key == "":
                        raise self.fail(event, "字段名是空的")
                    if keys is not None:
                        keys[(*loc, key)] = _pos(event.start_mark)
                    continue
                nodes += 1
                if nodes > max_nodes:
                    raise self.too_many(event)
                value = event.value
                if event.tag is not None or event.implicit[0] and value[:1] in _IMPLICIT:  # else plain text
                    value = self.scalar(event)
                if event.anchor:
                    anchors[event.anchor] = (value, 1, self.span(event.start_mark.index, event.end_mark.index))
            elif cls is _MAP_END or cls is _SEQ_END:
                closed = container
                container, is_map, loc, anchor, start = stack.pop()
                if anchor:
                    name, begin, before = anchor
                    anchors[name] = (closed, nodes - start, self.span(begin, event.end_mark.index) + repeated - before)
                key = None
                continue
            elif cls is _MAP_START or cls is _SEQ_START:
                if is_map and key is None:
                    raise self.not_a_key(event)
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(event, f"嵌套太深（超过 {MAX_DEPTH} 层）；请检查缩进")
                nodes += 1
                if nodes > max_nodes:
                    raise self.too_many(event)
                if event.tag is not None:
                    self.check_tag(event)
                value = {} if cls is _MAP_START else []
            elif cls is yaml.AliasEvent:
                if is_map and key is None:
                    raise self.not_a_key(event)
                if event.anchor not in anchors:
                    raise self.fail(event, f"别名 *{event.anchor} 没有对应的锚点 &{event.anchor}")
                value, size, length = anchors[event.anchor]
                nodes += size
                repeated += length
                if nodes > max_nodes:
                    raise self.too_many(event)
                if repeated + self.file_bytes > self.max_expanded:
                    raise self.too_large(event)
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self.fail(event, "一个文件只能有一个 YAML 文档；请删掉多余的“---”，或把内容拆成两个文件")
                continue
            else:  # start and end of the stream, end of the document
                continue
            if values is not None:
                child: Loc = () if container is None else (*loc, key) if is_map else (*loc, len(container))
                values[child] = _pos(event.start_mark)
            if container is None:
                root = value
            elif is_map:
                container[key] = value
                key = None
            else:
                container.append(value)
            if cls is _MAP_START or cls is _SEQ_START:
                stack.append((container, is_map, loc, (event.anchor, event.start_mark.index, repeated) if event.anchor else None, nodes - 1))
                container, is_map = value, cls is _MAP_START
                if values is not None:
                    loc = child
        return root

    def not_a_key(self, event: yaml.Event) -> _Stop:
        return self.fail(event, "字段名只能是文字；这里的字段名是列表或键值对，请检查缩进和冒号")

    def too_large(self, event: yaml.Event) -> _Stop:
        return self.fail(event, f"内容展开后超过 {self.max_expanded // 1024} KiB（别名“*”把内容重复得太多）；请直接写出内容，不要用锚点和别名")

    def too_many(self, event: yaml.Event) -> _Stop:
        return self.fail(event, f"内容展开后超过 {self.max_nodes} 个节点（可能是别名“*”反复引用）；请直接写出内容，不要用锚点和别名")

    def check_tag(self, event) -> None:
        tag = getattr(event, "tag", None)
        if not tag or tag == "!":
            return
        if tag not in _SAFE_TAGS:
            raise self.fail(event, f"不支持 YAML 标签 {tag}；请删掉它，直接写内容")
        is_collection = tag in (_MAP_TAG, _SEQ_TAG)
        if is_collection != (not isinstance(event, yaml.ScalarEvent)) or (tag == _MAP_TAG) != isinstance(event, yaml.MappingStartEvent) and is_collection:
            raise self.fail(event, f"标签 {tag} 与内容的类型不符；请删掉这个标签")

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        """A scalar that may be more than plain text: explicitly tagged, or plain with a core-schema first character."""
        text, tag = event.value, event.tag or ""
        explicit = bool(tag) and tag != "!"
        if explicit:
            self.check_tag(event)
        else:
            tag = _STR_TAG
            for candidate, pattern in _IMPLICIT.get(text[:1], ()) if event.implicit[0] else ():
                if pattern.match(text):
                    tag = candidate
                    break
        if tag == _STR_TAG:
            return text
        try:
            if explicit:
                return self.constructor.construct_object(yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style))  # type: ignore[arg-type]  # libyaml's marks
            return _CONSTRUCT[tag](text)
        except Exception:  # noqa: BLE001 - PyYAML raises KeyError, IndexError ... for explicit tags on bad text
            kind = _KIND_WORDS.get(tag.rsplit(":", 1)[-1], "值")
            raise self.fail(event, f"“{text[:40]}”不是合法的{kind}{_KIND_HINTS.get(kind, '；请改正，或删掉前面的标签')}") from None
