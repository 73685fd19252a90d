"""Unit and property tests of the load stage: `build_tools.load.yamlpos` (decode + load_text) and `load_file`.

Tests named after bugs document loader bugs that
were found by these tests and fixed.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bench import synth
from build_tools.load import load_file, load_tree
from build_tools.load.registry import REGISTRY, Entry, dump, load_registry
from build_tools.load.yamlpos import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_EXPANDED_BYTES,
    MAX_NODES,
    REGISTRY_MAX_BYTES,
    REGISTRY_PATH,
    Document,
    _CoreResolver,
    _Loader,
    decode,
    load_text,
)
from build_tools.problems import Problem

from .conftest import REPO, SMALL_MATTER, pos

P = "x.yaml"


def only_problem(text: str) -> str:
    """Load `text`, which must fail, and return its single problem as `path:line:col: message`."""
    doc, problems = load_text(P, text)
    assert doc is None
    assert len(problems) == 1, problems
    return str(problems[0])


def data_of(text: str):
    doc, problems = load_text(P, text)
    assert problems == []
    assert doc is not None
    return doc.data


# --------------------------------------------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------------------------------------------

POSITIONS_TEXT = """\
id: abc
name: "引号"
list:
  - x
  - {k: v}
nested:
  inner: 5
名称: 值
block: |
  text
"""


def test_key_positions_are_one_based_line_and_column():
    doc, problems = load_text(P, POSITIONS_TEXT)
    assert problems == []
    assert doc.keys == {
        ("id",): (1, 1),
        ("name",): (2, 1),
        ("list",): (3, 1),
        ("list", 1, "k"): (5, 6),
        ("nested",): (6, 1),
        ("nested", "inner"): (7, 3),
        ("名称",): (8, 1),
        ("block",): (9, 1),
    }


def test_value_positions_are_one_based_line_and_column():
    doc, _ = load_text(P, POSITIONS_TEXT)
    assert doc.values[()] == (1, 1)
    assert doc.values[("id",)] == (1, 5)
    assert doc.values[("name",)] == (2, 7)  # the opening quote
    assert doc.values[("list",)] == (4, 3)  # a block sequence starts at its first "-"
    assert doc.values[("list", 0)] == (4, 5)
    assert doc.values[("list", 1)] == (5, 5)  # the "{"
    assert doc.values[("list", 1, "k")] == (5, 9)
    assert doc.values[("nested",)] == (7, 3)
    assert doc.values[("nested", "inner")] == (7, 10)
    assert doc.values[("名称",)] == (8, 5)  # columns count characters, not UTF-8 bytes
    assert doc.values[("block",)] == (9, 8)  # the "|"
    assert doc.data == {"id": "abc", "name": "引号", "list": ["x", {"k": "v"}], "nested": {"inner": 5}, "名称": "值", "block": "text\n"}


def test_position_falls_back_to_closest_existing_parent():
    doc, _ = load_text(P, POSITIONS_TEXT)
    assert doc.position(("nested", "missing", 3)) == (7, 3)
    assert doc.position(("nested", "inner"), key=True) == (7, 3)
    assert doc.position(("list", 1, "k"), key=True) == (5, 6)
    assert doc.position(("nowhere",)) == (1, 1)
    assert str(doc.problem(("list", 1, "k"), "msg")) == "x.yaml:5:9: msg"
    assert str(doc.problem(("list", 1, "k"), "msg", key=True)) == "x.yaml:5:6: msg"


def test_positions_in_a_real_matter_file():
    doc, problems = load_text("matters/qiye-dangan-chaxun.yaml", SMALL_MATTER)
    assert problems == []
    assert doc.keys[("visits", "reason")] == pos(SMALL_MATTER, "reason: 需核验")
    assert doc.values[("visits", "reason")] == pos(SMALL_MATTER, "需核验")
    assert doc.values[("materials", 1, "exempt")] == pos(SMALL_MATTER, "true")
    assert doc.values[("contacts", "complaint", 0, "value")] == pos(SMALL_MATTER, '"12345"')


# --------------------------------------------------------------------------------------------------------------
# Structure errors
# --------------------------------------------------------------------------------------------------------------


def test_duplicate_key_reports_the_second_key():
    text = "id: a\nname: one\nsummary: s\nname: two\n"
    line, col = pos(text, "name", nth=2)
    assert (line, col) == (4, 1)
    assert only_problem(text) == f"x.yaml:{line}:{col}: 字段“name”重复了（第 2 行已经写过）；YAML 只会保留后一个，请删掉其中一个"


def test_duplicate_key_in_nested_flow_mapping():
    text = "a: 1\nb:\n  c: {d: 1, e: 2, d: 3}\n"
    line, col = pos(text, "d", nth=2)
    assert only_problem(text) == f"x.yaml:{line}:{col}: 字段“d”重复了（第 3 行已经写过）；YAML 只会保留后一个，请删掉其中一个"


def test_same_key_in_different_mappings_is_fine():
    assert data_of("a:\n  x: 1\nb:\n  x: 2\nc: [{x: 1}, {x: 2}]\n") == {"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]}


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n", "---\n", "---\n...\n", "\ufeff"])
def test_empty_file(text):
    assert only_problem(text) == "x.yaml:1:1: 文件是空的；请按模板填写内容，或删除这个文件"


def test_top_level_list():
    assert only_problem("- a\n- b\n") == "x.yaml:1:1: 文件最外层应该是“字段名: 内容”的形式，现在是列表"


def test_top_level_scalar():
    assert only_problem("只是一段文字\n") == "x.yaml:1:1: 文件最外层应该是“字段名: 内容”的形式，现在是一段文字"


def test_multiple_documents():
    text = "a: 1\n---\nb: 2\n"
    assert only_problem(text) == "x.yaml:2:1: 一个文件只能有一个 YAML 文档；请删掉多余的“---”，或把内容拆成两个文件"


def test_explicit_single_document_is_fine():
    assert data_of("---\na: 1\n...\n") == {"a": 1}


def test_tab_indentation():
    text = "a:\n\tb: 1\n"
    assert only_problem(text) == (
        "x.yaml:2:1: YAML 语法错误：这里有不能放在开头的字符：常见原因是用了 Tab 键缩进（请改用空格），或文字以 @、` 开头（请给文字加引号）"
    )


def test_unquoted_colon_is_a_syntax_error_at_the_second_colon():
    text = "id: x\nsummary: 注意: 需要本人到场\n"
    doc, problems = load_text(P, text)
    assert doc is None and len(problems) == 1
    line, col = pos(text, ": 需要")
    assert (problems[0].line, problems[0].col) == (line, col)
    assert problems[0].message.startswith("YAML 语法错误：")


def test_unquoted_colon_message_is_translated():
    text = "id: x\nsummary: 注意: 需要本人到场\n"
    line, col = pos(text, ": 需要")
    assert only_problem(text) == (
        f"x.yaml:{line}:{col}: YAML 语法错误：这里不能出现“: ”；如果文字里本来就有英文冒号，请把整段文字用引号括起来"
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: 1\nb\nc: 2\n", "x.yaml:3:1: YAML 语法错误：缺少“: ”：每一行应写成“字段名: 内容”"),
        ("a:\n  b: 1\n c: 2\n", "x.yaml:3:2: YAML 语法错误：缩进不对齐：同一层的字段要对齐到同一列"),
        ('a: "abc\n', "x.yaml:2:1: YAML 语法错误：文件在引号或括号没有闭合的地方结束了"),
        ('a: "C:\\qq"\n', "x.yaml:1:7: YAML 语法错误：双引号里的反斜杠“\\”不合法；请改用单引号，或写成“\\\\”"),
        ("a: @x\n", "x.yaml:1:4: YAML 语法错误：这里有不能放在开头的字符：常见原因是用了 Tab 键缩进（请改用空格），或文字以 @、` 开头（请给文字加引号）"),
    ],
)
def test_common_syntax_errors_are_translated(text, expected):
    assert only_problem(text) == expected


def test_non_scalar_key():
    assert only_problem("{[a]: 1}\n") == "x.yaml:1:2: 字段名只能是文字；这里的字段名是列表或键值对，请检查缩进和冒号"


def test_empty_key():
    assert only_problem("a: 1\n'': 2\n") == "x.yaml:2:1: 字段名是空的"


def test_undefined_alias():
    assert only_problem("a: 1\nb: *nope\n") == "x.yaml:2:4: 别名 *nope 没有对应的锚点 &nope"


def test_self_referencing_alias_is_refused():
    assert only_problem("a: &x [1, *x]\n") == "x.yaml:1:11: 别名 *x 没有对应的锚点 &x"


def test_small_alias_use_is_accepted():
    assert data_of("a: &x {b: 1}\nc: *x\nd: &s word\ne: *s\n") == {"a": {"b": 1}, "c": {"b": 1}, "d": "word", "e": "word"}


# --------------------------------------------------------------------------------------------------------------
# Encodings and size
# --------------------------------------------------------------------------------------------------------------


def test_gbk_file_names_the_encoding_and_first_bad_byte():
    text = "id: qiye\nname: 企业设立登记\n"
    text_out, problem = decode(P, text.encode("gbk"))
    assert text_out is None
    line, col = pos(text, "企")
    assert (line, col) == (2, 7)
    assert str(problem) == (
        f"x.yaml:{line}:{col}: 文件不是 UTF-8 编码（看起来是 GBK/GB18030，Windows 记事本常这样保存）；请在编辑器里选择“另存为 UTF-8”后再提交"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_names_the_encoding_with_or_without_a_byte_order_mark(encoding):
    _, problem = decode(P, "id: qiye\nname: 企业设立登记\n".encode(encoding))
    assert "（看起来是 UTF-16）" in problem.message and "GBK" not in problem.message


def test_gbk_file_through_load_file(tmp_path: Path):
    (tmp_path / "matters").mkdir()
    path = tmp_path / "matters" / "a.yaml"
    path.write_bytes("# 中文\nid: a\n".encode("gb18030"))
    doc, problems = load_file(tmp_path, path)
    assert doc is None
    assert [(p.path, p.line, p.col) for p in problems] == [("matters/a.yaml", 1, 3)]
    assert "GBK/GB18030" in problems[0].message


def test_utf8_bom_is_accepted():
    raw = b"\xef\xbb\xbf" + "id: a\nname: 名称\n".encode("utf-8")
    text, problem = decode(P, raw)
    assert problem is None
    assert text == "id: a\nname: 名称\n"
    doc, problems = load_text(P, text)
    assert problems == [] and doc.data == {"id": "a", "name": "名称"}
    assert doc.keys[("name",)] == (2, 1)


def test_bom_left_in_text_is_accepted_too():
    doc, problems = load_text(P, "\ufeffid: a\n")
    assert problems == [] and doc.data == {"id": "a"} and doc.keys[("id",)] == (1, 1)


def test_file_over_size_limit():
    text, problem = decode(P, b"a: " + b"x" * MAX_BYTES)
    assert text is None
    assert (problem.path, problem.line, problem.col) == (P, 1, 1)
    assert problem.message.startswith("文件太大")
    assert f"上限 {MAX_BYTES} 字节，即 {MAX_BYTES // 1024} KiB" in problem.message


def test_file_at_size_limit_is_read():
    raw = b"a: " + b"x" * (MAX_BYTES - 4) + b"\n"
    assert len(raw) == MAX_BYTES
    text, problem = decode(P, raw)
    assert problem is None and len(text) == MAX_BYTES


def test_size_message_shows_a_size_above_the_limit():
    _, problem = decode(P, b"x" * (MAX_BYTES + 1))
    shown, limit = map(int, re.findall(r"(\d+) 字节", problem.message))
    assert shown > limit


def test_registry_has_room_for_a_city_scale_catalogue(tmp_path: Path):
    """At 10,000 matters the registry has some 12,000 codes: 0.9 MB and 49,000 nodes (issue #7)."""
    entries = {f"M{n:05d}": Entry(f"M{n:05d}", "matter", f"shixiang-{n}", dt.date(2026, 11, 1)) for n in range(1, 13_001)}
    raw = dump(entries).encode("utf-8")
    assert len(raw) > MAX_BYTES
    (tmp_path / REGISTRY).parent.mkdir()
    (tmp_path / REGISTRY).write_bytes(raw)
    codes, _, problems = load_registry(tmp_path)
    assert problems == [] and len(codes) == 13_000
    doc, problems = load_text(f"origin/main:{REGISTRY.as_posix()}", raw.decode("utf-8"))  # as `codes check` reads it
    assert problems == [] and len(doc.data["codes"]) == 13_000
    # Content files keep their limits.
    assert decode("matters/x.yaml", raw)[1].message.startswith("文件太大")
    assert "内容展开后超过" in load_text("matters/x.yaml", raw.decode("utf-8"))[1][0].message


def test_registry_size_limit():
    assert REGISTRY_PATH == REGISTRY.as_posix()
    _, problem = decode(REGISTRY_PATH, b"x" * (REGISTRY_MAX_BYTES + 1))
    assert f"上限 {REGISTRY_MAX_BYTES} 字节，即 {REGISTRY_MAX_BYTES // 1024} KiB" in problem.message
    assert decode(REGISTRY_PATH, b"a: " + b"x" * (REGISTRY_MAX_BYTES - 4) + b"\n")[1] is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("name: 企业".encode("utf-8") + b"\xff\n", (1, 9)),
        ("# 注释\nid: a\n".encode("gbk"), (1, 4)),
    ],
)
def test_bad_byte_column_counts_characters(raw, expected):
    _, problem = decode(P, raw)
    assert (problem.line, problem.col) == expected


def test_stray_byte_in_utf8_file_is_not_called_utf16():
    raw = "id: a\nname: 企业".encode("utf-8") + b"\xff\n"
    assert len(raw) % 2 == 0
    _, problem = decode(P, raw)
    assert problem is not None
    assert "UTF-16" not in problem.message


def test_utf16_with_bom_is_named():
    _, problem = decode(P, "id: a\n".encode("utf-16"))
    assert (problem.line, problem.col) == (1, 1)
    assert "UTF-16" in problem.message


def test_control_character_position():
    text = "a: 1\nb: x\x01y\n"
    assert only_problem(text) == "x.yaml:2:5: 这里有看不见的控制字符 U+0001，它会让页面和导出的表格出错；请删掉它（常见于从其他系统复制的文字）"


def test_control_character_is_reported_not_raised():
    doc, problems = load_text(P, "a: 1\nb: x\x00y\n")
    assert doc is None and len(problems) == 1
    assert problems[0].message == "这里有看不见的控制字符 U+0000（NUL，空字符），它会让页面和导出的表格出错；请删掉它（常见于从其他系统复制的文字）"


# --------------------------------------------------------------------------------------------------------------
# Parsing in worker processes
# --------------------------------------------------------------------------------------------------------------


def test_worker_processes_load_what_one_process_loads(tmp_path: Path):
    """A big tree is parsed by worker processes (issue #7): documents, positions and problems must not show it."""
    root = tmp_path / "tree"
    synth.write(root, 40, seed=0, link_tools=False)
    (root / "matters" / "duplicate.yaml").write_text("id: a\nname: x\nname: y\n", encoding="utf-8")
    (root / "matters" / "gbk.yaml").write_bytes("# 中文\nid: a\n".encode("gbk"))
    (root / "guides" / "tab.yaml").write_text("a:\n\tb: 1\n", encoding="utf-8")
    (root / "sop" / "old.yml").write_text("id: b\n", encoding="utf-8")
    alone, workers = load_tree(root, workers=1), load_tree(root, workers=2)
    assert len(alone.problems) == 4 and workers.problems == alone.problems
    first = workers.documents["matter"][0][0]
    assert first._values is None  # positions stay behind in the worker ...
    assert first.problem(("name",), "m") == alone.documents["matter"][0][0].problem(("name",), "m")  # ... until asked for
    assert workers.documents == alone.documents


def test_positions_are_worked_out_when_first_asked_for():
    doc, _ = load_text(P, POSITIONS_TEXT)
    assert doc._values is None and doc._keys is None
    assert doc.position(("nested", "inner")) == (7, 10)
    again = pickle.loads(pickle.dumps(doc))
    assert again._values is None and again._keys is None  # a pickled document carries its text, not its positions
    assert again == doc and again.keys == doc.keys
    built = Document(P, {"a": 1}, {(): (1, 1)}, {("a",): (1, 1)})  # made in memory, as the spreadsheet import does
    assert vars(pickle.loads(pickle.dumps(built))) == vars(built)
    assert Document(P, {"a": 1}).position(("a",)) == (1, 1)


def _same(a, b) -> bool:
    """Equal with the same types all the way down (1, 1.0 and True are equal in Python; not here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


_SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63) | st.floats() | st.dates()
            | st.datetimes() | st.text() | st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1))
_DATA = st.dictionaries(st.text(), st.recursive(_SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=30))


@given(_DATA)
@example({"a": [1, {"b": math.inf}]})
@example({"a": math.nan})
@example({"a": dt.datetime(2024, 1, 2, 3, 4)})
@example({"a": 2**64})
@example({"a": "\ud800"})
@settings(max_examples=300)
def test_a_document_comes_back_from_a_worker_as_it_was(data):
    """Workers send data as JSON plus its dates, or by pickle where JSON would change it: either way, exactly."""
    doc = Document(P, data, text="a: 1\n")
    again = pickle.loads(pickle.dumps(doc))
    assert _same(again.data, data) and again.path == P and again.text == doc.text


def test_a_parsed_document_goes_as_json_with_its_dates():
    doc, _ = load_text(P, "a: 2024-01-02\nb: [1, {c: 2025-12-31, d: 1.5}]\ne: x\n")
    _, (_, _, dates, _) = doc.__reduce__()
    assert sorted(dates, key=str) == [("a",), ("b", 1, "c")]
    assert _same(pickle.loads(pickle.dumps(doc)).data, doc.data)


# --------------------------------------------------------------------------------------------------------------
# Limits: depth, alias expansion
# --------------------------------------------------------------------------------------------------------------


def test_deep_flow_nesting_is_refused():
    """Refused at the depth limit, before the nesting is built (no timing asserted: this machine's speed varies)."""
    text = "[" * 100_000
    result = only_problem(text)
    assert result == f"x.yaml:1:{MAX_DEPTH + 1}: 嵌套太深（超过 {MAX_DEPTH} 层）；请检查缩进"


def test_deep_block_nesting_is_refused():
    text = "a:\n" + "".join(" " * i + "- \n" for i in range(1, 40))
    line, col = pos(text, "- ", nth=MAX_DEPTH)
    assert only_problem(text) == f"x.yaml:{line}:{col}: 嵌套太深（超过 {MAX_DEPTH} 层）；请检查缩进"


def test_depth_limit_boundary():
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"  # root mapping + 29 lists = 30 levels
    assert load_text(P, ok)[1] == []
    too_deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    assert "嵌套太深" in only_problem(too_deep)


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)


def test_billion_laughs_is_refused():
    result = only_problem(BILLION_LAUGHS)
    assert re.fullmatch(
        rf"x\.yaml:\d+:\d+: 内容展开后超过 {MAX_NODES} 个节点（可能是别名“\*”反复引用）；请直接写出内容，不要用锚点和别名", result
    ), result


def test_a_long_text_repeated_by_aliases_is_refused():
    """Issue #20: one 4,000-character answer and 16,000 aliases to it are few nodes but a 387 MB page."""
    text = "a: &x " + "长" * 4000 + "\nb: [" + ",".join(["*x"] * 16_000) + "]\n"
    assert len(text.encode()) < MAX_BYTES and 16_000 < MAX_NODES
    first_too_many = (MAX_EXPANDED_BYTES - len(text.encode())) // len(("&x " + "长" * 4000).encode()) + 1
    line, col = pos(text, "*x", nth=first_too_many)
    assert only_problem(text) == (f"x.yaml:{line}:{col}: 内容展开后超过 {MAX_EXPANDED_BYTES // 1024} KiB（别名“*”把内容重复得太多）；"
                                  "请直接写出内容，不要用锚点和别名")


def test_aliases_inside_an_anchored_list_count_as_often_as_that_list_is_repeated():
    text = "a: &x " + "长" * 3000 + "\nb: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\nc: [" + ",".join(["*y"] * 20) + "]\n"
    assert "KiB" in only_problem(text)
    assert load_text(P, text.replace(",".join(["*y"] * 20), "*y"))[1] == []


@settings(max_examples=60, deadline=None)
@given(length=st.integers(1, 6000), repeats=st.integers(0, 400))
def test_expanded_size_limit_is_exact(length, repeats):
    """What an alias repeats is its anchored node's source (`&x ` and the text): accepted exactly while the file
    and the repetitions together stay within the limit."""
    text = "a: &x " + "长" * length + "\nb: [" + ",".join(["*x"] * repeats) + "]\n"
    expanded = len(text.encode()) + repeats * len(("&x " + "长" * length).encode())
    doc, problems = load_text(P, text)
    assert (doc is not None) == (expanded <= MAX_EXPANDED_BYTES), problems
    if doc is not None:
        assert doc.data["b"] == ["长" * length] * repeats


def test_many_plain_nodes_hit_the_node_limit():
    text = "a: [" + ",".join(["1"] * (MAX_NODES + 5)) + "]\n"
    assert "内容展开后超过" in only_problem(text)


# --------------------------------------------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tag",
    [
        ("a: !!python/object:os.system x\n", "tag:yaml.org,2002:python/object:os.system"),
        ("a: !!python/object/apply:os.system [ls]\n", "tag:yaml.org,2002:python/object/apply:os.system"),
        ("a: !!python/name:os.system ''\n", "tag:yaml.org,2002:python/name:os.system"),
        ("a: !foo x\n", "!foo"),
        ("a: !!binary aGVsbG8=\n", "tag:yaml.org,2002:binary"),
        ("a: !!set {x: null}\n", "tag:yaml.org,2002:set"),
    ],
)
def test_unsafe_tags_are_refused(text, tag):
    assert only_problem(text) == f"x.yaml:1:4: 不支持 YAML 标签 {tag}；请删掉它，直接写内容"


def test_python_object_in_nested_position_is_refused():
    text = "a:\n  b:\n    - !!python/object/new:os.system [echo]\n"
    line, col = pos(text, "!!python")
    assert only_problem(text) == f"x.yaml:{line}:{col}: 不支持 YAML 标签 tag:yaml.org,2002:python/object/new:os.system；请删掉它，直接写内容"


def test_safe_explicit_tags_are_honoured():
    assert data_of('a: !!str 123\nb: !!int "42"\nc: !!float "1.5"\nd: !!null ""\n') == {"a": "123", "b": 42, "c": 1.5, "d": None}


def test_bad_value_for_safe_tag_is_a_problem():
    assert only_problem("a: !!int abc\n").startswith("x.yaml:1:4: “abc”不是合法的")


@pytest.mark.parametrize("text", ["a: !!bool abc\n", "a: !!timestamp abc\n", "a: !!int ''\n", "a: !!float ''\n"])
def test_bad_value_for_explicit_tag_never_raises(text):
    doc, problems = load_text(P, text)
    assert doc is None
    assert [(p.line, p.col) for p in problems] == [(1, 4)]
    assert "不是合法的" in problems[0].message


def test_collection_tag_on_scalar_is_refused():
    doc, problems = load_text(P, "a: !!map foo\n")
    assert doc is None and len(problems) == 1


# --------------------------------------------------------------------------------------------------------------
# Scalars: YAML 1.2 rules, not PyYAML's 1.1 ones
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "literal, expected",
    [
        ("09:00", "09:00"),
        ("1:30", "1:30"),
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("0123", "0123"),
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        ("2024-01-02", dt.date(2024, 1, 2)),
        ("2024-01-02T10:00:00", "2024-01-02T10:00:00"),
        ("12345", 12345),
        ("-7", -7),
        ("0", 0),
        ("1.5", 1.5),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ('"12345"', "12345"),
        ("'true'", "true"),
        ("010-0000-1234", "010-0000-1234"),
        ("11110102EX00000000", "11110102EX00000000"),
    ],
)
def test_yaml_12_scalars(literal, expected):
    value = data_of(f"a: {literal}\n")["a"]
    assert value == expected
    assert type(value) is type(expected)


def test_keys_stay_text():
    assert data_of("1: a\ntrue: b\nnull: c\n2024-01-02: d\n") == {"1": "a", "true": "b", "null": "c", "2024-01-02": "d"}


def test_invalid_date_is_a_problem():
    assert only_problem("a: 1\nb: 2024-13-45\n") == "x.yaml:2:4: “2024-13-45”不是合法的日期；请写成 YYYY-MM-DD，例如 2026-01-31"


def test_huge_integer_is_a_problem_not_a_crash():
    doc, problems = load_text(P, "a: " + "9" * 5000 + "\n")
    assert doc is None and [(p.line, p.col) for p in problems] == [(1, 4)]


def test_float_with_exponent_round_trips():
    assert data_of(yaml.safe_dump({"a": 1e20})) == {"a": 1e20}


# --------------------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------------------

#: Explicit tags on malformed scalars crash the loader (see test_bad_value_for_explicit_tag_never_raises); the
#: general "never raises" properties exclude them so that they keep guarding everything else.
_EXPLICIT_TAG = re.compile(r"!!|!<|%TAG")


def check_load_result(path: str, result) -> None:
    doc, problems = result
    if doc is not None:
        assert isinstance(doc, Document)
        assert problems == []
        assert isinstance(doc.data, dict)
        for line, col in [*doc.keys.values(), *doc.values.values()]:
            assert line >= 1 and col >= 1
    else:
        assert len(problems) >= 1
        for p in problems:
            assert isinstance(p, Problem)
            assert p.path == path
            assert p.line >= 1 and p.col >= 1
            assert p.message


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("a: [")
@example("\t")
@example("- - - -")
@example("? [a]\n: 1")
@example("a: &x 1\nb: *x\nc: *y")
@example("\x00")
@example("a:\n  - b\n  c: d")
def test_load_text_never_raises_on_arbitrary_text(text):
    assume(not _EXPLICIT_TAG.search(text))
    check_load_result(P, load_text(P, text))


_YAML_ALPHABET = st.sampled_from(list(":-[]{},&*!|>'\"#%@`?\n\t \\~.0123456789abcnoyes中文") + ["\u3000", "\r", "\ufeff", "\x85"])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_YAML_ALPHABET, max_size=60))
def test_load_text_never_raises_on_yaml_like_text(text):
    assume(not _EXPLICIT_TAG.search(text))
    check_load_result(P, load_text(P, text))


@settings(max_examples=100, deadline=None)
@given(tag=st.sampled_from(["bool", "int", "float", "timestamp", "null", "str"]), value=st.text(alphabet="abc019-:. ", max_size=8))
def test_load_text_never_raises_with_explicit_tags(tag, value):
    check_load_result(P, load_text(P, f"a: !!{tag} '{value}'\n"))


VALID_MATTER = (REPO / "matters" / "qiye-sheli-dengji.yaml").read_text(encoding="utf-8")


@st.composite
def mutated_matter(draw) -> bytes:
    """The example matter with random line shuffles, deletions and character/byte insertions."""
    lines = VALID_MATTER.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["swap", "delete", "duplicate"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "delete" and len(lines) > 1:
            del lines[i]
        else:
            lines.insert(j, lines[i])
    data = "".join(lines).encode("utf-8")
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["insert-byte", "insert-char", "delete"]))
        at = draw(st.integers(0, len(data)))
        if kind == "insert-byte":
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at:]
        elif kind == "insert-char":
            ch = draw(st.sampled_from(list(":-[]{}&*!|>'\"#\t \n%@?") + [draw(st.characters())]))
            data = data[:at] + ch.encode("utf-8", "surrogatepass") + data[at:]
        else:
            n = draw(st.integers(1, 20))
            data = data[:at] + data[at + n :]
    return data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_matter())
def test_load_never_raises_on_mutated_matter(raw):
    text, problem = decode(P, raw)
    if problem is not None:
        assert text is None and problem.line >= 1 and problem.col >= 1
        return
    assume(not _EXPLICIT_TAG.search(text))
    check_load_result(P, load_text(P, text))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
@example(b"\xef\xbb\xbf")
@example(b"\xff\xfe")
@example(b"\xd6\xd0")
@example(b"\n\n\x80")
def test_decode_never_raises(raw):
    text, problem = decode(P, raw)
    assert (text is None) != (problem is None)
    if problem is not None:
        assert problem.line >= 1 and problem.col >= 1
        assert problem.line <= raw.count(b"\n") + 1
    else:
        assert isinstance(text, str)


# --- round trip ---------------------------------------------------------------------------------------------

_KEY = st.text(alphabet=st.sampled_from(list("abcxyz_-019 ") + list("名称事项材料")), min_size=1, max_size=12)
_STRING = st.text(max_size=30).filter(
    # Two quirks of yaml.safe_dump, not of the loader: it decides quoting by YAML 1.1 rules, under which "-.5" is
    # not a number and stays unquoted (YAML 1.2 reads it as the float -0.5); and it writes a lone NEL/LS/PS inside
    # single quotes as a bare line break, which a YAML 1.1 reader such as libyaml folds into a space.
    lambda s: not re.fullmatch(r"[-+]\.[0-9]+", s) and not re.search("[\x85\u2028\u2029]", s)
)
_FLOAT = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(lambda f: "e" not in repr(f))
_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), _FLOAT, _STRING, st.dates(min_value=dt.date(1000, 1, 1)))
_DATA = st.dictionaries(
    _KEY,
    st.recursive(_LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEY, inner, max_size=4), max_leaves=15),
    max_size=6,
)

_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what libyaml counts as a line break


def _walk_keys(data, loc=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield (*loc, k)
            yield from _walk_keys(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk_keys(v, (*loc, i))


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@settings(max_examples=200, deadline=None)
@given(_DATA, st.booleans(), st.sampled_from([None, False, True]))
def test_round_trip_of_safe_dump(data, allow_unicode, flow):
    text = yaml.safe_dump(data, allow_unicode=allow_unicode, default_flow_style=flow, sort_keys=False)
    doc, problems = load_text(P, text)
    assert problems == [], text
    assert _same(doc.data, data), text
    lines = _LINE_BREAK.split(text)
    keys = list(_walk_keys(data))
    assert set(doc.keys) == set(keys)
    if allow_unicode:  # otherwise non-ASCII keys are written as \u escapes and cannot be found verbatim
        for loc in keys:
            line, col = doc.keys[loc]
            assert loc[-1] in lines[line - 1], (loc, line, text)
    for line, _col in doc.keys.values():
        assert 1 <= line <= len(lines)


# --- the builder against PyYAML's own composer ---------------------------------------------------------------


class _ReferenceLoader(_Loader):
    """PyYAML's recursive composer and constructor, on the same parser and with the loader's YAML 1.2 scalar rules:
    the reference that the event-stream builder must agree with wherever neither refuses the input. (The pure
    Python parser places some empty scalars one column off libyaml's.)"""


_ReferenceLoader.yaml_implicit_resolvers = _CoreResolver.yaml_implicit_resolvers

#: Refusals of the loader that PyYAML does not make (it keeps the last duplicate key, accepts any key ...).
_OWN_REFUSALS = (
    "重复了", "字段名是空的", "字段名只能是文字", "嵌套太深", "内容展开后超过", "文件是空的", "文件最外层应该是", "不支持 YAML 标签",
    "与内容的类型不符", "没有对应的锚点",  # PyYAML also registers an anchor on a key, where the loader does not look
)


def _reference(text: str):
    """(data, key positions, value positions) as PyYAML composes `text`, or None when it refuses it or the text
    uses an alias (PyYAML's node for an alias is the anchored node, with the anchor's position)."""
    loader = _ReferenceLoader(text)
    try:
        root = loader.get_single_node()
        keys: dict = {}
        values: dict = {}
        seen: set[int] = set()

        def walk(node, loc):
            if id(node) in seen:
                raise ValueError("alias")
            seen.add(id(node))
            values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
            if isinstance(node, yaml.MappingNode):
                data = {}
                for k, v in node.value:
                    keys[(*loc, k.value)] = (k.start_mark.line + 1, k.start_mark.column + 1)
                    data[k.value] = walk(v, (*loc, k.value))
                return data
            if isinstance(node, yaml.SequenceNode):
                return [walk(v, (*loc, i)) for i, v in enumerate(node.value)]
            return loader.construct_object(node)

        return None if root is None else (walk(root, ()), keys, values)
    except Exception:  # noqa: BLE001 - a refusal, whatever PyYAML raises (IndexError for `!!int ''` ...)
        return None
    finally:
        loader.dispose()


def check_against_reference(text: str, expected: tuple) -> None:
    doc, problems = load_text(P, text)
    if doc is None:
        assert any(word in problems[0].message for word in _OWN_REFUSALS), (text, problems)
        return
    assert expected is not None, text
    data, keys, values = expected
    assert _same(doc.data, data), text
    assert doc.keys == keys, text
    assert doc.values == values, text


@settings(max_examples=300, deadline=None)
@given(_DATA, st.booleans(), st.sampled_from([None, False, True]))
def test_builder_agrees_with_pyyaml_on_dumped_data(data, allow_unicode, flow):
    text = yaml.safe_dump(data, allow_unicode=allow_unicode, default_flow_style=flow, sort_keys=False)
    check_against_reference(text, _reference(text))


_SCALAR_TEXTS = st.sampled_from([
    "x", "a b", "中文", "09:00", "no", "on", "0123", "0o17", "0x1F", "1_000", "2024-01-02", "2024-13-45", "2024-01-02T10:00:00",
    "12345", "-7", "0", "-0", "+7", "1.5", "-.5", "1.", "1.e3", "-0.0", "true", "False", "TRUE", "null", "~", "", "'q'", '"dq"',
    '"12345"', "'true'", "!!str 12", '!!int "42"', "!!float '1.5'", "!!bool yes", "!!null x", "!!timestamp 2024-01-02", "! 12",
    "!!int x", "&a x", "*a", "!!python/name:os.system ''", "!!map x",
])
_KEY_TEXTS = st.sampled_from(["a", "b", "名称", "1", "true", "null", "'a'", '"b"', "''", "!!int 3", "[k]"])
#: ("scalar", text), or ("seq" | "map", flow style?, children); rendered as YAML by `_block` and `_flow`.
_NODES = st.recursive(
    st.tuples(st.just("scalar"), _SCALAR_TEXTS),
    lambda inner: st.tuples(st.just("seq"), st.booleans(), st.lists(inner, max_size=3))
    | st.tuples(st.just("map"), st.booleans(), st.lists(st.tuples(_KEY_TEXTS, inner), max_size=3)),
    max_leaves=12,
)


def _flow(node) -> str:
    kind, *rest = node
    if kind == "scalar":
        return rest[0]
    if kind == "seq":
        return "[" + ", ".join(_flow(c) for c in rest[1]) + "]"
    return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in rest[1]) + "}"


def _block(node, indent: str) -> str | None:
    """Block-style lines for a non-empty block collection (a map in a list uses the compact `- a: 1` form)."""
    kind, *rest = node
    if kind == "scalar" or rest[0] or not rest[1]:
        return None
    lines = []
    for item in rest[1]:
        head, child = (f"{indent}-", item) if kind == "seq" else (f"{indent}{item[0]}:", item[1])
        nested = _block(child, indent + "  ")
        if nested is None:
            lines.append(f"{head} {_flow(child)}\n")
        elif kind == "seq" and child[0] == "map":
            lines.append(f"{head} {nested[len(indent) + 2:]}")
        else:
            lines.append(f"{head}\n{nested}")
    return "".join(lines)


_YAML_TEXTS = st.lists(st.tuples(_KEY_TEXTS, _NODES), min_size=1, max_size=5).map(lambda pairs: _block(("map", False, pairs), ""))


@settings(max_examples=500, deadline=None)
@given(_YAML_TEXTS)
def test_builder_agrees_with_pyyaml_on_generated_yaml(text):
    expected = _reference(text)
    assume(expected is not None)
    check_against_reference(text, expected)


@pytest.mark.parametrize("path", sorted(p.relative_to(REPO).as_posix() for folder in ("matters", "sop", "guides", "halls", "departments", "registry") for p in (REPO / folder).glob("*.yaml")))
def test_builder_agrees_with_pyyaml_on_the_content(path):
    text = (REPO / path).read_text(encoding="utf-8")
    check_against_reference(text, _reference(text))
